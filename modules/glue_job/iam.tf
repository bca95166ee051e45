# The job's role (unless one is passed in): each grant is built in local.policy_statements from what the
# caller declared, so the tests can check every statement's resources.

locals {
  create_role = var.role_arn == null
  role_arn    = local.create_role ? module.role[0].arn : var.role_arn
  role_name   = local.create_role ? module.role[0].name : element(split("/", var.role_arn), length(split("/", var.role_arn)) - 1)

  code_object_arns = compact(concat(
    [
      "${local.bucket_arn}/${local.script_key}",
      var.library_path == null ? "" : "${local.bucket_arn}/${local.library_key}",
      # A pipeline's deployments: each commit's script and library under the job's own deployment prefix.
      local.code_deployed_by_pipeline ? "${local.bucket_arn}/${local.deployment_prefix}*" : "",
    ],
    # Each dependency wheel by name: the role reads exactly the wheels it installs.
    [for key in values(local.dependency_wheel_keys) : "${local.bucket_arn}/${key}"],
  ))

  # Prefixes the job itself needs in the script bucket: Spark scratch space and Spark UI event logs.
  module_write_prefixes = local.is_spark ? concat(
    [local.temp_dir_s3_uri],
    local.spark_ui_enabled ? [local.spark_ui_logs_path] : [],
  ) : []

  read_prefixes  = distinct(var.data_access.read_prefixes)
  write_prefixes = distinct(concat(var.data_access.write_prefixes, local.module_write_prefixes))

  # "s3://bucket/some/prefix/" -> { bucket = "bucket", key = "some/prefix/" }
  parsed_read_prefixes  = [for uri in local.read_prefixes : regex("^s3://(?P<bucket>[^/]+)/(?P<key>.*)$", uri)]
  parsed_write_prefixes = [for uri in local.write_prefixes : regex("^s3://(?P<bucket>[^/]+)/(?P<key>.*)$", uri)]
  # bucket -> key prefixes the job may list, read or written
  listable_keys_by_bucket = {
    for prefix in concat(local.parsed_read_prefixes, local.parsed_write_prefixes) : prefix.bucket => prefix.key...
  }
  listable_buckets = sort(keys(local.listable_keys_by_bucket))

  catalog_arn = "arn:${local.partition}:glue:${local.region}:${local.account_id}:catalog"
  catalog_read_arns = distinct(flatten([
    for entry in var.catalog_access : concat(
      ["arn:${local.partition}:glue:${local.region}:${local.account_id}:database/${entry.database}"],
      [for table in entry.tables : "arn:${local.partition}:glue:${local.region}:${local.account_id}:table/${entry.database}/${table}"],
    )
  ]))
  catalog_write_arns = distinct(flatten([
    for entry in var.catalog_access : concat(
      ["arn:${local.partition}:glue:${local.region}:${local.account_id}:database/${entry.database}"],
      [for table in entry.tables : "arn:${local.partition}:glue:${local.region}:${local.account_id}:table/${entry.database}/${table}"],
    ) if entry.write
  ]))

  kms_key_arns = distinct(concat([local.kms_key_arn], var.data_access.kms_key_arns))

  # Glue writes driver output and error logs to its own groups (/aws-glue/jobs/* for Spark,
  # /aws-glue/python-jobs/* for pythonshell, renamed per security configuration and role when encrypted)
  # and continuous logs to the module's group; "<group>*" also covers its log streams.
  log_resource_arns = distinct(concat(
    local.glue_log_group_arns,
    local.create_log_group ? ["${local.log_group_arn}*"] : [],
  ))

  policy_statements = concat(
    [{
      sid       = "ReadJobCode"
      actions   = ["s3:GetObject"]
      resources = local.code_object_arns
    }],
    length(local.read_prefixes) == 0 ? [] : [{
      sid       = "ReadDeclaredPrefixes"
      actions   = ["s3:GetObject", "s3:GetObjectVersion"]
      resources = [for prefix in local.parsed_read_prefixes : "arn:${local.partition}:s3:::${prefix.bucket}/${prefix.key}*"]
    }],
    length(local.write_prefixes) == 0 ? [] : [{
      sid = "WriteDeclaredPrefixes"
      # Spark's output committers read back, overwrite and delete what they wrote.
      actions = [
        "s3:AbortMultipartUpload",
        "s3:DeleteObject",
        "s3:GetObject",
        "s3:ListMultipartUploadParts",
        "s3:PutObject",
      ]
      resources = [for prefix in local.parsed_write_prefixes : "arn:${local.partition}:s3:::${prefix.bucket}/${prefix.key}*"]
    }],
    length(local.listable_buckets) == 0 ? [] : [{
      sid       = "LocateDeclaredBuckets"
      actions   = ["s3:GetBucketLocation"]
      resources = [for bucket in local.listable_buckets : "arn:${local.partition}:s3:::${bucket}"]
    }],
    # One statement per bucket: s3:ListBucket is limited to that bucket's declared prefixes.
    [for index, bucket in local.listable_buckets : {
      sid       = "ListDeclaredPrefixes${index}"
      actions   = ["s3:ListBucket"]
      resources = ["arn:${local.partition}:s3:::${bucket}"]
      conditions = [{
        test     = "StringLike"
        variable = "s3:prefix"
        values   = sort(distinct([for key in local.listable_keys_by_bucket[bucket] : "${key}*"]))
      }]
    }],
    length(local.catalog_read_arns) == 0 ? [] : [{
      sid = "ReadDeclaredCatalogTables"
      actions = [
        "glue:BatchGetPartition",
        "glue:GetDatabase",
        "glue:GetPartition",
        "glue:GetPartitions",
        "glue:GetTable",
      ]
      resources = concat([local.catalog_arn], local.catalog_read_arns)
    }],
    length(local.catalog_write_arns) == 0 ? [] : [{
      sid = "WriteDeclaredCatalogTables"
      actions = [
        "glue:BatchCreatePartition",
        "glue:BatchDeletePartition",
        "glue:BatchUpdatePartition",
        "glue:CreatePartition",
        "glue:CreateTable",
        "glue:DeletePartition",
        "glue:UpdatePartition",
        "glue:UpdateTable",
      ]
      resources = concat([local.catalog_arn], local.catalog_write_arns)
    }],
    [{
      sid       = "WriteGlueLogs"
      actions   = ["logs:AssociateKmsKey", "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]
      resources = local.log_resource_arns
    }],
    [{
      sid = "PutGlueMetrics"
      # PutMetricData has no resource type: the namespace condition is what limits it.
      actions   = ["cloudwatch:PutMetricData"]
      resources = ["*"]
      conditions = [{
        test     = "StringEquals"
        variable = "cloudwatch:namespace"
        values   = ["Glue"]
      }]
    }],
    [{
      sid       = "UseKeysInUse"
      actions   = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"]
      resources = local.kms_key_arns
    }],
    # The EvaluateDataQuality transform publishes results under the evaluation context's name, not the stored
    # ruleset's, so the grant is on the account's rulesets; the action can do nothing else.
    var.data_quality == null ? [] : [{
      sid       = "PublishDataQualityResults"
      actions   = ["glue:PublishDataQuality"]
      resources = ["arn:${local.partition}:glue:${local.region}:${local.account_id}:dataQualityRuleset/*"]
    }],
    # Sources the module does not model (a Kinesis stream, a connection), granted by the caller.
    var.additional_policy_statements,
  )
}

module "role" {
  source = "../_parts/iam_role"
  count  = local.create_role ? 1 : 0

  name                     = "${var.name}-glue-job"
  description              = "Runs Glue job ${var.name}"
  trusted_service          = "glue.amazonaws.com"
  permissions_boundary_arn = var.role_permissions_boundary_arn
  policy_name              = "glue-job-permissions"
  policy_statements        = local.policy_statements
  tags                     = var.tags
}
