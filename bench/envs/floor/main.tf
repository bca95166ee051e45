# The provider's start-up floor: one resource, so a no-op `plan -refresh=false` here costs what any plan of any
# root costs before it does anything (Terraform and the AWS provider starting, the provider configured).

terraform {
  required_version = ">= 1.7"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 6.0"
    }
  }
}

provider "aws" {}

resource "aws_sns_topic" "floor" {
  name              = "bench-envs-floor"
  kms_master_key_id = "alias/aws/sns"
}
