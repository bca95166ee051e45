# The customer-managed KMS key of the log group and the created failure topic (unless one is passed in, or
# neither exists).

locals {
  create_kms_key = var.kms_key_arn == null && (local.logging_enabled || local.create_topic)
  kms_key_arn    = var.kms_key_arn != null ? var.kms_key_arn : (local.create_kms_key ? module.kms_key[0].key_arn : null)

  # The key's service grants, as data so the tests can read them: CloudWatch Logs may use the key for this
  # state machine's log group only. SNS needs no grant: the publisher (the state machine's role) has it.
  kms_service_grants = local.logging_enabled ? [{
    sid     = "CloudWatchLogsEncryptsThisLogGroupOnly"
    service = "logs.${local.region}.amazonaws.com"
    actions = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"]
    conditions = [{
      test     = "ArnEquals"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = [local.log_group_arn]
    }]
  }] : []
}

module "kms_key" {
  source = "../_parts/kms_key"
  count  = local.create_kms_key ? 1 : 0

  name                    = "${var.name}-sfn-glue"
  description             = "Step Functions ${var.name}: execution logs and failure notifications"
  deletion_window_in_days = var.kms_key_deletion_window_days
  service_grants          = local.kms_service_grants
  tags                    = var.tags
}
