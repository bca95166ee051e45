variable "environment" {
  description = "Environment name, used in every resource name (e.g. dev, prod)."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,15}$", var.environment))
    error_message = "environment must be 2-16 characters of lowercase letters, digits and '-', starting with a letter."
  }
}

variable "settings" {
  description = <<-EOT
    Everything that differs between environments, one attribute each (set in envs/<env>/terraform.tfvars):
    - name_prefix: prefix of every resource name, so several platforms can share an account (default "etl").
    - log_retention_days: CloudWatch retention of every log group of the stack (default 30; one of CloudWatch's
      values, checked in modules/_parts/log_group).
    - quarantine_expiration_days: days quarantined records (raw input) are kept in the data bucket (default 90).
    - force_destroy: let destroy delete buckets and workgroups that still hold data (true only for throw-away
      environments; default false).
    - orders_job_workers: G.1X workers of the orders JSON-to-Parquet job (default 2, Glue's minimum).
    - manifest_comparison: the manifest comparison started when AWS Batch queues drain (modules/batch_launcher);
      null (default) deploys none. dependency_queue_names: the Batch job queues (this account and region) whose
      jobs write the manifests; import_type: historic, streaming_main or streaming_equality; snapshot_type: full
      or incremental; max_daily_runs (default 1) and margin_of_error_minutes (default 2) as in the module.
    - kms_key_deletion_window_days: waiting period of every KMS key the stack creates, 7-30 (default 30).
    - orders_engine: what runs the orders JSON-to-Parquet job: "spark" (default, a Glue Spark job) or "duckdb"
      (a Python-shell job on DuckDB: cheaper for small inputs).
    - orders_schedule: how often the orders pipeline runs, an EventBridge rate() or cron() (default "rate(1 hour)").
    - stream: the Kinesis streaming pipeline (modules/kinesis_glue): shard_count (null, the default: on-demand),
      retention_hours (24-8760, default 24), worker_type ("G.025X" default, "G.1X", "G.2X"), number_of_workers
      (default 2).
    - deploy: the CodePipeline that deploys the orders job from CodeCommit (modules/codepipeline_glue): branch
      (default "main"), require_approval (a manual approval before the deploy; default true).
    - alerts: null (default) gives each pipeline its own encrypted failure topic; an object makes the stack create
      one encrypted topic every pipeline's failures and alarms go to, with its subscriptions
      ([{ protocol, endpoint }], e.g. email).
    - protect_data: refuse any plan that destroys or replaces the data bucket, its access-log bucket or its key
      (default false; see stacks/platform/protection.tf for how to lift it).
  EOT
  type = object({
    name_prefix                = optional(string, "etl")
    log_retention_days         = optional(number, 30)
    quarantine_expiration_days = optional(number, 90)
    force_destroy              = optional(bool, false)
    orders_job_workers         = optional(number, 2)
    manifest_comparison = optional(object({
      dependency_queue_names  = list(string)
      import_type             = string
      snapshot_type           = string
      max_daily_runs          = optional(number, 1)
      margin_of_error_minutes = optional(number, 2)
    }))
    kms_key_deletion_window_days = optional(number, 30)
    orders_engine                = optional(string, "spark")
    orders_schedule              = optional(string, "rate(1 hour)")
    stream = optional(object({
      shard_count       = optional(number)
      retention_hours   = optional(number, 24)
      worker_type       = optional(string, "G.025X")
      number_of_workers = optional(number, 2)
    }), {})
    deploy = optional(object({
      branch           = optional(string, "main")
      require_approval = optional(bool, true)
    }), {})
    alerts = optional(object({
      subscriptions = optional(list(object({
        protocol = string
        endpoint = string
      })), [])
    }))
    protect_data = optional(bool, false)
  })
  nullable = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,20}$", var.settings.name_prefix))
    error_message = "settings.name_prefix must be 2-21 characters of lowercase letters, digits and '-', starting with a letter."
  }
  validation {
    condition     = var.settings.quarantine_expiration_days >= 1 && floor(var.settings.quarantine_expiration_days) == var.settings.quarantine_expiration_days
    error_message = "settings.quarantine_expiration_days must be a whole number of days, at least 1."
  }
  validation {
    condition     = var.settings.orders_job_workers >= 2 && floor(var.settings.orders_job_workers) == var.settings.orders_job_workers
    error_message = "settings.orders_job_workers must be a whole number, at least 2 (Glue's minimum for G.1X)."
  }
  validation {
    condition = var.settings.manifest_comparison == null || try(
      length(var.settings.manifest_comparison.dependency_queue_names) > 0 &&
      alltrue([for queue in var.settings.manifest_comparison.dependency_queue_names : can(regex("^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$", queue))]),
      false
    )
    error_message = "settings.manifest_comparison.dependency_queue_names must list at least one Batch job queue name (1-128 letters, digits, '-' or '_', starting with a letter or digit), not an ARN."
  }
  validation {
    condition     = floor(var.settings.kms_key_deletion_window_days) == var.settings.kms_key_deletion_window_days && var.settings.kms_key_deletion_window_days >= 7 && var.settings.kms_key_deletion_window_days <= 30
    error_message = "settings.kms_key_deletion_window_days must be a whole number from 7 to 30."
  }
  validation {
    condition     = contains(["spark", "duckdb"], var.settings.orders_engine)
    error_message = "settings.orders_engine must be \"spark\" (a Glue Spark job) or \"duckdb\" (a Python-shell job on DuckDB)."
  }
  validation {
    condition     = can(regex("^(rate|cron)\\(.+\\)$", var.settings.orders_schedule))
    error_message = "settings.orders_schedule must be an EventBridge schedule expression such as \"rate(1 hour)\" or \"cron(0 * * * ? *)\"."
  }
  validation {
    condition     = var.settings.stream.shard_count == null || try(var.settings.stream.shard_count >= 1 && floor(var.settings.stream.shard_count) == var.settings.stream.shard_count, false)
    error_message = "settings.stream.shard_count must be null (on-demand capacity) or a whole number of shards, at least 1."
  }
  validation {
    condition     = var.settings.stream.retention_hours >= 24 && var.settings.stream.retention_hours <= 8760 && floor(var.settings.stream.retention_hours) == var.settings.stream.retention_hours
    error_message = "settings.stream.retention_hours must be a whole number of hours from 24 to 8760."
  }
  validation {
    condition     = contains(["G.025X", "G.1X", "G.2X"], var.settings.stream.worker_type)
    error_message = "settings.stream.worker_type must be \"G.025X\", \"G.1X\" or \"G.2X\"."
  }
  validation {
    condition     = var.settings.stream.number_of_workers >= 2 && floor(var.settings.stream.number_of_workers) == var.settings.stream.number_of_workers
    error_message = "settings.stream.number_of_workers must be a whole number, at least 2."
  }
  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$", var.settings.deploy.branch))
    error_message = "settings.deploy.branch must be a Git branch name such as \"main\" (letters, digits, '.', '_', '/', '-')."
  }
  validation {
    condition = var.settings.alerts == null || try(alltrue([
      for subscription in var.settings.alerts.subscriptions :
      contains(["email", "email-json", "https", "sqs", "lambda", "sms"], subscription.protocol) && length(subscription.endpoint) > 0
    ]), false)
    error_message = "settings.alerts.subscriptions must each have a protocol (email, email-json, https, sqs, lambda or sms) and a non-empty endpoint."
  }
}

