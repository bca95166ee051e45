# The launcher's role grants exactly what it touches: each statement is checked by its Sid against the ARNs
# the inputs and the module's resources name (local.policy_statements is what modules/_parts/iam_role renders
# into the role's inline policy).

mock_provider "aws" {
  # One set of mocked AWS answers for every test file of this module.
  source = "./tests/mocks"
}

run "every_grant_is_scoped" {
  variables {
    query_results_location = "s3://lake-results/athena/"
    clear_prefixes         = ["s3://lake-results/comparison/", "s3://lake-scratch/manifests/tmp/"]
  }

  assert {
    condition = [for s in local.policy_statements : s.sid] == [
      "ListBatchJobs", "RunQueriesInTheWorkgroup", "RebuildTheResultTables", "WriteQueryResults", "ClearPrefixes",
      "LocateBuckets", "ListPrefixes0", "ListPrefixes1", "StartTheComparisonJob", "UseTheKey", "SendDeadLetters",
      "WriteLogs",
    ]
    error_message = "The policy must have exactly the expected statements."
  }
  assert {
    condition     = [for s in local.policy_statements : s.sid if contains(s.resources, "*")] == ["ListBatchJobs"]
    error_message = "Only batch:ListJobs (no resource-level permissions) may use the \"*\" resource."
  }
  assert {
    condition     = [for s in local.policy_statements : s.actions if s.sid == "ListBatchJobs"][0] == ["batch:ListJobs"]
    error_message = "The \"*\" statement must grant batch:ListJobs and nothing else."
  }
  assert {
    condition     = alltrue(flatten([for s in local.policy_statements : [for action in s.actions : !strcontains(action, "*")]]))
    error_message = "No action may contain a wildcard."
  }
  assert {
    condition     = [for s in local.policy_statements : s.resources if s.sid == "RunQueriesInTheWorkgroup"][0] == ["arn:aws:athena:eu-west-2:123456789012:workgroup/manifests"]
    error_message = "Athena must be limited to the module's workgroup."
  }
  assert {
    condition = [for s in local.policy_statements : s.resources if s.sid == "RebuildTheResultTables"][0] == [
      "arn:aws:glue:eu-west-2:123456789012:catalog",
      "arn:aws:glue:eu-west-2:123456789012:database/manifests_manifests",
      "arn:aws:glue:eu-west-2:123456789012:table/manifests_manifests/missing_imports",
      "arn:aws:glue:eu-west-2:123456789012:table/manifests_manifests/missing_exports",
      "arn:aws:glue:eu-west-2:123456789012:table/manifests_manifests/counts",
      "arn:aws:glue:eu-west-2:123456789012:table/manifests_manifests/mismatched_timestamps",
    ]
    error_message = "The catalog must be limited to the module's database and its four tables."
  }
  assert {
    condition     = [for s in local.policy_statements : s.resources if s.sid == "WriteQueryResults"][0] == ["arn:aws:s3:::lake-results/athena/*"]
    error_message = "Query results must be limited to the workgroup's result prefix."
  }
  assert {
    condition     = [for s in local.policy_statements : s.resources if s.sid == "ClearPrefixes"][0] == ["arn:aws:s3:::lake-results/comparison/*", "arn:aws:s3:::lake-scratch/manifests/tmp/*"]
    error_message = "Deletes must be limited to the prefixes to clear."
  }
  assert {
    condition     = [for s in local.policy_statements : s.actions if s.sid == "ClearPrefixes"][0] == ["s3:DeleteObject"]
    error_message = "Clearing needs s3:DeleteObject only (listing is granted per bucket)."
  }
  assert {
    condition     = [for s in local.policy_statements : s.resources if s.sid == "LocateBuckets"][0] == ["arn:aws:s3:::lake-results", "arn:aws:s3:::lake-scratch"]
    error_message = "GetBucketLocation must be limited to the result and clear buckets."
  }
  assert {
    condition = [for s in local.policy_statements : { resources = s.resources, prefixes = s.conditions[0].values } if startswith(s.sid, "ListPrefixes")] == [
      { resources = ["arn:aws:s3:::lake-results"], prefixes = tolist(["athena/*", "comparison/*"]) },
      { resources = ["arn:aws:s3:::lake-scratch"], prefixes = tolist(["manifests/tmp/*"]) },
    ]
    error_message = "ListBucket must be granted per bucket with an s3:prefix condition of its prefixes."
  }
  assert {
    condition     = [for s in local.policy_statements : s.resources if s.sid == "StartTheComparisonJob"][0] == ["arn:aws:glue:eu-west-2:123456789012:job/manifests"]
    error_message = "StartJobRun and GetJobRuns must be limited to the comparison job."
  }
  assert {
    condition     = [for s in local.policy_statements : s.actions if s.sid == "StartTheComparisonJob"][0] == ["glue:GetJobRuns", "glue:StartJobRun"]
    error_message = "The job grant must be StartJobRun and GetJobRuns only."
  }
  assert {
    condition     = [for s in local.policy_statements : s.resources if s.sid == "UseTheKey"][0] == ["arn:aws:kms:eu-west-2:123456789012:key/11111111-2222-3333-4444-555555555555"]
    error_message = "KMS must be limited to the key in use."
  }
  assert {
    condition     = [for s in local.policy_statements : s.resources if s.sid == "SendDeadLetters"][0] == ["arn:aws:sqs:eu-west-2:123456789012:manifests-launcher-dlq"]
    error_message = "SendMessage must be limited to the dead-letter queue."
  }
  assert {
    condition     = [for s in local.policy_statements : s.resources if s.sid == "WriteLogs"][0] == ["arn:aws:logs:eu-west-2:123456789012:log-group:/aws/lambda/manifests-launcher:*"]
    error_message = "Logs must be limited to the launcher's log group."
  }
  # The role the part makes from local.policy_statements renders every statement, in order.
  assert {
    condition     = module.launcher_role.statement_sids == [for s in local.policy_statements : s.sid] && module.launcher_role.name == "manifests-launcher"
    error_message = "The policy document must render every statement."
  }
  assert {
    condition     = module.launcher_role.trusted_service == "lambda.amazonaws.com"
    error_message = "Only Lambda may assume the launcher's role."
  }
  assert {
    condition     = aws_lambda_function.launcher.role == module.launcher_role.arn
    error_message = "The function must run as the created role, which carries the policy."
  }
}

