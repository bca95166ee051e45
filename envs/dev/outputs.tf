output "data_bucket" {
  description = "Name of the data bucket."
  value       = module.platform.data_bucket
}

output "glue_job_names" {
  description = "Deployed Glue jobs by role in the stack."
  value       = module.platform.glue_job_names
}

output "manifest_comparison" {
  description = "The manifest comparison's launcher, job, queues and data locations (null when not deployed)."
  value       = module.platform.manifest_comparison
}

output "pipelines" {
  description = "Each pipeline's entry points and data locations (hello, orders, stream, deploy, batch); see stacks/platform/outputs.tf."
  value       = module.platform.pipelines
}
