# The pipeline's shape: stage order and approval placement, the source action and how changes start the pipeline
# (EventBridge rule for CodeCommit, V2 trigger filters for a CodeStar connection), the UserParameters rendered per
# target, the deployer function, the artifact store and its key.

mock_provider "aws" {
  # Mocked ARNs are known at plan time, so what is built from them can be checked.
  override_during = plan
  source          = "./tests/mocks"
}

# The package is only hashed here, never run.
variables {
  name                = "orders-deploy"
  lambda_package_path = "tests/fixtures/deployer.zip"
  codecommit          = { repository_name = "orders-glue-jobs" }
  targets = [
    {
      name              = "dev"
      job_name          = "orders-dev"
      job_arn           = "arn:aws:glue:us-east-1:123456789012:job/orders-dev"
      role_arn          = "arn:aws:iam::123456789012:role/orders-dev-glue-job"
      script_bucket     = "orders-dev-glue-123456789012-us-east-1"
      deployment_prefix = "glue-jobs/orders-dev/deployments/"
      kms_key_arn       = "arn:aws:kms:us-east-1:123456789012:key/dev"
      script_path       = "src/glue/jobs/json_to_parquet.py"
      library_dir       = "src/glue/etl_lib"
      default_arguments = { "--dq_policy" = "quarantine" }
    },
    {
      name              = "prod"
      job_name          = "orders-prod"
      job_arn           = "arn:aws:glue:us-east-1:123456789012:job/orders-prod"
      role_arn          = "arn:aws:iam::123456789012:role/orders-prod-glue-job"
      script_bucket     = "orders-prod-glue-123456789012-us-east-1"
      deployment_prefix = "glue-jobs/orders-prod/deployments/"
      kms_key_arn       = "arn:aws:kms:us-east-1:123456789012:key/prod"
      script_path       = "src/glue/jobs/json_to_parquet.py"
      library_dir       = "src/glue/etl_lib"
      approval_before   = true
      wait_for_run      = false
    },
  ]
}

run "stages_run_source_then_each_target_with_its_approval_first" {
  command = plan

  assert {
    condition     = [for stage in aws_codepipeline.this.stage : stage.name] == ["Source", "dev", "Approve-prod", "prod"] && output.stage_names == ["Source", "dev", "Approve-prod", "prod"]
    error_message = "Stages must be Source, dev, then prod's approval right before prod."
  }
  assert {
    condition     = aws_codepipeline.this.pipeline_type == "V2" && aws_codepipeline.this.execution_mode == "QUEUED" && aws_codepipeline.this.name == "orders-deploy"
    error_message = "The pipeline must be V2 and QUEUED by default, so two pushes deploy in order."
  }
  assert {
    condition = alltrue([
      aws_codepipeline.this.stage[2].action[0].category == "Approval",
      aws_codepipeline.this.stage[2].action[0].provider == "Manual",
      aws_codepipeline.this.stage[2].action[0].owner == "AWS",
      !contains(keys(aws_codepipeline.this.stage[2].action[0].configuration), "NotificationArn"),
      strcontains(aws_codepipeline.this.stage[2].action[0].configuration["CustomData"], "orders-prod"),
      strcontains(aws_codepipeline.this.stage[2].action[0].configuration["CustomData"], "#{SourceVariables.CommitId}"),
    ])
    error_message = "The approval stage is a manual approval naming the job and the commit, with no notification by default."
  }
  assert {
    condition = alltrue([for index in [1, 3] : alltrue([
      aws_codepipeline.this.stage[index].action[0].category == "Invoke",
      aws_codepipeline.this.stage[index].action[0].provider == "Lambda",
      aws_codepipeline.this.stage[index].action[0].configuration["FunctionName"] == "orders-deploy-glue-deployer",
      aws_codepipeline.this.stage[index].action[0].input_artifacts == tolist(["source"]),
    ])])
    error_message = "Each deploy stage must invoke the deployer with the source artifact."
  }
  assert {
    condition     = aws_codepipeline.this.stage[1].action[0].namespace == "Deploy-dev" && aws_codepipeline.this.stage[3].action[0].namespace == "Deploy-prod"
    error_message = "Each deploy action must publish the deployer's output variables under its own namespace."
  }
  assert {
    condition     = length(aws_codepipeline.this.trigger) == 0
    error_message = "A CodeCommit source has no V2 trigger (its EventBridge rule starts the pipeline)."
  }
}

