# Each role grants exactly what its service does, on the resources this pipeline names: the deployer's on the
# targets (never on the Glue jobs' roles beyond passing them to Glue), the pipeline's on its bucket, key, source,
# deployer and approval topic, the source rule's on this pipeline. local.policy_statements (by role) is what
# modules/_parts/iam_role renders into each role's inline policy (its own tests).

mock_provider "aws" {
  # Mocked ARNs are known at plan time, so what is built from them can be checked.
  override_during = plan
  source          = "./tests/mocks"
}

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
    },
  ]
}

run "deployer_may_touch_only_the_artifacts_and_the_targets" {
  command = plan

  assert {
    condition = [for s in local.policy_statements.deployer : s.sid] == [
      "ReadInputArtifacts", "ListArtifactBucket", "DecryptWithTheModuleKey", "UploadJobCode", "EncryptJobCode",
      "DeployTargetJobs", "PassTargetJobRoles", "ReportToThePipeline", "WriteLogs",
    ]
    error_message = "The deployer's policy must have exactly the expected statements."
  }
  assert {
    condition     = module.deployer_role.statement_sids == [for s in local.policy_statements.deployer : s.sid] && aws_lambda_function.deployer.role == module.deployer_role.arn
    error_message = "The deployer must run as its own role, whose policy renders every statement."
  }
  assert {
    condition = (
      tolist(local.statements_by_sid.deployer["ReadInputArtifacts"].actions) == tolist(["s3:GetObject", "s3:GetObjectVersion"]) &&
      tolist(local.statements_by_sid.deployer["ReadInputArtifacts"].resources) == tolist(["arn:aws:s3:::orders-deploy-artifacts-123456789012-us-east-1/*"]) &&
      tolist(local.statements_by_sid.deployer["ListArtifactBucket"].resources) == tolist(["arn:aws:s3:::orders-deploy-artifacts-123456789012-us-east-1"])
    )
    error_message = "The deployer may read (and list) the artifact bucket only."
  }
  assert {
    condition     = tolist(local.statements_by_sid.deployer["DecryptWithTheModuleKey"].actions) == tolist(["kms:Decrypt"]) && tolist(local.statements_by_sid.deployer["DecryptWithTheModuleKey"].resources) == tolist(["arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"])
    error_message = "The deployer may decrypt with the artifact key only."
  }
  assert {
    condition = tolist(local.statements_by_sid.deployer["UploadJobCode"].actions) == tolist(["s3:PutObject"]) && tolist(local.statements_by_sid.deployer["UploadJobCode"].resources) == tolist([
      "arn:aws:s3:::orders-dev-glue-123456789012-us-east-1/glue-jobs/orders-dev/deployments/*",
      "arn:aws:s3:::orders-prod-glue-123456789012-us-east-1/glue-jobs/orders-prod/deployments/*",
    ])
    error_message = "The deployer may put objects under each target's deployment prefix only."
  }
  assert {
    condition = (
      tolist(local.statements_by_sid.deployer["EncryptJobCode"].actions) == tolist(["kms:Encrypt", "kms:GenerateDataKey"]) &&
      tolist(local.statements_by_sid.deployer["EncryptJobCode"].resources) == tolist(["arn:aws:kms:us-east-1:123456789012:key/dev", "arn:aws:kms:us-east-1:123456789012:key/prod"]) &&
      local.statements_by_sid.deployer["EncryptJobCode"].conditions[0].variable == "kms:ViaService" &&
      tolist(local.statements_by_sid.deployer["EncryptJobCode"].conditions[0].values) == tolist(["s3.us-east-1.amazonaws.com"])
    )
    error_message = "The deployer may encrypt with the targets' keys, through S3 only."
  }
  assert {
    condition = (
      tolist(local.statements_by_sid.deployer["DeployTargetJobs"].actions) == tolist(["glue:GetJob", "glue:GetJobRun", "glue:GetJobRuns", "glue:StartJobRun", "glue:UpdateJob"]) &&
      tolist(local.statements_by_sid.deployer["DeployTargetJobs"].resources) == tolist(["arn:aws:glue:us-east-1:123456789012:job/orders-dev", "arn:aws:glue:us-east-1:123456789012:job/orders-prod"])
    )
    error_message = "The deployer may read, update and run the target jobs only."
  }
  assert {
    condition = (
      tolist(local.statements_by_sid.deployer["PassTargetJobRoles"].actions) == tolist(["iam:PassRole"]) &&
      tolist(local.statements_by_sid.deployer["PassTargetJobRoles"].resources) == tolist(["arn:aws:iam::123456789012:role/orders-dev-glue-job", "arn:aws:iam::123456789012:role/orders-prod-glue-job"]) &&
      local.statements_by_sid.deployer["PassTargetJobRoles"].conditions[0].test == "StringEquals" &&
      local.statements_by_sid.deployer["PassTargetJobRoles"].conditions[0].variable == "iam:PassedToService" &&
      tolist(local.statements_by_sid.deployer["PassTargetJobRoles"].conditions[0].values) == tolist(["glue.amazonaws.com"])
    )
    error_message = "The deployer may pass the target jobs' roles, to Glue only."
  }
  assert {
    condition     = [for s in local.policy_statements.deployer : s.sid if contains(s.resources, "*")] == ["ReportToThePipeline"] && tolist(local.statements_by_sid.deployer["ReportToThePipeline"].actions) == tolist(["codepipeline:PutJobFailureResult", "codepipeline:PutJobSuccessResult"])
    error_message = "Only the job results (no resource-level permissions) may use the \"*\" resource."
  }
  assert {
    condition     = tolist(local.statements_by_sid.deployer["WriteLogs"].resources) == tolist(["arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/orders-deploy-glue-deployer:*"])
    error_message = "The deployer may write to its own log group only."
  }
  assert {
    condition     = [for s in local.policy_statements.deployer : s.sid if anytrue([for arn in s.resources : strcontains(arn, ":role/")])] == ["PassTargetJobRoles"] && alltrue(flatten([for s in local.policy_statements.deployer : [for action in s.actions : !startswith(action, "iam:") || action == "iam:PassRole"]]))
    error_message = "Nothing on the Glue jobs' roles but passing them to Glue."
  }
  assert {
    condition     = alltrue(flatten([for role, statements in local.policy_statements : [for s in statements : [for action in s.actions : !strcontains(action, "*")]]]))
    error_message = "No action of any role may contain a wildcard."
  }
}

