# ------------------------------------------------------------------ the job

variable "name" {
  description = "Name of the Glue job. Also prefixes the role, security configuration, log group, KMS alias, alert rule and topic, and the script bucket the module creates."
  type        = string

  validation {
    # 30 characters: "<name>-glue-<12-digit account>-<region>" must fit the 63-character bucket name limit.
    condition     = can(regex("^[a-z0-9][a-z0-9_-]{0,29}$", var.name))
    error_message = "name must be 1-30 characters of lowercase letters, digits, hyphens and underscores, starting with a letter or digit (it also names the script bucket, whose name is limited to 63 characters)."
  }
}

variable "description" {
  description = "Description of the Glue job."
  type        = string
  default     = null

  validation {
    condition     = var.description == null ? true : length(var.description) <= 2048
    error_message = "description must be at most 2048 characters."
  }
}

variable "engine" {
  description = <<-EOT
    What runs the script, setting job type, sizing and dependencies together: "spark" (a glueetl or gluestreaming
    job) or "duckdb" (a Python-shell job on Python 3.9, max_capacity 0.0625 = 1 GB or 1 = 16 GB, that installs
    dependency_wheels, which must hold the duckdb wheel, with --no-index and gets --memory_limit and
    --temp_directory defaults). null: job_type alone decides, as before engine existed.
  EOT
  type        = string
  default     = null

  validation {
    condition     = var.engine == null ? true : contains(["spark", "duckdb"], var.engine)
    error_message = "engine must be null, \"spark\" or \"duckdb\"."
  }
}

variable "job_type" {
  description = "Kind of Glue job: \"glueetl\" (Spark batch), \"gluestreaming\" (Spark streaming) or \"pythonshell\". null picks \"pythonshell\" with engine = \"duckdb\" and \"glueetl\" otherwise."
  type        = string
  default     = null

  validation {
    condition     = var.job_type == null ? true : contains(["glueetl", "gluestreaming", "pythonshell"], var.job_type)
    error_message = "job_type must be null or one of \"glueetl\", \"gluestreaming\" or \"pythonshell\"."
  }
}

variable "glue_version" {
  description = "Glue version. null picks \"5.0\" for glueetl and gluestreaming and \"3.0\" (Python 3.9) for pythonshell. pythonshell accepts \"3.0\" (Python 3.9) or \"1.0\" (Python 3.6); Spark jobs accept \"2.0\" to \"5.1\"."
  type        = string
  default     = null

  validation {
    condition     = var.glue_version == null ? true : contains(["1.0", "2.0", "3.0", "4.0", "5.0", "5.1"], var.glue_version)
    error_message = "glue_version must be null or one of \"1.0\", \"2.0\", \"3.0\", \"4.0\", \"5.0\", \"5.1\" (pythonshell: \"1.0\" or \"3.0\"; Spark jobs: \"2.0\" to \"5.1\")."
  }
}

variable "script_path" {
  description = "Path of the job's Python script in this repository (e.g. \"$${path.module}/../../src/glue/jobs/my_job.py\"). Terraform uploads it to S3; a changed file is uploaded again on the next apply. A module-level line REQUIRES_ETL_LIB = \"X.Y.Z\" (every script in src/glue/jobs has one) is checked at plan time against a versioned library_path: any X.y.z at or above it (0.x: the same minor); a script without the line is not checked."
  type        = string

  validation {
    condition     = can(regex("\\.py$", var.script_path))
    error_message = "script_path must be the path of a Python script ending in .py."
  }
}

variable "library_path" {
  description = "Optional path of a shared library (e.g. build/glue/etl_lib.zip) uploaded next to the script and passed as --extra-py-files. Spark jobs take .zip, .py or .whl; pythonshell takes .whl or .egg (Python 3.6 only). A release's artifact named etl_lib-X.Y.Z.zip or etl_lib-X.Y.Z-py3-none-any.whl must satisfy the script's REQUIRES_ETL_LIB (plan-time precondition); a name without a version, such as this repository's build/glue/etl_lib.zip, is not checked."
  type        = string
  default     = null

  validation {
    condition     = var.library_path == null ? true : can(regex("\\.(zip|py|whl|egg)$", var.library_path))
    error_message = "library_path must be null or the path of a .zip, .py, .whl or .egg file."
  }
}

variable "additional_python_modules" {
  description = "Python packages Glue installs with pip from PyPI before the run, passed as --additional-python-modules (e.g. [\"pyarrow==17.0.0\"]). Not with engine = \"duckdb\" or dependency_wheels, which install only uploaded wheels, with --no-index."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for module in var.additional_python_modules : can(regex("^[^,\\s]+$", module))])
    error_message = "additional_python_modules entries must be non-empty and contain no commas or spaces (Glue joins them with commas)."
  }
}

