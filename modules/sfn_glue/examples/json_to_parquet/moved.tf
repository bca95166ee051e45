# Addresses before the shared parts (modules/_parts): these blocks keep the example's data key and bucket,
# deployed before them, from being destroyed and recreated (the key gains an alias, the bucket its TLS-only
# policy and ownership controls).

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