run "user_parameters_are_rendered_from_each_target" {
  command = plan

  assert {
    condition = jsondecode(aws_codepipeline.this.stage[1].action[0].configuration["UserParameters"]) == {
      job_name          = "orders-dev"
      script_path       = "src/glue/jobs/json_to_parquet.py"
      library_dir       = "src/glue/etl_lib"
      script_bucket     = "orders-dev-glue-123456789012-us-east-1"
      script_prefix     = "glue-jobs/orders-dev/deployments/"
      default_arguments = { "--dq_policy" = "quarantine" }
      wait_for_run      = true
    }
    error_message = "dev's UserParameters must carry its job, paths, script bucket and deployment prefix, arguments and the wait."
  }
  assert {
    condition = jsondecode(aws_codepipeline.this.stage[3].action[0].configuration["UserParameters"]) == {
      job_name      = "orders-prod"
      script_path   = "src/glue/jobs/json_to_parquet.py"
      library_dir   = "src/glue/etl_lib"
      script_bucket = "orders-prod-glue-123456789012-us-east-1"
      script_prefix = "glue-jobs/orders-prod/deployments/"
      wait_for_run  = false
    }
    error_message = "prod's UserParameters must leave out empty default_arguments and carry wait_for_run = false."
  }
  assert {
    condition     = output.user_parameters["dev"] == aws_codepipeline.this.stage[1].action[0].configuration["UserParameters"]
    error_message = "The user_parameters output must be what the actions carry."
  }
}

run "user_parameters_leave_out_an_unset_library" {
  command = plan

  variables {
    targets = [{
      name              = "dev"
      job_name          = "hello"
      job_arn           = "arn:aws:glue:us-east-1:123456789012:job/hello"
      role_arn          = "arn:aws:iam::123456789012:role/hello-glue-job"
      script_bucket     = "hello-glue-123456789012-us-east-1"
      deployment_prefix = "glue-jobs/hello/deployments/"
      kms_key_arn       = null
      script_path       = "jobs/hello.py"
    }]
  }

  assert {
    condition     = keys(jsondecode(output.user_parameters["dev"])) == ["job_name", "script_bucket", "script_path", "script_prefix", "wait_for_run"]
    error_message = "Without library_dir and default_arguments, UserParameters must hold the required keys and wait_for_run only."
  }
  assert {
    condition     = output.stage_names == ["Source", "dev"]
    error_message = "One target without approval makes two stages."
  }
}

run "codecommit_source_is_detected_by_an_eventbridge_rule_not_polling" {
  command = plan

  assert {
    condition = aws_codepipeline.this.stage[0].action[0].provider == "CodeCommit" && aws_codepipeline.this.stage[0].action[0].configuration == tomap({
      RepositoryName       = "orders-glue-jobs"
      BranchName           = "main"
      PollForSourceChanges = "false"
      OutputArtifactFormat = "CODE_ZIP"
    })
    error_message = "The CodeCommit source must read the branch as a zip and never poll."
  }
  assert {
    condition     = aws_codepipeline.this.stage[0].action[0].output_artifacts == tolist(["source"]) && aws_codepipeline.this.stage[0].action[0].namespace == "SourceVariables"
    error_message = "The source action must output the source artifact and its variables (CommitId)."
  }
  assert {
    condition = jsondecode(aws_cloudwatch_event_rule.source_push[0].event_pattern) == {
      source        = ["aws.codecommit"]
      "detail-type" = ["CodeCommit Repository State Change"]
      resources     = ["arn:aws:codecommit:us-east-1:123456789012:orders-glue-jobs"]
      detail = {
        event         = ["referenceCreated", "referenceUpdated"]
        referenceType = ["branch"]
        referenceName = ["main"]
      }
    }
    error_message = "The rule must match pushes to (and creation of) the branch of this repository only."
  }
  assert {
    condition     = aws_cloudwatch_event_target.source_push[0].arn == aws_codepipeline.this.arn && aws_cloudwatch_event_target.source_push[0].role_arn == module.source_events_role[0].arn
    error_message = "The rule must start this pipeline through its own role."
  }
  assert {
    condition     = aws_codecommit_repository.this[0].repository_name == "orders-glue-jobs" && aws_codecommit_repository.this[0].default_branch == "main"
    error_message = "The repository must be created with the branch as its default."
  }
  assert {
    condition     = output.clone_url_http == "https://git-codecommit.us-east-1.amazonaws.com/v1/repos/orders-glue-jobs" && output.clone_url_ssh == "ssh://git-codecommit.us-east-1.amazonaws.com/v1/repos/orders-glue-jobs"
    error_message = "The clone URLs must be the created repository's."
  }
  assert {
    condition     = length(aws_codestarconnections_connection.this) == 0 && output.connection_arn == null && output.connection_status == null && length(output.trigger_file_paths) == 0
    error_message = "A CodeCommit source makes no connection."
  }
}

