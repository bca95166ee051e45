# The deployer's log group: one JSON line a step (pipeline job id, commit), encrypted with the module's key.

module "deployer_log_group" {
  source = "../_parts/log_group"

  name           = local.log_group_name
  retention_days = var.log_retention_days
  kms_key_arn    = local.kms_key_arn
  tags           = var.tags
}
