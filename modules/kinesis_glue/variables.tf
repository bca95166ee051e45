# ------------------------------------------------------------------ naming and code

variable "name" {
  description = "Name of the pipeline: the Glue job's name, and the prefix of the stream, catalog names, buckets, key alias, topic and alarms."
  type        = string
  nullable    = false

  validation {
    # 30 characters: modules/glue_job's limit (its script bucket name must fit 63 characters).
    condition     = can(regex("^[a-z0-9][a-z0-9_-]{0,29}$", var.name))
    error_message = "name must be 1-30 characters of lowercase letters, digits, hyphens and underscores, starting with a letter or digit."
  }
}

variable "script_path" {
  description = "Local path of the streaming job's script (this repository's src/glue/jobs/kinesis_to_parquet.py, or your own)."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("\\.py$", var.script_path))
    error_message = "script_path must be the path of a Python script ending in .py."
  }
}

variable "library_path" {
  description = "Local path of the shared library the script imports (build/glue/etl_lib.zip after `make build`), passed as --extra-py-files. null: none."
  type        = string
  default     = null

  validation {
    condition     = var.library_path == null ? true : can(regex("\\.(zip|whl|py)$", var.library_path))
    error_message = "library_path must be null or the path of a .zip, .whl or .py file."
  }
}

# ------------------------------------------------------------------ the stream

variable "stream" {
  description = <<-EOT
    The Kinesis data stream the module creates (named <name>): shard_count (null, the default: ON_DEMAND capacity;
    a number: PROVISIONED with that many shards), retention_hours (24-8760, default 24), kms_key_arn (null, the
    default: the AWS-managed key alias/aws/kinesis; or a customer-managed key ARN). null also creates the stream
    with these defaults unless existing_stream_arn is set.
  EOT
  type = object({
    shard_count     = optional(number)
    retention_hours = optional(number, 24)
    kms_key_arn     = optional(string)
  })
  default = null

  validation {
    condition     = var.stream == null ? true : (var.stream.shard_count == null ? true : (floor(var.stream.shard_count) == var.stream.shard_count && var.stream.shard_count >= 1))
    error_message = "stream.shard_count must be null (ON_DEMAND) or a whole number of shards, at least 1 (PROVISIONED)."
  }
  validation {
    condition     = var.stream == null ? true : (floor(var.stream.retention_hours) == var.stream.retention_hours && var.stream.retention_hours >= 24 && var.stream.retention_hours <= 8760)
    error_message = "stream.retention_hours must be a whole number of hours from 24 to 8760 (365 days), Kinesis's limits."
  }
  validation {
    condition     = var.stream == null ? true : (var.stream.kms_key_arn == null ? true : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.stream.kms_key_arn)))
    error_message = "stream.kms_key_arn must be null (alias/aws/kinesis) or a KMS key ARN like \"arn:aws:kms:us-east-1:123456789012:key/<id>\"."
  }
}

variable "existing_stream" {
  description = "An existing stream to read instead of creating one: arn, retention_hours (for the iterator-age alarm, default 24) and kms_key_arn (its customer-managed key, null for alias/aws/kinesis). Not with stream."
  type = object({
    arn             = string
    retention_hours = optional(number, 24)
    kms_key_arn     = optional(string)
  })
  default = null

  validation {
    condition     = var.existing_stream == null ? true : can(regex("^arn:aws[a-z-]*:kinesis:[a-z0-9-]+:[0-9]{12}:stream/[A-Za-z0-9_.-]{1,128}$", var.existing_stream.arn))
    error_message = "existing_stream.arn must be a Kinesis stream ARN like \"arn:aws:kinesis:us-east-1:123456789012:stream/orders\"."
  }
  validation {
    condition     = var.existing_stream == null ? true : (var.existing_stream.retention_hours >= 24 && var.existing_stream.retention_hours <= 8760)
    error_message = "existing_stream.retention_hours must be from 24 to 8760 (the stream's retention period)."
  }
  validation {
    condition     = var.existing_stream == null ? true : (var.existing_stream.kms_key_arn == null ? true : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.existing_stream.kms_key_arn)))
    error_message = "existing_stream.kms_key_arn must be null or a KMS key ARN (not an alias)."
  }
}

# ------------------------------------------------------------------ the catalog

variable "field_schema" {
  description = "Columns of the records on the stream, for the catalog table the module creates and the job's parser: name, Glue type (string, boolean, tinyint, smallint, int, bigint, float, double, decimal(p,s), date, timestamp), optional comment."
  type = list(object({
    name    = string
    type    = string
    comment = optional(string)
  }))
  default  = []
  nullable = false

  validation {
    condition     = alltrue([for field in var.field_schema : can(regex("^(string|boolean|tinyint|smallint|int|bigint|float|double|date|timestamp|decimal\\([0-9]{1,2},[0-9]{1,2}\\))$", field.type))])
    error_message = "field_schema[*].type must be one of string, boolean, tinyint, smallint, int, bigint, float, double, decimal(p,s), date, timestamp."
  }
  validation {
    condition     = length(distinct([for field in var.field_schema : lower(field.name)])) == length(var.field_schema)
    error_message = "field_schema[*].name must be unique (case-insensitively, as the catalog compares them)."
  }
  validation {
    condition     = alltrue([for field in var.field_schema : can(regex("^[A-Za-z_][A-Za-z0-9_]{0,254}$", field.name))])
    error_message = "field_schema[*].name must be letters, digits and underscores, starting with a letter or underscore."
  }
}

