output "id" {
  description = "Bucket name, available once its TLS-only policy is in place (so S3 accepts it as an access-log target)."
  value       = aws_s3_bucket.this.id
  depends_on  = [aws_s3_bucket_policy.this]
}

output "arn" {
  description = "Bucket ARN."
  value       = aws_s3_bucket.this.arn
}
