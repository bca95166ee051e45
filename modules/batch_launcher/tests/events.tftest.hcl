# The event pattern, the target's retries and dead-letter queue, the function's settings and what the module
# renders into the launcher's environment.

mock_provider "aws" {
  # One set of mocked AWS answers for every test file of this module.
  source = "./tests/mocks"
}

run "the_rule_matches_finished_jobs_of_the_dependency_queues_only" {
  assert {
    condition = jsondecode(aws_cloudwatch_event_rule.batch_finished.event_pattern) == {
      source        = ["aws.batch"]
      "detail-type" = ["Batch Job State Change"]
      detail = {
        jobQueue = ["arn:aws:batch:eu-west-2:123456789012:job-queue/imports", "arn:aws:batch:eu-west-2:123456789012:job-queue/exports"]
        status   = ["SUCCEEDED", "FAILED"]
      }
    }
    error_message = "The rule must match Batch Job State Change events, SUCCEEDED or FAILED, of the dependency queues."
  }
  assert {
    condition     = aws_cloudwatch_event_target.launcher.arn == aws_lambda_function.launcher.arn
    error_message = "The rule's target must be the launcher."
  }
  assert {
    condition     = aws_cloudwatch_event_target.launcher.retry_policy[0].maximum_retry_attempts == 185 && aws_cloudwatch_event_target.launcher.retry_policy[0].maximum_event_age_in_seconds == 86400
    error_message = "Delivery must be retried (EventBridge's maximum by default)."
  }
  assert {
    condition     = aws_cloudwatch_event_target.launcher.dead_letter_config[0].arn == aws_sqs_queue.dead_letters.arn
    error_message = "Undeliverable events must go to the dead-letter queue."
  }
  assert {
    condition     = aws_lambda_permission.events.principal == "events.amazonaws.com" && aws_lambda_permission.events.source_arn == aws_cloudwatch_event_rule.batch_finished.arn
    error_message = "Only this rule may invoke the launcher."
  }
}

run "failed_invocations_are_retried_then_kept" {
  variables {
    invocation_retries = { maximum_retry_attempts = 1, maximum_event_age_seconds = 3600 }
  }
  assert {
    condition     = aws_lambda_function_event_invoke_config.launcher.maximum_retry_attempts == 1 && aws_lambda_function_event_invoke_config.launcher.maximum_event_age_in_seconds == 3600
    error_message = "Lambda's retries must follow invocation_retries."
  }
  assert {
    condition     = aws_lambda_function_event_invoke_config.launcher.destination_config[0].on_failure[0].destination == aws_sqs_queue.dead_letters.arn
    error_message = "Failed invocations must go to the dead-letter queue."
  }
  assert {
    condition     = aws_sqs_queue.dead_letters.kms_master_key_id == local.kms_key_arn && aws_sqs_queue.dead_letters.message_retention_seconds == 1209600
    error_message = "The dead-letter queue must be encrypted with the module's key and keep events 14 days."
  }
}

run "the_function_is_the_package_with_one_concurrent_run" {
  assert {
    condition     = aws_lambda_function.launcher.runtime == "python3.12" && aws_lambda_function.launcher.handler == "launcher.handler.lambda_handler"
    error_message = "The function must run the package's launcher.handler.lambda_handler on Python 3.12."
  }
  assert {
    condition     = aws_lambda_function.launcher.source_code_hash == filebase64sha256("tests/fixtures/launcher.zip")
    error_message = "The package's hash must decide when the function is updated."
  }
  assert {
    condition     = aws_lambda_function.launcher.reserved_concurrent_executions == 1
    error_message = "Only one launch may run at a time."
  }
  assert {
    condition     = module.launcher_log_group.name == "/aws/lambda/manifests-launcher" && module.launcher_log_group.retention_days == 30
    error_message = "The function's log group must be created with retention."
  }
  assert {
    condition     = aws_athena_workgroup.this.configuration[0].enforce_workgroup_configuration && aws_athena_workgroup.this.configuration[0].result_configuration[0].encryption_configuration[0].encryption_option == "SSE_KMS"
    error_message = "The workgroup must enforce its KMS-encrypted result location."
  }
  assert {
    condition     = aws_athena_workgroup.this.configuration[0].result_configuration[0].output_location == "s3://lake-athena/results/"
    error_message = "Query results must go to query_results_location."
  }
}

