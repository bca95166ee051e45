terraform {
  required_version = ">= 1.7"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 6.0"
    }
  }
  # Partial configuration: bucket, key and region come from -backend-config (see backend.hcl.example);
  # `make demo` points it at the local emulator.
  backend "s3" {}
}
