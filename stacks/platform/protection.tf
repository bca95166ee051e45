# settings.protect_data (prod): refuse any plan that destroys or replaces the data bucket, its access-log bucket
# or the data key. Terraform's prevent_destroy must be a literal and cannot sit on a module call, so a guard
# carries it: it is replaced whenever one of them would be (its triggers are their ARNs, unknown in a plan that
# replaces them) and destroyed with them (`terraform destroy`, or `-target` on one of them), and prevent_destroy
# makes either an error before anything changes. Setting protect_data back to false would destroy the guard, so
# it is refused too: lifting the protection is a deliberate state edit, the way to retire a protected env:
#   terraform state rm 'module.platform.terraform_data.data_protection[0]'
#   then protect_data = false (and force_destroy = true, or empty the buckets) in tfvars, apply, destroy
# (envs/README.md, "Retiring prod").
resource "terraform_data" "data_protection" {
  count = var.settings.protect_data ? 1 : 0

  triggers_replace = [module.data_bucket.arn, module.access_logs_bucket.arn, module.data_key.key_arn]

  lifecycle {
    prevent_destroy = true
  }
}
