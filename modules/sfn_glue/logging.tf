# The log group execution history goes to (vended-logs prefix, as AWS recommends for Step Functions: it keeps
# the CloudWatch Logs resource policy small).

locals {
  log_group_name = "/aws/vendedlogs/states/${var.name}"
  log_group_arn  = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.log_group_name}"
}

resource "aws_cloudwatch_log_group" "this" {
  # checkov:skip=CKV_AWS_338:Retention is the caller's choice (logging.retention_days, validated); a year of execution history is rarely wanted.
  count = local.logging_enabled ? 1 : 0

  name              = local.log_group_name
  retention_in_days = var.logging.retention_days
  kms_key_id        = local.kms_key_arn
  tags              = var.tags
}
