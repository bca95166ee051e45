output "data_bucket" {
  description = "Name of the data bucket (raw/, curated/, quarantine/ prefixes)."
  value       = module.data_bucket.name
}

output "data_kms_key_arn" {
  description = "ARN of the KMS key that encrypts the data bucket."
  value       = module.data_key.key_arn
}

output "glue_job_names" {
  description = "Deployed Glue jobs by role in the stack, e.g. { hello = \"etl-dev-hello\" }."
  value       = local.glue_job_names
}

output "manifest_comparison" {
  description = "The manifest comparison's launcher, job, queues it waits for and data locations (null when not deployed)."
  value = local.manifest_comparison_enabled ? {
    function_name            = module.manifest_comparison[0].function_name
    event_rule_name          = module.manifest_comparison[0].event_rule_name
    glue_job_name            = module.manifest_comparison[0].glue_job_name
    athena_workgroup_name    = module.manifest_comparison[0].athena_workgroup_name
    database_name            = module.manifest_comparison[0].database_name
    result_tables            = module.manifest_comparison[0].result_tables
    dependency_queue_arns    = local.manifest_dependency_queue_arns
    import_manifest_location = "${local.data_uri}/manifests/import/"
    export_manifest_location = "${local.data_uri}/manifests/export/"
  } : null
}
