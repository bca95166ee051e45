# The batch launcher waiting on one Batch job queue of its own: when a job on it ends and the queue has
# drained, the launcher clears the previous results, rebuilds the four Athena tables and starts the
# manifest comparison. Needs `make build` (build/lambdas/batch_launcher.zip, build/glue/etl_lib.zip); the
# job script is this repository's src/glue/jobs/manifest_comparison.py, passed in like the two builds.
# The example brings an encrypted data bucket (manifests, results, Athena results; modules/_parts) and an
# UNMANAGED compute environment for its queue.

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
  description = "Name of the example pipeline (and prefix of what the example creates)."
  type        = string
  default     = "manifests-example"
}

data "aws_caller_identity" "current" {}

locals {
  repository_root = "${path.module}/../../../.."
  data_bucket     = "${var.name}-data-${data.aws_caller_identity.current.account_id}"
  data_uri        = "s3://${local.data_bucket}"
}

# ---------------------------------------------------------------- the data the pipeline reads and writes

module "data_key" {
  source = "../../../_parts/kms_key"

  name                    = "${var.name}-data"
  description             = "${var.name} data"
  deletion_window_in_days = 7
}

# Versioned (the part's default): the launcher deletes last run's results before each run; versions keep them
# recoverable.
module "data_bucket" {
  source = "../../../_parts/secure_bucket"

  name        = local.data_bucket
  kms_key_arn = module.data_key.key_arn
  # The example is torn down often; nothing in its bucket is worth keeping.
  force_destroy = true
}

# ---------------------------------------------------------------- the Batch queue the launcher waits for

data "aws_iam_policy_document" "assume_by_batch" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["batch.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "batch_service" {
  name               = "${var.name}-batch-service"
  assume_role_policy = data.aws_iam_policy_document.assume_by_batch.json
}

# What Batch does for an UNMANAGED compute environment: manage the ECS cluster behind it. (The AWS-managed
# AWSBatchServiceRole grants more, for managed environments; the emulator does not carry AWS-managed policies.)
data "aws_iam_policy_document" "batch_service" {
  # checkov:skip=CKV_AWS_356:ECS cluster actions on the cluster Batch names itself: its ARN is not known in advance.
  # checkov:skip=CKV_AWS_111:ECS cluster actions on the cluster Batch names itself: its ARN is not known in advance.
  statement {
    sid = "ManageTheEcsCluster"
    actions = [
      "ecs:CreateCluster",
      "ecs:DeleteCluster",
      "ecs:DescribeClusters",
      "ecs:DescribeContainerInstances",
      "ecs:ListClusters",
      "ecs:ListContainerInstances",
    ]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "batch_service" {
  name   = "unmanaged-compute-environment"
  role   = aws_iam_role.batch_service.id
  policy = data.aws_iam_policy_document.batch_service.json
}

# UNMANAGED: the example runs no jobs, it only needs a queue whose jobs' events the rule matches.
resource "aws_batch_compute_environment" "imports" {
  compute_environment_name = "${var.name}-imports"
  type                     = "UNMANAGED"
  state                    = "ENABLED"
  service_role             = aws_iam_role.batch_service.arn

  depends_on = [aws_iam_role_policy.batch_service]
}

resource "aws_batch_job_queue" "imports" {
  name     = "${var.name}-imports"
  state    = "ENABLED"
  priority = 1

  compute_environment_order {
    order               = 1
    compute_environment = aws_batch_compute_environment.imports.arn
  }
}

# ---------------------------------------------------------------- the launcher and the comparison job

module "launcher" {
  source = "../.."

  name                = var.name
  lambda_package_path = "${local.repository_root}/build/lambdas/batch_launcher.zip"
  glue_library_path   = "${local.repository_root}/build/glue/etl_lib.zip"
  glue_script_path    = "${local.repository_root}/src/glue/jobs/manifest_comparison.py"

  dependency_queue_arns = [aws_batch_job_queue.imports.arn]

  import_manifest_location = "${local.data_uri}/manifests/import/"
  export_manifest_location = "${local.data_uri}/manifests/export/"
  results_location         = "${local.data_uri}/comparison/"
  query_results_location   = "${local.data_uri}/athena-results/"
  clear_prefixes           = ["${local.data_uri}/comparison/"]
  data_kms_key_arns        = [module.data_key.key_arn]

  snapshot_type           = "incremental"
  import_type             = "streaming_main"
  margin_of_error_minutes = 2
  max_daily_runs          = 1

  # The example is torn down often; nothing in it is worth keeping.
  force_destroy                = true
  kms_key_deletion_window_days = 7

  tags = {
    example = "batch_launcher/basic"
  }
}

output "function_name" {
  description = "Name of the launcher Lambda."
  value       = module.launcher.function_name
}

output "role_name" {
  description = "Name of the launcher's IAM role."
  value       = module.launcher.role_name
}

output "log_group_name" {
  description = "The launcher's log group."
  value       = module.launcher.log_group_name
}

output "event_rule_name" {
  description = "Name of the rule on the queue's Batch Job State Change events."
  value       = module.launcher.event_rule_name
}

output "event_rule_arn" {
  description = "ARN of the rule."
  value       = module.launcher.event_rule_arn
}

output "dead_letter_queue_url" {
  description = "URL of the dead-letter queue."
  value       = module.launcher.dead_letter_queue_url
}

output "dead_letter_queue_arn" {
  description = "ARN of the dead-letter queue."
  value       = module.launcher.dead_letter_queue_arn
}

output "athena_workgroup_name" {
  description = "The launcher's Athena workgroup."
  value       = module.launcher.athena_workgroup_name
}

output "database_name" {
  description = "The Glue database of the result tables."
  value       = module.launcher.database_name
}

output "result_tables" {
  description = "The four result tables: name and location."
  value       = module.launcher.result_tables
}

output "glue_job_name" {
  description = "The manifest-comparison Glue job."
  value       = module.launcher.glue_job_name
}

output "glue_job_arn" {
  description = "ARN of the manifest-comparison Glue job."
  value       = module.launcher.glue_job_arn
}

output "kms_key_arn" {
  description = "The launcher's KMS key."
  value       = module.launcher.kms_key_arn
}

output "lambda_environment" {
  description = "The launcher's environment as rendered."
  value       = module.launcher.lambda_environment
}

output "job_queue_arn" {
  description = "ARN of the example's Batch job queue (the launcher's dependency)."
  value       = aws_batch_job_queue.imports.arn
}

output "job_queue_name" {
  description = "Name of the example's Batch job queue."
  value       = aws_batch_job_queue.imports.name
}

output "data_bucket" {
  description = "The example's data bucket."
  value       = module.data_bucket.id
}
