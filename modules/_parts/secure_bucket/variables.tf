variable "name" {
  description = "Bucket name (globally unique)."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.name)) && !can(regex("\\.\\.", var.name))
    error_message = "name must be a valid S3 bucket name: 3-63 lowercase letters, digits, '.' and '-', starting and ending with a letter or digit."
  }
}

variable "kms_key_arn" {
  description = "KMS key for default encryption (SSE-KMS with an S3 Bucket Key). null: SSE-S3 (AES256), which is what S3 access-log delivery requires of a log bucket."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null ? true : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be null (SSE-S3) or a KMS key ARN like \"arn:aws:kms:us-east-1:123456789012:key/<id>\" (not an alias)."
  }
}

variable "versioning" {
  description = "Keep object versions (Enabled). false suspends versioning on an existing bucket."
  type        = bool
  default     = true
  nullable    = false
}

variable "force_destroy" {
  description = "Let `terraform destroy` delete the bucket with the objects (and versions) still in it."
  type        = bool
  default     = false
  nullable    = false
}

variable "access_logging" {
  description = "Server access logs of this bucket to target_bucket under target_prefix (null: \"s3/<name>/\"). null: no access logging."
  type = object({
    target_bucket = string
    target_prefix = optional(string)
  })
  default = null

  validation {
    condition     = var.access_logging == null ? true : can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.access_logging.target_bucket))
    error_message = "access_logging.target_bucket must be a bucket name (not an ARN or s3:// URI)."
  }
}

variable "access_log_delivery" {
  description = "Make this bucket an access-log target: S3's logging service may put objects under prefix for the source buckets named (ARNs) in this account. null: not a log target."
  type = object({
    source_bucket_arns = list(string)
    prefix             = optional(string, "s3/")
  })
  default = null

  validation {
    condition     = var.access_log_delivery == null ? true : length(var.access_log_delivery.source_bucket_arns) > 0 && alltrue([for arn in var.access_log_delivery.source_bucket_arns : can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", arn))])
    error_message = "access_log_delivery.source_bucket_arns must list at least one bucket ARN like \"arn:aws:s3:::my-bucket\"."
  }
}

variable "lifecycle_rules" {
  description = <<-EOT
    Lifecycle rules, each: id; prefix (null: the whole bucket); expiration_days (current objects);
    noncurrent_version_expiration_days; noncurrent_version_transition ({ days, storage_class });
    abort_incomplete_multipart_upload_days. A rule sets at least one action.
  EOT
  type = list(object({
    id                                     = string
    prefix                                 = optional(string)
    expiration_days                        = optional(number)
    noncurrent_version_expiration_days     = optional(number)
    abort_incomplete_multipart_upload_days = optional(number)
    noncurrent_version_transition = optional(object({
      days          = number
      storage_class = string
    }))
  }))
  default  = []
  nullable = false

  validation {
    condition = alltrue([for rule in var.lifecycle_rules : anytrue([
      rule.expiration_days != null,
      rule.noncurrent_version_expiration_days != null,
      rule.abort_incomplete_multipart_upload_days != null,
      rule.noncurrent_version_transition != null,
    ])])
    error_message = "lifecycle_rules[*] must set at least one of expiration_days, noncurrent_version_expiration_days, noncurrent_version_transition or abort_incomplete_multipart_upload_days."
  }
  validation {
    condition = alltrue([for rule in var.lifecycle_rules : alltrue([
      for days in compact([tostring(rule.expiration_days), tostring(rule.noncurrent_version_expiration_days), tostring(rule.abort_incomplete_multipart_upload_days), try(tostring(rule.noncurrent_version_transition.days), "")]) :
      floor(tonumber(days)) == tonumber(days) && tonumber(days) >= 1
    ])])
    error_message = "lifecycle_rules[*] day counts must be whole numbers, at least 1."
  }
  validation {
    condition     = alltrue([for rule in var.lifecycle_rules : rule.noncurrent_version_transition == null || contains(["STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"], try(rule.noncurrent_version_transition.storage_class, ""))])
    error_message = "lifecycle_rules[*].noncurrent_version_transition.storage_class must be one of STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING, GLACIER_IR, GLACIER, DEEP_ARCHIVE."
  }
  validation {
    condition     = length(distinct([for rule in var.lifecycle_rules : rule.id])) == length(var.lifecycle_rules)
    error_message = "lifecycle_rules[*].id must be unique."
  }
}

variable "tags" {
  description = "Tags for the bucket."
  type        = map(string)
  default     = {}
  nullable    = false
}
