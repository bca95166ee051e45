# The manifest comparison (modules/batch_launcher): when the AWS Batch queues that import and export
# manifests drain, the launcher rebuilds the result tables and starts the comparison job. The queues
# belong to whoever runs those Batch jobs: the stack takes their names. Manifests and results live in
# the data bucket:
#   manifests/import/<import_type>/, manifests/export/<snapshot_type>/   (written by the Batch jobs)
#   curated/manifest_comparison/<table>/                                 (the job's Parquet, cleared per run)
#   athena-results/manifest_comparison/                                  (Athena's DDL results)

locals {
  manifest_comparison_enabled = var.settings.manifest_comparison != null
  manifest_results_location   = "${local.data_uri}/curated/manifest_comparison/"
  manifest_dependency_queue_arns = local.manifest_comparison_enabled ? [
    for queue in var.settings.manifest_comparison.dependency_queue_names :
    "arn:${data.aws_partition.current.partition}:batch:${data.aws_region.current.name}:${local.account_id}:job-queue/${queue}"
  ] : []
}

module "manifest_comparison" {
  source = "../../modules/batch_launcher"
  count  = local.manifest_comparison_enabled ? 1 : 0

  name                = "${local.name}-manifests"
  lambda_package_path = "${local.repository_root}/build/lambdas/batch_launcher.zip"
  glue_library_path   = "${local.repository_root}/build/glue/etl_lib.zip"
  glue_script_path    = "${local.repository_root}/src/glue/jobs/manifest_comparison.py"

  dependency_queue_arns = local.manifest_dependency_queue_arns

  import_manifest_location = "${local.data_uri}/manifests/import/"
  export_manifest_location = "${local.data_uri}/manifests/export/"
  results_location         = local.manifest_results_location
  query_results_location   = "${local.data_uri}/athena-results/manifest_comparison/"
  clear_prefixes           = [local.manifest_results_location]
  data_kms_key_arns        = [module.data_key.key_arn]
  database_name            = replace("${local.name}_manifests", "-", "_")

  import_type             = var.settings.manifest_comparison.import_type
  snapshot_type           = var.settings.manifest_comparison.snapshot_type
  max_daily_runs          = var.settings.manifest_comparison.max_daily_runs
  margin_of_error_minutes = var.settings.manifest_comparison.margin_of_error_minutes
  log_retention_days      = var.settings.log_retention_days

  force_destroy                = var.settings.force_destroy
  kms_key_deletion_window_days = var.settings.kms_key_deletion_window_days
}
