# The script bucket (unless one is passed in) and the job's code objects.

module "script_bucket" {
  source = "../_parts/secure_bucket"
  count  = local.create_bucket ? 1 : 0

  name           = local.bucket_name
  kms_key_arn    = local.kms_key_arn
  force_destroy  = var.force_destroy
  access_logging = var.script_bucket_access_logging
  tags           = var.tags

  lifecycle_rules = [
    {
      id                                     = "expire-replaced-versions"
      noncurrent_version_expiration_days     = var.noncurrent_version_retention_days
      abort_incomplete_multipart_upload_days = 7
    },
    # Spark scratch files are worthless after the run that wrote them.
    {
      id              = "expire-temporary-files"
      prefix          = "${local.key_prefix}temporary/"
      expiration_days = 7
    },
  ]
}

# source_hash (not etag) tracks the file: under SSE-KMS the ETag is not the MD5 of the content, so an
# etag argument would show a diff on every plan. A changed file changes the hash and is uploaded again.
resource "aws_s3_object" "script" {
  bucket                 = local.bucket_name
  key                    = local.script_key
  source                 = var.script_path
  source_hash            = filemd5(var.script_path)
  content_type           = "text/x-python"
  server_side_encryption = "aws:kms"
  kms_key_id             = local.kms_key_arn
  tags                   = var.tags

  # The bucket's default encryption and TLS-only policy are in place before the first object.
  depends_on = [module.script_bucket]
}

resource "aws_s3_object" "library" {
  count = var.library_path == null ? 0 : 1

  bucket                 = local.bucket_name
  key                    = local.library_key
  source                 = var.library_path
  source_hash            = filemd5(var.library_path)
  server_side_encryption = "aws:kms"
  kms_key_id             = local.kms_key_arn
  tags                   = var.tags

  # The bucket's default encryption and TLS-only policy are in place before the first object.
  depends_on = [module.script_bucket]
}

# Wheels the job installs with --no-index (dependency_wheels), under their own names: pip reads a wheel's tags from
# its file name. Tracked by source_hash like the script.
resource "aws_s3_object" "dependency_wheels" {
  for_each = local.dependency_wheel_keys

  bucket                 = local.bucket_name
  key                    = each.value
  source                 = local.dependency_wheel_paths[each.key]
  source_hash            = filemd5(local.dependency_wheel_paths[each.key])
  content_type           = "application/zip"
  server_side_encryption = "aws:kms"
  kms_key_id             = local.kms_key_arn
  tags                   = var.tags

  # The bucket's default encryption and TLS-only policy are in place before the first object.
  depends_on = [module.script_bucket]
}