variable "dependency_wheels" {
  description = <<-EOT
    Local paths of .whl files the job installs before the run (e.g. build/glue/pythonshell-wheels/*.whl, which
    `make build` downloads from requirements-pythonshell.txt). Each is uploaded under the job's prefix, tracked by
    content hash like the script, and passed in --additional-python-modules as an S3 URI, with
    --python-modules-installer-option = --no-index so a missing dependency fails the start instead of being fetched
    from PyPI. engine = "duckdb" needs the duckdb wheel here.
  EOT
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    # name-version(-build)?-python-abi-platform.whl (PEP 427): pip refuses a wheel whose file name is not.
    condition     = alltrue([for path in var.dependency_wheels : can(regex("^[A-Za-z0-9_.]+-[^-/]+(-[0-9][^-/]*)?-[^-/]+-[^-/]+-[^-/]+\\.whl$", basename(path)))])
    error_message = "dependency_wheels must be paths of wheel files named name-version-python-abi-platform.whl, such as \"build/glue/pythonshell-wheels/duckdb-1.2.2-cp39-cp39-manylinux_2_17_x86_64.manylinux2014_x86_64.whl\"."
  }

  validation {
    condition     = length(distinct([for path in var.dependency_wheels : basename(path)])) == length(var.dependency_wheels)
    error_message = "dependency_wheels must not name the same wheel file twice (each is uploaded under its file name)."
  }
}

variable "worker_type" {
  description = "Worker type of a Spark job. null picks \"G.1X\". \"G.025X\" is for gluestreaming only. Must stay null for pythonshell, which is sized by max_capacity."
  type        = string
  default     = null

  validation {
    condition     = var.worker_type == null ? true : contains(["G.025X", "G.1X", "G.2X", "G.4X", "G.8X"], var.worker_type)
    error_message = "worker_type must be null or one of \"G.025X\", \"G.1X\", \"G.2X\", \"G.4X\", \"G.8X\"."
  }
}

variable "number_of_workers" {
  description = "Number of workers of a Spark job. null picks 2. Must stay null for pythonshell, which is sized by max_capacity."
  type        = number
  default     = null

  validation {
    condition     = var.number_of_workers == null ? true : (floor(var.number_of_workers) == var.number_of_workers && var.number_of_workers >= 2 && var.number_of_workers <= 1000)
    error_message = "number_of_workers must be null or a whole number from 2 to 1000."
  }
}

variable "max_capacity" {
  description = "DPUs of a pythonshell (and engine = \"duckdb\") job: 0.0625 (1 GB of memory) or 1 (16 GB). null picks 0.0625. Must stay null for Spark jobs, which are sized by worker_type and number_of_workers."
  type        = number
  default     = null

  validation {
    condition     = var.max_capacity == null ? true : contains([0.0625, 1], var.max_capacity)
    error_message = "max_capacity must be null, 0.0625 or 1 (the only sizes of a pythonshell job, engine = \"duckdb\" included)."
  }
}

variable "timeout" {
  description = "Minutes a run may take before Glue stops it with TIMEOUT. null picks 60 for glueetl and pythonshell and leaves gluestreaming without a timeout."
  type        = number
  default     = null

  validation {
    condition     = var.timeout == null ? true : (floor(var.timeout) == var.timeout && var.timeout >= 1 && var.timeout <= 10080)
    error_message = "timeout must be null or a whole number of minutes from 1 to 10080 (7 days)."
  }
}

variable "max_retries" {
  description = "How many times Glue retries a failed run."
  type        = number
  default     = 0
  nullable    = false

  validation {
    condition     = floor(var.max_retries) == var.max_retries && var.max_retries >= 0 && var.max_retries <= 10
    error_message = "max_retries must be a whole number from 0 to 10."
  }
}

variable "max_concurrent_runs" {
  description = "How many runs of the job may run at once."
  type        = number
  default     = 1
  nullable    = false

  validation {
    condition     = floor(var.max_concurrent_runs) == var.max_concurrent_runs && var.max_concurrent_runs >= 1 && var.max_concurrent_runs <= 1000
    error_message = "max_concurrent_runs must be a whole number from 1 to 1000."
  }
}

variable "execution_class" {
  description = "\"STANDARD\" or \"FLEX\" (cheaper, may start later); glueetl with glue_version 3.0 or later only. null leaves it unset (Glue then runs STANDARD)."
  type        = string
  default     = null

  validation {
    condition     = var.execution_class == null ? true : contains(["STANDARD", "FLEX"], var.execution_class)
    error_message = "execution_class must be null, \"STANDARD\" or \"FLEX\"."
  }
}

variable "job_run_queuing_enabled" {
  description = "Queue runs that exceed max_concurrent_runs or service quotas instead of failing them (the job's JobRunQueuingEnabled)."
  type        = bool
  default     = false
  nullable    = false
}

variable "job_bookmarks" {
  description = "Job bookmark option: \"disable\", \"enable\" or \"pause\". Rendered as --job-bookmark-option for Spark jobs; pythonshell jobs have no bookmarks and must keep \"disable\"."
  type        = string
  default     = "disable"
  nullable    = false

  validation {
    condition     = contains(["disable", "enable", "pause"], var.job_bookmarks)
    error_message = "job_bookmarks must be one of \"disable\", \"enable\" or \"pause\"."
  }
}

variable "observability" {
  description = <<-EOT
    Monitoring of a Spark job, rendered into its arguments: metrics (--enable-metrics), continuous_logging
    (--enable-continuous-cloudwatch-log to the module's log group), job_insights (--enable-job-insights),
    spark_ui (--enable-spark-ui, event logs to spark_ui.logs_path, default a prefix of the script bucket).
    Glue offers none of these to pythonshell jobs, so they are not rendered there.
  EOT
  type = object({
    metrics            = optional(bool, true)
    continuous_logging = optional(bool, true)
    job_insights       = optional(bool, true)
    spark_ui = optional(object({
      enabled   = optional(bool, false)
      logs_path = optional(string)
    }), {})
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.observability.spark_ui.logs_path == null ? true : can(regex("^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/([^*?]+/)?$", var.observability.spark_ui.logs_path))
    error_message = "observability.spark_ui.logs_path must be null or an S3 prefix like \"s3://bucket/spark-ui/\" (starting with s3://, ending with /, no wildcards)."
  }
}

variable "default_arguments" {
  description = "Extra job arguments, e.g. the script's own (\"--input_path\" = \"s3://...\"). Keys must start with \"--\". Keys the module renders from typed inputs are refused; set those inputs instead. With engine = \"duckdb\", \"--memory_limit\" and \"--temp_directory\" set here replace the module's defaults."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for key in keys(var.default_arguments) : can(regex("^--[A-Za-z0-9]", key))])
    error_message = "default_arguments keys must start with \"--\" followed by a letter or digit (e.g. \"--input_path\")."
  }

  validation {
    condition = length(setintersection(keys(var.default_arguments), [
      "--job-language", "--scriptLocation", "--TempDir", "--extra-py-files", "--additional-python-modules",
      "--job-bookmark-option", "--enable-metrics", "--enable-continuous-cloudwatch-log", "--continuous-log-logGroup",
      "--enable-job-insights", "--enable-spark-ui", "--spark-event-logs-path", "--dq_rules",
    ])) == 0
    error_message = "default_arguments must not set keys the module renders: use library_path for --extra-py-files, additional_python_modules for --additional-python-modules, job_bookmarks for --job-bookmark-option, observability for --enable-metrics/--enable-continuous-cloudwatch-log/--continuous-log-logGroup/--enable-job-insights/--enable-spark-ui/--spark-event-logs-path, data_quality.ruleset for --dq_rules; --job-language, --scriptLocation and --TempDir are set by the module."
  }
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

# ------------------------------------------------------------------ code storage

variable "code_deployed_by" {
  description = "Who points the job at its code after the first apply: \"terraform\" (default: the uploaded script_path and library_path) or \"pipeline\" (modules/codepipeline_glue deploys each commit under deployment_prefix and updates the job in place; Terraform then leaves the script location and --extra-py-files as the pipeline set them)."
  type        = string
  default     = "terraform"
  nullable    = false

  validation {
    condition     = contains(["terraform", "pipeline"], var.code_deployed_by)
    error_message = "code_deployed_by must be \"terraform\" or \"pipeline\"."
  }
}

variable "script_bucket_name" {
  description = "Existing S3 bucket for the script and library objects. null (default): the module creates a versioned, KMS-encrypted, private, TLS-only bucket named \"<name>-glue-<account id>-<region>\" (underscores become hyphens)."
  type        = string
  default     = null

  validation {
    condition     = var.script_bucket_name == null ? true : can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.script_bucket_name))
    error_message = "script_bucket_name must be null or a valid S3 bucket name (3-63 lowercase letters, digits, dots and hyphens)."
  }
}

variable "script_key_prefix" {
  description = "Key prefix of the job's objects in the script bucket (script, library, temporary files, Spark UI logs). null picks \"glue-jobs/<name>/\"."
  type        = string
  default     = null

  validation {
    condition     = var.script_key_prefix == null ? true : can(regex("^[A-Za-z0-9!_.'()-][A-Za-z0-9!_.'()/-]*/$", var.script_key_prefix))
    error_message = "script_key_prefix must be null or a key prefix like \"glue-jobs/my-job/\": no leading slash, a trailing slash, no wildcards."
  }
}

