# Every bad input is refused at plan time, naming the input; every "existing X and new X" pair is refused.

mock_provider "aws" {
  # Mocked ARNs are known at plan time, so what is built from them can be checked.
  override_during = plan
  source          = "./tests/mocks"
}

variables {
  name         = "orders-stream"
  script_path  = "tests/fixtures/job.py"
  field_schema = [{ name = "order_id", type = "bigint" }]
}

run "rejects_stream_and_existing_stream" {
  command = plan
  variables {
    stream          = {}
    existing_stream = { arn = "arn:aws:kinesis:us-east-1:123456789012:stream/clicks" }
  }
  expect_failures = [data.aws_region.current]
}

run "rejects_existing_table_with_field_schema" {
  command = plan
  variables {
    existing_table = { database = "raw", table = "clicks" }
  }
  expect_failures = [data.aws_region.current]
}

run "rejects_existing_table_with_catalog" {
  command = plan
  variables {
    field_schema   = []
    catalog        = { database_name = "raw" }
    existing_table = { database = "raw", table = "clicks" }
  }
  expect_failures = [data.aws_region.current]
}

run "rejects_no_schema_and_no_table" {
  command = plan
  variables {
    field_schema = []
  }
  expect_failures = [data.aws_region.current]
}

run "rejects_output_bucket_and_existing_output_bucket" {
  command = plan
  variables {
    output_bucket          = {}
    existing_output_bucket = { name = "lake" }
  }
  expect_failures = [data.aws_region.current]
}

run "rejects_event_time_field_not_in_schema" {
  command = plan
  variables {
    event_time_field = "created"
  }
  expect_failures = [data.aws_region.current]
}

run "rejects_unknown_field_type" {
  command = plan
  variables {
    field_schema = [{ name = "order_id", type = "integer" }]
  }
  expect_failures = [var.field_schema]
}

run "rejects_duplicate_field_names" {
  command = plan
  variables {
    field_schema = [{ name = "order_id", type = "bigint" }, { name = "Order_Id", type = "string" }]
  }
  expect_failures = [var.field_schema]
}

run "rejects_window_size_not_in_seconds" {
  command = plan
  variables {
    job = { window_size = "2 minutes" }
  }
  expect_failures = [var.job]
}

run "rejects_end_of_life_glue_version" {
  command = plan
  variables {
    job = { glue_version = "2.0" }
  }
  expect_failures = [var.job]
}

run "rejects_starting_position_unknown" {
  command = plan
  variables {
    job = { starting_position = "earliest" }
  }
  expect_failures = [var.job]
}

run "rejects_retention_under_24_hours" {
  command = plan
  variables {
    stream = { retention_hours = 12 }
  }
  expect_failures = [var.stream]
}

run "rejects_retention_over_a_year" {
  command = plan
  variables {
    stream = { retention_hours = 9000 }
  }
  expect_failures = [var.stream]
}

run "rejects_zero_consumer_lag_threshold" {
  command = plan
  variables {
    alarms = { consumer_lag_threshold_ms = 0 }
  }
  expect_failures = [var.alarms]
}

run "rejects_stream_key_alias" {
  command = plan
  variables {
    stream = { kms_key_arn = "alias/aws/kinesis" }
  }
  expect_failures = [var.stream]
}

run "rejects_existing_stream_not_an_arn" {
  command = plan
  variables {
    existing_stream = { arn = "clicks" }
  }
  expect_failures = [var.existing_stream]
}

run "rejects_prefixes_that_collide" {
  command = plan
  variables {
    prefixes = { output = "data/", quarantine = "data/" }
  }
  expect_failures = [var.prefixes]
}
