# The customer-managed key (unless one is passed in) for the launcher's environment variables, log group
# and dead-letter queue, and the Athena query results.

locals {
  create_kms_key = var.kms_key_arn == null
  kms_key_arn    = local.create_kms_key ? module.kms_key[0].key_arn : var.kms_key_arn

  # The created key's service grants (besides the account root, which administers it through IAM), as data
  # so the tests can read them.
  kms_service_grants = [
    {
      sid     = "CloudWatchLogsEncryptsTheLauncherLogGroup"
      service = "logs.${local.region}.amazonaws.com"
      actions = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
      conditions = [{
        test     = "ArnEquals"
        variable = "kms:EncryptionContext:aws:logs:arn"
        values   = [local.log_group_arn]
      }]
    },
    # EventBridge encrypts the events it cannot deliver into the (KMS-encrypted) dead-letter queue.
    {
      sid     = "EventBridgeSendsToTheDeadLetterQueue"
      service = "events.amazonaws.com"
      actions = ["kms:Decrypt", "kms:GenerateDataKey"]
      conditions = [{
        test     = "ArnEquals"
        variable = "aws:SourceArn"
        values   = [local.rule_arn]
      }]
    },
  ]
}

module "kms_key" {
  source = "../_parts/kms_key"
  count  = local.create_kms_key ? 1 : 0

  name                    = "${var.name}-batch-launcher"
  description             = "Batch launcher ${var.name}: Lambda environment, logs, dead-letter queue and Athena results"
  deletion_window_in_days = var.kms_key_deletion_window_days
  service_grants          = local.kms_service_grants
  tags                    = var.tags
}
