# How typed inputs become the job: sizing per job type and the arguments rendered from observability,
# bookmarks, library, modules and data quality. Mocked apply, so computed values are known.

mock_provider "aws" {
  # One set of mocked AWS answers for every test file of this module.
  source = "./tests/mocks"
}

run "spark_job_defaults" {
  assert {
    condition     = aws_glue_job.this[0].command[0].name == "glueetl" && aws_glue_job.this[0].command[0].python_version == "3"
    error_message = "A default job must be a glueetl job on Python 3."
  }
  assert {
    condition     = aws_glue_job.this[0].command[0].script_location == "s3://orders-glue-123456789012-us-east-1/glue-jobs/orders/scripts/job.py"
    error_message = "The script location must be the uploaded object in the created bucket."
  }
  assert {
    condition     = aws_glue_job.this[0].glue_version == "5.0" && aws_glue_job.this[0].worker_type == "G.1X" && aws_glue_job.this[0].number_of_workers == 2
    error_message = "A Spark job must default to glue 5.0 with 2 G.1X workers."
  }
  assert {
    condition     = local.max_capacity == null
    error_message = "A Spark job must not send max_capacity."
  }
  assert {
    condition     = aws_glue_job.this[0].timeout == 60 && aws_glue_job.this[0].max_retries == 0 && aws_glue_job.this[0].execution_property[0].max_concurrent_runs == 1
    error_message = "Batch defaults must be a 60-minute timeout, no retries and one run at a time."
  }
  assert {
    condition     = aws_glue_job.this[0].execution_class == null && aws_glue_job.this[0].job_run_queuing_enabled == false
    error_message = "execution_class must stay unset unless asked for, and queuing off."
  }
  assert {
    condition     = aws_glue_job.this[0].security_configuration == "orders"
    error_message = "The job must use the module's security configuration."
  }
  assert {
    condition = aws_glue_job.this[0].default_arguments == tomap({
      "--job-language"                     = "python"
      "--TempDir"                          = "s3://orders-glue-123456789012-us-east-1/glue-jobs/orders/temporary/"
      "--job-bookmark-option"              = "job-bookmark-disable"
      "--enable-job-insights"              = "true"
      "--enable-metrics"                   = "true"
      "--enable-continuous-cloudwatch-log" = "true"
      "--continuous-log-logGroup"          = "/aws-glue/jobs/orders"
    })
    error_message = "Default observability must render metrics, continuous logging to the module's group, job insights, and bookmarks disabled."
  }
  assert {
    condition     = module.log_group[0].name == "/aws-glue/jobs/orders" && module.log_group[0].retention_days == 30
    error_message = "The continuous-logging group must exist with the default 30-day retention."
  }
  assert {
    condition     = output.log_group_name == "/aws-glue/jobs/orders" && output.script_s3_uri == aws_glue_job.this[0].command[0].script_location
    error_message = "Outputs must name the log group and the script URI."
  }
  assert {
    condition     = aws_s3_object.script.source_hash == filemd5("tests/fixtures/job.py")
    error_message = "The script object must track the file content by source_hash."
  }
  assert {
    condition     = length(aws_s3_object.library) == 0 && length(aws_glue_data_quality_ruleset.this) == 0 && length(aws_cloudwatch_event_rule.job_failed) == 0
    error_message = "Library, ruleset and alerting are created only when asked for."
  }
}

run "observability_off" {
  variables {
    observability = { metrics = false, continuous_logging = false, job_insights = false }
  }
  assert {
    condition = aws_glue_job.this[0].default_arguments == tomap({
      "--job-language"        = "python"
      "--TempDir"             = "s3://orders-glue-123456789012-us-east-1/glue-jobs/orders/temporary/"
      "--job-bookmark-option" = "job-bookmark-disable"
      "--enable-job-insights" = "false"
    })
    error_message = "With observability off, only job insights is rendered (as false) and no logging or metrics keys."
  }
  assert {
    condition     = length(module.log_group) == 0 && output.log_group_name == null
    error_message = "Without continuous logging no log group is created."
  }
}

