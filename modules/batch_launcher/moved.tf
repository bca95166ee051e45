# Addresses before the shared parts (modules/_parts): these blocks keep a launcher deployed before them from
# having its key, role or log group destroyed and recreated. Only the key's alias is renamed
# (alias/batch-launcher-<name> -> alias/<name>-batch-launcher; see CHANGELOG.md).

moved {
  from = aws_kms_key.this[0]
  to   = module.kms_key[0].aws_kms_key.this
}
moved {
  from = aws_kms_alias.this[0]
  to   = module.kms_key[0].aws_kms_alias.this
}

moved {
  from = aws_iam_role.launcher
  to   = module.launcher_role.aws_iam_role.this
}
moved {
  from = aws_iam_role_policy.launcher
  to   = module.launcher_role.aws_iam_role_policy.this
}

moved {
  from = aws_cloudwatch_log_group.launcher
  to   = module.launcher_log_group.aws_cloudwatch_log_group.this
}
