provider "aws" {
  region = var.region
  default_tags {
    tags = {
      environment = "prod"
      managed-by  = "terraform"
      repository  = "glue-etl-platform"
    }
  }
}

module "stack" {
  source = "../stack"

  environment                = "prod"
  name_prefix                = var.name_prefix
  log_retention_days         = var.log_retention_days
  quarantine_expiration_days = var.quarantine_expiration_days
  force_destroy_buckets      = var.force_destroy_buckets
  orders_job_workers         = var.orders_job_workers
  manifest_comparison        = var.manifest_comparison
}