run "spark_ui_default_path" {
  variables {
    observability = { spark_ui = { enabled = true } }
  }
  assert {
    condition     = aws_glue_job.this[0].default_arguments["--enable-spark-ui"] == "true"
    error_message = "spark_ui.enabled must render --enable-spark-ui."
  }
  assert {
    condition     = aws_glue_job.this[0].default_arguments["--spark-event-logs-path"] == "s3://orders-glue-123456789012-us-east-1/glue-jobs/orders/spark-ui-logs/"
    error_message = "Without logs_path, Spark UI event logs go under the job's prefix in the script bucket."
  }
  assert {
    condition     = aws_glue_job.this[0].default_arguments["--enable-metrics"] == "true" && aws_glue_job.this[0].default_arguments["--enable-job-insights"] == "true"
    error_message = "Setting spark_ui alone must keep the other observability defaults on."
  }
}

run "spark_ui_custom_path" {
  variables {
    observability = { spark_ui = { enabled = true, logs_path = "s3://observability/spark-ui/orders/" } }
  }
  assert {
    condition     = aws_glue_job.this[0].default_arguments["--spark-event-logs-path"] == "s3://observability/spark-ui/orders/"
    error_message = "spark_ui.logs_path must be passed as --spark-event-logs-path."
  }
}

run "bookmarks_enabled" {
  variables {
    job_bookmarks = "enable"
  }
  assert {
    condition     = aws_glue_job.this[0].default_arguments["--job-bookmark-option"] == "job-bookmark-enable"
    error_message = "job_bookmarks = enable must render job-bookmark-enable."
  }
}

run "bookmarks_paused" {
  variables {
    job_bookmarks = "pause"
  }
  assert {
    condition     = aws_glue_job.this[0].default_arguments["--job-bookmark-option"] == "job-bookmark-pause"
    error_message = "job_bookmarks = pause must render job-bookmark-pause."
  }
}

run "pythonshell_without_workers" {
  variables {
    job_type = "pythonshell"
  }
  assert {
    condition     = aws_glue_job.this[0].command[0].name == "pythonshell" && aws_glue_job.this[0].command[0].python_version == "3.9" && aws_glue_job.this[0].glue_version == "3.0"
    error_message = "pythonshell must default to Python 3.9 on glue 3.0."
  }
  assert {
    condition     = local.worker_type == null && local.number_of_workers == null && aws_glue_job.this[0].max_capacity == 0.0625
    error_message = "pythonshell must send max_capacity 0.0625 and neither worker_type nor number_of_workers."
  }
  assert {
    condition     = aws_glue_job.this[0].default_arguments == tomap({ "--job-language" = "python" })
    error_message = "pythonshell gets no Spark-only arguments (bookmarks, metrics, continuous logging, insights, TempDir)."
  }
  assert {
    condition     = length(module.log_group) == 0
    error_message = "pythonshell has no continuous logging, so no log group."
  }
}

run "pythonshell_one_dpu_on_python_36" {
  variables {
    job_type     = "pythonshell"
    glue_version = "1.0"
    max_capacity = 1
    timeout      = 15
  }
  assert {
    condition     = aws_glue_job.this[0].max_capacity == 1 && aws_glue_job.this[0].command[0].python_version == "3" && aws_glue_job.this[0].timeout == 15
    error_message = "pythonshell on glue 1.0 runs Python 3.6 (\"3\") with the chosen DPU and timeout."
  }
}

run "streaming_job" {
  variables {
    job_type          = "gluestreaming"
    worker_type       = "G.025X"
    number_of_workers = 4
  }
  assert {
    condition     = aws_glue_job.this[0].command[0].name == "gluestreaming" && aws_glue_job.this[0].worker_type == "G.025X" && aws_glue_job.this[0].number_of_workers == 4
    error_message = "A streaming job takes the chosen worker type and count."
  }
  assert {
    condition     = local.timeout == null
    error_message = "A streaming job gets no default timeout."
  }
}

run "flex_execution_class" {
  variables {
    execution_class         = "FLEX"
    job_run_queuing_enabled = true
    max_concurrent_runs     = 3
    max_retries             = 2
  }
  assert {
    condition     = aws_glue_job.this[0].execution_class == "FLEX" && aws_glue_job.this[0].job_run_queuing_enabled && aws_glue_job.this[0].execution_property[0].max_concurrent_runs == 3 && aws_glue_job.this[0].max_retries == 2
    error_message = "execution_class, queuing, concurrency and retries must pass through."
  }
}

