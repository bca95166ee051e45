# The stack's data bucket (raw/, curated/, quarantine/ prefixes), its key, and the bucket its access logs go to.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  name       = "${var.settings.name_prefix}-${var.environment}"
  account_id = data.aws_caller_identity.current.account_id
}

module "data_key" {
  source = "../../modules/_parts/kms_key"

  name                    = "${local.name}-data"
  description             = "${local.name} data lake"
  deletion_window_in_days = var.settings.kms_key_deletion_window_days
}

module "access_logs_bucket" {
  source = "../../modules/_parts/secure_bucket"

  name = "${local.name}-${local.account_id}-access-logs"
  # S3 server access log delivery supports SSE-S3 only, not SSE-KMS.
  kms_key_arn         = null
  force_destroy       = var.settings.force_destroy
  access_log_delivery = { source_bucket_arns = [module.data_bucket.arn] }

  lifecycle_rules = [{
    id                                     = "expire-access-logs"
    expiration_days                        = 365
    noncurrent_version_expiration_days     = 30
    abort_incomplete_multipart_upload_days = 7
  }]
}

module "data_bucket" {
  source = "../../modules/_parts/secure_bucket"

  name           = "${local.name}-${local.account_id}-data"
  kms_key_arn    = module.data_key.key_arn
  force_destroy  = var.settings.force_destroy
  access_logging = { target_bucket = module.access_logs_bucket.id }

  lifecycle_rules = [
    {
      id              = "expire-quarantine"
      prefix          = "quarantine/"
      expiration_days = var.settings.quarantine_expiration_days
    },
    {
      id                                     = "tidy-versions-and-uploads"
      noncurrent_version_expiration_days     = 30
      abort_incomplete_multipart_upload_days = 7
    },
  ]
}