run "without_prefixes_to_clear_nothing_may_be_deleted" {
  assert {
    condition     = !contains([for s in local.policy_statements : s.sid], "ClearPrefixes")
    error_message = "With no prefixes to clear the role must not get s3:DeleteObject."
  }
  assert {
    condition     = [for s in local.policy_statements : s.resources if s.sid == "LocateBuckets"][0] == ["arn:aws:s3:::lake-athena"]
    error_message = "Only the query result bucket remains."
  }
}

run "the_created_key_serves_this_launcher_only" {
  assert {
    condition     = length(module.kms_key) == 1 && local.kms_key_arn == module.kms_key[0].key_arn
    error_message = "Without kms_key_arn the module must create a key and use it."
  }
  assert {
    condition     = module.kms_key[0].alias_name == "alias/manifests-batch-launcher"
    error_message = "The key's alias must follow the convention alias/<name>-batch-launcher."
  }
  assert {
    condition     = [for grant in local.kms_service_grants : grant.sid] == ["CloudWatchLogsEncryptsTheLauncherLogGroup", "EventBridgeSendsToTheDeadLetterQueue"]
    error_message = "Besides the account root, the key must let only CloudWatch Logs and EventBridge use it."
  }
  assert {
    condition = [for grant in local.kms_service_grants : { service = grant.service, conditions = grant.conditions } if grant.sid == "CloudWatchLogsEncryptsTheLauncherLogGroup"][0] == {
      service = "logs.eu-west-2.amazonaws.com"
      conditions = [{
        test     = "ArnEquals"
        variable = "kms:EncryptionContext:aws:logs:arn"
        values   = ["arn:aws:logs:eu-west-2:123456789012:log-group:/aws/lambda/manifests-launcher"]
      }]
    }
    error_message = "CloudWatch Logs may use the key for the launcher's log group only."
  }
  assert {
    condition = [for grant in local.kms_service_grants : { service = grant.service, actions = grant.actions, conditions = grant.conditions } if grant.sid == "EventBridgeSendsToTheDeadLetterQueue"][0] == {
      service = "events.amazonaws.com"
      actions = ["kms:Decrypt", "kms:GenerateDataKey"]
      conditions = [{
        test     = "ArnEquals"
        variable = "aws:SourceArn"
        values   = ["arn:aws:events:eu-west-2:123456789012:rule/manifests-batch-finished"]
      }]
    }
    error_message = "EventBridge may use the key for dead letters of the module's rule only."
  }
}

run "a_key_passed_in_is_used_and_none_created" {
  variables {
    kms_key_arn = "arn:aws:kms:eu-west-2:123456789012:key/caller-key"
  }
  assert {
    condition     = length(module.kms_key) == 0 && [for s in local.policy_statements : s.resources if s.sid == "UseTheKey"][0] == ["arn:aws:kms:eu-west-2:123456789012:key/caller-key"]
    error_message = "A key passed in must be the one the role may use, and no key may be created."
  }
  assert {
    condition     = aws_lambda_function.launcher.kms_key_arn == var.kms_key_arn && aws_sqs_queue.dead_letters.kms_master_key_id == var.kms_key_arn && module.launcher_log_group.kms_key_arn == var.kms_key_arn
    error_message = "The environment, the dead-letter queue and the logs must use the key passed in."
  }
}

run "the_glue_job_reads_the_manifests_and_writes_the_results" {
  variables {
    data_kms_key_arns = ["arn:aws:kms:eu-west-2:123456789012:key/lake"]
  }
  assert {
    condition     = module.comparison_job.default_arguments["--counts_location"] == "s3://lake-results/comparison/counts/"
    error_message = "The job must be told where each result goes."
  }
  assert {
    condition     = module.comparison_job.role_name == "manifests-glue-job"
    error_message = "The job gets its own role from modules/glue_job."
  }
}
