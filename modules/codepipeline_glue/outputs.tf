# ------------------------------------------------------------------ the pipeline

output "pipeline_name" {
  description = "Name of the pipeline."
  value       = aws_codepipeline.this.name
}

output "pipeline_arn" {
  description = "ARN of the pipeline."
  value       = aws_codepipeline.this.arn
}

output "stage_names" {
  description = "The pipeline's stages in order: \"Source\", then per target \"Approve-<name>\" (with approval_before) and \"<name>\"."
  value       = local.stage_names
}

output "user_parameters" {
  description = "The deployer's UserParameters (JSON) of each target's Deploy action, by target name."
  value       = local.user_parameters
}

# ------------------------------------------------------------------ the source

output "repository_name" {
  description = "Name of the CodeCommit repository (created or existing), or null with a CodeStar connection."
  value       = local.repository_name
}

output "repository_arn" {
  description = "ARN of the CodeCommit repository, or null."
  value       = local.repository_arn
}

output "clone_url_http" {
  description = "HTTPS clone URL of the CodeCommit repository, or null."
  value       = local.clone_url_http
}

output "clone_url_ssh" {
  description = "SSH clone URL of the CodeCommit repository, or null."
  value       = local.clone_url_ssh
}

output "source_rule_name" {
  description = "Name of the EventBridge rule that starts the pipeline on pushes to the CodeCommit branch, or null."
  value       = local.use_codecommit ? aws_cloudwatch_event_rule.source_push[0].name : null
}

output "connection_arn" {
  description = "ARN of the CodeStar connection (created or passed in), or null with CodeCommit."
  value       = local.connection_arn
}

output "connection_status" {
  description = "Status of the CodeStar connection: PENDING until its handshake is completed in the console (README), then AVAILABLE; null with CodeCommit."
  value       = local.connection_status
}

output "trigger_file_paths" {
  description = "File-path globs a push must touch to start the pipeline (CodeStar connection; [] = any file), or [] with CodeCommit."
  value       = local.trigger_file_paths
}

# ------------------------------------------------------------------ the deployer

output "function_name" {
  description = "Name of the deployer Lambda."
  value       = aws_lambda_function.deployer.function_name
}

output "function_arn" {
  description = "ARN of the deployer Lambda."
  value       = aws_lambda_function.deployer.arn
}

output "log_group_name" {
  description = "The deployer's CloudWatch log group (JSON lines with pipeline job id and commit)."
  value       = module.deployer_log_group.name
}

# ------------------------------------------------------------------ storage, encryption, access

output "artifact_bucket" {
  description = "Name of the artifact bucket (each execution's source zip)."
  value       = module.artifact_bucket.id
}

output "kms_key_arn" {
  description = "ARN of the key of the artifact store, the deployer's environment and logs, and a created approval topic (created or passed in)."
  value       = local.kms_key_arn
}

output "pipeline_role_arn" {
  description = "ARN of the pipeline's role."
  value       = module.pipeline_role.arn
}

output "deployer_role_arn" {
  description = "ARN of the deployer's role."
  value       = module.deployer_role.arn
}

output "source_events_role_arn" {
  description = "ARN of the role the CodeCommit source rule starts the pipeline with, or null with a CodeStar connection."
  value       = local.use_codecommit ? module.source_events_role[0].arn : null
}

output "approval_topic_arn" {
  description = "ARN of the topic approval stages notify (created or passed in), or null."
  value       = local.approval_topic_arn
}
