# Addresses before the shared parts (modules/_parts): these blocks keep an example deployed before them from
# having its data key and bucket destroyed and recreated.

moved {
  from = aws_kms_key.data
  to   = module.data_key.aws_kms_key.this
}
moved {
  from = aws_s3_bucket.data
  to   = module.data_bucket.aws_s3_bucket.this
}
moved {
  from = aws_s3_bucket_versioning.data
  to   = module.data_bucket.aws_s3_bucket_versioning.this
}
moved {
  from = aws_s3_bucket_server_side_encryption_configuration.data
  to   = module.data_bucket.aws_s3_bucket_server_side_encryption_configuration.this
}
moved {
  from = aws_s3_bucket_public_access_block.data
  to   = module.data_bucket.aws_s3_bucket_public_access_block.this
}
