# The sfn-glue-sync seed: a state machine runs a Python-shell Glue job with the execution input's "message" as
# --message and waits for the run to end. Start it with {"message": "hello"}: the execution ends when the job
# run ends, SUCCEEDED with the run in its output, or in the Fail state after one message to the failure topic.
# An input without "message" fails (MissingInput) before any job run starts.
# Apply from this directory; the script is the repository's src/glue/jobs/hello_shell.py.

terraform {
  required_version = ">= 1.7"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 6.0"
    }
  }
}

provider "aws" {}

variable "name" {
  description = "Name of the example job and state machine (and prefix of what the modules create)."
  type        = string
  default     = "sfn-hello-shell"
}

module "hello_job" {
  source = "../../../glue_job"

  name        = var.name
  description = "Logs the --message the state machine passes"
  job_type    = "pythonshell"
  script_path = "${path.module}/../../../../src/glue/jobs/hello_shell.py"
  # No default --message: it comes from each execution's input.

  # The example is torn down often; nothing in its bucket is worth keeping.
  force_destroy                = true
  kms_key_deletion_window_days = 7

  tags = {
    example = "sfn_glue/pythonshell_hello"
  }
}

module "hello_state_machine" {
  source = "../.."

  name = var.name
  jobs = [{
    name            = module.hello_job.job_name
    input_arguments = { "--message" = "$.message" }
  }]

  kms_key_deletion_window_days = 7

  tags = {
    example = "sfn_glue/pythonshell_hello"
  }
}

output "job_name" {
  description = "Name of the Glue job."
  value       = module.hello_job.job_name
}

output "state_machine_arn" {
  description = "ARN of the state machine: start it with {\"message\": \"...\"}."
  value       = module.hello_state_machine.state_machine_arn
}

output "state_machine_name" {
  description = "Name of the state machine."
  value       = module.hello_state_machine.state_machine_name
}

output "role_name" {
  description = "Name of the state machine's role."
  value       = module.hello_state_machine.role_name
}

output "failure_topic_arn" {
  description = "ARN of the topic failed executions are published to."
  value       = module.hello_state_machine.failure_topic_arn
}

output "log_group_name" {
  description = "The state machine's execution log group."
  value       = module.hello_state_machine.log_group_name
}

output "kms_key_arn" {
  description = "ARN of the state machine's KMS key (log group and topic)."
  value       = module.hello_state_machine.kms_key_arn
}

output "definition" {
  description = "The state machine definition."
  value       = module.hello_state_machine.definition
}
