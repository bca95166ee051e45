# Every validation rejects a bad value: one run per rule, each expecting exactly that failure.

mock_provider "aws" {
  # One set of mocked AWS answers for every test file of this module.
  source = "./tests/mocks"
}

# The baseline plans cleanly, so each failure below comes from the value the run changes.
run "baseline_plans" {
  command = plan
}

# ---------------------------------------------------------------- single-variable validations

run "rejects_name_with_uppercase" {
  command = plan
  variables {
    name = "Orders"
  }
  expect_failures = [var.name]
}

run "rejects_name_too_long" {
  command = plan
  variables {
    name = "a234567890123456789012345678901"
  }
  expect_failures = [var.name]
}

run "rejects_description_too_long" {
  command = plan
  variables {
    description = format("%2049s", "x")
  }
  expect_failures = [var.description]
}

run "rejects_job_type_unknown" {
  command = plan
  variables {
    job_type = "ray"
  }
  expect_failures = [var.job_type]
}

run "rejects_glue_version_unknown" {
  command = plan
  variables {
    glue_version = "0.9"
  }
  expect_failures = [var.glue_version]
}

run "rejects_script_not_python" {
  command = plan
  variables {
    script_path = "tests/fixtures/job.scala"
  }
  expect_failures = [var.script_path]
}

run "rejects_library_wrong_kind" {
  command = plan
  variables {
    library_path = "build/glue/etl_lib.tar.gz"
  }
  expect_failures = [var.library_path]
}

run "rejects_python_module_with_comma" {
  command = plan
  variables {
    additional_python_modules = ["pyarrow==17.0.0,duckdb"]
  }
  expect_failures = [var.additional_python_modules]
}

run "rejects_worker_type_unknown" {
  command = plan
  variables {
    worker_type = "Z.2X"
  }
  expect_failures = [var.worker_type]
}

run "rejects_one_worker" {
  command = plan
  variables {
    number_of_workers = 1
  }
  expect_failures = [var.number_of_workers]
}

run "rejects_fractional_workers" {
  command = plan
  variables {
    number_of_workers = 2.5
  }
  expect_failures = [var.number_of_workers]
}

run "rejects_max_capacity_not_pythonshell_size" {
  command = plan
  variables {
    max_capacity = 0.5
  }
  expect_failures = [var.max_capacity]
}

run "rejects_timeout_zero" {
  command = plan
  variables {
    timeout = 0
  }
  expect_failures = [var.timeout]
}

run "rejects_timeout_over_a_week" {
  command = plan
  variables {
    timeout = 10081
  }
  expect_failures = [var.timeout]
}

run "rejects_max_retries_negative" {
  command = plan
  variables {
    max_retries = -1
  }
  expect_failures = [var.max_retries]
}

run "rejects_max_retries_too_many" {
  command = plan
  variables {
    max_retries = 11
  }
  expect_failures = [var.max_retries]
}

run "rejects_max_concurrent_runs_zero" {
  command = plan
  variables {
    max_concurrent_runs = 0
  }
  expect_failures = [var.max_concurrent_runs]
}

run "rejects_execution_class_unknown" {
  command = plan
  variables {
    execution_class = "SPOT"
  }
  expect_failures = [var.execution_class]
}

run "rejects_job_bookmarks_unknown" {
  command = plan
  variables {
    job_bookmarks = "on"
  }
  expect_failures = [var.job_bookmarks]
}

run "rejects_spark_ui_path_not_s3" {
  command = plan
  variables {
    observability = { spark_ui = { enabled = true, logs_path = "/tmp/spark-ui/" } }
  }
  expect_failures = [var.observability]
}

run "rejects_argument_without_dashes" {
  command = plan
  variables {
    default_arguments = { input_path = "s3://raw/" }
  }
  expect_failures = [var.default_arguments]
}

run "rejects_argument_colliding_with_library_path" {
  command = plan
  variables {
    default_arguments = { "--extra-py-files" = "s3://b/lib.zip" }
  }
  expect_failures = [var.default_arguments]
}

