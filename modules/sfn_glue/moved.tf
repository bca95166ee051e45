# Addresses before the shared parts (modules/_parts): these blocks keep a state machine deployed before them
# from having its key, roles or log group destroyed and recreated. Only the key's alias is renamed
# (alias/<name>-sfn -> alias/<name>-sfn-glue; see CHANGELOG.md).

moved {
  from = aws_kms_key.this[0]
  to   = module.kms_key[0].aws_kms_key.this
}
moved {
  from = aws_kms_alias.this[0]
  to   = module.kms_key[0].aws_kms_alias.this
}

moved {
  from = aws_iam_role.state_machine
  to   = module.state_machine_role.aws_iam_role.this
}
moved {
  from = aws_iam_role_policy.state_machine
  to   = module.state_machine_role.aws_iam_role_policy.this
}

moved {
  from = aws_iam_role.schedule[0]
  to   = module.schedule_role[0].aws_iam_role.this
}
moved {
  from = aws_iam_role_policy.schedule[0]
  to   = module.schedule_role[0].aws_iam_role_policy.this
}

moved {
  from = aws_cloudwatch_log_group.this[0]
  to   = module.log_group[0].aws_cloudwatch_log_group.this
}
