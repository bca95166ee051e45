# The Athena workgroup the launcher's DDL runs in, and the Glue database that holds the result tables.
# The tables themselves are (re)created by the launcher before each run, not by Terraform.

resource "aws_athena_workgroup" "this" {
  name          = local.workgroup_name
  description   = "Batch launcher ${var.name}: rebuilds the manifest comparison tables"
  force_destroy = var.force_destroy
  tags          = var.tags

  configuration {
    # Queries cannot override the encrypted result location.
    enforce_workgroup_configuration    = true
    publish_cloudwatch_metrics_enabled = true

    result_configuration {
      output_location = var.query_results_location

      encryption_configuration {
        encryption_option = "SSE_KMS"
        kms_key_arn       = local.kms_key_arn
      }
    }
  }
}

resource "aws_glue_catalog_database" "results" {
  name        = local.database_name
  description = "Manifest comparison results of ${var.name} (tables rebuilt by the batch launcher)"
  tags        = var.tags
}
