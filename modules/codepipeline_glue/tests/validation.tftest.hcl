# Every bad input is refused at plan time, naming the input and what is allowed; every rule across inputs is a
# plan-time error too: one source (data.aws_region), and those that read the targets (the trigger's file-path
# limit, the approval topic, UserParameters' size, targets in this account and region: aws_codepipeline.this).

mock_provider "aws" {
  # Mocked ARNs are known at plan time, so what is built from them can be checked.
  override_during = plan
  source          = "./tests/mocks"
}

variables {
  name                = "orders-deploy"
  lambda_package_path = "tests/fixtures/deployer.zip"
  codecommit          = { repository_name = "orders-glue-jobs" }
  targets = [{
    name              = "dev"
    job_name          = "orders-dev"
    job_arn           = "arn:aws:glue:us-east-1:123456789012:job/orders-dev"
    role_arn          = "arn:aws:iam::123456789012:role/orders-dev-glue-job"
    script_bucket     = "orders-dev-glue-123456789012-us-east-1"
    deployment_prefix = "glue-jobs/orders-dev/deployments/"
    kms_key_arn       = "arn:aws:kms:us-east-1:123456789012:key/dev"
    script_path       = "src/glue/jobs/json_to_parquet.py"
    library_dir       = "src/glue/etl_lib"
  }]
}

run "accepts_the_defaults" {
  command = plan
}

run "rejects_uppercase_name" {
  command = plan
  variables {
    name = "Orders"
  }
  expect_failures = [var.name]
}

run "rejects_name_too_long_for_the_bucket" {
  command = plan
  variables {
    name = "a-very-long-pipeline-name-x"
  }
  expect_failures = [var.name]
}

run "rejects_package_not_a_zip" {
  command = plan
  variables {
    lambda_package_path = "tests/fixtures/deployer.tar.gz"
  }
  expect_failures = [var.lambda_package_path]
}

run "rejects_repository_name_with_spaces" {
  command = plan
  variables {
    codecommit = { repository_name = "orders glue" }
  }
  expect_failures = [var.codecommit]
}

run "rejects_repository_name_ending_in_git" {
  command = plan
  variables {
    codecommit = { repository_name = "orders.git" }
  }
  expect_failures = [var.codecommit]
}

run "rejects_codecommit_branch_with_dots" {
  command = plan
  variables {
    codecommit = { repository_name = "orders", branch = "release/../main" }
  }
  expect_failures = [var.codecommit]
}

run "rejects_connection_arn_of_another_service" {
  command = plan
  variables {
    codecommit = null
    codestar   = { connection_arn = "arn:aws:codecommit:us-east-1:123456789012:orders", full_repository_id = "my-org/glue" }
  }
  expect_failures = [var.codestar]
}

run "rejects_created_connection_needing_a_host" {
  command = plan
  variables {
    codecommit = null
    codestar   = { provider_type = "GitHubEnterpriseServer", full_repository_id = "my-org/glue" }
  }
  expect_failures = [var.codestar]
}

run "rejects_repository_id_without_owner" {
  command = plan
  variables {
    codecommit = null
    codestar   = { full_repository_id = "glue-jobs" }
  }
  expect_failures = [var.codestar]
}

run "rejects_codestar_branch_ending_in_slash" {
  command = plan
  variables {
    codecommit = null
    codestar   = { full_repository_id = "my-org/glue", branch = "release/" }
  }
  expect_failures = [var.codestar]
}

run "rejects_more_than_eight_file_paths" {
  command = plan
  variables {
    codecommit = null
    codestar   = { full_repository_id = "my-org/glue", file_paths = [for i in range(9) : "src/glue/jobs/job_${i}.py"] }
  }
  expect_failures = [var.codestar]
}

run "rejects_absolute_file_path" {
  command = plan
  variables {
    codecommit = null
    codestar   = { full_repository_id = "my-org/glue", file_paths = ["/src/glue/**"] }
  }
  expect_failures = [var.codestar]
}

run "rejects_no_targets" {
  command = plan
  variables {
    targets = []
  }
  expect_failures = [var.targets]
}

