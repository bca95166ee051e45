# The log group continuous logging writes to (Spark jobs only; Glue offers it nowhere else).

resource "aws_cloudwatch_log_group" "job" {
  # checkov:skip=CKV_AWS_338:Retention is the caller's choice (var.log_retention_days, validated); a year of ETL driver logs is rarely wanted.
  count = local.create_log_group ? 1 : 0

  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = local.kms_key_arn
  tags              = var.tags
}
