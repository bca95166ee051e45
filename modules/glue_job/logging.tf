# The log group continuous logging writes to (Spark jobs only; Glue offers it nowhere else).

module "log_group" {
  source = "../_parts/log_group"
  count  = local.create_log_group ? 1 : 0

  name           = local.log_group_name
  retention_days = var.log_retention_days
  kms_key_arn    = local.kms_key_arn
  tags           = var.tags
}
