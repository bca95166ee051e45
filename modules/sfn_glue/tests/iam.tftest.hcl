# The role grants exactly what the definition uses: each statement is checked by its Sid against the ARNs the
# inputs name (local.policy_statements feeds the policy document). "*" only where AWS documents no resource.

mock_provider "aws" {
  # One set of mocked AWS answers for every test file of this module.
  source = "./tests/mocks"
}


variables {
  name = "hello"
  jobs = [
    { name = "extract", input_arguments = { "--message" = "$.message" } },
    { name = "load" },
    { name = "extract", key = "extract_again" },
  ]
}

run "defaults_grant_only_what_the_definition_uses" {
  assert {
    condition = [for s in local.policy_statements : s.sid] == [
      "RunDeclaredGlueJobs", "PublishFailureNotifications", "EncryptFailureNotifications",
      "DeliverExecutionLogs", "WriteXRayTraces",
    ]
    error_message = "The policy must have exactly the expected statements."
  }
  assert {
    condition = [for s in local.policy_statements : s.resources if s.sid == "RunDeclaredGlueJobs"][0] == tolist([
      "arn:aws:glue:us-east-1:123456789012:job/extract",
      "arn:aws:glue:us-east-1:123456789012:job/load",
    ])
    error_message = "The Glue actions must be limited to the named jobs (each once)."
  }
  assert {
    condition     = [for s in local.policy_statements : s.actions if s.sid == "RunDeclaredGlueJobs"][0] == ["glue:StartJobRun", "glue:GetJobRun", "glue:GetJobRuns", "glue:BatchStopJobRun"]
    error_message = "A .sync Glue task needs StartJobRun, GetJobRun, GetJobRuns and BatchStopJobRun."
  }
  assert {
    condition     = length([for s in local.policy_statements : s.sid if anytrue([for a in s.actions : startswith(a, "events:")])]) == 0
    error_message = "Glue .sync polls its runs and needs no EventBridge action (AWS's template for it grants none)."
  }
  assert {
    condition     = [for s in local.policy_statements : s.resources if s.sid == "PublishFailureNotifications"][0] == ["arn:aws:sns:us-east-1:123456789012:hello-failures"]
    error_message = "sns:Publish must be limited to the failure topic."
  }
  assert {
    condition     = [for s in local.policy_statements : s.resources if s.sid == "EncryptFailureNotifications"][0] == ["arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"]
    error_message = "The KMS grant must be limited to the created topic's key."
  }
  assert {
    condition     = [for s in local.policy_statements : s.conditions if s.sid == "EncryptFailureNotifications"][0][0].values == ["sns.us-east-1.amazonaws.com"]
    error_message = "The KMS grant must hold only when SNS uses the key."
  }
  assert {
    condition     = sort([for s in local.policy_statements : s.sid if contains(s.resources, "*")]) == tolist(["DeliverExecutionLogs", "WriteXRayTraces"])
    error_message = "Only the log-delivery and X-Ray actions, which take no resource, may name \"*\"."
  }
  assert {
    condition     = alltrue(flatten([for s in local.policy_statements : [for a in s.actions : !strcontains(a, "*")]]))
    error_message = "No action may be a wildcard."
  }
  assert {
    condition     = local.state_machine_trust.service == "states.amazonaws.com" && module.state_machine_role.trusted_service == "states.amazonaws.com"
    error_message = "Only Step Functions may assume the role."
  }
  assert {
    condition = jsonencode({ for c in local.state_machine_trust.conditions : "${c.test} ${c.variable}" => c.values }) == jsonencode({
      "StringEquals aws:SourceAccount" = ["123456789012"]
      "ArnLike aws:SourceArn"          = ["arn:aws:states:us-east-1:123456789012:stateMachine:*"]
    })
    error_message = "The trust must be limited to this account's state machines in this region."
  }
  assert {
    condition     = aws_sns_topic.failures[0].kms_master_key_id == "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    error_message = "The created topic must be encrypted with the module's key."
  }
  assert {
    condition     = module.log_group[0].kms_key_arn == module.kms_key[0].key_arn && module.log_group[0].name == "/aws/vendedlogs/states/hello"
    error_message = "The log group must be a vended-logs group encrypted with the module's key."
  }
  assert {
    condition     = module.log_group[0].retention_days == 30
    error_message = "log_retention_days must default to 30 days and reach the log group."
  }
  assert {
    condition     = length(module.kms_key) == 1 && module.kms_key[0].alias_name == "alias/hello-sfn-glue"
    error_message = "A key must be created (rotation and the account root statement: modules/_parts/kms_key's tests) with the alias alias/<name>-sfn-glue."
  }
  assert {
    condition = jsonencode(local.kms_service_grants) == jsonencode([{
      sid     = "CloudWatchLogsEncryptsThisLogGroupOnly"
      service = "logs.us-east-1.amazonaws.com"
      actions = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"]
      conditions = [{
        test     = "ArnEquals"
        variable = "kms:EncryptionContext:aws:logs:arn"
        values   = ["arn:aws:logs:us-east-1:123456789012:log-group:/aws/vendedlogs/states/hello"]
      }]
    }])
    error_message = "CloudWatch Logs of the region, and no other service, may use the key, for this log group only (encryption-context condition)."
  }
  assert {
    condition     = aws_sfn_state_machine.this.logging_configuration[0].level == "ALL" && !aws_sfn_state_machine.this.logging_configuration[0].include_execution_data
    error_message = "Logging must default to ALL without execution data."
  }
  assert {
    condition     = aws_sfn_state_machine.this.tracing_configuration[0].enabled
    error_message = "X-Ray tracing must default to on."
  }
  assert {
    condition     = length(aws_cloudwatch_event_rule.schedule) == 0 && length(module.schedule_role) == 0
    error_message = "No schedule unless one is asked for."
  }
}

