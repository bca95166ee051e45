output "arn" {
  description = "Role ARN."
  value       = aws_iam_role.this.arn
}

output "name" {
  description = "Role name."
  value       = aws_iam_role.this.name
}

output "policy_json" {
  description = "The inline policy document, available once the policy is attached (depend on it before the role is used)."
  value       = data.aws_iam_policy_document.permissions.json
  depends_on  = [aws_iam_role_policy.this]
}

output "trusted_service" {
  description = "The service principal that may assume the role."
  value       = var.trusted_service
}

output "permissions_boundary_arn" {
  description = "The role's permissions boundary (null: none)."
  value       = aws_iam_role.this.permissions_boundary
}

output "statement_sids" {
  description = "The inline policy's statement ids, in order (what a calling module's tests compare with its statements)."
  value       = [for statement in data.aws_iam_policy_document.permissions.statement : statement.sid]
}
