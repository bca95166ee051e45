output "job_name" {
  description = "Name of the Glue job."
  value       = local.job.name
}

output "job_arn" {
  description = "ARN of the Glue job."
  value       = local.job.arn
}

output "role_name" {
  description = "Name of the job's IAM role (created, or taken from role_arn). Attach further policies here for sources the module does not model."
  value       = local.role_name
}

output "role_arn" {
  description = "ARN of the job's IAM role."
  value       = local.role_arn
}

output "script_s3_uri" {
  description = "S3 URI of the uploaded script (the job's script location)."
  value       = local.script_s3_uri
}

output "library_s3_uri" {
  description = "S3 URI of the uploaded shared library (--extra-py-files), or null."
  value       = local.library_s3_uri
}

output "dependency_wheel_s3_uris" {
  description = "S3 URIs of the uploaded dependency_wheels (the job's --additional-python-modules), sorted by file name; [] without them."
  value       = local.dependency_wheel_s3_uris
}

output "script_bucket" {
  description = "Name of the bucket holding the script and library (created or passed in)."
  value       = local.bucket_name
}

output "log_group_name" {
  description = "Name of the job's continuous-logging log group, or null when none is created (pythonshell, or continuous logging off)."
  value       = local.create_log_group ? module.log_group[0].name : null
}

output "security_configuration_name" {
  description = "Name of the job's Glue security configuration."
  value       = aws_glue_security_configuration.this.name
}

output "kms_key_arn" {
  description = "ARN of the KMS key the job's artifacts, logs, bookmarks and output are encrypted with (created or passed in)."
  value       = local.kms_key_arn
}

output "alert_topic_arn" {
  description = "ARN of the SNS topic failure alerts go to, or null when alerting is off."
  value       = local.alert_topic_arn
}

output "data_quality_ruleset_name" {
  description = "Name of the Glue Data Quality ruleset, or null."
  value       = var.data_quality != null ? aws_glue_data_quality_ruleset.this[0].name : null
}

output "default_arguments" {
  description = "The job's default arguments as rendered (typed inputs merged with default_arguments)."
  value       = local.job.default_arguments
}

output "deployment_prefix" {
  description = "Key prefix in script_bucket where a pipeline uploads each commit's code (with code_deployed_by = \"pipeline\" the role may read it)."
  value       = local.deployment_prefix
}

output "code_deployed_by" {
  description = "Who points the job at its code: \"terraform\" or \"pipeline\"."
  value       = var.code_deployed_by
}

output "engine" {
  description = "What runs the script: \"spark\" (a Spark job, engine = \"spark\" or a glueetl/gluestreaming job made without engine), \"duckdb\", or null (a pythonshell job made without engine)."
  value       = local.engine
}

output "job_type" {
  description = "The job's command name: \"glueetl\", \"gluestreaming\" or \"pythonshell\" (from job_type, or from engine when job_type is null)."
  value       = local.job_type
}