run "existing_repository_is_read_not_created" {
  command = plan

  variables {
    codecommit = { repository_name = "shared-glue-jobs", create_repository = false, branch = "release/2026" }
  }

  assert {
    condition     = length(aws_codecommit_repository.this) == 0 && length(data.aws_codecommit_repository.existing) == 1
    error_message = "An existing repository must be read, not created."
  }
  assert {
    condition     = output.clone_url_ssh == "ssh://git-codecommit.us-east-1.amazonaws.com/v1/repos/shared-glue-jobs" && output.repository_arn == "arn:aws:codecommit:us-east-1:123456789012:shared-glue-jobs"
    error_message = "Outputs must name the existing repository."
  }
  assert {
    condition     = jsondecode(aws_cloudwatch_event_rule.source_push[0].event_pattern).detail.referenceName == ["release/2026"] && aws_codepipeline.this.stage[0].action[0].configuration["BranchName"] == "release/2026"
    error_message = "The rule and the source action must follow the branch."
  }
}

run "codestar_connection_is_created_pending_and_triggers_on_the_glue_sources" {
  command = plan

  variables {
    codecommit = null
    codestar   = { full_repository_id = "my-org/glue-jobs" }
  }

  assert {
    condition     = aws_codestarconnections_connection.this[0].name == "orders-deploy" && aws_codestarconnections_connection.this[0].provider_type == "GitHub"
    error_message = "A GitHub connection must be created when none is passed in."
  }
  assert {
    condition     = output.connection_status == "PENDING" && output.connection_arn == aws_codestarconnections_connection.this[0].arn
    error_message = "The outputs must say the created connection waits for its handshake."
  }
  assert {
    condition = aws_codepipeline.this.stage[0].action[0].provider == "CodeStarSourceConnection" && aws_codepipeline.this.stage[0].action[0].configuration == tomap({
      ConnectionArn        = "arn:aws:codestar-connections:us-east-1:123456789012:connection/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
      FullRepositoryId     = "my-org/glue-jobs"
      BranchName           = "main"
      OutputArtifactFormat = "CODE_ZIP"
    })
    error_message = "The source must read the repository's branch through the connection as a zip."
  }
  assert {
    condition = alltrue([
      length(aws_codepipeline.this.trigger) == 1,
      aws_codepipeline.this.trigger[0].provider_type == "CodeStarSourceConnection",
      aws_codepipeline.this.trigger[0].git_configuration[0].source_action_name == "Source",
      aws_codepipeline.this.trigger[0].git_configuration[0].push[0].branches[0].includes == tolist(["main"]),
    ])
    error_message = "A V2 trigger must start the pipeline on pushes to the branch."
  }
  assert {
    condition     = aws_codepipeline.this.trigger[0].git_configuration[0].push[0].file_paths[0].includes == tolist(["src/glue/jobs/json_to_parquet.py", "src/glue/etl_lib/**"]) && output.trigger_file_paths == tolist(["src/glue/jobs/json_to_parquet.py", "src/glue/etl_lib/**"])
    error_message = "By default only pushes touching the targets' scripts and libraries start the pipeline (each path once)."
  }
  assert {
    condition     = length(aws_cloudwatch_event_rule.source_push) == 0 && length(module.source_events_role) == 0 && length(aws_codecommit_repository.this) == 0
    error_message = "A CodeStar source needs no repository, rule or rule role."
  }
  assert {
    condition     = output.clone_url_http == null && output.repository_name == null && output.source_events_role_arn == null
    error_message = "CodeCommit outputs are null with a CodeStar source."
  }
}

