variable "environment" {
  description = "Environment name, used in every resource name (e.g. dev, prod)."
  type        = string
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,15}$", var.environment))
    error_message = "environment must be 2-16 characters of lowercase letters, digits and '-', starting with a letter."
  }
}

variable "name_prefix" {
  description = "Prefix for every resource name, so several platforms can share an account."
  type        = string
  default     = "etl"
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,20}$", var.name_prefix))
    error_message = "name_prefix must be 2-21 characters of lowercase letters, digits and '-', starting with a letter."
  }
}

variable "log_retention_days" {
  description = "CloudWatch log retention for every log group of the stack."
  type        = number
  default     = 30
  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of CloudWatch's values: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "quarantine_expiration_days" {
  description = "Days after which quarantined records expire from the data bucket (they hold raw input)."
  type        = number
  default     = 90
  validation {
    condition     = var.quarantine_expiration_days >= 1 && floor(var.quarantine_expiration_days) == var.quarantine_expiration_days
    error_message = "quarantine_expiration_days must be a whole number of days, at least 1."
  }
}

variable "force_destroy_buckets" {
  description = "Allow destroying non-empty buckets (true only for throw-away environments)."
  type        = bool
  default     = false
}

variable "orders_job_workers" {
  description = "Number of G.1X workers of the orders JSON-to-Parquet job."
  type        = number
  default     = 2
  validation {
    condition     = var.orders_job_workers >= 2 && floor(var.orders_job_workers) == var.orders_job_workers
    error_message = "orders_job_workers must be a whole number, at least 2 (Glue's minimum for G.1X)."
  }
}

variable "manifest_comparison" {
  description = <<-EOT
    The manifest comparison started when AWS Batch queues drain (modules/batch_launcher); null deploys none.
    dependency_queue_names: the Batch job queues (in this account and region) whose jobs write the manifests;
    import_type: historic, streaming_main or streaming_equality; snapshot_type: full or incremental;
    max_daily_runs (default 1) and margin_of_error_minutes (default 2) as in the module.
  EOT
  type = object({
    dependency_queue_names  = list(string)
    import_type             = string
    snapshot_type           = string
    max_daily_runs          = optional(number, 1)
    margin_of_error_minutes = optional(number, 2)
  })
  default = null
  validation {
    condition = var.manifest_comparison == null || try(
      length(var.manifest_comparison.dependency_queue_names) > 0 &&
      alltrue([for queue in var.manifest_comparison.dependency_queue_names : can(regex("^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$", queue))]),
      false
    )
    error_message = "manifest_comparison.dependency_queue_names must list at least one Batch job queue name (1-128 letters, digits, '-' or '_', starting with a letter or digit), not an ARN."
  }
}
