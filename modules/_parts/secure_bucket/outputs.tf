output "id" {
  description = "Bucket name, available once its TLS-only policy is in place (so S3 accepts it as an access-log target)."
  value       = aws_s3_bucket.this.id
  depends_on  = [aws_s3_bucket_policy.this]
}

output "arn" {
  description = "Bucket ARN."
  value       = aws_s3_bucket.this.arn
}

output "name" {
  description = "Bucket name, as given (known at plan time)."
  value       = aws_s3_bucket.this.bucket
}

output "kms_key_arn" {
  description = "The key objects are encrypted with by default (null: SSE-S3)."
  value       = var.kms_key_arn
}
