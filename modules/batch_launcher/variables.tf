# ------------------------------------------------------------------ naming and code

variable "name" {
  description = "Name of the pipeline. Names the Glue job, the Athena workgroup and the IAM roles, and prefixes the launcher Lambda (\"<name>-launcher\"), its rule, dead-letter queue, log group and KMS alias."
  type        = string

  validation {
    # 30 characters: the Glue job module's limit (its script bucket name must fit 63 characters).
    condition     = can(regex("^[a-z0-9][a-z0-9_-]{0,29}$", var.name))
    error_message = "name must be 1-30 characters of lowercase letters, digits, hyphens and underscores, starting with a letter or digit."
  }
}

variable "lambda_package_path" {
  description = "Path of the launcher's deployment package, built by `make build` as build/lambdas/batch_launcher.zip (the function's code, its SQL templates and pinned dependencies). Its filebase64sha256 decides when the function is updated."
  type        = string

  validation {
    condition     = can(regex("\\.zip$", var.lambda_package_path))
    error_message = "lambda_package_path must be the path of a .zip file (build/lambdas/batch_launcher.zip after `make build`)."
  }
}

variable "glue_library_path" {
  description = "Path of the Glue shared library the comparison job imports (build/glue/etl_lib.zip after `make build`), passed to the job as --extra-py-files."
  type        = string

  validation {
    condition     = can(regex("\\.zip$", var.glue_library_path))
    error_message = "glue_library_path must be the path of a .zip file (build/glue/etl_lib.zip after `make build`)."
  }
}

variable "glue_script_path" {
  description = "Path of the comparison job's script, passed by the caller (this repository's src/glue/jobs/manifest_comparison.py, e.g. \"$${path.root}/../../src/glue/jobs/manifest_comparison.py\"). Terraform uploads it to the job's script bucket; a changed file is uploaded again on the next apply."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("\\.py$", var.glue_script_path))
    error_message = "glue_script_path must be the path of a Python script ending in .py (src/glue/jobs/manifest_comparison.py)."
  }
}

# ------------------------------------------------------------------ what starts the launcher

variable "dependency_queue_arns" {
  description = "ARNs of the AWS Batch job queues the comparison waits for. A job on one of them ending SUCCEEDED or FAILED fires the launcher, which starts the comparison only once none of them has a job SUBMITTED, PENDING, RUNNABLE, STARTING or RUNNING."
  type        = list(string)
  nullable    = false

  validation {
    condition     = length(var.dependency_queue_arns) >= 1 && length(var.dependency_queue_arns) <= 50
    error_message = "dependency_queue_arns must list 1 to 50 job queue ARNs."
  }

  validation {
    condition     = alltrue([for arn in var.dependency_queue_arns : can(regex("^arn:aws[a-z-]*:batch:[a-z0-9-]+:[0-9]{12}:job-queue/[A-Za-z0-9_-]{1,128}$", arn))])
    error_message = "dependency_queue_arns entries must be Batch job queue ARNs like \"arn:aws:batch:eu-west-2:123456789012:job-queue/imports\" (Batch events carry the queue's ARN, not its name)."
  }

  validation {
    condition     = length(distinct(var.dependency_queue_arns)) == length(var.dependency_queue_arns)
    error_message = "dependency_queue_arns must not repeat a queue."
  }
}

# ------------------------------------------------------------------ the comparison's inputs and outputs

variable "import_manifest_location" {
  description = "S3 prefix of the import manifests (CSV: id,timestamp,type,source). The job reads <prefix><import_type>/."
  type        = string

  validation {
    condition     = can(regex("^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/([A-Za-z0-9_.=-]+/)*$", var.import_manifest_location))
    error_message = "import_manifest_location must be an S3 prefix like \"s3://bucket/manifests/import/\": starting with s3://, ending with /, each key segment of letters, digits and _ . = -"
  }
}

variable "export_manifest_location" {
  description = "S3 prefix of the export manifests (same format). The job reads <prefix><snapshot_type>/."
  type        = string

  validation {
    condition     = can(regex("^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/([A-Za-z0-9_.=-]+/)*$", var.export_manifest_location))
    error_message = "export_manifest_location must be an S3 prefix like \"s3://bucket/manifests/export/\": starting with s3://, ending with /, each key segment of letters, digits and _ . = -"
  }
}

variable "results_location" {
  description = "S3 prefix under which the job writes its four Parquet results, one folder per table (<prefix><table name>/); the Athena tables point there."
  type        = string

  validation {
    condition     = can(regex("^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/([A-Za-z0-9_.=-]+/)+$", var.results_location))
    error_message = "results_location must be an S3 prefix with at least one key segment, like \"s3://bucket/manifest-comparison/\": starting with s3://, ending with /, each key segment of letters, digits and _ . = -"
  }
}