run "rejects_target_named_source" {
  command = plan
  variables {
    targets = [{ name = "Source", job_name = "orders-dev", job_arn = "arn:aws:glue:us-east-1:123456789012:job/orders-dev", role_arn = "arn:aws:iam::123456789012:role/orders-dev-glue-job", script_bucket = "orders-dev-glue-123456789012-us-east-1", deployment_prefix = "glue-jobs/orders-dev/deployments/", kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/dev", script_path = "src/glue/jobs/json_to_parquet.py", library_dir = "src/glue/etl_lib" }]
  }
  expect_failures = [var.targets]
}

run "rejects_target_name_with_spaces" {
  command = plan
  variables {
    targets = [{ name = "dev env", job_name = "orders-dev", job_arn = "arn:aws:glue:us-east-1:123456789012:job/orders-dev", role_arn = "arn:aws:iam::123456789012:role/orders-dev-glue-job", script_bucket = "orders-dev-glue-123456789012-us-east-1", deployment_prefix = "glue-jobs/orders-dev/deployments/", kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/dev", script_path = "src/glue/jobs/json_to_parquet.py", library_dir = "src/glue/etl_lib" }]
  }
  expect_failures = [var.targets]
}

run "rejects_duplicate_target_names" {
  command = plan
  variables {
    targets = [{ name = "dev", job_name = "orders-dev", job_arn = "arn:aws:glue:us-east-1:123456789012:job/orders-dev", role_arn = "arn:aws:iam::123456789012:role/orders-dev-glue-job", script_bucket = "orders-dev-glue-123456789012-us-east-1", deployment_prefix = "glue-jobs/orders-dev/deployments/", kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/dev", script_path = "src/glue/jobs/json_to_parquet.py", library_dir = "src/glue/etl_lib" }, { name = "DEV", job_name = "orders-dev2", job_arn = "arn:aws:glue:us-east-1:123456789012:job/orders-dev2", role_arn = "arn:aws:iam::123456789012:role/orders-dev-glue-job", script_bucket = "orders-dev-glue-123456789012-us-east-1", deployment_prefix = "glue-jobs/orders-dev/deployments/", kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/dev", script_path = "src/glue/jobs/json_to_parquet.py", library_dir = "src/glue/etl_lib" }]
  }
  expect_failures = [var.targets]
}

run "rejects_target_named_like_an_approval_stage" {
  command = plan
  variables {
    targets = [{ name = "Approve-prod", job_name = "orders-dev", job_arn = "arn:aws:glue:us-east-1:123456789012:job/orders-dev", role_arn = "arn:aws:iam::123456789012:role/orders-dev-glue-job", script_bucket = "orders-dev-glue-123456789012-us-east-1", deployment_prefix = "glue-jobs/orders-dev/deployments/", kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/dev", script_path = "src/glue/jobs/json_to_parquet.py", library_dir = "src/glue/etl_lib" }, { name = "prod", job_name = "orders-prod", job_arn = "arn:aws:glue:us-east-1:123456789012:job/orders-prod", role_arn = "arn:aws:iam::123456789012:role/orders-dev-glue-job", script_bucket = "orders-dev-glue-123456789012-us-east-1", deployment_prefix = "glue-jobs/orders-dev/deployments/", kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/dev", script_path = "src/glue/jobs/json_to_parquet.py", library_dir = "src/glue/etl_lib", approval_before = true }]
  }
  expect_failures = [var.targets]
}

run "rejects_bad_job_name" {
  command = plan
  variables {
    targets = [{ name = "dev", job_name = "orders dev", job_arn = "arn:aws:glue:us-east-1:123456789012:job/orders dev", role_arn = "arn:aws:iam::123456789012:role/orders-dev-glue-job", script_bucket = "orders-dev-glue-123456789012-us-east-1", deployment_prefix = "glue-jobs/orders-dev/deployments/", kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/dev", script_path = "src/glue/jobs/json_to_parquet.py", library_dir = "src/glue/etl_lib" }]
  }
  expect_failures = [var.targets]
}

run "rejects_job_arn_of_another_job" {
  command = plan
  variables {
    targets = [{ name = "dev", job_name = "orders-dev", job_arn = "arn:aws:glue:us-east-1:123456789012:job/orders-prod", role_arn = "arn:aws:iam::123456789012:role/orders-dev-glue-job", script_bucket = "orders-dev-glue-123456789012-us-east-1", deployment_prefix = "glue-jobs/orders-dev/deployments/", kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/dev", script_path = "src/glue/jobs/json_to_parquet.py", library_dir = "src/glue/etl_lib" }]
  }
  expect_failures = [var.targets]
}

run "rejects_the_same_job_twice" {
  command = plan
  variables {
    targets = [{ name = "dev", job_name = "orders-dev", job_arn = "arn:aws:glue:us-east-1:123456789012:job/orders-dev", role_arn = "arn:aws:iam::123456789012:role/orders-dev-glue-job", script_bucket = "orders-dev-glue-123456789012-us-east-1", deployment_prefix = "glue-jobs/orders-dev/deployments/", kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/dev", script_path = "src/glue/jobs/json_to_parquet.py", library_dir = "src/glue/etl_lib" }, { name = "again", job_name = "orders-dev", job_arn = "arn:aws:glue:us-east-1:123456789012:job/orders-dev", role_arn = "arn:aws:iam::123456789012:role/orders-dev-glue-job", script_bucket = "orders-dev-glue-123456789012-us-east-1", deployment_prefix = "glue-jobs/orders-dev/deployments/", kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/dev", script_path = "src/glue/jobs/json_to_parquet.py", library_dir = "src/glue/etl_lib" }]
  }
  expect_failures = [var.targets]
}

run "rejects_role_name_instead_of_arn" {
  command = plan
  variables {
    targets = [{ name = "dev", job_name = "orders-dev", job_arn = "arn:aws:glue:us-east-1:123456789012:job/orders-dev", role_arn = "orders-dev-glue-job", script_bucket = "orders-dev-glue-123456789012-us-east-1", deployment_prefix = "glue-jobs/orders-dev/deployments/", kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/dev", script_path = "src/glue/jobs/json_to_parquet.py", library_dir = "src/glue/etl_lib" }]
  }
  expect_failures = [var.targets]
}

run "rejects_script_bucket_uri" {
  command = plan
  variables {
    targets = [{ name = "dev", job_name = "orders-dev", job_arn = "arn:aws:glue:us-east-1:123456789012:job/orders-dev", role_arn = "arn:aws:iam::123456789012:role/orders-dev-glue-job", script_bucket = "s3://orders-dev-glue", deployment_prefix = "glue-jobs/orders-dev/deployments/", kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/dev", script_path = "src/glue/jobs/json_to_parquet.py", library_dir = "src/glue/etl_lib" }]
  }
  expect_failures = [var.targets]
}

run "rejects_deployment_prefix_without_trailing_slash" {
  command = plan
  variables {
    targets = [{ name = "dev", job_name = "orders-dev", job_arn = "arn:aws:glue:us-east-1:123456789012:job/orders-dev", role_arn = "arn:aws:iam::123456789012:role/orders-dev-glue-job", script_bucket = "orders-dev-glue-123456789012-us-east-1", deployment_prefix = "glue-jobs/orders-dev/deployments", kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/dev", script_path = "src/glue/jobs/json_to_parquet.py", library_dir = "src/glue/etl_lib" }]
  }
  expect_failures = [var.targets]
}

run "rejects_deployment_prefix_with_leading_slash" {
  command = plan
  variables {
    targets = [{ name = "dev", job_name = "orders-dev", job_arn = "arn:aws:glue:us-east-1:123456789012:job/orders-dev", role_arn = "arn:aws:iam::123456789012:role/orders-dev-glue-job", script_bucket = "orders-dev-glue-123456789012-us-east-1", deployment_prefix = "/glue-jobs/orders-dev/", kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/dev", script_path = "src/glue/jobs/json_to_parquet.py", library_dir = "src/glue/etl_lib" }]
  }
  expect_failures = [var.targets]
}

run "rejects_kms_alias_for_target_key" {
  command = plan
  variables {
    targets = [{ name = "dev", job_name = "orders-dev", job_arn = "arn:aws:glue:us-east-1:123456789012:job/orders-dev", role_arn = "arn:aws:iam::123456789012:role/orders-dev-glue-job", script_bucket = "orders-dev-glue-123456789012-us-east-1", deployment_prefix = "glue-jobs/orders-dev/deployments/", kms_key_arn = "alias/orders-dev-glue-job", script_path = "src/glue/jobs/json_to_parquet.py", library_dir = "src/glue/etl_lib" }]
  }
  expect_failures = [var.targets]
}

run "rejects_script_path_not_python" {
  command = plan
  variables {
    targets = [{ name = "dev", job_name = "orders-dev", job_arn = "arn:aws:glue:us-east-1:123456789012:job/orders-dev", role_arn = "arn:aws:iam::123456789012:role/orders-dev-glue-job", script_bucket = "orders-dev-glue-123456789012-us-east-1", deployment_prefix = "glue-jobs/orders-dev/deployments/", kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/dev", script_path = "src/glue/jobs/json_to_parquet.scala", library_dir = "src/glue/etl_lib" }]
  }
  expect_failures = [var.targets]
}

run "rejects_script_path_leaving_the_repository" {
  command = plan
  variables {
    targets = [{ name = "dev", job_name = "orders-dev", job_arn = "arn:aws:glue:us-east-1:123456789012:job/orders-dev", role_arn = "arn:aws:iam::123456789012:role/orders-dev-glue-job", script_bucket = "orders-dev-glue-123456789012-us-east-1", deployment_prefix = "glue-jobs/orders-dev/deployments/", kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/dev", script_path = "../src/glue/jobs/json_to_parquet.py", library_dir = "src/glue/etl_lib" }]
  }
  expect_failures = [var.targets]
}

run "rejects_absolute_script_path" {
  command = plan
  variables {
    targets = [{ name = "dev", job_name = "orders-dev", job_arn = "arn:aws:glue:us-east-1:123456789012:job/orders-dev", role_arn = "arn:aws:iam::123456789012:role/orders-dev-glue-job", script_bucket = "orders-dev-glue-123456789012-us-east-1", deployment_prefix = "glue-jobs/orders-dev/deployments/", kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/dev", script_path = "/src/glue/jobs/json_to_parquet.py", library_dir = "src/glue/etl_lib" }]
  }
  expect_failures = [var.targets]
}

run "rejects_library_dir_with_trailing_slash" {
  command = plan
  variables {
    targets = [{ name = "dev", job_name = "orders-dev", job_arn = "arn:aws:glue:us-east-1:123456789012:job/orders-dev", role_arn = "arn:aws:iam::123456789012:role/orders-dev-glue-job", script_bucket = "orders-dev-glue-123456789012-us-east-1", deployment_prefix = "glue-jobs/orders-dev/deployments/", kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/dev", script_path = "src/glue/jobs/json_to_parquet.py", library_dir = "src/glue/etl_lib/" }]
  }
  expect_failures = [var.targets]
}

run "rejects_library_dir_not_a_package_name" {
  command = plan
  variables {
    targets = [{ name = "dev", job_name = "orders-dev", job_arn = "arn:aws:glue:us-east-1:123456789012:job/orders-dev", role_arn = "arn:aws:iam::123456789012:role/orders-dev-glue-job", script_bucket = "orders-dev-glue-123456789012-us-east-1", deployment_prefix = "glue-jobs/orders-dev/deployments/", kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/dev", script_path = "src/glue/jobs/json_to_parquet.py", library_dir = "src/glue/etl-lib" }]
  }
  expect_failures = [var.targets]
}

run "rejects_argument_without_dashes" {
  command = plan
  variables {
    targets = [{ name = "dev", job_name = "orders-dev", job_arn = "arn:aws:glue:us-east-1:123456789012:job/orders-dev", role_arn = "arn:aws:iam::123456789012:role/orders-dev-glue-job", script_bucket = "orders-dev-glue-123456789012-us-east-1", deployment_prefix = "glue-jobs/orders-dev/deployments/", kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/dev", script_path = "src/glue/jobs/json_to_parquet.py", library_dir = "src/glue/etl_lib", default_arguments = { dq_policy = "quarantine" } }]
  }
  expect_failures = [var.targets]
}

run "rejects_argument_the_deployer_sets" {
  command = plan
  variables {
    targets = [{ name = "dev", job_name = "orders-dev", job_arn = "arn:aws:glue:us-east-1:123456789012:job/orders-dev", role_arn = "arn:aws:iam::123456789012:role/orders-dev-glue-job", script_bucket = "orders-dev-glue-123456789012-us-east-1", deployment_prefix = "glue-jobs/orders-dev/deployments/", kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/dev", script_path = "src/glue/jobs/json_to_parquet.py", library_dir = "src/glue/etl_lib", default_arguments = { "--codepipeline_job_id" = "x" } }]
  }
  expect_failures = [var.targets]
}

run "rejects_script_location_argument" {
  command = plan
  variables {
    targets = [{ name = "dev", job_name = "orders-dev", job_arn = "arn:aws:glue:us-east-1:123456789012:job/orders-dev", role_arn = "arn:aws:iam::123456789012:role/orders-dev-glue-job", script_bucket = "orders-dev-glue-123456789012-us-east-1", deployment_prefix = "glue-jobs/orders-dev/deployments/", kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/dev", script_path = "src/glue/jobs/json_to_parquet.py", library_dir = "src/glue/etl_lib", default_arguments = { "--scriptLocation" = "s3://elsewhere/job.py" } }]
  }
  expect_failures = [var.targets]
}

run "rejects_argument_value_over_4096_characters" {
  command = plan
  variables {
    targets = [{ name = "dev", job_name = "orders-dev", job_arn = "arn:aws:glue:us-east-1:123456789012:job/orders-dev", role_arn = "arn:aws:iam::123456789012:role/orders-dev-glue-job", script_bucket = "orders-dev-glue-123456789012-us-east-1", deployment_prefix = "glue-jobs/orders-dev/deployments/", kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/dev", script_path = "src/glue/jobs/json_to_parquet.py", library_dir = "src/glue/etl_lib", default_arguments = { "--mapping" = format("%4097s", "x") } }]
  }
  expect_failures = [var.targets]
}

run "rejects_job_deployed_by_terraform" {
  command = plan
  variables {
    targets = [{ name = "dev", job_name = "orders-dev", job_arn = "arn:aws:glue:us-east-1:123456789012:job/orders-dev", role_arn = "arn:aws:iam::123456789012:role/orders-dev-glue-job", script_bucket = "orders-dev-glue-123456789012-us-east-1", deployment_prefix = "glue-jobs/orders-dev/deployments/", kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/dev", script_path = "src/glue/jobs/json_to_parquet.py", library_dir = "src/glue/etl_lib", code_deployed_by = "terraform" }]
  }
  expect_failures = [var.targets]
}

run "rejects_unknown_execution_mode" {
  command = plan
  variables {
    execution_mode = "SERIAL"
  }
  expect_failures = [var.execution_mode]
}

run "rejects_approval_topic_that_is_not_a_topic_arn" {
  command = plan
  variables {
    approval_topic = { arn = "approvals" }
  }
  expect_failures = [var.approval_topic]
}

run "rejects_approval_topic_key_without_topic" {
  command = plan
  variables {
    approval_topic = { kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/alerts" }
  }
  expect_failures = [var.approval_topic]
}

run "rejects_timeout_under_a_minute" {
  command = plan
  variables {
    lambda_timeout_seconds = 30
  }
  expect_failures = [var.lambda_timeout_seconds]
}

run "rejects_timeout_over_lambdas_limit" {
  command = plan
  variables {
    lambda_timeout_seconds = 901
  }
  expect_failures = [var.lambda_timeout_seconds]
}

run "rejects_memory_under_128" {
  command = plan
  variables {
    lambda_memory_mb = 64
  }
  expect_failures = [var.lambda_memory_mb]
}

run "rejects_zero_reserved_concurrency" {
  command = plan
  variables {
    lambda_reserved_concurrency = 0
  }
  expect_failures = [var.lambda_reserved_concurrency]
}

run "rejects_unknown_log_level" {
  command = plan
  variables {
    log_level = "TRACE"
  }
  expect_failures = [var.log_level]
}

run "rejects_zero_artifact_retention" {
  command = plan
  variables {
    artifact_retention_days = 0
  }
  expect_failures = [var.artifact_retention_days]
}

run "rejects_access_log_bucket_uri" {
  command = plan
  variables {
    artifact_bucket_access_logging = { target_bucket = "s3://logs" }
  }
  expect_failures = [var.artifact_bucket_access_logging]
}

run "rejects_kms_alias" {
  command = plan
  variables {
    kms_key_arn = "alias/platform"
  }
  expect_failures = [var.kms_key_arn]
}

run "rejects_boundary_that_is_not_a_policy" {
  command = plan
  variables {
    role_permissions_boundary_arn = "arn:aws:iam::123456789012:role/boundary"
  }
  expect_failures = [var.role_permissions_boundary_arn]
}

run "rejects_reserved_tag_key" {
  command = plan
  variables {
    tags = { "aws:team" = "data" }
  }
  expect_failures = [var.tags]
}

run "rejects_both_sources" {
  command = plan
  variables {
    codestar = { full_repository_id = "my-org/glue" }
  }
  expect_failures = [data.aws_region.current]
}

run "rejects_no_source" {
  command = plan
  variables {
    codecommit = null
  }
  expect_failures = [data.aws_region.current]
}

run "rejects_more_than_eight_derived_file_paths" {
  command = plan
  variables {
    codecommit = null
    codestar   = { full_repository_id = "my-org/glue" }
    targets    = [for i in range(9) : { name = "t${i}", job_name = "job-${i}", job_arn = "arn:aws:glue:us-east-1:123456789012:job/job-${i}", role_arn = "arn:aws:iam::123456789012:role/orders-dev-glue-job", script_bucket = "orders-dev-glue-123456789012-us-east-1", deployment_prefix = "glue-jobs/orders-dev/deployments/", kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/dev", script_path = "src/glue/jobs/job_${i}.py" }]
  }
  expect_failures = [aws_codepipeline.this]
}

run "rejects_approval_topic_without_approval_stage" {
  command = plan
  variables {
    approval_topic = {}
  }
  expect_failures = [aws_codepipeline.this]
}

run "rejects_user_parameters_over_1000_characters" {
  command = plan
  variables {
    targets = [{ name = "dev", job_name = "orders-dev", job_arn = "arn:aws:glue:us-east-1:123456789012:job/orders-dev", role_arn = "arn:aws:iam::123456789012:role/orders-dev-glue-job", script_bucket = "orders-dev-glue-123456789012-us-east-1", deployment_prefix = "glue-jobs/orders-dev/deployments/", kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/dev", script_path = "src/glue/jobs/json_to_parquet.py", library_dir = "src/glue/etl_lib", default_arguments = { "--a" = join("", [for i in range(400) : "a"]), "--b" = join("", [for i in range(400) : "b"]) } }]
  }
  expect_failures = [aws_codepipeline.this]
}

run "rejects_job_in_another_region" {
  command = plan
  variables {
    targets = [{ name = "dev", job_name = "orders-dev", job_arn = "arn:aws:glue:eu-west-1:123456789012:job/orders-dev", role_arn = "arn:aws:iam::123456789012:role/orders-dev-glue-job", script_bucket = "orders-dev-glue-123456789012-us-east-1", deployment_prefix = "glue-jobs/orders-dev/deployments/", kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/dev", script_path = "src/glue/jobs/json_to_parquet.py", library_dir = "src/glue/etl_lib" }]
  }
  expect_failures = [aws_codepipeline.this]
}

run "rejects_job_in_another_account" {
  command = plan
  variables {
    targets = [{ name = "dev", job_name = "orders-dev", job_arn = "arn:aws:glue:us-east-1:210987654321:job/orders-dev", role_arn = "arn:aws:iam::123456789012:role/orders-dev-glue-job", script_bucket = "orders-dev-glue-123456789012-us-east-1", deployment_prefix = "glue-jobs/orders-dev/deployments/", kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/dev", script_path = "src/glue/jobs/json_to_parquet.py", library_dir = "src/glue/etl_lib" }]
  }
  expect_failures = [aws_codepipeline.this]
}

run "accepts_a_codestar_source_with_a_codeconnections_arn" {
  command = plan
  variables {
    codecommit = null
    codestar   = { connection_arn = "arn:aws:codeconnections:us-east-1:123456789012:connection/12345678-1234-1234-1234-123456789012", provider_type = "GitHubEnterpriseServer", full_repository_id = "my-org/glue" }
  }
  assert {
    condition     = output.connection_arn == "arn:aws:codeconnections:us-east-1:123456789012:connection/12345678-1234-1234-1234-123456789012"
    error_message = "A connection passed in may be of any provider type, GitHub Enterprise Server included."
  }
}