variable "force_destroy" {
  description = "Let `terraform destroy` delete the created script bucket even when it still holds objects (temporary files, Spark UI logs, old versions)."
  type        = bool
  default     = false
  nullable    = false
}

variable "script_bucket_access_logging" {
  description = "Server access logging of the created script bucket: the target bucket and an optional key prefix (default \"s3/<bucket>/\"). null: no access logs."
  type = object({
    target_bucket = string
    target_prefix = optional(string)
  })
  default = null

  validation {
    condition     = var.script_bucket_access_logging == null ? true : can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.script_bucket_access_logging.target_bucket))
    error_message = "script_bucket_access_logging.target_bucket must be a valid S3 bucket name."
  }
}

variable "noncurrent_version_retention_days" {
  description = "Days the created script bucket keeps replaced versions of the script and library (for rollback) before expiring them."
  type        = number
  default     = 90
  nullable    = false

  validation {
    condition     = floor(var.noncurrent_version_retention_days) == var.noncurrent_version_retention_days && var.noncurrent_version_retention_days >= 1
    error_message = "noncurrent_version_retention_days must be a whole number of at least 1."
  }
}

# ------------------------------------------------------------------ access

variable "role_arn" {
  description = "Existing IAM role for the job. null (default): the module creates a least-privilege role. With a role passed in, no role or policy is created and granting access is the caller's job."
  type        = string
  default     = null

  validation {
    condition     = var.role_arn == null ? true : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", var.role_arn))
    error_message = "role_arn must be null or an IAM role ARN like \"arn:aws:iam::123456789012:role/my-role\"."
  }
}