variable "result_table_names" {
  description = "Names of the four Athena tables the launcher rebuilds before each run (and of their folders under results_location)."
  type = object({
    missing_imports       = optional(string, "missing_imports")
    missing_exports       = optional(string, "missing_exports")
    counts                = optional(string, "counts")
    mismatched_timestamps = optional(string, "mismatched_timestamps")
  })
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for table in values(var.result_table_names) : can(regex("^[a-z_][a-z0-9_]{0,254}$", table))])
    error_message = "result_table_names must be lowercase letters, digits and underscores, starting with a letter or underscore (they enter Athena DDL unquoted)."
  }

  validation {
    condition     = length(distinct(values(var.result_table_names))) == 4
    error_message = "result_table_names must be four different names."
  }
}

variable "database_name" {
  description = "Name of the Glue database the module creates for the result tables. null picks \"<name>_manifests\" (hyphens become underscores)."
  type        = string
  default     = null

  validation {
    condition     = var.database_name == null ? true : can(regex("^[a-z_][a-z0-9_]{0,254}$", var.database_name))
    error_message = "database_name must be null or lowercase letters, digits and underscores, starting with a letter or underscore."
  }
}

variable "query_results_location" {
  description = "S3 prefix where the Athena workgroup writes query results (KMS-encrypted, enforced for every query in the workgroup)."
  type        = string

  validation {
    condition     = can(regex("^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/([A-Za-z0-9_.=-]+/)*$", var.query_results_location))
    error_message = "query_results_location must be an S3 prefix like \"s3://bucket/athena-results/\": starting with s3://, ending with /, each key segment of letters, digits and _ . = -"
  }
}

variable "clear_prefixes" {
  description = "S3 prefixes the launcher empties before it starts a run (e.g. the job's results, so no stale file survives a run that writes fewer). Never a whole bucket."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for prefix in var.clear_prefixes : can(regex("^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/([A-Za-z0-9_.=-]+/)+$", prefix))])
    error_message = "clear_prefixes entries must be S3 prefixes with at least one key segment, like \"s3://bucket/results/\" (never a whole bucket): starting with s3://, ending with /, each key segment of letters, digits and _ . = -"
  }

  validation {
    condition     = length(var.clear_prefixes) <= 20 && length(distinct(var.clear_prefixes)) == length(var.clear_prefixes)
    error_message = "clear_prefixes must list at most 20 prefixes, none twice."
  }
}

# ------------------------------------------------------------------ the comparison's settings

variable "cut_off_window" {
  description = <<-EOT
    The window of records compared, in UTC: start is "PREVIOUS_DAY_MIDNIGHT" (default) or a time
    "YYYY-MM-DD HH:MM:SS"; end is "TODAY_MIDNIGHT" (default) or a time. Midnights are taken when the
    launcher runs. Records from start (inclusive) to end (exclusive) are compared.
  EOT
  type = object({
    start = optional(string, "PREVIOUS_DAY_MIDNIGHT")
    end   = optional(string, "TODAY_MIDNIGHT")
  })
  default  = {}
  nullable = false

  validation {
    condition = var.cut_off_window.start == "PREVIOUS_DAY_MIDNIGHT" || (
      can(regex("^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$", var.cut_off_window.start)) &&
      can(formatdate("YYYY", "${replace(var.cut_off_window.start, " ", "T")}Z"))
    )
    error_message = "cut_off_window.start must be \"PREVIOUS_DAY_MIDNIGHT\" or a valid UTC time \"YYYY-MM-DD HH:MM:SS\"."
  }

  validation {
    condition = var.cut_off_window.end == "TODAY_MIDNIGHT" || (
      can(regex("^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$", var.cut_off_window.end)) &&
      can(formatdate("YYYY", "${replace(var.cut_off_window.end, " ", "T")}Z"))
    )
    error_message = "cut_off_window.end must be \"TODAY_MIDNIGHT\" or a valid UTC time \"YYYY-MM-DD HH:MM:SS\"."
  }

  validation {
    # Only when both are explicit (a conditional, because || evaluates both sides); a malformed time is
    # reported by the rules above.
    condition = (
      var.cut_off_window.start == "PREVIOUS_DAY_MIDNIGHT" || var.cut_off_window.end == "TODAY_MIDNIGHT" ? true :
      !can(timecmp("${replace(var.cut_off_window.start, " ", "T")}Z", "${replace(var.cut_off_window.end, " ", "T")}Z")) ? true :
      timecmp("${replace(var.cut_off_window.start, " ", "T")}Z", "${replace(var.cut_off_window.end, " ", "T")}Z") < 0
    )
    error_message = "cut_off_window.start must be before cut_off_window.end."
  }
}

