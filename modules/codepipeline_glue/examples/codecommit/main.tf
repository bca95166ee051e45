# A push to main of a new CodeCommit repository deploys the JSON-to-Parquet job to dev, runs it, and, once someone
# approves, to prod. Both jobs come from modules/glue_job with code_deployed_by = "pipeline": Terraform creates
# them with this repository's src/glue/jobs/json_to_parquet.py and build/glue/etl_lib.zip (`make build`), and
# from then on the pipeline deploys each pushed commit's src/glue/jobs/json_to_parquet.py and src/glue/etl_lib.
# The example brings an encrypted data bucket (modules/_parts) with a prefix per environment.
#
# After apply, push the Glue sources (the paths in targets[*] are paths in that repository):
#   git remote add glue "$(terraform output -raw clone_url_http)"   # with the git-remote-codecommit helper or
#   git push glue HEAD:main                                          # HTTPS Git credentials for CodeCommit

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
  description = "Name of the example pipeline (and prefix of what the example creates; the jobs are <name>-dev and <name>-prod)."
  type        = string
  default     = "glue-deploy-example"
}

data "aws_caller_identity" "current" {}

locals {
  repository_root = "${path.module}/../../../.."
  data_bucket     = "${var.name}-data-${data.aws_caller_identity.current.account_id}"
  data_uri        = "s3://${local.data_bucket}"

  # dev first, then prod after a manual approval.
  environments = ["dev", "prod"]

  # The target columns: etl_lib.mapping's format (source path in the JSON record -> typed column).
  mapping = [
    { source = "order_id", target = "order_id", type = "bigint", required = true },
    { source = "customer.id", target = "customer_id", type = "string", required = true },
    { source = "amount", target = "amount", type = "decimal(12,2)" },
    { source = "order_date", target = "order_date", type = "date", required = true },
  ]
}

# ---------------------------------------------------------------- the data the jobs read and write

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

# ---------------------------------------------------------------- the jobs the pipeline deploys

module "jobs" {
  source   = "../../../glue_job"
  for_each = toset(local.environments)

  name        = "${var.name}-${each.key}"
  description = "Orders JSON lines to Parquet (${each.key}), deployed by pipeline ${var.name}"
  # The first version, until the first push: from then on the pipeline points the job at each commit's code,
  # and Terraform leaves the script location and --extra-py-files as the pipeline set them.
  script_path      = "${local.repository_root}/src/glue/jobs/json_to_parquet.py"
  library_path     = "${local.repository_root}/build/glue/etl_lib.zip"
  code_deployed_by = "pipeline"

  number_of_workers = 2
  timeout           = 30

  data_access = {
    read_prefixes  = ["${local.data_uri}/${each.key}/raw/orders/"]
    write_prefixes = ["${local.data_uri}/${each.key}/curated/orders/", "${local.data_uri}/${each.key}/quarantine/orders/"]
    kms_key_arns   = [module.data_key.key_arn]
  }

  # Static arguments live on the job; the pipeline changes only the code.
  default_arguments = {
    "--input_path"      = "${local.data_uri}/${each.key}/raw/orders/"
    "--output_path"     = "${local.data_uri}/${each.key}/curated/orders/"
    "--quarantine_path" = "${local.data_uri}/${each.key}/quarantine/orders/"
    "--mapping"         = jsonencode(local.mapping)
    "--dq_policy"       = "quarantine"
  }

  force_destroy                = true
  kms_key_deletion_window_days = 7
  log_retention_days           = 7

  tags = {
    example = "codepipeline_glue/codecommit"
  }
}

# ---------------------------------------------------------------- the pipeline

module "pipeline" {
  source = "../.."

  name                = var.name
  lambda_package_path = "${local.repository_root}/build/lambdas/glue_deployer.zip"

  # A new repository; changes on main start the pipeline through an EventBridge rule.
  codecommit = {
    repository_name = "${var.name}-glue-jobs"
  }

  targets = [for environment in local.environments : {
    name              = environment
    job_name          = module.jobs[environment].job_name
    job_arn           = module.jobs[environment].job_arn
    role_arn          = module.jobs[environment].role_arn
    script_bucket     = module.jobs[environment].script_bucket
    deployment_prefix = module.jobs[environment].deployment_prefix
    kms_key_arn       = module.jobs[environment].kms_key_arn
    code_deployed_by  = module.jobs[environment].code_deployed_by
    # Paths in the pushed repository.
    script_path     = "src/glue/jobs/json_to_parquet.py"
    library_dir     = "src/glue/etl_lib"
    approval_before = environment == "prod"
  }]

  # Approvers subscribe to this topic (created, encrypted with the pipeline's key).
  approval_topic = {}

  # The example is torn down often; nothing in it is worth keeping.
  force_destroy                = true
  kms_key_deletion_window_days = 7
  log_retention_days           = 7

  tags = {
    example = "codepipeline_glue/codecommit"
  }
}

# ---------------------------------------------------------------- outputs

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

output "repository_name" {
  description = "The CodeCommit repository to push to."
  value       = module.pipeline.repository_name
}

output "repository_arn" {
  description = "ARN of the CodeCommit repository."
  value       = module.pipeline.repository_arn
}

output "clone_url_http" {
  description = "HTTPS clone URL of the repository."
  value       = module.pipeline.clone_url_http
}

output "clone_url_ssh" {
  description = "SSH clone URL of the repository."
  value       = module.pipeline.clone_url_ssh
}

output "source_rule_name" {
  description = "The EventBridge rule that starts the pipeline on pushes to main."
  value       = module.pipeline.source_rule_name
}

output "function_name" {
  description = "The deployer Lambda."
  value       = module.pipeline.function_name
}

output "function_arn" {
  description = "ARN of the deployer Lambda."
  value       = module.pipeline.function_arn
}

output "log_group_name" {
  description = "The deployer's log group."
  value       = module.pipeline.log_group_name
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

output "source_events_role_arn" {
  description = "The source rule's role."
  value       = module.pipeline.source_events_role_arn
}

output "approval_topic_arn" {
  description = "The topic approvers subscribe to."
  value       = module.pipeline.approval_topic_arn
}

output "jobs" {
  description = "The target jobs by environment: name, ARN, role, script bucket, deployment prefix, key and the script Terraform first uploaded."
  value = { for environment in local.environments : environment => {
    job_name          = module.jobs[environment].job_name
    job_arn           = module.jobs[environment].job_arn
    role_arn          = module.jobs[environment].role_arn
    script_bucket     = module.jobs[environment].script_bucket
    deployment_prefix = module.jobs[environment].deployment_prefix
    kms_key_arn       = module.jobs[environment].kms_key_arn
    script_s3_uri     = module.jobs[environment].script_s3_uri
  } }
}

output "data_bucket" {
  description = "The example's data bucket."
  value       = module.data_bucket.id
}
