# The artifact bucket: where the source action puts each pushed commit as a zip, which the deployer reads.
# SSE-KMS with the module's key (the pipeline's artifact store uses the same key), versioned, private, TLS-only.

module "artifact_bucket" {
  source = "../_parts/secure_bucket"

  name           = local.artifact_bucket
  kms_key_arn    = local.kms_key_arn
  force_destroy  = var.force_destroy
  access_logging = var.artifact_bucket_access_logging
  tags           = var.tags

  lifecycle_rules = [{
    id                                     = "expire-old-artifacts"
    expiration_days                        = var.artifact_retention_days
    noncurrent_version_expiration_days     = 7
    abort_incomplete_multipart_upload_days = 7
  }]
}
