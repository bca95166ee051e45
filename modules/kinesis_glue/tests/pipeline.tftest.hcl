# What the module renders by default and for each option: the stream, the catalog table, the output bucket, the
# job's arguments and role, the alarms and the topic.

mock_provider "aws" {
  # Mocked ARNs are known at plan time, so what is built from them can be checked.
  override_during = plan
  source          = "./tests/mocks"
}

variables {
  name        = "orders-stream"
  script_path = "tests/fixtures/job.py"
  field_schema = [
    { name = "order_id", type = "bigint", comment = "Order identifier" },
    { name = "amount", type = "decimal(12,2)" },
    { name = "ordered_at", type = "timestamp" },
  ]
}

run "defaults_match_the_construct_and_fix_its_mistakes" {
  command = plan

  assert {
    condition     = aws_kinesis_stream.this[0].encryption_type == "KMS" && aws_kinesis_stream.this[0].kms_key_id == "alias/aws/kinesis"
    error_message = "The stream must be encrypted with the AWS-managed Kinesis key by default."
  }
  assert {
    condition     = one(aws_kinesis_stream.this[0].stream_mode_details).stream_mode == "ON_DEMAND" && aws_kinesis_stream.this[0].shard_count == null && aws_kinesis_stream.this[0].retention_period == 24
    error_message = "The default stream is on-demand with 24 h retention."
  }
  assert {
    condition     = var.job.glue_version == "4.0"
    error_message = "The job must default to Glue 4.0 (the construct's 2.0 is end of life)."
  }
  assert {
    condition     = aws_glue_catalog_table.stream[0].parameters.classification == "json" && aws_glue_catalog_table.stream[0].parameters.typeOfData == "kinesis"
    error_message = "The table must describe a JSON Kinesis source."
  }
  assert {
    condition     = aws_glue_catalog_table.stream[0].parameters.streamARN == "arn:aws:kinesis:us-east-1:123456789012:stream/orders-stream" && aws_glue_catalog_table.stream[0].parameters.endpointUrl == "https://kinesis.us-east-1.amazonaws.com"
    error_message = "The table must name the stream's ARN and endpoint."
  }
  assert {
    condition     = one(aws_glue_catalog_table.stream[0].storage_descriptor).ser_de_info[0].serialization_library == "org.openx.data.jsonserde.JsonSerDe"
    error_message = "The table must use the OpenX JSON SerDe."
  }
  assert {
    condition     = [for column in one(aws_glue_catalog_table.stream[0].storage_descriptor).columns : "${column.name}:${column.type}"] == ["order_id:bigint", "amount:decimal(12,2)", "ordered_at:timestamp"]
    error_message = "The table's columns must be the declared field_schema, in order."
  }
  assert {
    condition     = aws_glue_catalog_database.this[0].name == "orders_stream_stream" && aws_glue_catalog_table.stream[0].name == "records"
    error_message = "Catalog names default to <name>_stream and records."
  }
  assert {
    condition     = module.output_bucket[0].name == "orders-stream-stream-123456789012-us-east-1" && module.output_bucket[0].kms_key_arn == "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    error_message = "The output bucket must be created and encrypted with the module's key."
  }
  assert {
    condition     = length(module.access_logs_bucket) == 1
    error_message = "The output bucket's access logs need a log bucket, created when none is named."
  }
  assert {
    condition     = output.output_uri == "s3://orders-stream-stream-123456789012-us-east-1/output/" && output.quarantine_uri == "s3://orders-stream-stream-123456789012-us-east-1/quarantine/"
    error_message = "Output and quarantine go under their prefixes in the output bucket."
  }
}

run "job_arguments_carry_the_typed_inputs" {
  command = plan

  variables {
    event_time_field = "ordered_at"
    job = {
      window_size                 = "60 seconds"
      starting_position           = "trim_horizon"
      max_fetch_records_per_shard = 5000
      emit_consumer_lag_metrics   = false
      batch_max_retries           = 5
    }
  }

  assert {
    condition = alltrue([
      output.job_arguments["--database_name"] == "orders_stream_stream",
      output.job_arguments["--table_name"] == "records",
      output.job_arguments["--output_path"] == "s3://orders-stream-stream-123456789012-us-east-1/output/",
      output.job_arguments["--quarantine_path"] == "s3://orders-stream-stream-123456789012-us-east-1/quarantine/",
      output.job_arguments["--checkpoint_location"] == "s3://orders-stream-stream-123456789012-us-east-1/checkpoint/",
      output.job_arguments["--window_size"] == "60 seconds",
      output.job_arguments["--starting_position"] == "trim_horizon",
      output.job_arguments["--max_fetch_records_per_shard"] == "5000",
      output.job_arguments["--emit_consumer_lag_metrics"] == "false",
      output.job_arguments["--batch_max_retries"] == "5",
      output.job_arguments["--event_time_field"] == "ordered_at",
    ])
    error_message = "Every typed job input must reach the job as its argument."
  }
  assert {
    condition     = jsondecode(output.job_arguments["--field_schema"]) == [{ name = "order_id", type = "bigint" }, { name = "amount", type = "decimal(12,2)" }, { name = "ordered_at", type = "timestamp" }]
    error_message = "The job must get the declared schema, so it never infers one per batch."
  }
}

