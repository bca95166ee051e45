# Kinesis data stream -> streaming Glue job -> partitioned Parquet, with quarantine, alarms and alerts.
# The rules between inputs ("an existing X or a new X, not both") are preconditions here, checked at plan time.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

data "aws_region" "current" {
  lifecycle {
    precondition {
      condition     = var.stream == null || var.existing_stream == null
      error_message = "stream and existing_stream are both set: set stream to create a stream, or existing_stream to read one you have, not both."
    }
    precondition {
      condition     = var.existing_table == null || (var.catalog == null && length(var.field_schema) == 0)
      error_message = "existing_table is set together with catalog or field_schema: describe the stream with a table the module creates (catalog, field_schema) or with existing_table, not both."
    }
    precondition {
      condition     = var.existing_table != null || length(var.field_schema) > 0
      error_message = "field_schema is empty: list the records' columns (name, type) so the module can create the catalog table, or pass existing_table."
    }
    precondition {
      condition     = var.output_bucket == null || var.existing_output_bucket == null
      error_message = "output_bucket and existing_output_bucket are both set: set output_bucket to create the bucket, or existing_output_bucket to write to one you have, not both."
    }
    precondition {
      condition     = var.event_time_field == null || contains([for field in var.field_schema : field.name], coalesce(var.event_time_field, "-"))
      error_message = "event_time_field must name a column of field_schema."
    }
  }
}

locals {
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.name
  partition  = data.aws_partition.current.partition

  # ---------------------------------------------------------------- the stream
  create_stream     = var.existing_stream == null
  stream_settings   = coalesce(var.stream, { shard_count = null, retention_hours = 24, kms_key_arn = null })
  stream_arn        = local.create_stream ? aws_kinesis_stream.this[0].arn : var.existing_stream.arn
  stream_name       = local.create_stream ? var.name : element(split("/", var.existing_stream.arn), 1)
  retention_hours   = local.create_stream ? local.stream_settings.retention_hours : var.existing_stream.retention_hours
  stream_kms_key    = local.create_stream ? local.stream_settings.kms_key_arn : var.existing_stream.kms_key_arn
  kinesis_endpoint  = "https://kinesis.${local.region}.amazonaws.com"
  iterator_age_max  = floor(local.retention_hours * 3600 * 1000 * var.alarms.iterator_age_ratio)
  stream_arn_static = "arn:${local.partition}:kinesis:${local.region}:${local.account_id}:stream/${local.stream_name}"

  # ---------------------------------------------------------------- the catalog
  create_table    = var.existing_table == null
  catalog         = coalesce(var.catalog, { database_name = null, table_name = "records" })
  database_name   = local.create_table ? coalesce(local.catalog.database_name, replace("${var.name}_stream", "-", "_")) : var.existing_table.database
  table_name      = local.create_table ? local.catalog.table_name : var.existing_table.table
  glue_arn_prefix = "arn:${local.partition}:glue:${local.region}:${local.account_id}"

  # ---------------------------------------------------------------- the output
  create_bucket      = var.existing_output_bucket == null
  bucket_settings    = coalesce(var.output_bucket, { noncurrent_transition_days = 90, noncurrent_storage_class = "GLACIER_IR", access_logs_bucket = null })
  bucket_name        = local.create_bucket ? "${replace(var.name, "_", "-")}-stream-${local.account_id}-${local.region}" : var.existing_output_bucket.name
  create_logs_bucket = local.create_bucket && local.bucket_settings.access_logs_bucket == null
  output_uri         = "s3://${local.bucket_name}/${var.prefixes.output}"
  quarantine_uri     = "s3://${local.bucket_name}/${var.prefixes.quarantine}"
  checkpoint_uri     = "s3://${local.bucket_name}/${var.prefixes.checkpoint}"
  bucket_kms_key_arn = local.create_bucket ? local.kms_key_arn : var.existing_output_bucket.kms_key_arn

  # ---------------------------------------------------------------- the job's arguments (src/glue/jobs/kinesis_to_parquet.py)
  job_arguments = merge(
    {
      "--database_name"               = local.database_name
      "--table_name"                  = local.table_name
      "--output_path"                 = local.output_uri
      "--quarantine_path"             = local.quarantine_uri
      "--checkpoint_location"         = local.checkpoint_uri
      "--window_size"                 = var.job.window_size
      "--starting_position"           = var.job.starting_position
      "--max_fetch_records_per_shard" = tostring(var.job.max_fetch_records_per_shard)
      "--emit_consumer_lag_metrics"   = tostring(var.job.emit_consumer_lag_metrics)
      "--batch_max_retries"           = tostring(var.job.batch_max_retries)
      "--field_schema"                = jsonencode([for field in var.field_schema : { name = field.name, type = field.type }])
    },
    var.event_time_field == null ? {} : { "--event_time_field" = var.event_time_field },
  )
}
