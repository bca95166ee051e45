output "name" {
  description = "Log group name."
  value       = aws_cloudwatch_log_group.this.name
}

output "arn" {
  description = "Log group ARN (without the \":*\" suffix)."
  value       = aws_cloudwatch_log_group.this.arn
}

output "retention_days" {
  description = "Days the group keeps its events."
  value       = aws_cloudwatch_log_group.this.retention_in_days
}

output "kms_key_arn" {
  description = "The key the group is encrypted with."
  value       = aws_cloudwatch_log_group.this.kms_key_id
}
