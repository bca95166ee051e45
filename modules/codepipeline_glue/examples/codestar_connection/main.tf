# The Glue sources on GitHub: the module creates a CodeStar connection, PENDING until someone completes the
# handshake in the console (the module's README, "Completing a CodeStar connection"). From then on a push to main
# of var.repository that touches the job's script or library (the V2 trigger's file-path filter, derived from the
# target) deploys the JSON-to-Parquet job and runs it. The job comes from modules/glue_job with
# code_deployed_by = "pipeline", first created with this repository's src/glue/jobs/json_to_parquet.py and
# build/glue/etl_lib.zip (`make build`); the example brings an encrypted data bucket (modules/_parts).

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
  description = "Name of the example pipeline (and prefix of what the example creates; the job is <name>-dev)."
  type        = string
  default     = "glue-github-example"
}

variable "repository" {
  description = "The GitHub repository holding the Glue sources, \"owner/name\" (its src/glue/jobs/json_to_parquet.py and src/glue/etl_lib)."
  type        = string
  default     = "example-org/glue-platform"
}

data "aws_caller_identity" "current" {}

locals {
  repository_root = "${path.module}/../../../.."
  data_bucket     = "${var.name}-data-${data.aws_caller_identity.current.account_id}"
  data_uri        = "s3://${local.data_bucket}"

  # The target columns: etl_lib.mapping's format (source path in the JSON record -> typed column).
  mapping = [
    { source = "order_id", target = "order_id", type = "bigint", required = true },
    { source = "amount", target = "amount", type = "decimal(12,2)" },
    { source = "order_date", target = "order_date", type = "date", required = true },
  ]
}

# ---------------------------------------------------------------- the data the job reads and writes

module "data_key" {
  source = "../../../_parts/kms_key"

  name                    = "${var.name}-data"
  description             = "${var.name} data"
  deletion_window_in_days = 7
}

module "data_bucket" {
  source = "../../../_parts/secure_bucket"

  name        = local.data_bucket
  kms_key_arn = module.data_key.key_arn
  # The example is torn down often; nothing in its bucket is worth keeping.
  force_destroy = true
}

# ---------------------------------------------------------------- the job the pipeline deploys

module "dev_job" {
  source = "../../../glue_job"

  name        = "${var.name}-dev"
  description = "Orders JSON lines to Parquet, deployed from ${var.repository} by pipeline ${var.name}"
  # The first version, until the first deploy: then the pipeline points the job at each commit's code.
  script_path      = "${local.repository_root}/src/glue/jobs/json_to_parquet.py"
  library_path     = "${local.repository_root}/build/glue/etl_lib.zip"
  code_deployed_by = "pipeline"

  number_of_workers = 2
  timeout           = 30

  data_access = {
    read_prefixes  = ["${local.data_uri}/raw/orders/"]
    write_prefixes = ["${local.data_uri}/curated/orders/", "${local.data_uri}/quarantine/orders/"]
    kms_key_arns   = [module.data_key.key_arn]
  }

  default_arguments = {
    "--input_path"      = "${local.data_uri}/raw/orders/"
    "--output_path"     = "${local.data_uri}/curated/orders/"
    "--quarantine_path" = "${local.data_uri}/quarantine/orders/"
    "--mapping"         = jsonencode(local.mapping)
  }

  force_destroy                = true
  kms_key_deletion_window_days = 7
  log_retention_days           = 7

  tags = {
    example = "codepipeline_glue/codestar_connection"
  }
}

# ---------------------------------------------------------------- the pipeline

module "pipeline" {
  source = "../.."

  name                = var.name
  lambda_package_path = "${local.repository_root}/build/lambdas/glue_deployer.zip"

  # No connection_arn: a GitHub connection is created, PENDING until its handshake is completed.
  # file_paths left out: only pushes touching the target's script or library start the pipeline.
  codestar = {
    full_repository_id = var.repository
  }

  targets = [{
    name              = "dev"
    job_name          = module.dev_job.job_name
    job_arn           = module.dev_job.job_arn
    role_arn          = module.dev_job.role_arn
    script_bucket     = module.dev_job.script_bucket
    deployment_prefix = module.dev_job.deployment_prefix
    kms_key_arn       = module.dev_job.kms_key_arn
    code_deployed_by  = module.dev_job.code_deployed_by
    script_path       = "src/glue/jobs/json_to_parquet.py"
    library_dir       = "src/glue/etl_lib"
  }]

  # The example is torn down often; nothing in it is worth keeping.
  force_destroy                = true
  kms_key_deletion_window_days = 7
  log_retention_days           = 7

  tags = {
    example = "codepipeline_glue/codestar_connection"
  }
}

# ---------------------------------------------------------------- outputs

output "connection_arn" {
  description = "The CodeStar connection: complete its handshake in the console (Developer Tools > Settings > Connections)."
  value       = module.pipeline.connection_arn
}

output "connection_status" {
  description = "PENDING until the handshake is completed, then AVAILABLE."
  value       = module.pipeline.connection_status
}

output "trigger_file_paths" {
  description = "What a push to main must touch to start the pipeline."
  value       = module.pipeline.trigger_file_paths
}

output "pipeline_name" {
  description = "Name of the pipeline."
  value       = module.pipeline.pipeline_name
}

output "pipeline_arn" {
  description = "ARN of the pipeline."
  value       = module.pipeline.pipeline_arn
}

output "stage_names" {
  description = "The pipeline's stages in order."
  value       = module.pipeline.stage_names
}

output "user_parameters" {
  description = "The deployer's UserParameters per target."
  value       = module.pipeline.user_parameters
}

output "function_name" {
  description = "The deployer Lambda."
  value       = module.pipeline.function_name
}

output "artifact_bucket" {
  description = "The pipeline's artifact bucket."
  value       = module.pipeline.artifact_bucket
}

output "kms_key_arn" {
  description = "The pipeline's key."
  value       = module.pipeline.kms_key_arn
}

output "pipeline_role_arn" {
  description = "The pipeline's role."
  value       = module.pipeline.pipeline_role_arn
}

output "deployer_role_arn" {
  description = "The deployer's role."
  value       = module.pipeline.deployer_role_arn
}

output "job_name" {
  description = "The Glue job the pipeline deploys."
  value       = module.dev_job.job_name
}
