variable "name" {
  description = "Role name."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.name))
    error_message = "name must be 1-64 characters of letters, digits and + = , . @ _ - (IAM's role name rules)."
  }
}

variable "description" {
  description = "What the role does."
  type        = string
  default     = null
}

variable "trusted_service" {
  description = "The service principal that assumes the role, e.g. \"glue.amazonaws.com\"."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9.-]+\\.amazonaws\\.com$", var.trusted_service))
    error_message = "trusted_service must be a service principal such as \"glue.amazonaws.com\" or \"lambda.amazonaws.com\"."
  }
}

variable "trust_conditions" {
  description = "Conditions on the trust policy (confused-deputy protection such as aws:SourceAccount / aws:SourceArn)."
  type = list(object({
    test     = string
    variable = string
    values   = list(string)
  }))
  default  = []
  nullable = false
}

variable "permissions_boundary_arn" {
  description = "Permissions boundary for the role (null: none)."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary_arn == null ? true : can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/.+$", var.permissions_boundary_arn))
    error_message = "permissions_boundary_arn must be null or an IAM policy ARN."
  }
}

variable "policy_name" {
  description = "Name of the role's inline policy."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,128}$", var.policy_name))
    error_message = "policy_name must be 1-128 characters of letters, digits and + = , . @ _ -."
  }
}

variable "policy_statements" {
  description = <<-EOT
    The role's inline policy, one Allow statement each: sid, actions, resources (ARNs; "*" only where AWS
    requires it, with a comment at the caller saying why) and conditions (test, variable, values).
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
  nullable = false

  validation {
    condition     = length(var.policy_statements) > 0
    error_message = "policy_statements must hold at least one statement."
  }
  validation {
    condition     = alltrue([for statement in var.policy_statements : can(regex("^[A-Za-z0-9]+$", statement.sid))])
    error_message = "policy_statements[*].sid must be letters and digits only."
  }
  validation {
    condition     = length(distinct([for statement in var.policy_statements : statement.sid])) == length(var.policy_statements)
    error_message = "policy_statements[*].sid must be unique."
  }
  validation {
    condition     = alltrue([for statement in var.policy_statements : length(statement.actions) > 0 && length(statement.resources) > 0])
    error_message = "policy_statements[*] must name at least one action and one resource."
  }
  validation {
    condition     = alltrue([for statement in var.policy_statements : alltrue([for action in statement.actions : action != "*" && !endswith(action, ":*")])])
    error_message = "policy_statements[*].actions must name actions, not \"*\" or \"<service>:*\" (least privilege)."
  }
}

variable "tags" {
  description = "Tags for the role."
  type        = map(string)
  default     = {}
  nullable    = false
}
