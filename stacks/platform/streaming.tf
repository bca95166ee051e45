# The streaming pipeline (modules/kinesis_glue): order events on a Kinesis stream to partitioned Parquet in the
# module's own bucket, with quarantine, a checkpoint and alarms (src/glue/jobs/kinesis_to_parquet.py).

module "orders_stream" {
  source = "../../modules/kinesis_glue"

  name         = "${local.name}-orders-stream"
  script_path  = "${local.repository_root}/src/glue/jobs/kinesis_to_parquet.py"
  library_path = "${local.repository_root}/build/glue/etl_lib.zip"

  stream = {
    shard_count     = var.settings.stream.shard_count
    retention_hours = var.settings.stream.retention_hours
  }

  field_schema = [
    { name = "order_id", type = "bigint", comment = "Order identifier" },
    { name = "customer_id", type = "string" },
    { name = "amount", type = "decimal(12,2)" },
    { name = "currency", type = "string" },
    { name = "ordered_at", type = "timestamp", comment = "Event time: partitions come from it" },
  ]
  event_time_field = "ordered_at"
  catalog = {
    database_name = replace("${local.name}_stream", "-", "_")
    table_name    = "orders"
  }

  job = {
    worker_type       = var.settings.stream.worker_type
    number_of_workers = var.settings.stream.number_of_workers
  }

  failure_topic                = local.failure_topic
  log_retention_days           = var.settings.log_retention_days
  force_destroy                = var.settings.force_destroy
  kms_key_deletion_window_days = var.settings.kms_key_deletion_window_days
}
