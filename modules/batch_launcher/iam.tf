# The launcher's role (modules/_parts/iam_role): each grant is built in local.policy_statements from the
# module's own resources and the caller's prefixes, so the tests can check every statement's resources.

locals {
  # "s3://bucket/some/prefix/" -> { bucket = "bucket", key = "some/prefix/" }
  query_results = regex("^s3://(?P<bucket>[^/]+)/(?P<key>.*)$", var.query_results_location)
  clear         = [for uri in var.clear_prefixes : regex("^s3://(?P<bucket>[^/]+)/(?P<key>.*)$", uri)]

  # bucket -> key prefixes the launcher may list (Athena lists its result location; clearing lists each prefix)
  listable_keys_by_bucket = {
    for prefix in concat([local.query_results], local.clear) : prefix.bucket => prefix.key...
  }
  listable_buckets = sort(keys(local.listable_keys_by_bucket))

  glue_arn_prefix = "arn:${local.partition}:glue:${local.region}:${local.account_id}"
  result_table_arns = [
    for kind in local.table_kinds : "${local.glue_arn_prefix}:table/${local.database_name}/${local.table_names[kind]}"
  ]

  no_conditions = []

  policy_statements = concat(
    [{
      sid = "ListBatchJobs"
      # batch:ListJobs supports no resource-level permissions: AWS requires "*". It only reads job summaries.
      actions    = ["batch:ListJobs"]
      resources  = ["*"]
      conditions = local.no_conditions
    }],
    [{
      sid        = "RunQueriesInTheWorkgroup"
      actions    = ["athena:GetQueryExecution", "athena:StartQueryExecution", "athena:StopQueryExecution"]
      resources  = [aws_athena_workgroup.this.arn]
      conditions = local.no_conditions
    }],
    [{
      sid = "RebuildTheResultTables"
      # What Athena's DROP TABLE and CREATE EXTERNAL TABLE call in the Data Catalog, as the caller.
      actions = ["glue:CreateTable", "glue:DeleteTable", "glue:GetDatabase", "glue:GetTable"]
      resources = concat(
        ["${local.glue_arn_prefix}:catalog", "${local.glue_arn_prefix}:database/${local.database_name}"],
        local.result_table_arns,
      )
      conditions = local.no_conditions
    }],
    [{
      sid = "WriteQueryResults"
      # Athena writes (and reads back) each statement's result under the workgroup's location, as the caller.
      actions = [
        "s3:AbortMultipartUpload",
        "s3:GetObject",
        "s3:ListMultipartUploadParts",
        "s3:PutObject",
      ]
      resources  = ["arn:${local.partition}:s3:::${local.query_results.bucket}/${local.query_results.key}*"]
      conditions = local.no_conditions
    }],
    length(local.clear) == 0 ? [] : [{
      sid        = "ClearPrefixes"
      actions    = ["s3:DeleteObject"]
      resources  = [for prefix in local.clear : "arn:${local.partition}:s3:::${prefix.bucket}/${prefix.key}*"]
      conditions = local.no_conditions
    }],
    [{
      sid        = "LocateBuckets"
      actions    = ["s3:GetBucketLocation"]
      resources  = [for bucket in local.listable_buckets : "arn:${local.partition}:s3:::${bucket}"]
      conditions = local.no_conditions
    }],
    # One statement per bucket: s3:ListBucket is limited to that bucket's prefixes.
    [for index, bucket in local.listable_buckets : {
      sid       = "ListPrefixes${index}"
      actions   = ["s3:ListBucket"]
      resources = ["arn:${local.partition}:s3:::${bucket}"]
      conditions = [{
        test     = "StringLike"
        variable = "s3:prefix"
        values   = sort(distinct([for key in local.listable_keys_by_bucket[bucket] : "${key}*"]))
      }]
    }],
    [{
      sid        = "StartTheComparisonJob"
      actions    = ["glue:GetJobRuns", "glue:StartJobRun"]
      resources  = [module.comparison_job.job_arn]
      conditions = local.no_conditions
    }],
    [{
      sid = "UseTheKey"
      # Decrypt the environment; encrypt query results and dead letters.
      actions    = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources  = [local.kms_key_arn]
      conditions = local.no_conditions
    }],
    [{
      sid        = "SendDeadLetters"
      actions    = ["sqs:SendMessage"]
      resources  = [aws_sqs_queue.dead_letters.arn]
      conditions = local.no_conditions
    }],
    [{
      sid        = "WriteLogs"
      actions    = ["logs:CreateLogStream", "logs:PutLogEvents"]
      resources  = ["${local.log_group_arn}:*"]
      conditions = local.no_conditions
    }],
  )
}

module "launcher_role" {
  source = "../_parts/iam_role"

  name                     = local.function_name
  description              = "Runs the batch launcher ${local.function_name}"
  trusted_service          = "lambda.amazonaws.com"
  permissions_boundary_arn = var.role_permissions_boundary_arn
  policy_name              = "batch-launcher-permissions"
  policy_statements        = local.policy_statements
  tags                     = var.tags
}
