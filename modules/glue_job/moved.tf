# Addresses before the shared parts (modules/_parts): these blocks keep a job deployed before them from having
# its key, bucket, role or log group destroyed and recreated. Only the key's alias is renamed
# (alias/glue-job-<name> -> alias/<name>-glue-job; see CHANGELOG.md).

moved {
  from = aws_kms_key.glue[0]
  to   = module.kms_key[0].aws_kms_key.this
}
moved {
  from = aws_kms_alias.glue[0]
  to   = module.kms_key[0].aws_kms_alias.this
}

moved {
  from = aws_s3_bucket.scripts[0]
  to   = module.script_bucket[0].aws_s3_bucket.this
}
moved {
  from = aws_s3_bucket_versioning.scripts[0]
  to   = module.script_bucket[0].aws_s3_bucket_versioning.this
}
moved {
  from = aws_s3_bucket_server_side_encryption_configuration.scripts[0]
  to   = module.script_bucket[0].aws_s3_bucket_server_side_encryption_configuration.this
}
moved {
  from = aws_s3_bucket_public_access_block.scripts[0]
  to   = module.script_bucket[0].aws_s3_bucket_public_access_block.this
}
moved {
  from = aws_s3_bucket_lifecycle_configuration.scripts[0]
  to   = module.script_bucket[0].aws_s3_bucket_lifecycle_configuration.this[0]
}
moved {
  from = aws_s3_bucket_logging.scripts[0]
  to   = module.script_bucket[0].aws_s3_bucket_logging.this[0]
}
moved {
  from = aws_s3_bucket_policy.scripts[0]
  to   = module.script_bucket[0].aws_s3_bucket_policy.this
}

moved {
  from = aws_iam_role.job[0]
  to   = module.role[0].aws_iam_role.this
}
moved {
  from = aws_iam_role_policy.job[0]
  to   = module.role[0].aws_iam_role_policy.this
}

moved {
  from = aws_cloudwatch_log_group.job[0]
  to   = module.log_group[0].aws_cloudwatch_log_group.this
}

# The job got a count (code_deployed_by); Terraform moves a no-key instance to [0] by itself only when the
# calling module's address did not move too, so say it (envs/dev moved module.stack to module.platform).
moved {
  from = aws_glue_job.this
  to   = aws_glue_job.this[0]
}