run "rejects_argument_colliding_with_bookmarks" {
  command = plan
  variables {
    default_arguments = { "--job-bookmark-option" = "job-bookmark-enable" }
  }
  expect_failures = [var.default_arguments]
}

run "rejects_argument_colliding_with_observability" {
  command = plan
  variables {
    default_arguments = { "--enable-metrics" = "true" }
  }
  expect_failures = [var.default_arguments]
}

run "rejects_argument_colliding_with_data_quality" {
  command = plan
  variables {
    default_arguments = { "--dq_rules" = "Rules = []" }
  }
  expect_failures = [var.default_arguments]
}

run "rejects_aws_tag_key" {
  command = plan
  variables {
    tags = { "aws:owner" = "me" }
  }
  expect_failures = [var.tags]
}

run "rejects_bucket_name_invalid" {
  command = plan
  variables {
    script_bucket_name = "My_Bucket"
  }
  expect_failures = [var.script_bucket_name]
}

run "rejects_key_prefix_leading_slash" {
  command = plan
  variables {
    script_key_prefix = "/glue/"
  }
  expect_failures = [var.script_key_prefix]
}

run "rejects_key_prefix_without_trailing_slash" {
  command = plan
  variables {
    script_key_prefix = "glue"
  }
  expect_failures = [var.script_key_prefix]
}

run "rejects_access_log_bucket_invalid" {
  command = plan
  variables {
    script_bucket_access_logging = { target_bucket = "Logs!" }
  }
  expect_failures = [var.script_bucket_access_logging]
}

run "rejects_noncurrent_retention_zero" {
  command = plan
  variables {
    noncurrent_version_retention_days = 0
  }
  expect_failures = [var.noncurrent_version_retention_days]
}

run "rejects_role_arn_not_a_role" {
  command = plan
  variables {
    role_arn = "arn:aws:iam::123456789012:user/bob"
  }
  expect_failures = [var.role_arn]
}

run "rejects_boundary_not_a_policy" {
  command = plan
  variables {
    role_permissions_boundary_arn = "boundary"
  }
  expect_failures = [var.role_permissions_boundary_arn]
}

run "rejects_read_prefix_not_s3" {
  command = plan
  variables {
    data_access = { read_prefixes = ["raw/orders/"] }
  }
  expect_failures = [var.data_access]
}

run "rejects_write_prefix_without_trailing_slash" {
  command = plan
  variables {
    data_access = { write_prefixes = ["s3://lake/curated"] }
  }
  expect_failures = [var.data_access]
}

run "rejects_prefix_with_wildcard" {
  command = plan
  variables {
    data_access = { read_prefixes = ["s3://lake/raw/*/"] }
  }
  expect_failures = [var.data_access]
}

run "rejects_data_key_alias" {
  command = plan
  variables {
    data_access = { kms_key_arns = ["alias/lake"] }
  }
  expect_failures = [var.data_access]
}

run "rejects_catalog_without_tables" {
  command = plan
  variables {
    catalog_access = [{ database = "lake", tables = [] }]
  }
  expect_failures = [var.catalog_access]
}

run "rejects_catalog_wildcard_table" {
  command = plan
  variables {
    catalog_access = [{ database = "lake", tables = ["*"] }]
  }
  expect_failures = [var.catalog_access]
}

run "rejects_kms_key_alias" {
  command = plan
  variables {
    kms_key_arn = "alias/glue"
  }
  expect_failures = [var.kms_key_arn]
}

run "rejects_kms_deletion_window_short" {
  command = plan
  variables {
    kms_key_deletion_window_days = 6
  }
  expect_failures = [var.kms_key_deletion_window_days]
}

# log_retention_days is checked where every module's log groups are made (modules/_parts/log_group and its
# tests): Terraform 1.11 cannot expect a failure from a child module here.