variable "margin_of_error_minutes" {
  description = "Minutes one side may lag the other: a record after the window's end but within the margin still matches, and timestamps differing by more than the margin are reported as mismatched."
  type        = number
  default     = 2
  nullable    = false

  validation {
    condition     = floor(var.margin_of_error_minutes) == var.margin_of_error_minutes && var.margin_of_error_minutes >= 0 && var.margin_of_error_minutes <= 1440
    error_message = "margin_of_error_minutes must be a whole number from 0 to 1440."
  }
}

variable "snapshot_type" {
  description = "Which export manifests are compared: \"full\" or \"incremental\" (the job reads <export_manifest_location><snapshot_type>/)."
  type        = string

  validation {
    condition     = contains(["full", "incremental"], var.snapshot_type)
    error_message = "snapshot_type must be \"full\" or \"incremental\"."
  }
}

variable "import_type" {
  description = "Which import manifests are compared: \"historic\", \"streaming_main\" or \"streaming_equality\" (the job reads <import_manifest_location><import_type>/)."
  type        = string

  validation {
    condition     = contains(["historic", "streaming_main", "streaming_equality"], var.import_type)
    error_message = "import_type must be one of \"historic\", \"streaming_main\", \"streaming_equality\"."
  }
}

variable "max_daily_runs" {
  description = "At most this many runs of the comparison start per UTC day; further drained-queue events are answered \"capped\"."
  type        = number
  default     = 1
  nullable    = false

  validation {
    condition     = floor(var.max_daily_runs) == var.max_daily_runs && var.max_daily_runs >= 1 && var.max_daily_runs <= 100
    error_message = "max_daily_runs must be a whole number from 1 to 100."
  }
}

# ------------------------------------------------------------------ the launcher Lambda

variable "athena_query_timeout_seconds" {
  description = "How long the launcher waits for each of its eight Athena statements before stopping it and failing."
  type        = number
  default     = 60
  nullable    = false

  validation {
    condition     = floor(var.athena_query_timeout_seconds) == var.athena_query_timeout_seconds && var.athena_query_timeout_seconds >= 1 && var.athena_query_timeout_seconds <= 100
    error_message = "athena_query_timeout_seconds must be a whole number from 1 to 100 (eight statements must fit the Lambda's 900-second limit)."
  }
}

variable "lambda_timeout_seconds" {
  description = "Timeout of the launcher Lambda. Must cover eight Athena statements at athena_query_timeout_seconds each, plus 60 seconds."
  type        = number
  default     = 600
  nullable    = false

  validation {
    condition     = floor(var.lambda_timeout_seconds) == var.lambda_timeout_seconds && var.lambda_timeout_seconds >= 60 && var.lambda_timeout_seconds <= 900
    error_message = "lambda_timeout_seconds must be a whole number from 60 to 900."
  }
}

variable "lambda_memory_mb" {
  description = "Memory of the launcher Lambda, in MB."
  type        = number
  default     = 256
  nullable    = false

  validation {
    condition     = floor(var.lambda_memory_mb) == var.lambda_memory_mb && var.lambda_memory_mb >= 128 && var.lambda_memory_mb <= 10240
    error_message = "lambda_memory_mb must be a whole number from 128 to 10240."
  }
}

variable "log_level" {
  description = "Level of the launcher's structured JSON logs (POWERTOOLS_LOG_LEVEL)."
  type        = string
  default     = "INFO"
  nullable    = false

  validation {
    condition     = contains(["DEBUG", "INFO", "WARNING", "ERROR"], var.log_level)
    error_message = "log_level must be one of \"DEBUG\", \"INFO\", \"WARNING\", \"ERROR\"."
  }
}

variable "log_retention_days" {
  description = "Retention of the launcher's CloudWatch log group, in days: one of the values CloudWatch Logs accepts (checked in modules/_parts/log_group)."
  type        = number
  default     = 30
  nullable    = false
}

