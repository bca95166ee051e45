# The role grants exactly what the caller declared: each statement is checked by its Sid against the ARNs
# the inputs name (local.policy_statements feeds the policy document).

mock_provider "aws" {
  # One set of mocked AWS answers for every test file of this module.
  source = "./tests/mocks"
}

run "declared_access_only" {
  variables {
    library_path = "tests/fixtures/shared_lib.py"
    data_access = {
      read_prefixes  = ["s3://lake/raw/orders/", "s3://reference/"]
      write_prefixes = ["s3://lake/curated/orders/", "s3://lake/quarantine/orders/"]
      kms_key_arns   = ["arn:aws:kms:us-east-1:123456789012:key/lake"]
    }
    catalog_access = [
      { database = "curated", tables = ["orders"], write = true },
      { database = "reference", tables = ["countries", "currencies"] },
    ]
    data_quality = { ruleset = "Rules = [ RowCount > 0 ]" }
  }

  assert {
    condition = [for s in local.policy_statements : s.sid] == [
      "ReadJobCode", "ReadDeclaredPrefixes", "WriteDeclaredPrefixes", "LocateDeclaredBuckets",
      "ListDeclaredPrefixes0", "ListDeclaredPrefixes1", "ListDeclaredPrefixes2",
      "ReadDeclaredCatalogTables", "WriteDeclaredCatalogTables", "WriteGlueLogs", "PutGlueMetrics", "UseKeysInUse",
      "PublishDataQualityResults",
    ]
    error_message = "The policy must have exactly the expected statements."
  }
  assert {
    condition = [for s in local.policy_statements : s.resources if s.sid == "ReadJobCode"][0] == tolist([
      "arn:aws:s3:::orders-glue-123456789012-us-east-1/glue-jobs/orders/scripts/job.py",
      "arn:aws:s3:::orders-glue-123456789012-us-east-1/glue-jobs/orders/libraries/shared_lib.py",
    ])
    error_message = "The role may read only the script and library objects of the job."
  }
  assert {
    condition     = [for s in local.policy_statements : s.resources if s.sid == "ReadDeclaredPrefixes"][0] == ["arn:aws:s3:::lake/raw/orders/*", "arn:aws:s3:::reference/*"]
    error_message = "Object reads must be limited to the declared read prefixes."
  }
  assert {
    condition = [for s in local.policy_statements : s.resources if s.sid == "WriteDeclaredPrefixes"][0] == [
      "arn:aws:s3:::lake/curated/orders/*",
      "arn:aws:s3:::lake/quarantine/orders/*",
      "arn:aws:s3:::orders-glue-123456789012-us-east-1/glue-jobs/orders/temporary/*",
    ]
    error_message = "Object writes must be limited to the declared write prefixes and the job's TempDir."
  }
  assert {
    condition = [for s in local.policy_statements : s.resources if s.sid == "LocateDeclaredBuckets"][0] == [
      "arn:aws:s3:::lake", "arn:aws:s3:::orders-glue-123456789012-us-east-1", "arn:aws:s3:::reference",
    ]
    error_message = "GetBucketLocation must be limited to the buckets of the declared prefixes."
  }
  assert {
    condition = [for s in local.policy_statements : { resources = s.resources, prefixes = s.conditions[0].values } if startswith(s.sid, "ListDeclaredPrefixes")] == [
      { resources = ["arn:aws:s3:::lake"], prefixes = tolist(["curated/orders/*", "quarantine/orders/*", "raw/orders/*"]) },
      { resources = ["arn:aws:s3:::orders-glue-123456789012-us-east-1"], prefixes = tolist(["glue-jobs/orders/temporary/*"]) },
      { resources = ["arn:aws:s3:::reference"], prefixes = tolist(["*"]) },
    ]
    error_message = "ListBucket must be granted per bucket with an s3:prefix condition of the declared prefixes."
  }
  assert {
    condition     = alltrue([for s in local.policy_statements : s.conditions[0].test == "StringLike" && s.conditions[0].variable == "s3:prefix" if startswith(s.sid, "ListDeclaredPrefixes")])
    error_message = "ListBucket conditions must be StringLike on s3:prefix."
  }
  assert {
    condition = [for s in local.policy_statements : s.resources if s.sid == "ReadDeclaredCatalogTables"][0] == [
      "arn:aws:glue:us-east-1:123456789012:catalog",
      "arn:aws:glue:us-east-1:123456789012:database/curated",
      "arn:aws:glue:us-east-1:123456789012:table/curated/orders",
      "arn:aws:glue:us-east-1:123456789012:database/reference",
      "arn:aws:glue:us-east-1:123456789012:table/reference/countries",
      "arn:aws:glue:us-east-1:123456789012:table/reference/currencies",
    ]
    error_message = "Catalog reads must be limited to the catalog, the declared databases and tables."
  }
  assert {
    condition = [for s in local.policy_statements : s.resources if s.sid == "WriteDeclaredCatalogTables"][0] == [
      "arn:aws:glue:us-east-1:123456789012:catalog",
      "arn:aws:glue:us-east-1:123456789012:database/curated",
      "arn:aws:glue:us-east-1:123456789012:table/curated/orders",
    ]
    error_message = "Catalog writes must be limited to the entries declared with write = true."
  }
  assert {
    condition = [for s in local.policy_statements : s.resources if s.sid == "WriteGlueLogs"][0] == tolist([
      "arn:aws:logs:us-east-1:123456789012:log-group:/aws-glue/jobs/*",
      "arn:aws:logs:us-east-1:123456789012:log-group:/aws-glue/jobs/orders*",
    ])
    error_message = "Logs must be limited to Glue's job log groups and the module's group."
  }
  assert {
    condition = [for s in local.policy_statements : s if s.sid == "PutGlueMetrics"][0] == {
      sid        = "PutGlueMetrics"
      actions    = ["cloudwatch:PutMetricData"]
      resources  = ["*"]
      conditions = [{ test = "StringEquals", variable = "cloudwatch:namespace", values = ["Glue"] }]
    }
    error_message = "PutMetricData must be limited to the Glue namespace."
  }
  assert {
    condition = [for s in local.policy_statements : s.resources if s.sid == "UseKeysInUse"][0] == tolist([
      "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555",
      "arn:aws:kms:us-east-1:123456789012:key/lake",
    ])
    error_message = "KMS use must be limited to the module's key and the declared data keys."
  }
  assert {
    condition     = [for s in local.policy_statements : s.resources if s.sid == "PublishDataQualityResults"][0] == ["arn:aws:glue:us-east-1:123456789012:dataQualityRuleset/*"]
    error_message = "Data quality publishing must be limited to the account's rulesets."
  }
  assert {
    condition     = alltrue(flatten([for s in local.policy_statements : [for action in s.actions : !strcontains(action, "*")]]))
    error_message = "No action may contain a wildcard."
  }
  assert {
    condition     = [for s in local.policy_statements : s.sid if contains(s.resources, "*")] == ["PutGlueMetrics"]
    error_message = "Only PutMetricData (which has no resource type) may use the \"*\" resource."
  }
  # modules/_parts/iam_role renders local.policy_statements into the role's inline policy unchanged (its tests).
  assert {
    condition     = length(module.role) == 1 && aws_glue_job.this[0].role_arn == module.role[0].arn && module.role[0].statement_sids == [for s in local.policy_statements : s.sid]
    error_message = "The job must run as the created role, whose policy renders every statement."
  }
}

