# A KMS-encrypted log group with a retention CloudWatch Logs accepts: the one place the list is checked.

resource "aws_cloudwatch_log_group" "this" {
  # checkov:skip=CKV_AWS_338:Retention is the caller's choice (log_retention_days, validated here); a year of job or function logs is rarely wanted.
  name              = var.name
  retention_in_days = var.retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}
