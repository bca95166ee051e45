variable "name" {
  description = "Log group name, e.g. \"/aws/lambda/<function>\"."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9_/.#-]{1,512}$", var.name))
    error_message = "name must be 1-512 characters of letters, digits and _ / . # - (CloudWatch Logs' group name rules)."
  }
}

variable "retention_days" {
  description = "Days CloudWatch Logs keeps the events: one of the values it accepts. Modules pass their log_retention_days here, so this is the one place the list is checked."
  type        = number
  nullable    = false

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.retention_days)
    error_message = "log_retention_days must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 (the values CloudWatch Logs accepts)."
  }
}

variable "kms_key_arn" {
  description = "KMS key the group's events are encrypted with (its policy must let logs.<region>.amazonaws.com use it for this group)."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN like \"arn:aws:kms:us-east-1:123456789012:key/<id>\" (not an alias)."
  }
}

variable "tags" {
  description = "Tags for the log group."
  type        = map(string)
  default     = {}
  nullable    = false
}
