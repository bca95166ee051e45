# The stack's Glue jobs, each through modules/glue_job:
# - orders: raw JSON lines -> typed, partitioned Parquet, with quarantine and data quality (json_to_parquet, on Spark
#           or DuckDB per settings.orders_engine; deployed by the CodePipeline of deployment.tf after the first apply)
# - hello:  the Python-shell job the Step Functions pipeline runs with --message

locals {
  repository_root = "${path.module}/../.."
  data_uri        = "s3://${module.data_bucket.name}"
  catalog_name    = replace("${local.name}_curated", "-", "_")
  # The orders pipeline's input (the schedule passes it as input_path) and the job's default.
  orders_input_uri = "${local.data_uri}/raw/orders/"
  # settings.orders_engine switches script, library, dependencies and sizing together (as in
  # modules/glue_job/examples/json_to_parquet). A Python-shell job takes the library as the wheel `make build` writes.
  build_dir                = "${local.repository_root}/build/glue"
  orders_on_duckdb         = var.settings.orders_engine == "duckdb"
  orders_script_path       = "${local.repository_root}/src/glue/jobs/${local.orders_on_duckdb ? "json_to_parquet_duckdb.py" : "json_to_parquet.py"}"
  orders_library_path      = local.orders_on_duckdb ? local.etl_lib_wheel : "${local.build_dir}/etl_lib.zip"
  orders_dependency_wheels = local.orders_on_duckdb ? [for wheel in fileset("${local.build_dir}/pythonshell-wheels", "*.whl") : "${local.build_dir}/pythonshell-wheels/${wheel}"] : []
  # Not built yet: the plan fails on a path that says what to run.
  etl_lib_wheel = "${local.build_dir}/${coalesce(one(fileset(local.build_dir, "etl_lib-*-py3-none-any.whl")), "not-built-run-make-build/etl_lib-py3-none-any.whl")}"

  # dev's job has always been "<stack>-orders-json-to-parquet" (a new name replaces the job and its script
  # bucket); where that passes modules/glue_job's 30 characters (prod's "etl-prod-..." does), a shorter one.
  orders_job_name = length("${local.name}-orders-json-to-parquet") <= 30 ? "${local.name}-orders-json-to-parquet" : "${local.name}-orders-parquet"

  # Target columns of curated orders: source path in the JSON record -> typed column.
  orders_mapping = [
    { source = "order_id", target = "order_id", type = "bigint", required = true },
    { source = "customer.id", target = "customer_id", type = "string", required = true },
    { source = "amount", target = "amount", type = "decimal(12,2)" },
    { source = "currency", target = "currency", type = "string" },
    { source = "ordered_at", target = "ordered_at", type = "timestamp" },
    { source = "order_date", target = "order_date", type = "date", required = true },
  ]

  orders_dq_rules = <<-EOT
    Rules = [
      RowCount > 0,
      IsComplete "order_id",
      IsUnique "order_id",
      ColumnValues "amount" >= 0,
      ColumnValues "currency" in ["EUR", "GBP", "USD"]
    ]
  EOT
}

resource "aws_glue_catalog_database" "curated" {
  name        = local.catalog_name
  description = "Curated tables of the ${local.name} stack"
}

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

    dynamic "columns" {
      for_each = [for column in local.orders_mapping : column if column.target != "order_date"]
      content {
        name = columns.value.target
        type = columns.value.type
      }
    }
  }
}

module "orders_json_to_parquet" {
  source = "../../modules/glue_job"

  name              = local.orders_job_name
  description       = "Raw order JSON lines to curated Parquet, with quarantine and data quality (${var.settings.orders_engine})"
  engine            = var.settings.orders_engine
  script_path       = local.orders_script_path
  library_path      = local.orders_library_path
  dependency_wheels = local.orders_dependency_wheels

  # Spark: orders_job_workers G.1X workers, bookmarks on. DuckDB: the module's 0.0625 DPU; Python-shell jobs have
  # no bookmarks.
  number_of_workers = local.orders_on_duckdb ? null : var.settings.orders_job_workers
  timeout           = 120
  # Deployed by the CodePipeline (deployment.tf) after the first apply: Terraform creates the job with this code,
  # then leaves the script location and --extra-py-files to the pipeline.
  code_deployed_by    = "pipeline"
  max_concurrent_runs = 1
  job_bookmarks       = local.orders_on_duckdb ? "disable" : "enable"
  log_retention_days  = var.settings.log_retention_days

  data_access = {
    read_prefixes = ["${local.data_uri}/raw/orders/"]
    write_prefixes = [
      "${local.data_uri}/curated/orders/",
      "${local.data_uri}/quarantine/orders/",
      "${local.data_uri}/reports/orders/",
    ]
    kms_key_arns = [module.data_key.key_arn]
  }

  catalog_access = [{ database = aws_glue_catalog_database.curated.name, tables = [aws_glue_catalog_table.orders.name] }]

  default_arguments = {
    "--input_path"        = local.orders_input_uri
    "--output_path"       = "${local.data_uri}/curated/orders/"
    "--quarantine_path"   = "${local.data_uri}/quarantine/orders/"
    "--report_path"       = "${local.data_uri}/reports/orders/"
    "--mapping"           = jsonencode(local.orders_mapping)
    "--dq_policy"         = "quarantine"
    "--partition_columns" = "order_date"
    # Exports arrive as JSON lines or as one JSON array a file: decided per file.
    "--input_format" = "auto"
  }

  data_quality = {
    ruleset = local.orders_dq_rules
    target_table = {
      database = aws_glue_catalog_database.curated.name
      table    = aws_glue_catalog_table.orders.name
    }
  }

  failure_topic                = local.failure_topic
  force_destroy                = var.settings.force_destroy
  kms_key_deletion_window_days = var.settings.kms_key_deletion_window_days
}

module "hello_shell" {
  source = "../../modules/glue_job"

  name        = "${local.name}-hello-shell"
  description = "Python-shell job that logs the --message it is given"
  job_type    = "pythonshell"
  script_path = "${local.repository_root}/src/glue/jobs/hello_shell.py"
  # A Python-shell job takes its library as a wheel: the one `make build` writes for etl_lib's version.
  library_path       = local.etl_lib_wheel
  log_retention_days = var.settings.log_retention_days

  default_arguments = {
    "--message" = "hello from ${local.name}"
  }

  failure_topic                = local.failure_topic
  force_destroy                = var.settings.force_destroy
  kms_key_deletion_window_days = var.settings.kms_key_deletion_window_days
}

locals {
  glue_job_names = {
    orders_json_to_parquet = module.orders_json_to_parquet.job_name
    hello_shell            = module.hello_shell.job_name
  }
}
