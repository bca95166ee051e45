# The script bucket (unless one is passed in) and the job's code objects.

resource "aws_s3_bucket" "scripts" {
  # checkov:skip=CKV_AWS_18:Access logging is opt-in through var.script_bucket_access_logging (needs a log bucket the caller owns).
  # checkov:skip=CKV_AWS_144:Job code is redeployed from the repository; cross-region replication adds nothing.
  # checkov:skip=CKV2_AWS_62:Nothing reacts to new objects in the script bucket.
  count = local.create_bucket ? 1 : 0

  bucket        = local.bucket_name
  force_destroy = var.script_bucket_force_destroy
  tags          = var.tags
}

resource "aws_s3_bucket_versioning" "scripts" {
  count = local.create_bucket ? 1 : 0

  bucket = aws_s3_bucket.scripts[0].id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "scripts" {
  count = local.create_bucket ? 1 : 0

  bucket = aws_s3_bucket.scripts[0].id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = local.kms_key_arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_public_access_block" "scripts" {
  count = local.create_bucket ? 1 : 0

  bucket                  = aws_s3_bucket.scripts[0].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_lifecycle_configuration" "scripts" {
  count = local.create_bucket ? 1 : 0

  bucket = aws_s3_bucket.scripts[0].id

  rule {
    id     = "expire-replaced-versions"
    status = "Enabled"
    filter {}
    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_retention_days
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  # Spark scratch files are worthless after the run that wrote them.
  rule {
    id     = "expire-temporary-files"
    status = "Enabled"
    filter {
      prefix = "${local.key_prefix}temporary/"
    }
    expiration {
      days = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.scripts]
}

resource "aws_s3_bucket_logging" "scripts" {
  count = local.create_bucket && var.script_bucket_access_logging != null ? 1 : 0

  bucket        = aws_s3_bucket.scripts[0].id
  target_bucket = var.script_bucket_access_logging.target_bucket
  target_prefix = coalesce(var.script_bucket_access_logging.target_prefix, "s3-access/${local.bucket_name}/")
}

data "aws_iam_policy_document" "scripts_bucket" {
  count = local.create_bucket ? 1 : 0

  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      aws_s3_bucket.scripts[0].arn,
      "${aws_s3_bucket.scripts[0].arn}/*",
    ]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "scripts" {
  count = local.create_bucket ? 1 : 0

  bucket = aws_s3_bucket.scripts[0].id
  policy = data.aws_iam_policy_document.scripts_bucket[0].json

  # S3 refuses a bucket policy while the public access block is still being applied.
  depends_on = [aws_s3_bucket_public_access_block.scripts]
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

  depends_on = [aws_s3_bucket_server_side_encryption_configuration.scripts, aws_s3_bucket_policy.scripts]
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

  depends_on = [aws_s3_bucket_server_side_encryption_configuration.scripts, aws_s3_bucket_policy.scripts]
}
