# The streaming job through modules/glue_job: its own security configuration encrypts logs, bookmarks and S3
# output with the module's key; its role reads only this stream and table and writes only the three prefixes.

locals {
  stream_statements = concat(
    [{
      sid = "ReadTheStream"
      actions = [
        "kinesis:DescribeStream",
        "kinesis:DescribeStreamSummary",
        "kinesis:GetRecords",
        "kinesis:GetShardIterator",
        "kinesis:ListShards",
        "kinesis:SubscribeToShard",
      ]
      # SubscribeToShard names the stream's consumers (enhanced fan-out), the rest the stream.
      resources  = [local.stream_arn_static, "${local.stream_arn_static}/consumer/*"]
      conditions = []
    }],
    [{
      sid        = "ReadTheStreamTable"
      actions    = ["glue:GetTable"]
      resources  = ["${local.glue_arn_prefix}:catalog", "${local.glue_arn_prefix}:database/${local.database_name}", "${local.glue_arn_prefix}:table/${local.database_name}/${local.table_name}"]
      conditions = []
    }],
    # A stream on the AWS-managed key (alias/aws/kinesis) needs no grant: that key's policy lets Kinesis decrypt
    # for any principal of the account. A customer-managed key must be granted, through Kinesis only.
    local.stream_kms_key == null ? [] : [{
      sid       = "DecryptTheStream"
      actions   = ["kms:Decrypt"]
      resources = [local.stream_kms_key]
      conditions = [{
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["kinesis.${local.region}.amazonaws.com"]
      }]
    }],
  )
}

module "job" {
  source = "../glue_job"

  name         = var.name
  description  = "Kinesis stream ${local.stream_name} to Parquet under ${local.output_uri}, quarantine under ${local.quarantine_uri}"
  job_type     = "gluestreaming"
  glue_version = var.job.glue_version
  script_path  = var.script_path
  library_path = var.library_path

  worker_type       = var.job.worker_type
  number_of_workers = var.job.number_of_workers
  # One consumer per checkpoint: a second run would read the same shards into the same checkpoint.
  max_concurrent_runs = 1

  data_access = {
    write_prefixes = [local.output_uri, local.quarantine_uri, local.checkpoint_uri]
    kms_key_arns   = local.bucket_kms_key_arn == null ? [] : [local.bucket_kms_key_arn]
  }
  additional_policy_statements = local.stream_statements
  default_arguments            = local.job_arguments

  kms_key_arn                   = var.kms_key_arn
  kms_key_deletion_window_days  = var.kms_key_deletion_window_days
  additional_kms_service_grants = local.kms_service_grants
  log_retention_days            = var.log_retention_days
  role_permissions_boundary_arn = var.role_permissions_boundary_arn
  force_destroy                 = var.force_destroy
  tags                          = var.tags

  # The job leaving RUNNING (failed, stopped, timed out) alerts through the module's topic.
  failure_topic        = local.alerting ? { arn = local.topic_arn, kms_key_arn = null } : null
  failure_alert_states = ["FAILED", "STOPPED", "TIMEOUT", "ERROR"]
}