run "the_log_retention_is_passed_to_the_log_group" {
  variables {
    log_retention_days = 14
  }
  assert {
    condition     = module.launcher_log_group.retention_days == 14 && module.launcher_log_group.kms_key_arn == local.kms_key_arn
    error_message = "The log group must keep events log_retention_days days (checked by modules/_parts/log_group) and use the module's key."
  }
}

run "the_environment_is_rendered_from_the_typed_inputs" {
  variables {
    cut_off_window          = { start = "2024-03-01 00:00:00" }
    margin_of_error_minutes = 5
    max_daily_runs          = 5
    clear_prefixes          = ["s3://lake-results/comparison/"]
    result_table_names      = { counts = "manifest_counts" }
    database_name           = "reconciliation"
  }
  assert {
    condition = aws_lambda_function.launcher.environment[0].variables == tomap({
      DEPENDENCY_QUEUE_ARNS        = "[\"arn:aws:batch:eu-west-2:123456789012:job-queue/imports\",\"arn:aws:batch:eu-west-2:123456789012:job-queue/exports\"]"
      GLUE_JOB_NAME                = "manifests"
      ATHENA_WORKGROUP             = "manifests"
      ATHENA_DATABASE              = "reconciliation"
      ATHENA_QUERY_TIMEOUT_SECONDS = "60"
      RESULT_TABLES = jsonencode({
        counts                = { name = "manifest_counts", location = "s3://lake-results/comparison/manifest_counts/" }
        mismatched_timestamps = { name = "mismatched_timestamps", location = "s3://lake-results/comparison/mismatched_timestamps/" }
        missing_exports       = { name = "missing_exports", location = "s3://lake-results/comparison/missing_exports/" }
        missing_imports       = { name = "missing_imports", location = "s3://lake-results/comparison/missing_imports/" }
      })
      IMPORT_MANIFEST_LOCATION = "s3://lake-manifests/import/"
      EXPORT_MANIFEST_LOCATION = "s3://lake-manifests/export/"
      CUT_OFF_START            = "2024-03-01 00:00:00"
      CUT_OFF_END              = "TODAY_MIDNIGHT"
      MARGIN_OF_ERROR_MINUTES  = "5"
      SNAPSHOT_TYPE            = "full"
      IMPORT_TYPE              = "historic"
      MAX_DAILY_RUNS           = "5"
      CLEAR_PREFIXES           = "[\"s3://lake-results/comparison/\"]"
      POWERTOOLS_LOG_LEVEL     = "INFO"
    })
    error_message = "The environment must be rendered from the inputs, one variable per setting."
  }
  assert {
    condition     = output.result_tables.counts == { name = "manifest_counts", location = "s3://lake-results/comparison/manifest_counts/" }
    error_message = "The result tables output must name each table and its location."
  }
}

run "defaults_are_the_seed_window_a_two_minute_margin_and_one_run_a_day" {
  assert {
    condition = (
      aws_lambda_function.launcher.environment[0].variables["CUT_OFF_START"] == "PREVIOUS_DAY_MIDNIGHT" &&
      aws_lambda_function.launcher.environment[0].variables["CUT_OFF_END"] == "TODAY_MIDNIGHT" &&
      aws_lambda_function.launcher.environment[0].variables["MARGIN_OF_ERROR_MINUTES"] == "2" &&
      aws_lambda_function.launcher.environment[0].variables["MAX_DAILY_RUNS"] == "1" &&
      aws_lambda_function.launcher.environment[0].variables["CLEAR_PREFIXES"] == "[]"
    )
    error_message = "The defaults must be yesterday's window, a 2-minute margin, one run a day and nothing cleared."
  }
}