variable "event_delivery" {
  description = "How EventBridge retries delivering an event to the launcher before sending it to the dead-letter queue."
  type = object({
    maximum_retry_attempts    = optional(number, 185)
    maximum_event_age_seconds = optional(number, 86400)
  })
  default  = {}
  nullable = false

  validation {
    condition     = floor(var.event_delivery.maximum_retry_attempts) == var.event_delivery.maximum_retry_attempts && var.event_delivery.maximum_retry_attempts >= 0 && var.event_delivery.maximum_retry_attempts <= 185
    error_message = "event_delivery.maximum_retry_attempts must be a whole number from 0 to 185."
  }

  validation {
    condition     = floor(var.event_delivery.maximum_event_age_seconds) == var.event_delivery.maximum_event_age_seconds && var.event_delivery.maximum_event_age_seconds >= 60 && var.event_delivery.maximum_event_age_seconds <= 86400
    error_message = "event_delivery.maximum_event_age_seconds must be a whole number from 60 to 86400."
  }
}

variable "invocation_retries" {
  description = "How Lambda retries a launcher invocation that failed (an error, a timeout) or was throttled before sending the event to the dead-letter queue."
  type = object({
    maximum_retry_attempts    = optional(number, 2)
    maximum_event_age_seconds = optional(number, 21600)
  })
  default  = {}
  nullable = false

  validation {
    condition     = contains([0, 1, 2], var.invocation_retries.maximum_retry_attempts)
    error_message = "invocation_retries.maximum_retry_attempts must be 0, 1 or 2."
  }

  validation {
    condition     = floor(var.invocation_retries.maximum_event_age_seconds) == var.invocation_retries.maximum_event_age_seconds && var.invocation_retries.maximum_event_age_seconds >= 60 && var.invocation_retries.maximum_event_age_seconds <= 21600
    error_message = "invocation_retries.maximum_event_age_seconds must be a whole number from 60 to 21600."
  }
}

variable "dead_letter_retention_seconds" {
  description = "How long the dead-letter queue keeps an event that could not be handled."
  type        = number
  default     = 1209600
  nullable    = false

  validation {
    condition     = floor(var.dead_letter_retention_seconds) == var.dead_letter_retention_seconds && var.dead_letter_retention_seconds >= 60 && var.dead_letter_retention_seconds <= 1209600
    error_message = "dead_letter_retention_seconds must be a whole number from 60 to 1209600 (14 days)."
  }
}

# ------------------------------------------------------------------ the Glue job

variable "glue_job" {
  description = "Size and limits of the comparison job (validated by modules/glue_job): number_of_workers (default 2), worker_type (default \"G.1X\"), timeout in minutes (default 60)."
  type = object({
    number_of_workers = optional(number, 2)
    worker_type       = optional(string, "G.1X")
    timeout           = optional(number, 60)
  })
  default  = {}
  nullable = false
}

# ------------------------------------------------------------------ encryption, access, tags

variable "kms_key_arn" {
  description = "Existing customer-managed KMS key for the launcher's environment, log group and dead-letter queue and the Athena query results. null (default): the module creates one with rotation on. A key passed in must let CloudWatch Logs use it for the launcher's log group and EventBridge (events.amazonaws.com) use it for the dead-letter queue."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null ? true : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be null or a KMS key ARN like \"arn:aws:kms:us-east-1:123456789012:key/<id>\" (not an alias)."
  }
}

variable "kms_key_deletion_window_days" {
  description = "Waiting period before the created KMS key is deleted after destroy."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = floor(var.kms_key_deletion_window_days) == var.kms_key_deletion_window_days && var.kms_key_deletion_window_days >= 7 && var.kms_key_deletion_window_days <= 30
    error_message = "kms_key_deletion_window_days must be a whole number from 7 to 30."
  }
}

variable "data_kms_key_arns" {
  description = "KMS keys the manifest and result objects are encrypted with; the Glue job's role may use them."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for arn in var.data_kms_key_arns : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", arn))])
    error_message = "data_kms_key_arns must be KMS key ARNs like \"arn:aws:kms:us-east-1:123456789012:key/<id>\" (not aliases)."
  }
}

variable "role_permissions_boundary_arn" {
  description = "Permissions boundary for the roles the module creates (the launcher's and the Glue job's)."
  type        = string
  default     = null

  validation {
    condition     = var.role_permissions_boundary_arn == null ? true : can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/.+$", var.role_permissions_boundary_arn))
    error_message = "role_permissions_boundary_arn must be null or an IAM policy ARN."
  }
}

variable "force_destroy" {
  description = "Let `terraform destroy` delete the Athena workgroup with its query history and the Glue job's script bucket with the objects still in it."
  type        = bool
  default     = false
  nullable    = false
}

variable "tags" {
  description = "Tags for every resource the module creates."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for key in keys(var.tags) : !startswith(lower(key), "aws:")])
    error_message = "tags keys must not start with \"aws:\" (reserved by AWS)."
  }
}
