provider "aws" {
  region = var.region
  default_tags {
    tags = {
      environment = var.environment
      managed-by  = "terraform"
      repository  = "glue-etl-platform"
    }
  }
}

# The whole platform for this environment; what differs from other environments is in terraform.tfvars.
module "platform" {
  source = "../../stacks/platform"

  environment = var.environment
  settings    = var.settings
  # As given too, so the stack can name a misspelt or mistyped attribute (its typed object drops or just refuses it).
  settings_as_given = var.settings
}

# The stack was called "stack" (from envs/stack) before it moved to stacks/platform.
moved {
  from = module.stack
  to   = module.platform
}
