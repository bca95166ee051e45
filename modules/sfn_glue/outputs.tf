output "state_machine_arn" {
  description = "ARN of the state machine."
  value       = aws_sfn_state_machine.this.arn
}

output "state_machine_name" {
  description = "Name of the state machine."
  value       = aws_sfn_state_machine.this.name
}

output "role_arn" {
  description = "ARN of the state machine's IAM role."
  value       = module.state_machine_role.arn
}

output "role_name" {
  description = "Name of the state machine's IAM role."
  value       = module.state_machine_role.name
}

output "failure_topic_arn" {
  description = "ARN of the SNS topic failed executions are published to (created or passed in)."
  value       = local.topic_arn
}

output "log_group_name" {
  description = "Name of the execution log group, or null when logging.level is \"OFF\"."
  value       = local.logging_enabled ? module.log_group[0].name : null
}

output "log_group_arn" {
  description = "ARN of the execution log group, or null when logging.level is \"OFF\"."
  value       = local.logging_enabled ? module.log_group[0].arn : null
}

output "kms_key_arn" {
  description = "ARN of the KMS key of the log group and created topic (created or passed in), or null when neither exists."
  value       = local.kms_key_arn
}

output "schedule_rule_name" {
  description = "Name of the EventBridge rule that starts executions on the schedule, or null without a schedule."
  value       = local.create_schedule ? aws_cloudwatch_event_rule.schedule[0].name : null
}

output "schedule_role_arn" {
  description = "ARN of the role the schedule starts executions with, or null without a schedule."
  value       = local.create_schedule ? module.schedule_role[0].arn : null
}

output "definition" {
  description = "The state machine definition (Amazon States Language JSON) as deployed."
  value       = aws_sfn_state_machine.this.definition
}

output "required_input_paths" {
  description = "JSONPaths of the execution input the jobs read; an execution without one of them fails with MissingInput before any job run starts."
  value       = local.input_paths
}