run "role_reads_only_this_stream_and_table" {
  command = plan

  assert {
    condition     = [for s in local.stream_statements : s.sid] == ["ReadTheStream", "ReadTheStreamTable"]
    error_message = "On the AWS-managed stream key the role needs the stream and table grants only."
  }
  assert {
    condition     = toset(local.stream_statements[0].actions) == toset(["kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards", "kinesis:SubscribeToShard"])
    error_message = "The role may only read the stream."
  }
  assert {
    condition     = local.stream_statements[0].resources == ["arn:aws:kinesis:us-east-1:123456789012:stream/orders-stream", "arn:aws:kinesis:us-east-1:123456789012:stream/orders-stream/consumer/*"]
    error_message = "Stream actions must be scoped to this stream (and its consumers)."
  }
  assert {
    condition     = local.stream_statements[1].actions == ["glue:GetTable"] && local.stream_statements[1].resources[2] == "arn:aws:glue:us-east-1:123456789012:table/orders_stream_stream/records"
    error_message = "The role may only read this table's definition."
  }
}

run "customer_key_stream_is_decrypted_through_kinesis_only" {
  command = plan

  variables {
    stream = { shard_count = 2, retention_hours = 48, kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/stream" }
  }

  assert {
    condition     = aws_kinesis_stream.this[0].kms_key_id == "arn:aws:kms:us-east-1:123456789012:key/stream" && one(aws_kinesis_stream.this[0].stream_mode_details).stream_mode == "PROVISIONED" && aws_kinesis_stream.this[0].shard_count == 2
    error_message = "A shard count makes a provisioned stream; a key encrypts it."
  }
  assert {
    condition     = local.stream_statements[2].sid == "DecryptTheStream" && local.stream_statements[2].resources == ["arn:aws:kms:us-east-1:123456789012:key/stream"] && local.stream_statements[2].conditions[0].values == ["kinesis.us-east-1.amazonaws.com"]
    error_message = "The role may decrypt with the stream's key, through Kinesis only."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.iterator_age[0].threshold == 86400000
    error_message = "The iterator-age threshold must follow the retention (half of 48 h)."
  }
}

run "alarms_use_the_constructs_values_and_alert_the_topic" {
  command = plan

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.iterator_age[0].threshold == 43200000 &&
      aws_cloudwatch_metric_alarm.iterator_age[0].statistic == "Maximum" &&
      aws_cloudwatch_metric_alarm.iterator_age[0].period == 300 &&
      aws_cloudwatch_metric_alarm.iterator_age[0].comparison_operator == "GreaterThanOrEqualToThreshold"
    )
    error_message = "Iterator age: Maximum over 300 s at or above half the 24 h retention (43,200,000 ms)."
  }
  assert {
    condition = (
      aws_cloudwatch_metric_alarm.read_throttled[0].metric_name == "ReadProvisionedThroughputExceeded" &&
      aws_cloudwatch_metric_alarm.read_throttled[0].statistic == "Average" &&
      aws_cloudwatch_metric_alarm.read_throttled[0].threshold == 0 &&
      aws_cloudwatch_metric_alarm.read_throttled[0].comparison_operator == "GreaterThanThreshold"
    )
    error_message = "Read throttling: Average over 300 s above 0."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.consumer_lag[0].metric_name == "glue.driver.streaming.maxConsumerLagInMs" && aws_cloudwatch_metric_alarm.consumer_lag[0].threshold == 600000 && aws_cloudwatch_metric_alarm.consumer_lag[0].dimensions.JobName == "orders-stream"
    error_message = "Consumer lag: the job's maxConsumerLagInMs above the threshold."
  }
  assert {
    condition     = alltrue([for alarm in [aws_cloudwatch_metric_alarm.iterator_age[0], aws_cloudwatch_metric_alarm.read_throttled[0], aws_cloudwatch_metric_alarm.consumer_lag[0]] : alarm.alarm_actions == toset(["arn:aws:sns:us-east-1:123456789012:orders-stream-stream-alerts"])])
    error_message = "Every alarm must notify the created topic."
  }
  assert {
    condition     = aws_sns_topic.alerts[0].kms_master_key_id == local.kms_key_arn
    error_message = "The topic must be encrypted with the module's key."
  }
  assert {
    condition     = [for s in local.kms_service_grants : s.service] == ["events.amazonaws.com", "cloudwatch.amazonaws.com"]
    error_message = "The key (created by modules/glue_job, which grants CloudWatch Logs) must also let EventBridge and CloudWatch alarms use it."
  }
}

run "no_topic_means_alarms_without_actions" {
  command = plan

  variables {
    failure_topic = null
  }

  assert {
    condition     = length(aws_sns_topic.alerts) == 0 && length(aws_cloudwatch_metric_alarm.iterator_age[0].alarm_actions) == 0 && output.alert_topic_arn == null
    error_message = "Without a topic the alarms exist but notify nobody."
  }
}

run "existing_stream_table_and_bucket_create_none" {
  command = plan

  variables {
    field_schema           = []
    existing_stream        = { arn = "arn:aws:kinesis:us-east-1:123456789012:stream/clicks", retention_hours = 168 }
    existing_table         = { database = "raw", table = "clicks" }
    existing_output_bucket = { name = "lake" }
  }

  assert {
    condition     = length(aws_kinesis_stream.this) == 0 && length(aws_glue_catalog_table.stream) == 0 && length(module.output_bucket) == 0 && length(module.access_logs_bucket) == 0
    error_message = "Existing stream, table and bucket: nothing of the kind is created."
  }
  assert {
    condition     = output.stream_name == "clicks" && local.stream_statements[0].resources[0] == "arn:aws:kinesis:us-east-1:123456789012:stream/clicks"
    error_message = "The role must read the existing stream."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.iterator_age[0].threshold == 302400000
    error_message = "The iterator-age threshold must follow the existing stream's retention (half of 168 h)."
  }
  assert {
    condition     = output.job_arguments["--output_path"] == "s3://lake/output/"
    error_message = "The job must write into the existing bucket."
  }
}