variable "role_permissions_boundary_arn" {
  description = "Permissions boundary for the role the module creates."
  type        = string
  default     = null

  validation {
    condition     = var.role_permissions_boundary_arn == null ? true : can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/.+$", var.role_permissions_boundary_arn))
    error_message = "role_permissions_boundary_arn must be null or an IAM policy ARN."
  }
}

variable "data_access" {
  description = <<-EOT
    Data the job's role may touch: S3 prefixes it reads (read_prefixes) and writes (write_prefixes), as
    "s3://bucket/prefix/", and the KMS keys those objects are encrypted with (kms_key_arns). The role gets
    object access under exactly these prefixes and s3:ListBucket limited to them.
  EOT
  type = object({
    read_prefixes  = optional(list(string), [])
    write_prefixes = optional(list(string), [])
    kms_key_arns   = optional(list(string), [])
  })
  default  = {}
  nullable = false

  validation {
    condition = alltrue([
      for prefix in concat(var.data_access.read_prefixes, var.data_access.write_prefixes) :
      can(regex("^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/([^*?]+/)?$", prefix))
    ])
    error_message = "data_access prefixes must look like \"s3://bucket/\" or \"s3://bucket/some/prefix/\": start with s3://, end with /, no wildcards."
  }

  validation {
    condition     = alltrue([for arn in var.data_access.kms_key_arns : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", arn))])
    error_message = "data_access.kms_key_arns must be KMS key ARNs like \"arn:aws:kms:us-east-1:123456789012:key/<id>\" (not aliases)."
  }
}

variable "catalog_access" {
  description = "Glue Data Catalog tables the job uses, by database. The role gets read actions on the catalog, these databases and tables, and write actions (create/update tables and partitions) where write = true."
  type = list(object({
    database = string
    tables   = list(string)
    write    = optional(bool, false)
  }))
  default  = []
  nullable = false

  validation {
    condition = alltrue([
      for entry in var.catalog_access :
      can(regex("^[A-Za-z0-9_-]{1,255}$", entry.database)) && length(entry.tables) > 0 &&
      alltrue([for table in entry.tables : can(regex("^[A-Za-z0-9_-]{1,255}$", table))])
    ])
    error_message = "catalog_access entries need a database name and at least one table name, each of letters, digits, underscores and hyphens (no wildcards)."
  }
}

# ------------------------------------------------------------------ encryption and logs

variable "additional_policy_statements" {
  description = <<-EOT
    Grants the created role needs for sources the module does not model (a Kinesis stream, a connection):
    sid, actions, resources (ARNs; no "*" resource), conditions. Appended after the module's own statements.
    Ignored with role_arn (the caller grants a role it passes in).
  EOT
  type = list(object({
    sid       = string
    actions   = list(string)
    resources = list(string)
    conditions = optional(list(object({
      test     = string
      variable = string
      values   = list(string)
    })), [])
  }))
  default  = []
  nullable = false

  validation {
    condition     = alltrue([for statement in var.additional_policy_statements : !contains(statement.resources, "*") && length(statement.resources) > 0])
    error_message = "additional_policy_statements[*].resources must name ARNs, not \"*\" (least privilege)."
  }
}

variable "kms_key_arn" {
  description = "Existing customer-managed KMS key for the script objects, log group, security configuration and alert topic. null (default): the module creates one with rotation on. A key passed in must let CloudWatch Logs (and EventBridge, for a created alert topic) use it."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null ? true : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be null or a KMS key ARN like \"arn:aws:kms:us-east-1:123456789012:key/<id>\" (not an alias)."
  }
}

variable "additional_kms_service_grants" {
  description = "More AWS services that may use the key the module creates (modules/_parts/kms_key's service_grants shape: sid, service, actions, conditions), e.g. cloudwatch.amazonaws.com for alarms publishing to a topic a calling module encrypts with this key. Ignored with kms_key_arn."
  type = list(object({
    sid     = string
    service = string
    actions = list(string)
    conditions = list(object({
      test     = string
      variable = string
      values   = list(string)
    }))
  }))
  default  = []
  nullable = false
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

variable "log_retention_days" {
  description = "Retention of the job's CloudWatch log group, in days: one of the values CloudWatch Logs accepts (checked in modules/_parts/log_group)."
  type        = number
  default     = 30
  nullable    = false
}

# ------------------------------------------------------------------ alerts and data quality

variable "failure_topic" {
  description = <<-EOT
    Alert when a run ends badly: an EventBridge rule on "Glue Job State Change" for this job in
    failure_alert_states sends the event to an SNS topic. {} (arn null): the module creates a topic encrypted
    with the module's key that only this rule may publish to. { arn = ... }: an existing topic, which must
    already let events.amazonaws.com publish (and, if encrypted with kms_key_arn, let EventBridge use that key).
    null (default): no alerting.
  EOT
  type = object({
    arn         = optional(string)
    kms_key_arn = optional(string)
  })
  default = null

  validation {
    condition     = var.failure_topic == null ? true : (var.failure_topic.arn == null ? true : can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$", var.failure_topic.arn)))
    error_message = "failure_topic.arn must be null or a standard SNS topic ARN like \"arn:aws:sns:us-east-1:123456789012:alerts\"."
  }

  validation {
    condition     = var.failure_topic == null ? true : (var.failure_topic.kms_key_arn == null ? true : var.failure_topic.arn != null && can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.failure_topic.kms_key_arn)))
    error_message = "failure_topic.kms_key_arn must be null, or the KMS key ARN (not an alias) of the topic passed in as failure_topic.arn (a created topic uses kms_key_arn)."
  }
}

variable "failure_alert_states" {
  description = "Run states that alert, when failure_topic is set."
  type        = list(string)
  default     = ["FAILED", "TIMEOUT", "STOPPED", "ERROR"]
  nullable    = false

  validation {
    condition     = length(var.failure_alert_states) > 0 && length(setsubtract(var.failure_alert_states, ["FAILED", "TIMEOUT", "STOPPED", "ERROR"])) == 0
    error_message = "failure_alert_states must be a non-empty list of \"FAILED\", \"TIMEOUT\", \"STOPPED\", \"ERROR\"."
  }
}

variable "data_quality" {
  description = <<-EOT
    Data quality rules in DQDL ("Rules = [ ... ]"). The module stores them as a Glue Data Quality ruleset
    named after the job (optionally attached to target_table) and passes the same text to the script as
    --dq_rules, so the rules the job evaluates and the ones Glue shows are one text. null: neither.
  EOT
  type = object({
    ruleset = string
    target_table = optional(object({
      database = string
      table    = string
    }))
  })
  default = null

  validation {
    condition     = var.data_quality == null ? true : can(regex("^\\s*Rules\\s*=\\s*\\[[\\s\\S]*\\]\\s*$", var.data_quality.ruleset))
    error_message = "data_quality.ruleset must be DQDL of the form \"Rules = [ ... ]\"."
  }

  validation {
    condition     = var.data_quality == null ? true : length(var.data_quality.ruleset) <= 65536
    error_message = "data_quality.ruleset must be at most 65536 characters (the Glue limit)."
  }
}