run "existing_connection_is_read_and_file_paths_given_are_used" {
  command = plan

  variables {
    codecommit = null
    codestar = {
      connection_arn     = "arn:aws:codeconnections:us-east-1:123456789012:connection/12345678-1234-1234-1234-123456789012"
      full_repository_id = "my-group/data/glue-jobs"
      branch             = "release"
      file_paths         = ["src/glue/**", "requirements.txt"]
    }
  }

  assert {
    condition     = length(aws_codestarconnections_connection.this) == 0 && output.connection_status == "AVAILABLE"
    error_message = "An existing connection must be read for its status, not created."
  }
  assert {
    condition     = aws_codepipeline.this.stage[0].action[0].configuration["ConnectionArn"] == "arn:aws:codeconnections:us-east-1:123456789012:connection/12345678-1234-1234-1234-123456789012"
    error_message = "The source must use the connection passed in."
  }
  assert {
    condition     = aws_codepipeline.this.trigger[0].git_configuration[0].push[0].file_paths[0].includes == tolist(["src/glue/**", "requirements.txt"]) && aws_codepipeline.this.trigger[0].git_configuration[0].push[0].branches[0].includes == tolist(["release"])
    error_message = "The trigger must filter on the file paths and branch given."
  }
}

run "empty_file_paths_start_the_pipeline_on_every_push" {
  command = plan

  variables {
    codecommit = null
    codestar   = { full_repository_id = "my-org/glue-jobs", provider_type = "GitLab", file_paths = [] }
  }

  assert {
    condition     = length(aws_codepipeline.this.trigger[0].git_configuration[0].push[0].file_paths) == 0 && aws_codestarconnections_connection.this[0].provider_type == "GitLab"
    error_message = "file_paths = [] must leave the push filter on the branch only."
  }
}

run "execution_mode_passes_through" {
  command = plan

  variables {
    execution_mode = "SUPERSEDED"
  }

  assert {
    condition     = aws_codepipeline.this.execution_mode == "SUPERSEDED"
    error_message = "execution_mode must reach the pipeline."
  }
}

run "created_approval_topic_is_encrypted_and_notified" {
  command = plan

  variables {
    approval_topic = {}
  }

  assert {
    condition     = aws_sns_topic.approvals[0].name == "orders-deploy-approvals" && aws_sns_topic.approvals[0].kms_master_key_id == output.kms_key_arn
    error_message = "The created approval topic must be encrypted with the module's key."
  }
  assert {
    condition     = aws_codepipeline.this.stage[2].action[0].configuration["NotificationArn"] == "arn:aws:sns:us-east-1:123456789012:orders-deploy-approvals" && output.approval_topic_arn == aws_sns_topic.approvals[0].arn
    error_message = "The approval action must notify the created topic."
  }
}

run "approval_topic_passed_in_is_notified" {
  command = plan

  variables {
    approval_topic = { arn = "arn:aws:sns:us-east-1:123456789012:data-approvals" }
  }

  assert {
    condition     = length(aws_sns_topic.approvals) == 0 && aws_codepipeline.this.stage[2].action[0].configuration["NotificationArn"] == "arn:aws:sns:us-east-1:123456789012:data-approvals"
    error_message = "A topic passed in must be notified, and none created."
  }
}

