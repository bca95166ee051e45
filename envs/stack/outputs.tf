output "data_bucket" {
  description = "Name of the data bucket (raw/, curated/, quarantine/ prefixes)."
  value       = aws_s3_bucket.data.id
}

output "data_kms_key_arn" {
  description = "ARN of the KMS key that encrypts the data bucket."
  value       = aws_kms_key.data.arn
}

output "glue_job_names" {
  description = "Deployed Glue jobs by role in the stack, e.g. { hello = \"etl-dev-hello\" }."
  value       = local.glue_job_names
}
