# The data stream (unless one is passed in): encrypted with KMS, on-demand or provisioned.

resource "aws_kinesis_stream" "this" {
  count = local.create_stream ? 1 : 0

  name             = var.name
  shard_count      = local.stream_settings.shard_count
  retention_period = local.stream_settings.retention_hours
  encryption_type  = "KMS"
  # The AWS-managed key unless a customer key is given (the construct's default).
  kms_key_id = coalesce(local.stream_settings.kms_key_arn, "alias/aws/kinesis")
  tags       = var.tags

  stream_mode_details {
    stream_mode = local.stream_settings.shard_count == null ? "ON_DEMAND" : "PROVISIONED"
  }
}
