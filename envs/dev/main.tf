provider "aws" {
  region = var.region
  default_tags {
    tags = {
      environment = "dev"
      managed-by  = "terraform"
      repository  = "glue-etl-platform"
    }
  }
}

# The whole platform for this environment; what differs from other environments is in terraform.tfvars.
module "platform" {
  source = "../../stacks/platform"

  environment = "dev"
  settings    = var.settings
}

# The stack was called "stack" (from envs/stack) before it moved to stacks/platform.
moved {
  from = module.stack
  to   = module.platform
}
