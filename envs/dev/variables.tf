variable "region" {
  description = "AWS region to deploy to."
  type        = string
  default     = "us-east-1"
  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as us-east-1 or eu-west-2."
  }
}

variable "name_prefix" {
  description = "Prefix for every resource name."
  type        = string
  default     = "etl"
}

variable "log_retention_days" {
  description = "CloudWatch log retention in days for the whole stack."
  type        = number
}

variable "quarantine_expiration_days" {
  description = "Days quarantined records are kept."
  type        = number
}

variable "force_destroy_buckets" {
  description = "Allow destroying non-empty buckets."
  type        = bool
  default     = false
}

variable "orders_job_workers" {
  description = "Number of workers of the orders JSON-to-Parquet Glue job."
  type        = number
  default     = 2
}

variable "manifest_comparison" {
  description = "The manifest comparison launched when Batch queues drain (see envs/stack); null deploys none."
  type = object({
    dependency_queue_names  = list(string)
    import_type             = string
    snapshot_type           = string
    max_daily_runs          = optional(number, 1)
    margin_of_error_minutes = optional(number, 2)
  })
  default = null
}