run "deployer_function_follows_its_readme" {
  command = plan

  assert {
    condition = alltrue([
      aws_lambda_function.deployer.function_name == "orders-deploy-glue-deployer",
      aws_lambda_function.deployer.runtime == "python3.12",
      aws_lambda_function.deployer.handler == "deployer.handler.lambda_handler",
      aws_lambda_function.deployer.timeout == 300,
      aws_lambda_function.deployer.memory_size == 512,
      aws_lambda_function.deployer.reserved_concurrent_executions == 5,
    ])
    error_message = "The deployer must run python3.12 with its README's handler, 300 s, 512 MB and reserved concurrency 5."
  }
  assert {
    condition     = aws_lambda_function.deployer.filename == "tests/fixtures/deployer.zip" && aws_lambda_function.deployer.source_code_hash == filebase64sha256("tests/fixtures/deployer.zip")
    error_message = "The package must be the path given, redeployed when its hash changes."
  }
  assert {
    condition     = aws_lambda_function.deployer.kms_key_arn == output.kms_key_arn && aws_lambda_function.deployer.environment[0].variables == tomap({ LOG_LEVEL = "INFO" })
    error_message = "The environment (the log level only) must be encrypted with the module's key."
  }
  assert {
    condition     = module.deployer_log_group.name == "/aws/lambda/orders-deploy-glue-deployer" && module.deployer_log_group.retention_days == 30 && module.deployer_log_group.kms_key_arn == output.kms_key_arn
    error_message = "The deployer's log group must exist with the retention and the module's key."
  }
}

run "deployer_settings_pass_through" {
  command = plan

  variables {
    lambda_timeout_seconds      = 600
    lambda_memory_mb            = 1024
    lambda_reserved_concurrency = 2
    log_level                   = "DEBUG"
    log_retention_days          = 90
  }

  assert {
    condition     = aws_lambda_function.deployer.timeout == 600 && aws_lambda_function.deployer.memory_size == 1024 && aws_lambda_function.deployer.reserved_concurrent_executions == 2
    error_message = "Timeout, memory and reserved concurrency must reach the function."
  }
  assert {
    condition     = aws_lambda_function.deployer.environment[0].variables["LOG_LEVEL"] == "DEBUG" && module.deployer_log_group.retention_days == 90
    error_message = "Log level and retention must pass through."
  }
}

run "artifact_store_is_the_secure_bucket_with_the_module_key" {
  command = plan

  assert {
    condition     = module.artifact_bucket.name == "orders-deploy-artifacts-123456789012-us-east-1" && module.artifact_bucket.kms_key_arn == "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    error_message = "The artifact bucket must be created and encrypted with the module's key."
  }
  assert {
    condition     = one(aws_codepipeline.this.artifact_store).location == "orders-deploy-artifacts-123456789012-us-east-1" && one(one(aws_codepipeline.this.artifact_store).encryption_key).id == output.kms_key_arn && one(one(aws_codepipeline.this.artifact_store).encryption_key).type == "KMS"
    error_message = "The pipeline's artifact store must be the bucket, with the module's key."
  }
  assert {
    condition     = module.kms_key[0].alias_name == "alias/orders-deploy-codepipeline-glue"
    error_message = "The key's alias must follow the naming convention."
  }
  assert {
    condition     = local.kms_service_grants[0].service == "logs.us-east-1.amazonaws.com" && local.kms_service_grants[0].conditions[0].values == ["arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/orders-deploy-glue-deployer"]
    error_message = "CloudWatch Logs may use the key for the deployer's log group only."
  }
}

run "key_passed_in_is_used_everywhere" {
  command = plan

  variables {
    kms_key_arn    = "arn:aws:kms:us-east-1:123456789012:key/platform"
    approval_topic = {}
  }

  assert {
    condition     = length(module.kms_key) == 0 && output.kms_key_arn == "arn:aws:kms:us-east-1:123456789012:key/platform"
    error_message = "With kms_key_arn no key may be created."
  }
  assert {
    condition = alltrue([
      module.artifact_bucket.kms_key_arn == var.kms_key_arn,
      one(one(aws_codepipeline.this.artifact_store).encryption_key).id == var.kms_key_arn,
      aws_lambda_function.deployer.kms_key_arn == var.kms_key_arn,
      module.deployer_log_group.kms_key_arn == var.kms_key_arn,
      aws_sns_topic.approvals[0].kms_master_key_id == var.kms_key_arn,
    ])
    error_message = "The key passed in must encrypt the artifacts, the environment, the logs and the approval topic."
  }
}
