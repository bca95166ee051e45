# The output bucket (unless one is passed in) and the bucket its access logs go to (unless one is named).

module "access_logs_bucket" {
  source = "../_parts/secure_bucket"
  count  = local.create_logs_bucket ? 1 : 0

  name = "${replace(var.name, "_", "-")}-stream-logs-${local.account_id}-${local.region}"
  # S3 server access log delivery supports SSE-S3 only, not SSE-KMS.
  kms_key_arn         = null
  force_destroy       = var.force_destroy
  access_log_delivery = { source_bucket_arns = ["arn:${local.partition}:s3:::${local.bucket_name}"] }
  tags                = var.tags

  lifecycle_rules = [{
    id                                     = "expire-access-logs"
    expiration_days                        = 365
    noncurrent_version_expiration_days     = 30
    abort_incomplete_multipart_upload_days = 7
  }]
}

module "output_bucket" {
  source = "../_parts/secure_bucket"
  count  = local.create_bucket ? 1 : 0

  name          = local.bucket_name
  kms_key_arn   = local.kms_key_arn
  force_destroy = var.force_destroy
  access_logging = {
    target_bucket = local.create_logs_bucket ? module.access_logs_bucket[0].id : local.bucket_settings.access_logs_bucket
  }
  tags = var.tags

  lifecycle_rules = [
    {
      id                                     = "colder-replaced-versions"
      abort_incomplete_multipart_upload_days = 7
      noncurrent_version_transition = {
        days          = local.bucket_settings.noncurrent_transition_days
        storage_class = local.bucket_settings.noncurrent_storage_class
      }
    },
  ]
}