variable "event_time_field" {
  description = "The field_schema column that holds each record's event time (epoch seconds or milliseconds, or ISO-8601): output partitions ingest_year/month/day/hour come from it. null: from Kinesis's approximate arrival time."
  type        = string
  default     = null
}

variable "catalog" {
  description = "Names of the Glue database and table the module creates to describe the stream: database_name (default \"<name>_stream\" with - as _), table_name (default \"records\")."
  type = object({
    database_name = optional(string)
    table_name    = optional(string, "records")
  })
  default = null

  validation {
    condition     = var.catalog == null ? true : alltrue([for value in compact([var.catalog.database_name, var.catalog.table_name]) : can(regex("^[a-z0-9_]{1,255}$", value))])
    error_message = "catalog.database_name and catalog.table_name must be lowercase letters, digits and underscores (Glue catalog names)."
  }
}

variable "existing_table" {
  description = "An existing Glue table that describes the stream (database, table) instead of the one the module creates. Not with catalog or field_schema."
  type = object({
    database = string
    table    = string
  })
  default = null

  validation {
    condition     = var.existing_table == null ? true : can(regex("^[A-Za-z0-9_-]{1,255}$", var.existing_table.database)) && can(regex("^[A-Za-z0-9_-]{1,255}$", var.existing_table.table))
    error_message = "existing_table.database and existing_table.table must be Glue catalog names (letters, digits, _ and -)."
  }
}

# ------------------------------------------------------------------ the output

variable "output_bucket" {
  description = <<-EOT
    The output bucket the module creates (<name>-stream-<account>-<region>, SSE-KMS with the module's key,
    versioned, private, TLS-only): noncurrent_transition_days (default 90) and noncurrent_storage_class
    (default GLACIER_IR) move replaced versions to a colder class; access_logs_bucket: an existing bucket for
    its server access logs (null, the default: the module creates one). null also creates it with these defaults
    unless existing_output_bucket is set.
  EOT
  type = object({
    noncurrent_transition_days = optional(number, 90)
    noncurrent_storage_class   = optional(string, "GLACIER_IR")
    access_logs_bucket         = optional(string)
  })
  default = null
}

variable "existing_output_bucket" {
  description = "Name of an existing bucket to write to instead of creating one (with kms_key_arn: the key its objects use). Not with output_bucket."
  type = object({
    name        = string
    kms_key_arn = optional(string)
  })
  default = null

  validation {
    condition     = var.existing_output_bucket == null ? true : can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.existing_output_bucket.name))
    error_message = "existing_output_bucket.name must be a bucket name (not an ARN or s3:// URI)."
  }
}

variable "prefixes" {
  description = "Where in the output bucket the job writes: output (Parquet), quarantine (records that did not parse or fit), checkpoint (Spark's streaming checkpoint). Each ends with /."
  type = object({
    output     = optional(string, "output/")
    quarantine = optional(string, "quarantine/")
    checkpoint = optional(string, "checkpoint/")
  })
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for prefix in [var.prefixes.output, var.prefixes.quarantine, var.prefixes.checkpoint] : can(regex("^[A-Za-z0-9!_.'()-][A-Za-z0-9!_.'()/-]*/$", prefix))])
    error_message = "prefixes.output, .quarantine and .checkpoint must be key prefixes like \"output/\": no leading slash, a trailing slash, no wildcards."
  }
  validation {
    condition     = length(distinct([var.prefixes.output, var.prefixes.quarantine, var.prefixes.checkpoint])) == 3
    error_message = "prefixes.output, .quarantine and .checkpoint must differ."
  }
}

# ------------------------------------------------------------------ the streaming job

