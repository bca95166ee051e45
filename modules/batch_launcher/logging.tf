# The launcher's log group: structured JSON, one line a step, encrypted with the module's key.

module "launcher_log_group" {
  source = "../_parts/log_group"

  name           = local.log_group_name
  retention_days = var.log_retention_days
  kms_key_arn    = local.kms_key_arn
  tags           = var.tags
}
