terraform {
  # Cross-variable rules (schedule input vs. the jobs' input paths) are lifecycle preconditions, because
  # variable validation may reference other variables only from Terraform 1.9.
  required_version = ">= 1.7"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 6.0"
    }
  }
}
