# Every validation rejects a bad value: one run per rule, each expecting exactly that failure.

mock_provider "aws" {
  # One set of mocked AWS answers for every test file of this module.
  source = "./tests/mocks"
}

# The baseline plans cleanly, so each failure below comes from the value the run changes.
run "baseline_plans" {
  command = plan
}

run "rejects_name_with_uppercase" {
  command = plan
  variables {
    name = "Manifests"
  }
  expect_failures = [var.name]
}

run "rejects_a_package_that_is_not_a_zip" {
  command = plan
  variables {
    lambda_package_path = "src/lambdas/batch_launcher"
  }
  expect_failures = [var.lambda_package_path]
}

run "rejects_no_dependency_queue" {
  command = plan
  variables {
    dependency_queue_arns = []
  }
  expect_failures = [var.dependency_queue_arns]
}

run "rejects_a_queue_name_for_an_arn" {
  command = plan
  variables {
    dependency_queue_arns = ["imports"]
  }
  expect_failures = [var.dependency_queue_arns]
}

run "rejects_a_repeated_queue" {
  command = plan
  variables {
    dependency_queue_arns = ["arn:aws:batch:eu-west-2:123456789012:job-queue/imports", "arn:aws:batch:eu-west-2:123456789012:job-queue/imports"]
  }
  expect_failures = [var.dependency_queue_arns]
}

run "rejects_a_manifest_location_without_trailing_slash" {
  command = plan
  variables {
    import_manifest_location = "s3://lake-manifests/import"
  }
  expect_failures = [var.import_manifest_location]
}

run "rejects_a_manifest_location_with_a_quote" {
  command = plan
  variables {
    export_manifest_location = "s3://lake-manifests/ex'port/"
  }
  expect_failures = [var.export_manifest_location]
}

run "rejects_results_at_a_bucket_root" {
  command = plan
  variables {
    results_location = "s3://lake-results/"
  }
  expect_failures = [var.results_location]
}

run "rejects_a_table_name_that_would_need_quoting" {
  command = plan
  variables {
    result_table_names = { counts = "counts`; DROP TABLE x; --" }
  }
  expect_failures = [var.result_table_names]
}

run "rejects_two_tables_with_one_name" {
  command = plan
  variables {
    result_table_names = { counts = "missing_imports" }
  }
  expect_failures = [var.result_table_names]
}

run "rejects_an_uppercase_database" {
  command = plan
  variables {
    database_name = "Manifests"
  }
  expect_failures = [var.database_name]
}

run "rejects_a_query_results_location_that_is_not_s3" {
  command = plan
  variables {
    query_results_location = "lake-athena/results/"
  }
  expect_failures = [var.query_results_location]
}

run "rejects_clearing_a_whole_bucket" {
  command = plan
  variables {
    clear_prefixes = ["s3://lake-results/"]
  }
  expect_failures = [var.clear_prefixes]
}

run "rejects_an_unknown_cut_off_keyword" {
  command = plan
  variables {
    cut_off_window = { start = "YESTERDAY" }
  }
  expect_failures = [var.cut_off_window]
}

run "rejects_the_end_keyword_as_start" {
  command = plan
  variables {
    cut_off_window = { start = "TODAY_MIDNIGHT" }
  }
  expect_failures = [var.cut_off_window]
}

run "rejects_an_impossible_date" {
  command = plan
  variables {
    cut_off_window = { end = "2024-02-30 00:00:00" }
  }
  expect_failures = [var.cut_off_window]
}

run "rejects_an_iso_time_with_a_t" {
  command = plan
  variables {
    cut_off_window = { start = "2024-03-01T00:00:00" }
  }
  expect_failures = [var.cut_off_window]
}

run "rejects_a_start_after_the_end" {
  command = plan
  variables {
    cut_off_window = { start = "2024-03-02 00:00:00", end = "2024-03-01 00:00:00" }
  }
  expect_failures = [var.cut_off_window]
}

run "accepts_an_explicit_window" {
  command = plan
  variables {
    cut_off_window = { start = "2024-03-01 00:00:00", end = "2024-03-01 12:00:00" }
  }
}

run "rejects_a_negative_margin" {
  command = plan
  variables {
    margin_of_error_minutes = -1
  }
  expect_failures = [var.margin_of_error_minutes]
}

run "rejects_a_fractional_margin" {
  command = plan
  variables {
    margin_of_error_minutes = 1.5
  }
  expect_failures = [var.margin_of_error_minutes]
}

run "rejects_an_unknown_snapshot_type" {
  command = plan
  variables {
    snapshot_type = "daily"
  }
  expect_failures = [var.snapshot_type]
}

run "rejects_an_unknown_import_type" {
  command = plan
  variables {
    import_type = "streaming"
  }
  expect_failures = [var.import_type]
}

run "rejects_a_zero_daily_cap" {
  command = plan
  variables {
    max_daily_runs = 0
  }
  expect_failures = [var.max_daily_runs]
}

run "rejects_a_query_timeout_eight_statements_cannot_fit" {
  command = plan
  variables {
    athena_query_timeout_seconds = 120
  }
  expect_failures = [var.athena_query_timeout_seconds]
}

run "rejects_a_lambda_timeout_over_the_limit" {
  command = plan
  variables {
    lambda_timeout_seconds = 901
  }
  expect_failures = [var.lambda_timeout_seconds]
}

run "rejects_an_unknown_log_level" {
  command = plan
  variables {
    log_level = "TRACE"
  }
  expect_failures = [var.log_level]
}

# log_retention_days is passed straight to modules/_parts/log_group, which holds the one check of CloudWatch's
# retention values (its tests refuse a bad one): Terraform 1.11's expect_failures cannot name a child module's
# variable, so no run here expects that failure (events.tftest.hcl checks the value is passed through).

run "rejects_too_many_event_retries" {
  command = plan
  variables {
    event_delivery = { maximum_retry_attempts = 186 }
  }
  expect_failures = [var.event_delivery]
}

run "rejects_three_lambda_retries" {
  command = plan
  variables {
    invocation_retries = { maximum_retry_attempts = 3 }
  }
  expect_failures = [var.invocation_retries]
}

run "rejects_a_key_alias" {
  command = plan
  variables {
    kms_key_arn = "alias/launcher"
  }
  expect_failures = [var.kms_key_arn]
}

run "rejects_reserved_tag_keys" {
  command = plan
  variables {
    tags = { "aws:owner" = "me" }
  }
  expect_failures = [var.tags]
}

# ---------------------------------------------------------------- rules across variables (preconditions)

run "rejects_a_lambda_timeout_shorter_than_eight_queries" {
  command = plan
  variables {
    athena_query_timeout_seconds = 90
    lambda_timeout_seconds       = 600
  }
  expect_failures = [aws_lambda_function.launcher]
}