run "deployer_without_target_keys_gets_no_key_grant" {
  command = plan

  variables {
    targets = [{
      name              = "dev"
      job_name          = "hello"
      job_arn           = "arn:aws:glue:us-east-1:123456789012:job/hello"
      role_arn          = "arn:aws:iam::123456789012:role/shared-glue"
      script_bucket     = "shared-glue-code"
      deployment_prefix = "hello/deployments/"
      kms_key_arn       = null
      script_path       = "jobs/hello.py"
    }]
  }

  assert {
    condition     = !contains([for s in local.policy_statements.deployer : s.sid], "EncryptJobCode")
    error_message = "Targets whose script bucket is not SSE-KMS need no key grant."
  }
}

run "targets_sharing_a_role_and_key_are_granted_once" {
  command = plan

  variables {
    targets = [for env in ["dev", "test"] : {
      name              = env
      job_name          = "orders-${env}"
      job_arn           = "arn:aws:glue:us-east-1:123456789012:job/orders-${env}"
      role_arn          = "arn:aws:iam::123456789012:role/shared-glue"
      script_bucket     = "shared-glue-code"
      deployment_prefix = "glue-jobs/orders-${env}/deployments/"
      kms_key_arn       = "arn:aws:kms:us-east-1:123456789012:key/shared"
      script_path       = "src/glue/jobs/json_to_parquet.py"
    }]
  }

  assert {
    condition     = tolist(local.statements_by_sid.deployer["PassTargetJobRoles"].resources) == tolist(["arn:aws:iam::123456789012:role/shared-glue"]) && tolist(local.statements_by_sid.deployer["EncryptJobCode"].resources) == tolist(["arn:aws:kms:us-east-1:123456789012:key/shared"])
    error_message = "A shared role or key must be listed once."
  }
  assert {
    condition     = length(local.statements_by_sid.deployer["UploadJobCode"].resources) == 2
    error_message = "Each target's deployment prefix must still be granted."
  }
}

