# A job that turns raw JSON lines into typed, partitioned Parquet, quarantines bad rows and checks data quality
# with one DQDL text (stored as a Glue ruleset and passed to the script as --dq_rules), on either engine:
# - engine = "spark" (default): src/glue/jobs/json_to_parquet.py as a Spark job on 2 G.1X workers, with the shared
#   library build/glue/etl_lib.zip;
# - engine = "duckdb": src/glue/jobs/json_to_parquet_duckdb.py as a Python-shell job (Python 3.9, 0.0625 DPU), with
#   the library as a wheel and the duckdb wheel from build/glue/pythonshell-wheels/, installed from S3 with no index.
# Both need `make build` first. The example brings its own encrypted data bucket and catalog table; the job may
# touch only the prefixes declared in data_access.

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
  description = "Name of the example job (and prefix of what the example creates)."
  type        = string
  default     = "json-to-parquet-example"
}

variable "engine" {
  description = "What runs the job: \"spark\" (a Spark job) or \"duckdb\" (a Python-shell job running DuckDB). The one input that switches script, library, dependencies and sizing."
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

  # What the engine changes; everything else is the same job.
  script_path = "${local.repository_root}/src/glue/jobs/${local.is_duckdb ? "json_to_parquet_duckdb.py" : "json_to_parquet.py"}"
  # A Python-shell job takes the library as a wheel; its name carries etl_lib's version (one wheel: `make build`
  # removes older ones). Without it, the path names what to run.
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
    { source = "ordered_at", target = "ordered_at", type = "timestamp" },
    { source = "order_date", target = "order_date", type = "date", required = true },
  ]

  # One text for the job and the Glue ruleset.
  dq_rules = <<-EOT
    Rules = [
      RowCount > 0,
      IsComplete "order_id",
      IsUnique "order_id",
      ColumnValues "amount" >= 0,
      ColumnValues "currency" in ["EUR", "GBP", "USD"]
    ]
  EOT
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

resource "aws_glue_catalog_database" "curated" {
  name = replace("${var.name}_curated", "-", "_")
}

# The Parquet the job writes, as a table Athena can query; the data quality ruleset is attached to it.
resource "aws_glue_catalog_table" "orders" {
  name          = "orders"
  database_name = aws_glue_catalog_database.curated.name
  table_type    = "EXTERNAL_TABLE"
  parameters = {
    classification = "parquet"
  }

  partition_keys {
    name = "order_date"
    type = "date"
  }

  storage_descriptor {
    location      = "${local.data_uri}/curated/orders/"
    input_format  = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
    output_format = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"

    ser_de_info {
      serialization_library = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
    }

    columns {
      name = "order_id"
      type = "bigint"
    }
    columns {
      name = "customer_id"
      type = "string"
    }
    columns {
      name = "amount"
      type = "decimal(12,2)"
    }
    columns {
      name = "currency"
      type = "string"
    }
    columns {
      name = "ordered_at"
      type = "timestamp"
    }
  }
}

# ---------------------------------------------------------------- the job

module "json_to_parquet" {
  source = "../.."

  name              = var.name
  description       = "JSON lines to typed Parquet with quarantine and data quality checks"
  engine            = var.engine
  script_path       = local.script_path
  library_path      = local.library_path
  dependency_wheels = local.dependency_wheels

  # Spark: 2 G.1X workers, bookmarks on. DuckDB: the module's 0.0625 DPU (1 GB); Python-shell jobs have no bookmarks.
  number_of_workers = local.is_duckdb ? null : 2
  timeout           = 30
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

  default_arguments = {
    "--input_path"        = "${local.data_uri}/raw/orders/"
    "--output_path"       = "${local.data_uri}/curated/orders/"
    "--quarantine_path"   = "${local.data_uri}/quarantine/orders/"
    "--report_path"       = "${local.data_uri}/reports/orders/"
    "--mapping"           = jsonencode(local.mapping)
    "--dq_policy"         = "quarantine"
    "--partition_columns" = "order_date"
  }

  data_quality = {
    ruleset = local.dq_rules
    target_table = {
      database = aws_glue_catalog_database.curated.name
      table    = aws_glue_catalog_table.orders.name
    }
  }

  failure_topic = {}

  # The example is torn down often; nothing in its bucket is worth keeping.
  force_destroy                = true
  kms_key_deletion_window_days = 7

  tags = {
    example = "glue_job/json_to_parquet"
  }
}

output "job_name" {
  description = "Name of the Glue job."
  value       = module.json_to_parquet.job_name
}

output "job_arn" {
  description = "ARN of the Glue job."
  value       = module.json_to_parquet.job_arn
}

output "role_name" {
  description = "Name of the job's IAM role."
  value       = module.json_to_parquet.role_name
}

output "script_s3_uri" {
  description = "S3 URI of the uploaded script."
  value       = module.json_to_parquet.script_s3_uri
}

output "library_s3_uri" {
  description = "S3 URI of the uploaded shared library."
  value       = module.json_to_parquet.library_s3_uri
}

output "engine" {
  description = "What runs the job: \"spark\" or \"duckdb\"."
  value       = module.json_to_parquet.engine
}

output "dependency_wheel_s3_uris" {
  description = "S3 URIs of the uploaded dependency wheels (duckdb engine), or []."
  value       = module.json_to_parquet.dependency_wheel_s3_uris
}

output "script_bucket" {
  description = "Bucket holding the script and library."
  value       = module.json_to_parquet.script_bucket
}

output "log_group_name" {
  description = "The job's continuous-logging log group."
  value       = module.json_to_parquet.log_group_name
}

output "security_configuration_name" {
  description = "The job's Glue security configuration."
  value       = module.json_to_parquet.security_configuration_name
}

output "kms_key_arn" {
  description = "ARN of the job's KMS key."
  value       = module.json_to_parquet.kms_key_arn
}

output "alert_topic_arn" {
  description = "ARN of the topic failure alerts go to."
  value       = module.json_to_parquet.alert_topic_arn
}

output "data_quality_ruleset_name" {
  description = "Name of the Glue Data Quality ruleset."
  value       = module.json_to_parquet.data_quality_ruleset_name
}

output "data_quality_rules" {
  description = "The DQDL text given to both the ruleset and the job."
  value       = local.dq_rules
}

output "data_bucket" {
  description = "The example's data bucket."
  value       = module.data_bucket.id
}

output "data_kms_key_arn" {
  description = "ARN of the example's data key."
  value       = module.data_key.key_arn
}