variable "settings_as_given" {
  # Terraform converts settings to its object type before any validation: an attribute it does not declare is
  # dropped (a misspelt setting would silently keep its default) and a wrong type fails without naming the
  # attribute. The envs also pass their tfvars' settings as given, checked here attribute by attribute.
  description = "The environment's settings exactly as its terraform.tfvars gives them (envs pass var.settings); null skips these checks."
  type        = any
  default     = null

  validation {
    condition = var.settings_as_given == null || length(setsubtract(try(keys(var.settings_as_given), ["(not an object)"]), [
      "name_prefix", "log_retention_days", "quarantine_expiration_days", "force_destroy", "orders_job_workers",
      "manifest_comparison", "kms_key_deletion_window_days", "orders_engine", "orders_schedule", "stream", "deploy",
      "alerts", "protect_data",
    ])) == 0
    error_message = "settings has an attribute the stack does not know (misspelt?), or is not an object: the settings are name_prefix, log_retention_days, quarantine_expiration_days, force_destroy, orders_job_workers, manifest_comparison, kms_key_deletion_window_days, orders_engine, orders_schedule, stream, deploy, alerts and protect_data (stacks/platform/variables.tf)."
  }
  validation {
    condition = var.settings_as_given == null || alltrue([
      for name in ["force_destroy", "protect_data"] : can(tobool(lookup(var.settings_as_given, name, true)))
    ])
    error_message = "settings.force_destroy and settings.protect_data must be true or false."
  }
  validation {
    condition = var.settings_as_given == null || alltrue([
      for name in ["log_retention_days", "quarantine_expiration_days", "orders_job_workers", "kms_key_deletion_window_days"] :
      can(tonumber(lookup(var.settings_as_given, name, 1)))
    ])
    error_message = "settings.log_retention_days, quarantine_expiration_days, orders_job_workers and kms_key_deletion_window_days must be numbers, e.g. log_retention_days = 30."
  }
  validation {
    condition = var.settings_as_given == null || alltrue([
      for name in ["name_prefix", "orders_engine", "orders_schedule"] : can(tostring(lookup(var.settings_as_given, name, "")))
    ])
    error_message = "settings.name_prefix, orders_engine and orders_schedule must be strings, e.g. orders_engine = \"spark\"."
  }
}