run "no_logging_no_tracing_no_wildcards" {
  variables {
    logging         = { level = "OFF" }
    tracing_enabled = false
  }

  assert {
    condition     = length([for s in local.policy_statements : s.sid if contains(s.resources, "*")]) == 0
    error_message = "Without logging and tracing no statement may name \"*\"."
  }
  assert {
    condition     = length(module.log_group) == 0 && length(aws_sfn_state_machine.this.logging_configuration) == 0
    error_message = "Logging OFF must create no log group and no logging configuration."
  }
  assert {
    condition     = length(module.kms_key) == 1 && length(local.kms_service_grants) == 0
    error_message = "Without a log group the key (still made for the created topic) grants no service."
  }
  assert {
    condition     = !aws_sfn_state_machine.this.tracing_configuration[0].enabled
    error_message = "tracing_enabled = false must turn tracing off."
  }
}

run "passed_in_topic_and_key" {
  variables {
    failure_topic = {
      arn         = "arn:aws:sns:us-east-1:123456789012:team-alerts"
      kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/team"
    }
    logging = { level = "OFF" }
  }

  assert {
    condition     = length(aws_sns_topic.failures) == 0 && length(module.kms_key) == 0
    error_message = "A passed-in topic (and no log group) means no topic and no key are created."
  }
  assert {
    condition     = [for s in local.policy_statements : s.resources if s.sid == "PublishFailureNotifications"][0] == ["arn:aws:sns:us-east-1:123456789012:team-alerts"]
    error_message = "sns:Publish must be limited to the passed-in topic."
  }
  assert {
    condition     = [for s in local.policy_statements : s.resources if s.sid == "EncryptFailureNotifications"][0] == ["arn:aws:kms:us-east-1:123456789012:key/team"]
    error_message = "The KMS grant must be on the passed-in topic's key."
  }
  assert {
    condition     = jsondecode(local.definition).States["Notify failure"].Parameters.TopicArn == "arn:aws:sns:us-east-1:123456789012:team-alerts"
    error_message = "The definition must publish to the passed-in topic."
  }
}

run "passed_in_unencrypted_topic" {
  variables {
    failure_topic = { arn = "arn:aws:sns:us-east-1:123456789012:team-alerts" }
  }

  assert {
    condition     = !contains([for s in local.policy_statements : s.sid], "EncryptFailureNotifications")
    error_message = "Without a topic key there is no KMS grant."
  }
  assert {
    condition     = length(module.kms_key) == 1
    error_message = "The log group still gets the module's key."
  }
}

run "schedule_starts_only_this_state_machine" {
  variables {
    schedule = {
      expression = "rate(1 hour)"
      input      = { message = "scheduled" }
    }
  }

  assert {
    condition     = aws_cloudwatch_event_rule.schedule[0].schedule_expression == "rate(1 hour)" && aws_cloudwatch_event_rule.schedule[0].state == "ENABLED"
    error_message = "The rule must run on the given expression."
  }
  assert {
    condition     = aws_cloudwatch_event_target.schedule[0].arn == aws_sfn_state_machine.this.arn && jsondecode(aws_cloudwatch_event_target.schedule[0].input) == { message = "scheduled" }
    error_message = "The target must start this state machine with the fixed input."
  }
  assert {
    condition     = aws_cloudwatch_event_target.schedule[0].role_arn == module.schedule_role[0].arn
    error_message = "The target must start executions with the schedule's own role."
  }
  assert {
    condition     = jsonencode(local.schedule_policy_statements[*].actions) == jsonencode([["states:StartExecution"]]) && jsonencode(local.schedule_policy_statements[*].resources) == jsonencode([["arn:aws:states:us-east-1:123456789012:stateMachine:hello"]])
    error_message = "The schedule's role may only start this state machine."
  }
  assert {
    condition = module.schedule_role[0].trusted_service == "events.amazonaws.com" && jsonencode({ for c in local.schedule_trust.conditions : "${c.test} ${c.variable}" => c.values }) == jsonencode({
      "StringEquals aws:SourceAccount" = ["123456789012"]
      "ArnEquals aws:SourceArn"        = ["arn:aws:events:us-east-1:123456789012:rule/hello-schedule"]
    })
    error_message = "Only EventBridge acting for this rule may assume the schedule's role."
  }
}
