output "key_arn" {
  description = "ARN of the key (what encryption settings and IAM policies take)."
  value       = aws_kms_key.this.arn
}

output "key_id" {
  description = "Id of the key."
  value       = aws_kms_key.this.key_id
}

output "alias_name" {
  description = "The key's alias, \"alias/<name>\"."
  value       = aws_kms_alias.this.name
}

output "policy_json" {
  description = "The key policy document."
  value       = data.aws_iam_policy_document.this.json
}
