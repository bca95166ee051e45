# Addresses before the shared parts (modules/_parts): these blocks keep a stack deployed before them from having
# its data key or buckets destroyed and recreated. The data key gains the standard policy statement id and
# keeps its alias.

moved {
  from = aws_kms_key.data
  to   = module.data_key.aws_kms_key.this
}
moved {
  from = aws_kms_alias.data
  to   = module.data_key.aws_kms_alias.this
}

moved {
  from = aws_s3_bucket.access_logs
  to   = module.access_logs_bucket.aws_s3_bucket.this
}
moved {
  from = aws_s3_bucket.data
  to   = module.data_bucket.aws_s3_bucket.this
}
moved {
  from = aws_s3_bucket_versioning.this["access_logs"]
  to   = module.access_logs_bucket.aws_s3_bucket_versioning.this
}
moved {
  from = aws_s3_bucket_versioning.this["data"]
  to   = module.data_bucket.aws_s3_bucket_versioning.this
}
moved {
  from = aws_s3_bucket_public_access_block.this["access_logs"]
  to   = module.access_logs_bucket.aws_s3_bucket_public_access_block.this
}
moved {
  from = aws_s3_bucket_public_access_block.this["data"]
  to   = module.data_bucket.aws_s3_bucket_public_access_block.this
}
moved {
  from = aws_s3_bucket_ownership_controls.this["access_logs"]
  to   = module.access_logs_bucket.aws_s3_bucket_ownership_controls.this
}
moved {
  from = aws_s3_bucket_ownership_controls.this["data"]
  to   = module.data_bucket.aws_s3_bucket_ownership_controls.this
}
moved {
  from = aws_s3_bucket_server_side_encryption_configuration.access_logs
  to   = module.access_logs_bucket.aws_s3_bucket_server_side_encryption_configuration.this
}
moved {
  from = aws_s3_bucket_server_side_encryption_configuration.data
  to   = module.data_bucket.aws_s3_bucket_server_side_encryption_configuration.this
}
moved {
  from = aws_s3_bucket_logging.data
  to   = module.data_bucket.aws_s3_bucket_logging.this[0]
}
moved {
  from = aws_s3_bucket_lifecycle_configuration.access_logs
  to   = module.access_logs_bucket.aws_s3_bucket_lifecycle_configuration.this[0]
}
moved {
  from = aws_s3_bucket_lifecycle_configuration.data
  to   = module.data_bucket.aws_s3_bucket_lifecycle_configuration.this[0]
}
moved {
  from = aws_s3_bucket_policy.this["access_logs"]
  to   = module.access_logs_bucket.aws_s3_bucket_policy.this
}
moved {
  from = aws_s3_bucket_policy.this["data"]
  to   = module.data_bucket.aws_s3_bucket_policy.this
}

# The orders job became the CodePipeline's deploy target (code_deployed_by = "pipeline"), which modules/glue_job
# keeps at another address (its ignore_changes cannot depend on an input): the same job, updated in place.
moved {
  from = module.orders_json_to_parquet.aws_glue_job.this[0]
  to   = module.orders_json_to_parquet.aws_glue_job.pipeline_deployed[0]
}