variable "job" {
  description = <<-EOT
    The streaming Glue job: glue_version ("4.0" default, the newest version AWS documents streaming features for;
    "5.0" and "5.1" accepted), worker_type (default "G.1X"; "G.025X" for small streams), number_of_workers
    (default 2), window_size ("N seconds", default "100 seconds"), starting_position ("latest" default,
    "trim_horizon", or an ISO-8601 UTC timestamp like "2026-11-28T00:00:00Z"), max_fetch_records_per_shard
    (default 100000), emit_consumer_lag_metrics (default true), batch_max_retries (default 3).
  EOT
  type = object({
    glue_version                = optional(string, "4.0")
    worker_type                 = optional(string, "G.1X")
    number_of_workers           = optional(number, 2)
    window_size                 = optional(string, "100 seconds")
    starting_position           = optional(string, "latest")
    max_fetch_records_per_shard = optional(number, 100000)
    emit_consumer_lag_metrics   = optional(bool, true)
    batch_max_retries           = optional(number, 3)
  })
  default  = {}
  nullable = false

  validation {
    condition     = contains(["4.0", "5.0", "5.1"], var.job.glue_version)
    error_message = "job.glue_version must be \"4.0\", \"5.0\" or \"5.1\" (2.0 reached end of life on 2026-04-01; 3.0 lacks the streaming features this job uses)."
  }
  validation {
    condition     = can(regex("^[1-9][0-9]* seconds$", var.job.window_size))
    error_message = "job.window_size must be \"N seconds\" with N a whole number of at least 1, e.g. \"100 seconds\"."
  }
  validation {
    condition     = contains(["latest", "trim_horizon"], var.job.starting_position) || can(regex("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$", var.job.starting_position))
    error_message = "job.starting_position must be \"latest\", \"trim_horizon\" or an ISO-8601 UTC timestamp like \"2026-11-28T00:00:00Z\"."
  }
  validation {
    condition     = floor(var.job.max_fetch_records_per_shard) == var.job.max_fetch_records_per_shard && var.job.max_fetch_records_per_shard >= 1 && var.job.max_fetch_records_per_shard <= 10000000
    error_message = "job.max_fetch_records_per_shard must be a whole number from 1 to 10000000."
  }
  validation {
    condition     = floor(var.job.batch_max_retries) == var.job.batch_max_retries && var.job.batch_max_retries >= 0 && var.job.batch_max_retries <= 100
    error_message = "job.batch_max_retries must be a whole number from 0 to 100."
  }
}

# ------------------------------------------------------------------ alarms and alerts

variable "alarms" {
  description = <<-EOT
    CloudWatch alarms, on by default: iterator age (GetRecords.IteratorAgeMilliseconds, Maximum over 300 s, at or
    above iterator_age_ratio of the stream's retention, default 0.5: 43,200,000 ms at 24 h), read throughput
    exceeded (ReadProvisionedThroughputExceeded, Average over 300 s above 0), and the job's consumer lag
    (glue.driver.streaming.maxConsumerLagInMs, Maximum over 300 s above consumer_lag_threshold_ms, default 600000).
  EOT
  type = object({
    enabled                   = optional(bool, true)
    iterator_age_ratio        = optional(number, 0.5)
    consumer_lag_threshold_ms = optional(number, 600000)
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.alarms.iterator_age_ratio > 0 && var.alarms.iterator_age_ratio < 1
    error_message = "alarms.iterator_age_ratio must be above 0 and below 1 (a share of the stream's retention)."
  }
  validation {
    condition     = var.alarms.consumer_lag_threshold_ms > 0
    error_message = "alarms.consumer_lag_threshold_ms must be above 0: a zero threshold alarms on every record."
  }
}

variable "failure_topic" {
  description = "The SNS topic alarms and the job-stopped alert go to (the convention's shape): {} (default) creates one encrypted with the module's key that only this module's alarms and rule may publish to; { arn, kms_key_arn } an existing topic that already lets cloudwatch.amazonaws.com and events.amazonaws.com publish; null: alarms without actions and no job-stopped alert."
  type = object({
    arn         = optional(string)
    kms_key_arn = optional(string)
  })
  default = {}

  validation {
    condition     = var.failure_topic == null ? true : (var.failure_topic.arn == null ? true : can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$", var.failure_topic.arn)))
    error_message = "failure_topic.arn must be null or a standard SNS topic ARN like \"arn:aws:sns:us-east-1:123456789012:alerts\"."
  }
}

# ------------------------------------------------------------------ encryption, logs, access, tags

variable "kms_key_arn" {
  description = "Existing customer-managed key for the job's security configuration (logs, bookmarks, S3), the output bucket and the topic. null (default): the module creates one. A key passed in must let CloudWatch Logs use it for /aws-glue/jobs/* and CloudWatch and EventBridge publish to a topic it encrypts."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null ? true : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be null or a KMS key ARN like \"arn:aws:kms:us-east-1:123456789012:key/<id>\" (not an alias)."
  }
}

variable "kms_key_deletion_window_days" {
  description = "Waiting period before the created KMS key is deleted after destroy (7-30, checked in modules/_parts/kms_key)."
  type        = number
  default     = 30
  nullable    = false
}

variable "log_retention_days" {
  description = "Retention of the job's continuous-logging log group: one of CloudWatch's values (checked in modules/_parts/log_group)."
  type        = number
  default     = 30
  nullable    = false
}

variable "role_permissions_boundary_arn" {
  description = "Permissions boundary for the job's role."
  type        = string
  default     = null
}

variable "force_destroy" {
  description = "Let `terraform destroy` delete the buckets the module creates with objects still in them."
  type        = bool
  default     = false
  nullable    = false
}

variable "tags" {
  description = "Tags for every resource the module creates."
  type        = map(string)
  default     = {}
  nullable    = false
}
