# The Step Functions -> Glue JSON-to-Parquet pipeline seed: every hour an EventBridge rule starts the state
# machine with a fixed input; it runs the Spark job src/glue/jobs/json_to_parquet.py (with the shared library
# build/glue/etl_lib.zip from `make build`) on the input's "input_path" and waits for the run. Transient Glue
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

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  repository_root = "${path.module}/../../../.."
  data_bucket     = "${var.name}-data-${data.aws_caller_identity.current.account_id}"
  data_uri        = "s3://${local.data_bucket}"

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

data "aws_iam_policy_document" "data_key" {
  # checkov:skip=CKV_AWS_109:A key policy's "*" resource is the key itself; the account root delegates to IAM.
  # checkov:skip=CKV_AWS_111:A key policy's "*" resource is the key itself.
  # checkov:skip=CKV_AWS_356:A key policy's "*" resource is the key itself.
  statement {
    sid       = "AccountAdministersKeyThroughIam"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }
}

resource "aws_kms_key" "data" {
  description             = "${var.name} data"
  enable_key_rotation     = true
  deletion_window_in_days = 7
  policy                  = data.aws_iam_policy_document.data_key.json
}

resource "aws_s3_bucket" "data" {
  # checkov:skip=CKV_AWS_18:Example data bucket: access logging would need a second bucket and shows nothing about the pipeline.
  # checkov:skip=CKV_AWS_144:Example data bucket: replication is out of scope.
  # checkov:skip=CKV2_AWS_62:Example data bucket: no event notifications needed.
  # checkov:skip=CKV2_AWS_61:Example data bucket: lives as long as the example; no lifecycle needed.
  bucket        = local.data_bucket
  force_destroy = true
}

resource "aws_s3_bucket_versioning" "data" {
  bucket = aws_s3_bucket.data.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "data" {
  bucket = aws_s3_bucket.data.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.data.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_public_access_block" "data" {
  bucket                  = aws_s3_bucket.data.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

# ---------------------------------------------------------------- the job

module "json_to_parquet_job" {
  source = "../../../glue_job"

  name         = var.name
  description  = "JSON lines to typed Parquet, run by Step Functions"
  script_path  = "${local.repository_root}/src/glue/jobs/json_to_parquet.py"
  library_path = "${local.repository_root}/build/glue/etl_lib.zip"

  number_of_workers = 2
  timeout           = 120
  job_bookmarks     = "enable"

  data_access = {
    read_prefixes = ["${local.data_uri}/raw/orders/"]
    write_prefixes = [
      "${local.data_uri}/curated/orders/",
      "${local.data_uri}/quarantine/orders/",
      "${local.data_uri}/reports/orders/",
    ]
    kms_key_arns = [aws_kms_key.data.arn]
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
  script_bucket_force_destroy  = true
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

  logging = {
    level          = "ALL"
    retention_days = 30
  }

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
  value       = aws_s3_bucket.data.id
}