run "library_modules_and_caller_arguments" {
  variables {
    library_path              = "tests/fixtures/shared_lib.py"
    additional_python_modules = ["pyarrow==17.0.0", "duckdb==1.1.3"]
    default_arguments         = { "--input_path" = "s3://lake/raw/orders/", "--enable-continuous-log-filter" = "true" }
  }
  assert {
    condition     = aws_glue_job.this[0].default_arguments["--extra-py-files"] == "s3://orders-glue-123456789012-us-east-1/glue-jobs/orders/libraries/shared_lib.py"
    error_message = "The library must be uploaded next to the script and passed as --extra-py-files."
  }
  assert {
    condition     = aws_s3_object.library[0].key == "glue-jobs/orders/libraries/shared_lib.py" && aws_s3_object.library[0].source_hash == filemd5("tests/fixtures/shared_lib.py")
    error_message = "The library object must track the file by source_hash."
  }
  assert {
    condition     = aws_glue_job.this[0].default_arguments["--additional-python-modules"] == "pyarrow==17.0.0,duckdb==1.1.3"
    error_message = "additional_python_modules must be joined with commas."
  }
  assert {
    condition     = aws_glue_job.this[0].default_arguments["--input_path"] == "s3://lake/raw/orders/" && aws_glue_job.this[0].default_arguments["--enable-continuous-log-filter"] == "true"
    error_message = "Caller arguments must be kept."
  }
  assert {
    condition     = output.library_s3_uri == aws_glue_job.this[0].default_arguments["--extra-py-files"]
    error_message = "library_s3_uri must be the --extra-py-files value."
  }
}

run "data_quality_rules_feed_job_and_ruleset" {
  variables {
    data_quality = {
      ruleset      = "Rules = [ IsComplete \"order_id\", ColumnValues \"amount\" >= 0 ]"
      target_table = { database = "lake", table = "orders" }
    }
  }
  assert {
    condition     = aws_glue_job.this[0].default_arguments["--dq_rules"] == "Rules = [ IsComplete \"order_id\", ColumnValues \"amount\" >= 0 ]"
    error_message = "The DQDL must reach the script as --dq_rules."
  }
  assert {
    condition     = aws_glue_data_quality_ruleset.this[0].ruleset == aws_glue_job.this[0].default_arguments["--dq_rules"] && aws_glue_data_quality_ruleset.this[0].name == "orders"
    error_message = "The stored ruleset must carry the same text as the job argument."
  }
  assert {
    condition     = aws_glue_data_quality_ruleset.this[0].target_table[0].database_name == "lake" && aws_glue_data_quality_ruleset.this[0].target_table[0].table_name == "orders"
    error_message = "The ruleset must be attached to the target table."
  }
  assert {
    condition     = output.data_quality_ruleset_name == "orders"
    error_message = "The ruleset name must be an output."
  }
}

run "existing_bucket_and_prefix" {
  variables {
    script_bucket_name = "shared-glue-code"
    script_key_prefix  = "teams/orders/"
  }
  assert {
    condition     = length(module.script_bucket) == 0
    error_message = "With a bucket passed in, no bucket is created."
  }
  assert {
    condition     = aws_s3_object.script.bucket == "shared-glue-code" && aws_s3_object.script.key == "teams/orders/scripts/job.py"
    error_message = "The script must go to the given bucket under the given prefix."
  }
  assert {
    condition     = output.script_bucket == "shared-glue-code" && aws_glue_job.this[0].default_arguments["--TempDir"] == "s3://shared-glue-code/teams/orders/temporary/"
    error_message = "Outputs and TempDir must follow the given bucket and prefix."
  }
}

run "pipeline_deployed_code_is_left_to_the_pipeline" {
  variables {
    code_deployed_by = "pipeline"
  }
  assert {
    condition     = length(aws_glue_job.this) == 0 && length(aws_glue_job.pipeline_deployed) == 1 && output.job_name == "orders"
    error_message = "A pipeline-deployed job is the resource that leaves its script location to the pipeline."
  }
  assert {
    condition     = aws_glue_job.pipeline_deployed[0].command[0].script_location == output.script_s3_uri
    error_message = "Until the first deployment the job runs the script Terraform uploaded."
  }
  assert {
    condition     = output.deployment_prefix == "glue-jobs/orders/deployments/" && contains([for s in local.policy_statements : s.resources if s.sid == "ReadJobCode"][0], "arn:aws:s3:::orders-glue-123456789012-us-east-1/glue-jobs/orders/deployments/*")
    error_message = "The role must read what the pipeline deploys, under the job's own deployment prefix only."
  }
}