run "minimal_job_grants_code_logs_metrics_and_key_only" {
  assert {
    condition     = [for s in local.policy_statements : s.sid] == ["ReadJobCode", "WriteDeclaredPrefixes", "LocateDeclaredBuckets", "ListDeclaredPrefixes0", "WriteGlueLogs", "PutGlueMetrics", "UseKeysInUse"]
    error_message = "Without declared data a Spark job gets its code, its TempDir, logs, metrics and its key only."
  }
  assert {
    condition     = [for s in local.policy_statements : s.resources if s.sid == "ReadJobCode"][0] == tolist(["arn:aws:s3:::orders-glue-123456789012-us-east-1/glue-jobs/orders/scripts/job.py"])
    error_message = "Without a library the role reads the script object only."
  }
  assert {
    condition     = module.role[0].trusted_service == "glue.amazonaws.com"
    error_message = "Only Glue may assume the role."
  }
  assert {
    condition     = module.role[0].name == "orders-glue-job" && output.role_name == "orders-glue-job"
    error_message = "The role must be named after the job."
  }
}

run "spark_ui_logs_are_writable" {
  variables {
    observability = { spark_ui = { enabled = true, logs_path = "s3://observability/spark-ui/orders/" } }
  }
  assert {
    condition     = contains([for s in local.policy_statements : s.resources if s.sid == "WriteDeclaredPrefixes"][0], "arn:aws:s3:::observability/spark-ui/orders/*")
    error_message = "The Spark UI event log prefix must be writable."
  }
}

run "pythonshell_logs_and_no_tempdir" {
  variables {
    job_type = "pythonshell"
  }
  assert {
    condition     = [for s in local.policy_statements : s.sid] == ["ReadJobCode", "WriteGlueLogs", "PutGlueMetrics", "UseKeysInUse"]
    error_message = "A pythonshell job without declared data writes nothing to S3."
  }
  assert {
    condition     = [for s in local.policy_statements : s.resources if s.sid == "WriteGlueLogs"][0] == tolist(["arn:aws:logs:us-east-1:123456789012:log-group:/aws-glue/python-jobs/*"])
    error_message = "pythonshell logs go to /aws-glue/python-jobs/* only."
  }
}

run "existing_role_creates_no_iam" {
  variables {
    role_arn = "arn:aws:iam::123456789012:role/service-roles/orders-runner"
  }
  assert {
    condition     = length(module.role) == 0
    error_message = "With role_arn no role or policy is created."
  }
  assert {
    condition     = aws_glue_job.this[0].role_arn == "arn:aws:iam::123456789012:role/service-roles/orders-runner" && output.role_name == "orders-runner" && output.role_arn == aws_glue_job.this[0].role_arn
    error_message = "The job must use the given role, and the outputs must name it."
  }
}

run "permissions_boundary" {
  variables {
    role_permissions_boundary_arn = "arn:aws:iam::123456789012:policy/glue-boundary"
  }
  assert {
    condition     = module.role[0].permissions_boundary_arn == "arn:aws:iam::123456789012:policy/glue-boundary"
    error_message = "The boundary must be set on the created role."
  }
}

run "additional_statements_follow_the_modules_own" {
  variables {
    additional_policy_statements = [{
      sid       = "ReadTheStream"
      actions   = ["kinesis:GetRecords", "kinesis:GetShardIterator"]
      resources = ["arn:aws:kinesis:us-east-1:123456789012:stream/orders"]
    }]
  }
  assert {
    condition     = local.policy_statements[length(local.policy_statements) - 1].sid == "ReadTheStream" && local.policy_statements[length(local.policy_statements) - 1].resources == tolist(["arn:aws:kinesis:us-east-1:123456789012:stream/orders"])
    error_message = "A caller's statement must be appended, unchanged, after the module's own."
  }
}
