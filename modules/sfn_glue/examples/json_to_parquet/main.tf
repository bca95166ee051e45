# The Step Functions -> Glue JSON-to-Parquet pipeline seed: every hour an EventBridge rule starts the state
# machine with a fixed input; it runs the json_to_parquet job on the input's "input_path" and waits for the run.
# `engine` picks the job's engine: "spark" (default; src/glue/jobs/json_to_parquet.py on 2 G.1X workers with
# build/glue/etl_lib.zip) or "duckdb" (src/glue/jobs/json_to_parquet_duckdb.py as a 0.0625 DPU Python-shell job
# with the etl_lib wheel and build/glue/pythonshell-wheels/); both need `make build`. Transient Glue
# errors (concurrent runs, throttling, internal errors) are retried 3 times, 10 s apart and doubling; the run
# may take 2 hours; any other failure publishes one message to a KMS-encrypted topic and ends in the Fail
# state. The job may touch only the data prefixes declared below.

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
  description = "Name of the example job and state machine (and prefix of what the example creates)."
  type        = string
  default     = "sfn-json-to-parquet"
}

variable "engine" {
  description = "What runs the job: \"spark\" (a Spark job) or \"duckdb\" (a Python-shell job running DuckDB)."
  type        = string
  default     = "spark"
  nullable    = false

  validation {
    condition     = contains(["spark", "duckdb"], var.engine)
    error_message = "engine must be \"spark\" or \"duckdb\"."
  }
}

data "aws_caller_identity" "current" {}

locals {
  repository_root = "${path.module}/../../../.."
  build_dir       = "${local.repository_root}/build/glue"
  wheels_dir      = "${local.build_dir}/pythonshell-wheels"
  is_duckdb       = var.engine == "duckdb"

  # What the engine changes; everything else is the same job (as in modules/glue_job/examples/json_to_parquet).
  script_path       = "${local.repository_root}/src/glue/jobs/${local.is_duckdb ? "json_to_parquet_duckdb.py" : "json_to_parquet.py"}"
  library_path      = local.is_duckdb ? "${local.build_dir}/${coalesce(one(fileset(local.build_dir, "etl_lib-*-py3-none-any.whl")), "etl_lib-<version>-py3-none-any.whl, which `make build` writes")}" : "${local.build_dir}/etl_lib.zip"
  dependency_wheels = local.is_duckdb ? [for wheel in fileset(local.wheels_dir, "*.whl") : "${local.wheels_dir}/${wheel}"] : []
  data_bucket       = "${var.name}-data-${data.aws_caller_identity.current.account_id}"
  data_uri          = "s3://${local.data_bucket}"

  # The target columns: etl_lib.mapping's format (source path in the JSON record -> typed column).
  mapping = [
    { source = "order_id", target = "order_id", type = "bigint", required = true },
    { source = "customer.id", target = "customer_id", type = "string", required = true },
    { source = "amount", target = "amount", type = "decimal(12,2)" },
    { source = "currency", target = "currency", type = "string" },
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

# ---------------------------------------------------------------- the job

module "json_to_parquet_job" {
  source = "../../../glue_job"

  name              = var.name
  description       = "JSON lines to typed Parquet, run by Step Functions"
  engine            = var.engine
  script_path       = local.script_path
  library_path      = local.library_path
  dependency_wheels = local.dependency_wheels

  number_of_workers = local.is_duckdb ? null : 2
  timeout           = 120
  job_bookmarks     = local.is_duckdb ? "disable" : "enable"

  data_access = {
    read_prefixes = ["${local.data_uri}/raw/orders/"]
    write_prefixes = [
      "${local.data_uri}/curated/orders/",
      "${local.data_uri}/quarantine/orders/",
      "${local.data_uri}/reports/orders/",
    ]
    kms_key_arns = [module.data_key.key_arn]
  }

  # --input_path comes from each execution's input (the state machine passes it).
  default_arguments = {
    "--output_path"       = "${local.data_uri}/curated/orders/"
    "--quarantine_path"   = "${local.data_uri}/quarantine/orders/"
    "--report_path"       = "${local.data_uri}/reports/orders/"
    "--mapping"           = jsonencode(local.mapping)
    "--partition_columns" = "order_date"
  }

  # The example is torn down often; nothing in its bucket is worth keeping.
  force_destroy                = true
  kms_key_deletion_window_days = 7

  tags = {
    example = "sfn_glue/json_to_parquet"
  }
}

# ---------------------------------------------------------------- the pipeline

module "pipeline" {
  source = "../.."

  name = var.name
  jobs = [{
    name            = module.json_to_parquet_job.job_name
    input_arguments = { "--input_path" = "$.input_path" }
    arguments       = { "--write_mode" = "append" }
    timeout_minutes = 120 # the run may take 2 hours; a run that times out is notified like any failure
  }]

  retry = {
    interval_seconds = 10
    max_attempts     = 3
    backoff_rate     = 2
  }

  schedule = {
    expression = "rate(1 hour)"
    input      = { input_path = "${local.data_uri}/raw/orders/" }
  }

  logging            = { level = "ALL" }
  log_retention_days = 30

  kms_key_deletion_window_days = 7

  tags = {
    example = "sfn_glue/json_to_parquet"
  }
}

output "job_name" {
  description = "Name of the Glue job."
  value       = module.json_to_parquet_job.job_name
}

output "state_machine_arn" {
  description = "ARN of the state machine."
  value       = module.pipeline.state_machine_arn
}

output "state_machine_name" {
  description = "Name of the state machine."
  value       = module.pipeline.state_machine_name
}

output "role_name" {
  description = "Name of the state machine's role."
  value       = module.pipeline.role_name
}

output "failure_topic_arn" {
  description = "ARN of the topic failed executions are published to."
  value       = module.pipeline.failure_topic_arn
}

output "log_group_name" {
  description = "The state machine's execution log group."
  value       = module.pipeline.log_group_name
}

output "kms_key_arn" {
  description = "ARN of the state machine's KMS key (log group and topic)."
  value       = module.pipeline.kms_key_arn
}

output "schedule_rule_name" {
  description = "EventBridge rule that starts the pipeline every hour."
  value       = module.pipeline.schedule_rule_name
}

output "schedule_role_arn" {
  description = "Role the schedule starts executions with."
  value       = module.pipeline.schedule_role_arn
}

output "definition" {
  description = "The state machine definition."
  value       = module.pipeline.definition
}

output "data_bucket" {
  description = "The example's data bucket."
  value       = module.data_bucket.id
}