run "pipeline_role_with_codecommit" {
  command = plan

  assert {
    condition = [for s in local.policy_statements.pipeline : s.sid] == [
      "LocateTheArtifactBucket", "ReadAndWriteArtifacts", "UseTheArtifactKey", "InvokeTheDeployer", "ReadTheRepository",
    ]
    error_message = "The pipeline's policy must have exactly the expected statements (no approval topic: no sns grant)."
  }
  assert {
    condition     = module.pipeline_role.statement_sids == [for s in local.policy_statements.pipeline : s.sid] && aws_codepipeline.this.role_arn == module.pipeline_role.arn
    error_message = "The pipeline must run as its role, whose policy renders every statement."
  }
  assert {
    condition = (
      tolist(local.statements_by_sid.pipeline["LocateTheArtifactBucket"].resources) == tolist(["arn:aws:s3:::orders-deploy-artifacts-123456789012-us-east-1"]) &&
      tolist(local.statements_by_sid.pipeline["ReadAndWriteArtifacts"].resources) == tolist(["arn:aws:s3:::orders-deploy-artifacts-123456789012-us-east-1/*"]) &&
      tolist(local.statements_by_sid.pipeline["ReadAndWriteArtifacts"].actions) == tolist(["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:PutObjectAcl"])
    )
    error_message = "The pipeline's S3 grants must name the artifact bucket only."
  }
  assert {
    condition     = tolist(local.statements_by_sid.pipeline["UseTheArtifactKey"].resources) == tolist(["arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"])
    error_message = "The pipeline may use the artifact key only."
  }
  assert {
    condition     = tolist(local.statements_by_sid.pipeline["InvokeTheDeployer"].actions) == tolist(["lambda:InvokeFunction"]) && tolist(local.statements_by_sid.pipeline["InvokeTheDeployer"].resources) == tolist(["arn:aws:lambda:us-east-1:123456789012:function:orders-deploy-glue-deployer"])
    error_message = "The pipeline may invoke the deployer only."
  }
  assert {
    condition = (
      tolist(local.statements_by_sid.pipeline["ReadTheRepository"].resources) == tolist(["arn:aws:codecommit:us-east-1:123456789012:orders-glue-jobs"]) &&
      tolist(local.statements_by_sid.pipeline["ReadTheRepository"].actions) == tolist(["codecommit:CancelUploadArchive", "codecommit:GetBranch", "codecommit:GetCommit", "codecommit:GetRepository", "codecommit:GetUploadArchiveStatus", "codecommit:UploadArchive"])
    )
    error_message = "The pipeline may read and archive this repository only."
  }
  assert {
    condition     = alltrue([for s in local.policy_statements.pipeline : !contains(s.resources, "*")])
    error_message = "No pipeline statement may use the \"*\" resource."
  }
  assert {
    condition     = local.trust.pipeline.service == "codepipeline.amazonaws.com" && length(local.trust.pipeline.conditions) == 1 && local.trust.pipeline.conditions[0].variable == "aws:SourceAccount" && tolist(local.trust.pipeline.conditions[0].values) == tolist(["123456789012"])
    error_message = "Only CodePipeline acting for this account may assume the pipeline's role."
  }
  assert {
    condition     = module.pipeline_role.trusted_service == "codepipeline.amazonaws.com" && module.deployer_role.trusted_service == "lambda.amazonaws.com"
    error_message = "Each role must be assumed by its own service."
  }
}

run "pipeline_role_with_a_connection_uses_it_and_no_repository" {
  command = plan

  variables {
    codecommit = null
    codestar   = { connection_arn = "arn:aws:codestar-connections:us-east-1:123456789012:connection/12345678-1234-1234-1234-123456789012", full_repository_id = "my-org/glue-jobs" }
  }

  assert {
    condition     = [for s in local.policy_statements.pipeline : s.sid] == ["LocateTheArtifactBucket", "ReadAndWriteArtifacts", "UseTheArtifactKey", "InvokeTheDeployer", "UseTheConnection"]
    error_message = "A CodeStar source must replace the repository grant with the connection's."
  }
  assert {
    condition = (
      tolist(local.statements_by_sid.pipeline["UseTheConnection"].actions) == tolist(["codeconnections:UseConnection", "codestar-connections:UseConnection"]) &&
      tolist(local.statements_by_sid.pipeline["UseTheConnection"].resources) == tolist(["arn:aws:codestar-connections:us-east-1:123456789012:connection/12345678-1234-1234-1234-123456789012"])
    )
    error_message = "The pipeline may use this connection only."
  }
}