run "rejects_alert_topic_not_sns" {
  command = plan
  variables {
    failure_topic = { arn = "arn:aws:sqs:us-east-1:123456789012:q" }
  }
  expect_failures = [var.failure_topic]
}

run "rejects_alert_state_unknown" {
  command = plan
  variables {
    failure_alert_states = ["FAILED", "SUCCEEDED"]
  }
  expect_failures = [var.failure_alert_states]
}

run "rejects_alert_states_empty" {
  command = plan
  variables {
    failure_alert_states = []
  }
  expect_failures = [var.failure_alert_states]
}

run "rejects_ruleset_not_dqdl" {
  command = plan
  variables {
    data_quality = { ruleset = "IsComplete \"id\"" }
  }
  expect_failures = [var.data_quality]
}

# ---------------------------------------------------------------- rules across inputs (preconditions on the job)

run "rejects_pythonshell_with_worker_type" {
  command = plan
  variables {
    job_type    = "pythonshell"
    worker_type = "G.1X"
  }
  expect_failures = [data.aws_partition.current]
}

run "rejects_pythonshell_with_number_of_workers" {
  command = plan
  variables {
    job_type          = "pythonshell"
    number_of_workers = 2
  }
  expect_failures = [data.aws_partition.current]
}

run "rejects_spark_with_max_capacity" {
  command = plan
  variables {
    max_capacity = 1
  }
  expect_failures = [data.aws_partition.current]
}

run "rejects_pythonshell_on_glue_5" {
  command = plan
  variables {
    job_type     = "pythonshell"
    glue_version = "5.0"
  }
  expect_failures = [data.aws_partition.current]
}

run "rejects_spark_on_glue_1" {
  command = plan
  variables {
    glue_version = "1.0"
  }
  expect_failures = [data.aws_partition.current]
}

run "rejects_batch_job_with_streaming_worker" {
  command = plan
  variables {
    worker_type = "G.025X"
  }
  expect_failures = [data.aws_partition.current]
}

run "rejects_pythonshell_with_execution_class" {
  command = plan
  variables {
    job_type        = "pythonshell"
    execution_class = "STANDARD"
  }
  expect_failures = [data.aws_partition.current]
}

run "rejects_streaming_with_flex" {
  command = plan
  variables {
    job_type        = "gluestreaming"
    execution_class = "FLEX"
  }
  expect_failures = [data.aws_partition.current]
}

run "rejects_flex_on_glue_2" {
  command = plan
  variables {
    glue_version    = "2.0"
    execution_class = "FLEX"
  }
  expect_failures = [data.aws_partition.current]
}

run "rejects_pythonshell_with_bookmarks" {
  command = plan
  variables {
    job_type      = "pythonshell"
    job_bookmarks = "enable"
  }
  expect_failures = [data.aws_partition.current]
}

run "rejects_pythonshell_with_spark_ui" {
  command = plan
  variables {
    job_type      = "pythonshell"
    observability = { spark_ui = { enabled = true } }
  }
  expect_failures = [data.aws_partition.current]
}

run "rejects_additional_statement_on_every_resource" {
  command = plan
  variables {
    additional_policy_statements = [{ sid = "Everything", actions = ["kinesis:GetRecords"], resources = ["*"] }]
  }
  expect_failures = [var.additional_policy_statements]
}

run "accepts_glue_5_1_for_streaming" {
  command = plan
  variables {
    job_type     = "gluestreaming"
    glue_version = "5.1"
  }
  assert {
    condition     = aws_glue_job.this[0].glue_version == "5.1"
    error_message = "Glue 5.1 must be accepted for Spark jobs."
  }
}

run "rejects_code_deployed_by_unknown" {
  command = plan
  variables {
    code_deployed_by = "jenkins"
  }
  expect_failures = [var.code_deployed_by]
}

run "rejects_pythonshell_with_zip_library" {
  command = plan
  variables {
    job_type     = "pythonshell"
    library_path = "tests/fixtures/lib.zip"
  }
  expect_failures = [data.aws_partition.current]
}
