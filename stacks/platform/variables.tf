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
}
