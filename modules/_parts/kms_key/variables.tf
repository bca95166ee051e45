variable "name" {
  description = "The key's alias without the \"alias/\" prefix. By convention \"<resource name>-<module>\", e.g. \"orders-glue-job\" (top README, Naming)."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9/_-]{1,250}$", var.name)) && !startswith(var.name, "aws/")
    error_message = "name must be 1-250 letters, digits, '/', '_' or '-' and must not start with \"aws/\" (reserved for AWS-managed keys); it becomes alias/<name>."
  }
}

variable "description" {
  description = "What the key encrypts, shown in the KMS console."
  type        = string
  nullable    = false

  validation {
    condition     = length(var.description) > 0 && length(var.description) <= 8192
    error_message = "description must be 1-8192 characters saying what the key encrypts."
  }
}

variable "deletion_window_in_days" {
  description = "Waiting period before the key is deleted after destroy."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = floor(var.deletion_window_in_days) == var.deletion_window_in_days && var.deletion_window_in_days >= 7 && var.deletion_window_in_days <= 30
    error_message = "deletion_window_in_days must be a whole number from 7 to 30."
  }
}

variable "service_grants" {
  description = <<-EOT
    AWS services that may use the key, each a key-policy statement: sid, service (principal such as
    "logs.us-east-1.amazonaws.com" or "events.amazonaws.com"), actions, and conditions that tie the use to this
    account's resources (an encryption context, aws:SourceArn or aws:SourceAccount). The account root administers
    the key through IAM in every case (statement "AccountAdministersKeyThroughIam").
  EOT
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

  validation {
    condition     = alltrue([for grant in var.service_grants : can(regex("^[A-Za-z0-9]+$", grant.sid))])
    error_message = "service_grants[*].sid must be letters and digits only (a key policy statement id)."
  }
  validation {
    condition     = alltrue([for grant in var.service_grants : can(regex("^[a-z0-9.-]+\\.amazonaws\\.com$", grant.service))])
    error_message = "service_grants[*].service must be a service principal such as \"logs.us-east-1.amazonaws.com\" or \"events.amazonaws.com\"."
  }
  validation {
    condition     = alltrue([for grant in var.service_grants : length(grant.conditions) > 0])
    error_message = "service_grants[*].conditions must name at least one condition (kms:EncryptionContext:*, aws:SourceArn or aws:SourceAccount), so a service uses the key only for this account's resources."
  }
  validation {
    condition     = alltrue([for grant in var.service_grants : length(grant.actions) > 0 && alltrue([for action in grant.actions : startswith(action, "kms:") && action != "kms:*"])])
    error_message = "service_grants[*].actions must list kms: actions, and not \"kms:*\" (administration stays with the account)."
  }
  validation {
    condition     = length(distinct([for grant in var.service_grants : grant.sid])) == length(var.service_grants)
    error_message = "service_grants[*].sid must be unique."
  }
}

variable "role_grants" {
  description = "IAM roles that may use the key through its policy (besides IAM grants in the account): sid, role_arns, actions."
  type = list(object({
    sid       = string
    role_arns = list(string)
    actions   = list(string)
  }))
  default  = []
  nullable = false

  validation {
    condition     = alltrue([for grant in var.role_grants : can(regex("^[A-Za-z0-9]+$", grant.sid))])
    error_message = "role_grants[*].sid must be letters and digits only (a key policy statement id)."
  }
  validation {
    condition     = alltrue([for grant in var.role_grants : length(grant.role_arns) > 0 && alltrue([for arn in grant.role_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", arn))])])
    error_message = "role_grants[*].role_arns must list IAM role ARNs like \"arn:aws:iam::123456789012:role/<name>\"."
  }
  validation {
    condition     = alltrue([for grant in var.role_grants : length(grant.actions) > 0 && alltrue([for action in grant.actions : startswith(action, "kms:") && action != "kms:*"])])
    error_message = "role_grants[*].actions must list kms: actions, and not \"kms:*\"."
  }
}

variable "tags" {
  description = "Tags for the key."
  type        = map(string)
  default     = {}
  nullable    = false
}
