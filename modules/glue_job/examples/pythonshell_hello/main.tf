# The smallest useful job: a Python shell script that logs a message, with failure alerts to a new topic.
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
  description = "Name of the example job (and prefix of what the module creates)."
  type        = string
  default     = "hello-shell-example"
}

module "hello_shell" {
  source = "../.."

  name        = var.name
  description = "Logs a greeting: the glue_job module's pythonshell example"
  job_type    = "pythonshell"
  # pythonshell defaults: glue_version 3.0 (Python 3.9), max_capacity 0.0625, no workers.
  script_path = "${path.module}/../../../../src/glue/jobs/hello_shell.py"

  default_arguments = {
    "--message" = "hello from the glue_job module"
  }

  failure_topic = {}

  # The example is torn down often; nothing in its bucket is worth keeping.
  force_destroy                = true
  kms_key_deletion_window_days = 7

  tags = {
    example = "glue_job/pythonshell_hello"
  }
}

output "job_name" {
  description = "Name of the Glue job."
  value       = module.hello_shell.job_name
}

output "role_name" {
  description = "Name of the job's IAM role."
  value       = module.hello_shell.role_name
}

output "script_s3_uri" {
  description = "S3 URI of the uploaded script."
  value       = module.hello_shell.script_s3_uri
}

output "kms_key_arn" {
  description = "ARN of the job's KMS key."
  value       = module.hello_shell.kms_key_arn
}

output "alert_topic_arn" {
  description = "ARN of the topic failure alerts go to."
  value       = module.hello_shell.alert_topic_arn
}
