variable "environment" {
  # Stated in terraform.tfvars and checked here, so another environment's tfvars (or a typo) cannot be applied
  # to this folder's state.
  description = "The environment this folder deploys: must be \"dev\"."
  type        = string
  nullable    = false
  validation {
    condition     = var.environment == "dev"
    error_message = "environment must be \"dev\" in envs/dev (this folder's state is dev's); to deploy another environment use its folder, envs/<environment>, with its own terraform.tfvars."
  }
}

variable "region" {
  description = "AWS region to deploy to."
  type        = string
  default     = "us-east-1"
  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as us-east-1 or eu-west-2."
  }
}

variable "settings" {
  # Typed and validated once, by the stack (stacks/platform/variables.tf, which lists every setting): an
  # environment passes its terraform.tfvars through unchanged.
  description = "This environment's settings of the platform stack (see stacks/platform/variables.tf)."
  type        = any
  default     = {}
}
