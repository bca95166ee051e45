# The comparison job, through the base module: one run at a time, reading the manifests and writing the
# four result folders the Athena tables point at.

module "comparison_job" {
  source = "../glue_job"

  name         = var.name
  description  = "Compares import and export manifests (started by ${local.function_name})"
  script_path  = var.glue_script_path
  library_path = var.glue_library_path

  worker_type       = var.glue_job.worker_type
  number_of_workers = var.glue_job.number_of_workers
  timeout           = var.glue_job.timeout
  # A second run would overwrite the first one's results while it writes them; the launcher also relies on
  # Glue refusing a concurrent run (ConcurrentRunsExceededException) when two events race.
  max_concurrent_runs = 1

  data_access = {
    read_prefixes  = [var.import_manifest_location, var.export_manifest_location]
    write_prefixes = [for kind in local.table_kinds : local.table_locations[kind]]
    kms_key_arns   = var.data_kms_key_arns
  }

  default_arguments = {
    for kind in local.table_kinds : "--${kind}_location" => local.table_locations[kind]
  }

  role_permissions_boundary_arn = var.role_permissions_boundary_arn
  force_destroy                 = var.force_destroy
  kms_key_deletion_window_days  = var.kms_key_deletion_window_days
  tags                          = var.tags
}
