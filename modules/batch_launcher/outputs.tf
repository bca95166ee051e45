output "function_name" {
  description = "Name of the launcher Lambda."
  value       = aws_lambda_function.launcher.function_name
}

output "function_arn" {
  description = "ARN of the launcher Lambda."
  value       = aws_lambda_function.launcher.arn
}

output "role_name" {
  description = "Name of the launcher's IAM role."
  value       = module.launcher_role.name
}

output "log_group_name" {
  description = "The launcher's CloudWatch log group (structured JSON, one line a step)."
  value       = module.launcher_log_group.name
}

output "event_rule_name" {
  description = "Name of the EventBridge rule on the dependency queues' Batch Job State Change events."
  value       = aws_cloudwatch_event_rule.batch_finished.name
}

output "event_rule_arn" {
  description = "ARN of the EventBridge rule."
  value       = aws_cloudwatch_event_rule.batch_finished.arn
}

output "dead_letter_queue_url" {
  description = "URL of the SQS queue that keeps events the launcher could not be given or could not handle."
  value       = aws_sqs_queue.dead_letters.id
}

output "dead_letter_queue_arn" {
  description = "ARN of the dead-letter queue."
  value       = aws_sqs_queue.dead_letters.arn
}

output "athena_workgroup_name" {
  description = "Name of the Athena workgroup the launcher's DDL runs in (and in which to query the results)."
  value       = aws_athena_workgroup.this.name
}

output "database_name" {
  description = "Name of the Glue database holding the four result tables."
  value       = aws_glue_catalog_database.results.name
}

output "result_tables" {
  description = "The four result tables by kind: Athena name and S3 location of their Parquet files."
  value       = { for kind in local.table_kinds : kind => { name = local.table_names[kind], location = local.table_locations[kind] } }
}

output "glue_job_name" {
  description = "Name of the manifest-comparison Glue job."
  value       = module.comparison_job.job_name
}

output "glue_job_arn" {
  description = "ARN of the manifest-comparison Glue job."
  value       = module.comparison_job.job_arn
}

output "glue_job_role_name" {
  description = "Name of the Glue job's IAM role."
  value       = module.comparison_job.role_name
}

output "kms_key_arn" {
  description = "ARN of the KMS key of the launcher's environment, logs, dead-letter queue and Athena results (created or passed in)."
  value       = local.kms_key_arn
}

output "lambda_environment" {
  description = "The launcher's environment as rendered from the inputs (no secrets)."
  value       = local.lambda_environment
}

output "glue_job_kms_key_arn" {
  description = "ARN of the Glue job's KMS key, which encrypts the result objects: readers of the tables need kms:Decrypt on it."
  value       = module.comparison_job.kms_key_arn
}
