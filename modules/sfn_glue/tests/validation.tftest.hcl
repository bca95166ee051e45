# Every validation rejects a bad value at plan time: one run per rule, each expecting exactly that failure.

mock_provider "aws" {
  # One set of mocked AWS answers for every test file of this module.
  source = "./tests/mocks"
}


variables {
  name = "hello"
  jobs = [{ name = "hello-shell", input_arguments = { "--message" = "$.message" } }]
}

# The baseline plans cleanly, so each failure below comes from the value the run changes.
run "baseline_plans" {
  command = plan
}

run "rejects_bad_name" {
  command = plan
  variables {
    name = "hello world"
  }
  expect_failures = [var.name]
}

run "rejects_empty_job_list" {
  command = plan
  variables {
    jobs = []
  }
  expect_failures = [var.jobs]
}

run "rejects_bad_job_name" {
  command = plan
  variables {
    jobs = [{ name = "hello shell" }]
  }
  expect_failures = [var.jobs]
}

run "rejects_job_name_that_makes_no_key" {
  command = plan
  variables {
    jobs = [{ name = "2024-backfill" }]
  }
  expect_failures = [var.jobs]
}

run "rejects_duplicate_keys" {
  command = plan
  variables {
    jobs = [{ name = "hello-shell" }, { name = "hello-shell" }]
  }
  expect_failures = [var.jobs]
}

run "rejects_argument_without_dashes" {
  command = plan
  variables {
    jobs = [{ name = "hello-shell", arguments = { "message" = "hi" } }]
  }
  expect_failures = [var.jobs]
}

run "rejects_argument_both_static_and_from_input" {
  command = plan
  variables {
    jobs = [{ name = "hello-shell", arguments = { "--message" = "hi" }, input_arguments = { "--message" = "$.message" } }]
  }
  expect_failures = [var.jobs]
}

run "rejects_input_mapping_that_is_not_a_path" {
  command = plan
  variables {
    jobs = [{ name = "hello-shell", input_arguments = { "--message" = "message" } }]
  }
  expect_failures = [var.jobs]
}

run "rejects_input_mapping_with_bad_path_syntax" {
  command = plan
  variables {
    jobs = [{ name = "hello-shell", input_arguments = { "--message" = "$.message..text" } }]
  }
  expect_failures = [var.jobs]
}

run "rejects_input_mapping_with_brackets" {
  command = plan
  variables {
    jobs = [{ name = "hello-shell", input_arguments = { "--message" = "$['message']" } }]
  }
  expect_failures = [var.jobs]
}

run "rejects_input_mapping_into_module_state_data" {
  command = plan
  variables {
    jobs = [{ name = "hello-shell", input_arguments = { "--run" = "$.jobRuns.extract.JobRunId" } }]
  }
  expect_failures = [var.jobs]
}

run "rejects_zero_run_timeout" {
  command = plan
  variables {
    jobs = [{ name = "hello-shell", timeout_minutes = 0 }]
  }
  expect_failures = [var.jobs]
}

run "rejects_zero_task_timeout" {
  command = plan
  variables {
    jobs = [{ name = "hello-shell", task_timeout_seconds = 0 }]
  }
  expect_failures = [var.jobs]
}

run "rejects_zero_execution_timeout" {
  command = plan
  variables {
    timeout_seconds = 0
  }
  expect_failures = [var.timeout_seconds]
}

run "rejects_retry_with_zero_attempts" {
  command = plan
  variables {
    retry = { max_attempts = 0 }
  }
  expect_failures = [var.retry]
}

run "rejects_retry_of_every_error" {
  command = plan
  variables {
    retry = { errors = ["States.ALL"] }
  }
  expect_failures = [var.retry]
}

run "rejects_retry_of_failed_runs" {
  command = plan
  variables {
    retry = { errors = ["States.TaskFailed"] }
  }
  expect_failures = [var.retry]
}

run "rejects_retry_without_errors" {
  command = plan
  variables {
    retry = { errors = [] }
  }
  expect_failures = [var.retry]
}

run "rejects_retry_interval_zero" {
  command = plan
  variables {
    retry = { interval_seconds = 0 }
  }
  expect_failures = [var.retry]
}

run "rejects_retry_backoff_below_one" {
  command = plan
  variables {
    retry = { backoff_rate = 0.5 }
  }
  expect_failures = [var.retry]
}

run "rejects_retry_max_delay_below_interval" {
  command = plan
  variables {
    retry = { interval_seconds = 30, max_delay_seconds = 10 }
  }
  expect_failures = [var.retry]
}

run "rejects_invalid_log_level" {
  command = plan
  variables {
    logging = { level = "DEBUG" }
  }
  expect_failures = [var.logging]
}

# log_retention_days is checked in modules/_parts/log_group (its tests refuse a bad value); Terraform 1.11 cannot
# expect a failure from a child module's variable, so there is no run for it here.

run "rejects_old_logging_retention_days" {
  command = plan
  variables {
    logging = { retention_days = 30 }
  }
  expect_failures = [var.logging]
}

run "rejects_bad_topic_arn" {
  command = plan
  variables {
    failure_topic = { arn = "alerts" }
  }
  expect_failures = [var.failure_topic]
}

run "rejects_topic_key_without_topic" {
  command = plan
  variables {
    failure_topic = { kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/team" }
  }
  expect_failures = [var.failure_topic]
}

run "rejects_bad_schedule_expression" {
  command = plan
  variables {
    schedule = { expression = "every hour", input = { message = "hi" } }
  }
  expect_failures = [var.schedule]
}

run "rejects_schedule_input_without_a_field_the_jobs_read" {
  command = plan
  variables {
    schedule = { expression = "rate(1 hour)", input = { greeting = "hi" } }
  }
  expect_failures = [aws_cloudwatch_event_target.schedule]
}

run "rejects_kms_alias" {
  command = plan
  variables {
    kms_key_arn = "alias/my-key"
  }
  expect_failures = [var.kms_key_arn]
}

run "rejects_reserved_tag" {
  command = plan
  variables {
    tags = { "aws:team" = "data" }
  }
  expect_failures = [var.tags]
}
