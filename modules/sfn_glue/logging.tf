# The log group execution history goes to (vended-logs prefix, as AWS recommends for Step Functions: it keeps
# the CloudWatch Logs resource policy small).

locals {
  log_group_name = "/aws/vendedlogs/states/${var.name}"
  log_group_arn  = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.log_group_name}"
}

module "log_group" {
  source = "../_parts/log_group"
  count  = local.logging_enabled ? 1 : 0

  name           = local.log_group_name
  retention_days = var.log_retention_days
  kms_key_arn    = local.kms_key_arn
  tags           = var.tags
}
