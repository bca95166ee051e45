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
