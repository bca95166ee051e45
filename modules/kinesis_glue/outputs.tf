output "stream_name" {
  description = "Name of the Kinesis data stream (created or passed in)."
  value       = local.stream_name
}

output "stream_arn" {
  description = "ARN of the Kinesis data stream."
  value       = local.stream_arn
}

output "database_name" {
  description = "Glue database of the table that describes the stream."
  value       = local.database_name
}

output "table_name" {
  description = "Glue table that describes the stream."
  value       = local.table_name
}

output "job_name" {
  description = "Name of the streaming Glue job."
  value       = module.job.job_name
}

output "role_arn" {
  description = "ARN of the job's role."
  value       = module.job.role_arn
}

output "output_bucket" {
  description = "Bucket the job writes to (created or passed in)."
  value       = local.bucket_name
}

output "output_uri" {
  description = "Where the Parquet goes (s3://bucket/prefix/), partitioned by ingest_year/month/day/hour."
  value       = local.output_uri
}

output "quarantine_uri" {
  description = "Where records that did not parse or fit the schema go, with their reason."
  value       = local.quarantine_uri
}

output "checkpoint_uri" {
  description = "The job's streaming checkpoint location."
  value       = local.checkpoint_uri
}

output "kms_key_arn" {
  description = "The module's key (created or passed in): job logs, bookmarks and output, output bucket, topic."
  value       = local.kms_key_arn
}

output "alarm_names" {
  description = "CloudWatch alarm names by kind (iterator_age, read_throttled, consumer_lag); empty when alarms are off."
  value       = var.alarms.enabled ? local.alarm_names : {}
}

output "alert_topic_arn" {
  description = "Topic the alarms and the job-stopped alert publish to (null when failure_topic is null)."
  value       = local.topic_arn
}

output "job_arguments" {
  description = "The arguments the job runs with (its default_arguments)."
  value       = module.job.default_arguments
}
