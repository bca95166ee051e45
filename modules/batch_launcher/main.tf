data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.name
  partition  = data.aws_partition.current.partition

  # ---------------------------------------------------------------- names
  function_name  = "${var.name}-launcher"
  rule_name      = "${var.name}-batch-finished"
  queue_name     = "${var.name}-launcher-dlq"
  workgroup_name = var.name
  database_name  = coalesce(var.database_name, replace("${var.name}_manifests", "-", "_"))
  log_group_name = "/aws/lambda/${local.function_name}"

  # Built from names, so that key and queue policies need not wait for the resources they name.
  rule_arn      = "arn:${local.partition}:events:${local.region}:${local.account_id}:rule/${local.rule_name}"
  log_group_arn = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.log_group_name}"

  # ---------------------------------------------------------------- the four result tables
  table_kinds     = ["missing_imports", "missing_exports", "counts", "mismatched_timestamps"]
  table_names     = { for kind in local.table_kinds : kind => var.result_table_names[kind] }
  table_locations = { for kind, table in local.table_names : kind => "${var.results_location}${table}/" }

  # ---------------------------------------------------------------- the launcher's settings
  # Rendered from the typed inputs above; the function checks them again at cold start.
  lambda_environment = {
    DEPENDENCY_QUEUE_ARNS        = jsonencode(var.dependency_queue_arns)
    GLUE_JOB_NAME                = module.comparison_job.job_name
    ATHENA_WORKGROUP             = aws_athena_workgroup.this.name
    ATHENA_DATABASE              = aws_glue_catalog_database.results.name
    ATHENA_QUERY_TIMEOUT_SECONDS = tostring(var.athena_query_timeout_seconds)
    RESULT_TABLES = jsonencode({
      for kind in local.table_kinds : kind => { name = local.table_names[kind], location = local.table_locations[kind] }
    })
    IMPORT_MANIFEST_LOCATION = var.import_manifest_location
    EXPORT_MANIFEST_LOCATION = var.export_manifest_location
    CUT_OFF_START            = var.cut_off_window.start
    CUT_OFF_END              = var.cut_off_window.end
    MARGIN_OF_ERROR_MINUTES  = tostring(var.margin_of_error_minutes)
    SNAPSHOT_TYPE            = var.snapshot_type
    IMPORT_TYPE              = var.import_type
    MAX_DAILY_RUNS           = tostring(var.max_daily_runs)
    CLEAR_PREFIXES           = jsonencode(var.clear_prefixes)
    POWERTOOLS_LOG_LEVEL     = var.log_level
  }

  # Batch Job State Change events of the dependency queues' jobs that have ended.
  event_pattern = {
    source        = ["aws.batch"]
    "detail-type" = ["Batch Job State Change"]
    detail = {
      jobQueue = var.dependency_queue_arns
      status   = ["SUCCEEDED", "FAILED"]
    }
  }
}