run "pipeline_role_publishes_to_the_approval_topic_passed_in_with_its_key" {
  command = plan

  variables {
    approval_topic = { arn = "arn:aws:sns:us-east-1:123456789012:data-approvals", kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/alerts" }
  }

  assert {
    condition     = tolist(local.statements_by_sid.pipeline["PublishApprovalNotifications"].actions) == tolist(["sns:Publish"]) && tolist(local.statements_by_sid.pipeline["PublishApprovalNotifications"].resources) == tolist(["arn:aws:sns:us-east-1:123456789012:data-approvals"])
    error_message = "The pipeline may publish to the approval topic only."
  }
  assert {
    condition     = tolist(local.statements_by_sid.pipeline["EncryptApprovalNotifications"].resources) == tolist(["arn:aws:kms:us-east-1:123456789012:key/alerts"]) && tolist(local.statements_by_sid.pipeline["EncryptApprovalNotifications"].conditions[0].values) == tolist(["sns.us-east-1.amazonaws.com"])
    error_message = "The topic's own key may be used through SNS only."
  }
}

run "pipeline_role_publishes_to_a_created_topic_with_the_module_key" {
  command = plan

  variables {
    approval_topic = {}
  }

  assert {
    condition     = tolist(local.statements_by_sid.pipeline["PublishApprovalNotifications"].resources) == tolist(["arn:aws:sns:us-east-1:123456789012:orders-deploy-approvals"]) && !contains(keys(local.statements_by_sid.pipeline), "EncryptApprovalNotifications")
    error_message = "A created topic is encrypted with the module's key, already granted: no second key grant."
  }
}

run "source_rule_role_may_only_start_this_pipeline" {
  command = plan

  assert {
    condition     = [for s in local.policy_statements.source_events : s.sid] == ["StartThisPipeline"] && tolist(local.statements_by_sid.source_events["StartThisPipeline"].actions) == tolist(["codepipeline:StartPipelineExecution"]) && tolist(local.statements_by_sid.source_events["StartThisPipeline"].resources) == tolist(["arn:aws:codepipeline:us-east-1:123456789012:orders-deploy"])
    error_message = "The rule's role may start this pipeline and nothing else."
  }
  assert {
    condition     = module.source_events_role[0].statement_sids == ["StartThisPipeline"] && module.source_events_role[0].trusted_service == "events.amazonaws.com"
    error_message = "The rule's role must render its one statement for EventBridge."
  }
  assert {
    condition = (
      [for c in local.trust.source_events.conditions : c.variable] == ["aws:SourceAccount", "aws:SourceArn"] &&
      tolist(local.trust.source_events.conditions[0].values) == tolist(["123456789012"]) &&
      tolist(local.trust.source_events.conditions[1].values) == tolist(["arn:aws:events:us-east-1:123456789012:rule/orders-deploy-source-push"])
    )
    error_message = "Only EventBridge, for the source rule of this account, may assume the rule's role."
  }
}

run "permissions_boundary_applies_to_every_role" {
  command = plan

  variables {
    role_permissions_boundary_arn = "arn:aws:iam::123456789012:policy/platform-boundary"
  }

  assert {
    condition = alltrue([
      module.deployer_role.permissions_boundary_arn == "arn:aws:iam::123456789012:policy/platform-boundary",
      module.pipeline_role.permissions_boundary_arn == "arn:aws:iam::123456789012:policy/platform-boundary",
      module.source_events_role[0].permissions_boundary_arn == "arn:aws:iam::123456789012:policy/platform-boundary",
    ])
    error_message = "Every role must carry the permissions boundary."
  }
}
