# A stream of order events to partitioned Parquet: the module creates the on-demand stream (AWS-managed key),
# the catalog table from the declared schema, the output bucket with its access-log bucket, the streaming job
# (src/glue/jobs/kinesis_to_parquet.py with build/glue/etl_lib.zip from `make build`), alarms and a topic.

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
  description = "Name of the example pipeline (and prefix of what it creates)."
  type        = string
  default     = "orders-stream-example"
}

locals {
  repository_root = "${path.module}/../../../.."
}

module "orders_stream" {
  source = "../.."

  name         = var.name
  script_path  = "${local.repository_root}/src/glue/jobs/kinesis_to_parquet.py"
  library_path = "${local.repository_root}/build/glue/etl_lib.zip"

  field_schema = [
    { name = "order_id", type = "bigint", comment = "Order identifier" },
    { name = "customer_id", type = "string" },
    { name = "amount", type = "decimal(12,2)" },
    { name = "ordered_at", type = "timestamp", comment = "Event time: partitions come from it" },
  ]
  event_time_field = "ordered_at"

  job = {
    worker_type       = "G.025X" # the smallest streaming worker: enough for an example stream
    number_of_workers = 2
  }

  # The example is torn down often; nothing in it is worth keeping.
  force_destroy                = true
  kms_key_deletion_window_days = 7
  log_retention_days           = 7

  tags = {
    example = "kinesis_glue/basic"
  }
}

output "stream_name" {
  description = "The stream to put records on."
  value       = module.orders_stream.stream_name
}

output "stream_arn" {
  description = "ARN of the stream."
  value       = module.orders_stream.stream_arn
}

output "job_name" {
  description = "The streaming Glue job."
  value       = module.orders_stream.job_name
}

output "database_name" {
  description = "Glue database of the stream's table."
  value       = module.orders_stream.database_name
}

output "table_name" {
  description = "Glue table of the stream."
  value       = module.orders_stream.table_name
}

output "output_bucket" {
  description = "Bucket the Parquet, quarantine and checkpoint go to."
  value       = module.orders_stream.output_bucket
}

output "output_uri" {
  description = "Where the Parquet goes."
  value       = module.orders_stream.output_uri
}

output "quarantine_uri" {
  description = "Where bad records go."
  value       = module.orders_stream.quarantine_uri
}

output "alarm_names" {
  description = "The pipeline's alarms."
  value       = module.orders_stream.alarm_names
}

output "alert_topic_arn" {
  description = "The alerts topic."
  value       = module.orders_stream.alert_topic_arn
}

output "role_arn" {
  description = "The job's role."
  value       = module.orders_stream.role_arn
}

output "job_arguments" {
  description = "The job's arguments."
  value       = module.orders_stream.job_arguments
}
