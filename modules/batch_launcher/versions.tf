terraform {
  # Cross-variable rules live in lifecycle preconditions (lambda.tf), not in variable validation,
  # because validation blocks may reference other variables only from Terraform 1.9.
  required_version = ">= 1.7"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 6.0"
    }
  }
}
