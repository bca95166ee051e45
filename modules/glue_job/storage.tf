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

# A release's script and library artifact carry their etl_lib versions: the script's `REQUIRES_ETL_LIB = "X.Y.Z"` line
# and the artifact's file name (etl_lib-X.Y.Z.zip, etl_lib-X.Y.Z-py3-none-any.whl). Each is null where its file carries
# none (this repository's build/glue/etl_lib.zip, a script without the line), and then nothing is compared.
locals {
  etl_lib_version_pattern  = "(?P<version>(?P<major>0|[1-9][0-9]*)\\.(?P<minor>0|[1-9][0-9]*)\\.(?P<patch>0|[1-9][0-9]*))"
  etl_lib_required_matches = regexall("(?m)^REQUIRES_ETL_LIB = \"${local.etl_lib_version_pattern}\"", file(var.script_path))
  etl_lib_supplied_matches = var.library_path == null ? [] : regexall(
    "^etl_lib-${local.etl_lib_version_pattern}(?:-py3-none-any\\.whl|\\.zip)$", basename(var.library_path)
  )
  etl_lib_required = length(local.etl_lib_required_matches) > 0 ? local.etl_lib_required_matches[0] : null
  etl_lib_supplied = length(local.etl_lib_supplied_matches) > 0 ? local.etl_lib_supplied_matches[0] : null

  # The rule etl_lib.edge.check_library_version applies at start (a semver caret): the same major and a (minor,
  # patch) at or above the script's; under major 0 the same minor too, as 0.x minors are breaking.
  etl_lib_versions_compatible = local.etl_lib_required == null || local.etl_lib_supplied == null ? true : (
    tonumber(local.etl_lib_supplied.major) == tonumber(local.etl_lib_required.major)
    && (
      tonumber(local.etl_lib_supplied.minor) > tonumber(local.etl_lib_required.minor)
      || (
        tonumber(local.etl_lib_supplied.minor) == tonumber(local.etl_lib_required.minor)
        && tonumber(local.etl_lib_supplied.patch) >= tonumber(local.etl_lib_required.patch)
      )
    )
    && (tonumber(local.etl_lib_required.major) != 0 || tonumber(local.etl_lib_supplied.minor) == tonumber(local.etl_lib_required.minor))
  )
  # What the script accepts, as the precondition's message and etl_lib.edge's say it.
  etl_lib_accepted = local.etl_lib_required == null ? null : (
    local.etl_lib_required.major == "0" ? "any 0.${local.etl_lib_required.minor}.x" : "any ${local.etl_lib_required.major}.x"
  )
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

  lifecycle {
    # Only when both files carry a version (see the locals above); the job checks the same again at start. Terraform
    # evaluates error_message whatever the condition, so its parts are read only when the versions do not fit.
    precondition {
      condition     = local.etl_lib_versions_compatible
      error_message = local.etl_lib_versions_compatible ? "etl_lib versions fit." : "library_path ${basename(var.library_path)} is etl_lib ${local.etl_lib_supplied.version} but script_path ${basename(var.script_path)} needs etl_lib ${local.etl_lib_required.version} (its REQUIRES_ETL_LIB; ${local.etl_lib_accepted} at or above it): pass the library artifact of the release the script came from (etl_lib-${local.etl_lib_required.version}.zip for Spark jobs, etl_lib-${local.etl_lib_required.version}-py3-none-any.whl for Python-shell jobs)."
    }
  }
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
