# The customer-managed key (unless one is passed in): the pipeline's artifact store (bucket default encryption and
# the pipeline's artifact store encryption_key), the deployer's environment and log group, and a created approval
# topic. The pipeline and the deployer use it through their roles' IAM grants (iam.tf); the key policy adds only
# CloudWatch Logs, for the deployer's log group.

locals {
  create_kms_key = var.kms_key_arn == null
  kms_key_arn    = local.create_kms_key ? module.kms_key[0].key_arn : var.kms_key_arn

  # The created key's service grants (besides the account root, which administers it through IAM), as data so the
  # tests can read them.
  kms_service_grants = [
    {
      sid     = "CloudWatchLogsEncryptsTheDeployerLogGroup"
      service = "logs.${local.region}.amazonaws.com"
      actions = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
      conditions = [{
        test     = "ArnEquals"
        variable = "kms:EncryptionContext:aws:logs:arn"
        values   = [local.log_group_arn]
      }]
    },
  ]
}

module "kms_key" {
  source = "../_parts/kms_key"
  count  = local.create_kms_key ? 1 : 0

  name                    = "${var.name}-codepipeline-glue"
  description             = "Glue deploy pipeline ${var.name}: artifacts, deployer environment and logs, approval notifications"
  deletion_window_in_days = var.kms_key_deletion_window_days
  service_grants          = local.kms_service_grants
  tags                    = var.tags
}
