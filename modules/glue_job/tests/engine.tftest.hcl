# engine = "spark" | "duckdb": job type, sizing, script dependencies and DuckDB's arguments from one input, and every
# combination an engine cannot run on refused at plan time. Mocked apply, so computed values are known.

mock_provider "aws" {
  # One set of mocked AWS answers for every test file of this module.
  source = "./tests/mocks"
}

# The DuckDB job every run starts from (runs override what they test): the duckdb wheel `make build` downloads and
# the shared library as a wheel, as examples/json_to_parquet passes them with engine = "duckdb".
variables {
  engine            = "duckdb"
  library_path      = "tests/fixtures/etl_lib-1.0.0-py3-none-any.whl"
  dependency_wheels = ["tests/fixtures/wheels/duckdb-1.2.2-cp39-cp39-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"]
}

run "duckdb_is_a_python_39_shell_job_at_one_sixteenth_dpu" {
  assert {
    condition     = aws_glue_job.this[0].command[0].name == "pythonshell" && aws_glue_job.this[0].command[0].python_version == "3.9" && aws_glue_job.this[0].glue_version == "3.0"
    error_message = "engine duckdb must make a pythonshell job on Python 3.9 (glue 3.0)."
  }
  assert {
    condition     = aws_glue_job.this[0].max_capacity == 0.0625 && local.worker_type == null && local.number_of_workers == null
    error_message = "engine duckdb must default to 0.0625 DPU and send no workers."
  }
  assert {
    condition = aws_glue_job.this[0].default_arguments == tomap({
      "--job-language"                    = "python"
      "--extra-py-files"                  = "s3://orders-glue-123456789012-us-east-1/glue-jobs/orders/libraries/etl_lib-1.0.0-py3-none-any.whl"
      "--additional-python-modules"       = "s3://orders-glue-123456789012-us-east-1/glue-jobs/orders/dependencies/duckdb-1.2.2-cp39-cp39-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
      "--python-modules-installer-option" = "--no-index"
      "--memory_limit"                    = "640MB"
      "--temp_directory"                  = "/tmp/duckdb"
    })
    error_message = "engine duckdb must render the library, the uploaded wheel installed with --no-index, DuckDB's memory limit for 1 GB and its spill directory, and no Spark-only argument."
  }
  assert {
    condition     = aws_s3_object.dependency_wheels["duckdb-1.2.2-cp39-cp39-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"].key == "glue-jobs/orders/dependencies/duckdb-1.2.2-cp39-cp39-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
    error_message = "A dependency wheel must be uploaded under the job's prefix with its own file name (pip reads its tags from it)."
  }
  assert {
    condition     = aws_s3_object.dependency_wheels["duckdb-1.2.2-cp39-cp39-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"].source_hash == filemd5("tests/fixtures/wheels/duckdb-1.2.2-cp39-cp39-manylinux_2_17_x86_64.manylinux2014_x86_64.whl") && aws_s3_object.dependency_wheels["duckdb-1.2.2-cp39-cp39-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"].kms_key_id == local.kms_key_arn
    error_message = "A dependency wheel must be tracked by content hash and encrypted with the job's key."
  }
  assert {
    condition = [for s in local.policy_statements : s.resources if s.sid == "ReadJobCode"][0] == tolist([
      "arn:aws:s3:::orders-glue-123456789012-us-east-1/glue-jobs/orders/scripts/job.py",
      "arn:aws:s3:::orders-glue-123456789012-us-east-1/glue-jobs/orders/libraries/etl_lib-1.0.0-py3-none-any.whl",
      "arn:aws:s3:::orders-glue-123456789012-us-east-1/glue-jobs/orders/dependencies/duckdb-1.2.2-cp39-cp39-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    ])
    error_message = "The role must read the script, the library and each uploaded wheel by name, nothing else in the bucket."
  }
  assert {
    condition     = output.engine == "duckdb" && output.job_type == "pythonshell" && output.dependency_wheel_s3_uris == [aws_glue_job.this[0].default_arguments["--additional-python-modules"]]
    error_message = "Outputs must name the engine, the job type and the wheels' S3 URIs."
  }
  assert {
    condition     = length(module.log_group) == 0 && [for s in local.policy_statements : s.resources if s.sid == "WriteGlueLogs"][0] == tolist(["arn:aws:logs:us-east-1:123456789012:log-group:/aws-glue/python-jobs/*"])
    error_message = "A DuckDB job logs to Glue's Python-shell log groups only."
  }
}

run "duckdb_at_one_dpu_gets_a_16_gb_memory_limit" {
  variables {
    max_capacity = 1
    job_type     = "pythonshell"
    glue_version = "3.0"
  }
  assert {
    condition     = aws_glue_job.this[0].max_capacity == 1 && aws_glue_job.this[0].default_arguments["--memory_limit"] == "12GB"
    error_message = "At 1 DPU (16 GB) the DuckDB memory limit must default to 12GB."
  }
}

run "duckdb_defaults_give_way_to_the_callers_and_wheels_are_sorted" {
  variables {
    max_capacity = 1
    dependency_wheels = [
      "tests/fixtures/wheels/other_dep-1.0-py3-none-any.whl",
      "tests/fixtures/wheels/duckdb-1.2.2-cp39-cp39-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    ]
    default_arguments = { "--memory_limit" = "1.5GiB", "--temp_directory" = "/tmp/spill", "--input_path" = "s3://lake/raw/" }
  }
  assert {
    condition     = aws_glue_job.this[0].default_arguments["--memory_limit"] == "1.5GiB" && aws_glue_job.this[0].default_arguments["--temp_directory"] == "/tmp/spill" && aws_glue_job.this[0].default_arguments["--input_path"] == "s3://lake/raw/"
    error_message = "--memory_limit and --temp_directory set in default_arguments must replace the module's defaults."
  }
  assert {
    condition     = aws_glue_job.this[0].default_arguments["--additional-python-modules"] == "s3://orders-glue-123456789012-us-east-1/glue-jobs/orders/dependencies/duckdb-1.2.2-cp39-cp39-manylinux_2_17_x86_64.manylinux2014_x86_64.whl,s3://orders-glue-123456789012-us-east-1/glue-jobs/orders/dependencies/other_dep-1.0-py3-none-any.whl"
    error_message = "Wheels must be passed comma-separated in file-name order, whatever the input's order."
  }
  assert {
    condition     = length(aws_s3_object.dependency_wheels) == 2
    error_message = "Each dependency wheel must be uploaded."
  }
}

run "spark_engine_is_the_default_spark_job" {
  variables {
    engine            = "spark"
    library_path      = "tests/fixtures/lib.zip"
    dependency_wheels = []
  }
  assert {
    condition     = aws_glue_job.this[0].command[0].name == "glueetl" && aws_glue_job.this[0].worker_type == "G.1X" && aws_glue_job.this[0].number_of_workers == 2 && local.max_capacity == null
    error_message = "engine spark with job_type null must be a glueetl job with 2 G.1X workers."
  }
  assert {
    condition     = !contains(keys(aws_glue_job.this[0].default_arguments), "--memory_limit") && !contains(keys(aws_glue_job.this[0].default_arguments), "--python-modules-installer-option") && output.engine == "spark"
    error_message = "A Spark job gets no DuckDB arguments and no installer option without dependency wheels."
  }
}

run "spark_engine_streams_and_takes_wheels_with_no_index" {
  variables {
    engine            = "spark"
    job_type          = "gluestreaming"
    library_path      = null
    dependency_wheels = ["tests/fixtures/wheels/other_dep-1.0-py3-none-any.whl"]
  }
  assert {
    condition     = aws_glue_job.this[0].command[0].name == "gluestreaming" && output.job_type == "gluestreaming"
    error_message = "engine spark must keep job_type gluestreaming."
  }
  assert {
    condition     = aws_glue_job.this[0].default_arguments["--additional-python-modules"] == "s3://orders-glue-123456789012-us-east-1/glue-jobs/orders/dependencies/other_dep-1.0-py3-none-any.whl" && aws_glue_job.this[0].default_arguments["--python-modules-installer-option"] == "--no-index"
    error_message = "dependency_wheels on a Spark job must be installed from S3 with --no-index too."
  }
}

run "no_engine_keeps_job_type_deciding" {
  variables {
    engine            = null
    job_type          = "pythonshell"
    library_path      = null
    dependency_wheels = []
  }
  assert {
    condition     = aws_glue_job.this[0].command[0].name == "pythonshell" && output.engine == null && aws_glue_job.this[0].default_arguments == tomap({ "--job-language" = "python" })
    error_message = "Without engine a pythonshell job is as before: no DuckDB arguments, engine output null."
  }
}

# ---------------------------------------------------------------- what an engine cannot run on (each run changes one input)

run "rejects_engine_unknown" {
  command = plan
  variables {
    engine = "ray"
  }
  expect_failures = [var.engine]
}

run "rejects_duckdb_at_two_dpu" {
  command = plan
  variables {
    max_capacity = 2
  }
  expect_failures = [var.max_capacity]
}

run "rejects_duckdb_with_workers" {
  command = plan
  variables {
    worker_type = "G.1X"
  }
  expect_failures = [data.aws_partition.current]
}

run "rejects_duckdb_with_number_of_workers" {
  command = plan
  variables {
    number_of_workers = 2
  }
  expect_failures = [data.aws_partition.current]
}

run "rejects_duckdb_as_streaming_job" {
  command = plan
  variables {
    job_type = "gluestreaming"
  }
  expect_failures = [data.aws_partition.current]
}

run "rejects_duckdb_as_spark_batch_job" {
  command = plan
  variables {
    job_type = "glueetl"
  }
  expect_failures = [data.aws_partition.current]
}

run "rejects_duckdb_on_python_36" {
  command = plan
  variables {
    glue_version = "1.0"
  }
  expect_failures = [data.aws_partition.current]
}

run "rejects_duckdb_with_py_library" {
  command = plan
  variables {
    library_path = "tests/fixtures/shared_lib.py"
  }
  expect_failures = [data.aws_partition.current]
}

run "rejects_duckdb_with_zip_library" {
  command = plan
  variables {
    library_path = "tests/fixtures/lib.zip"
  }
  expect_failures = [data.aws_partition.current]
}

run "rejects_duckdb_without_wheels" {
  command = plan
  variables {
    dependency_wheels = []
  }
  expect_failures = [data.aws_partition.current]
}

run "rejects_duckdb_without_the_duckdb_wheel" {
  command = plan
  variables {
    dependency_wheels = ["tests/fixtures/wheels/other_dep-1.0-py3-none-any.whl"]
  }
  expect_failures = [data.aws_partition.current]
}

run "rejects_duckdb_with_pypi_modules" {
  command = plan
  variables {
    additional_python_modules = ["pyarrow==17.0.0"]
  }
  expect_failures = [data.aws_partition.current]
}

run "rejects_wheels_with_pypi_modules_on_spark" {
  command = plan
  variables {
    engine                    = "spark"
    library_path              = null
    dependency_wheels         = ["tests/fixtures/wheels/other_dep-1.0-py3-none-any.whl"]
    additional_python_modules = ["pyarrow==17.0.0"]
  }
  expect_failures = [data.aws_partition.current]
}

run "rejects_installer_option_with_wheels" {
  command = plan
  variables {
    default_arguments = { "--python-modules-installer-option" = "--upgrade" }
  }
  expect_failures = [data.aws_partition.current]
}

run "rejects_duckdb_with_bookmarks" {
  command = plan
  variables {
    job_bookmarks = "enable"
  }
  expect_failures = [data.aws_partition.current]
}

run "rejects_duckdb_memory_limit_over_one_gb" {
  command = plan
  variables {
    default_arguments = { "--memory_limit" = "1GB" }
  }
  expect_failures = [data.aws_partition.current]
}

run "rejects_duckdb_memory_limit_over_sixteen_gb" {
  command = plan
  variables {
    max_capacity      = 1
    default_arguments = { "--memory_limit" = "16GiB" }
  }
  expect_failures = [data.aws_partition.current]
}

run "rejects_duckdb_memory_limit_not_a_size" {
  command = plan
  variables {
    default_arguments = { "--memory_limit" = "lots" }
  }
  expect_failures = [data.aws_partition.current]
}

run "accepts_duckdb_memory_limit_just_under_one_gb" {
  command = plan
  variables {
    default_arguments = { "--memory_limit" = "999mb" }
  }
}

run "rejects_spark_as_pythonshell" {
  command = plan
  variables {
    engine            = "spark"
    job_type          = "pythonshell"
    library_path      = null
    dependency_wheels = []
  }
  expect_failures = [data.aws_partition.current]
}

run "rejects_spark_with_max_capacity" {
  command = plan
  variables {
    engine            = "spark"
    library_path      = null
    dependency_wheels = []
    max_capacity      = 1
  }
  expect_failures = [data.aws_partition.current]
}

run "rejects_dependency_not_a_wheel_name" {
  command = plan
  variables {
    dependency_wheels = ["tests/fixtures/lib.zip"]
  }
  expect_failures = [var.dependency_wheels]
}

run "rejects_dependency_wheel_twice" {
  command = plan
  variables {
    dependency_wheels = [
      "tests/fixtures/wheels/duckdb-1.2.2-cp39-cp39-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
      "elsewhere/duckdb-1.2.2-cp39-cp39-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    ]
  }
  expect_failures = [var.dependency_wheels]
}
