# Encryption is on everywhere: the security configuration modes, the key (created with rotation, or passed in)
# and its policy, the script bucket and objects, the log group; and the failure alerting wiring.

mock_provider "aws" {
  # One set of mocked AWS answers for every test file of this module.
  source = "./tests/mocks"
}

run "security_configuration_encrypts_everything_with_created_key" {
  assert {
    condition     = length(module.kms_key) == 1 && module.kms_key[0].alias_name == "alias/orders-glue-job"
    error_message = "A key must be created (rotation and deletion window: modules/_parts/kms_key's tests) with the alias alias/<name>-glue-job."
  }
  assert {
    condition     = aws_glue_security_configuration.this.name == "orders" && output.security_configuration_name == "orders"
    error_message = "The security configuration must be named after the job."
  }
  assert {
    condition = (
      aws_glue_security_configuration.this.encryption_configuration[0].s3_encryption[0].s3_encryption_mode == "SSE-KMS" &&
      aws_glue_security_configuration.this.encryption_configuration[0].s3_encryption[0].kms_key_arn == module.kms_key[0].key_arn
    )
    error_message = "S3 output must be SSE-KMS with the module's key."
  }
  assert {
    condition = (
      aws_glue_security_configuration.this.encryption_configuration[0].cloudwatch_encryption[0].cloudwatch_encryption_mode == "SSE-KMS" &&
      aws_glue_security_configuration.this.encryption_configuration[0].cloudwatch_encryption[0].kms_key_arn == module.kms_key[0].key_arn
    )
    error_message = "CloudWatch logs must be SSE-KMS with the module's key."
  }
  assert {
    condition = (
      aws_glue_security_configuration.this.encryption_configuration[0].job_bookmarks_encryption[0].job_bookmarks_encryption_mode == "CSE-KMS" &&
      aws_glue_security_configuration.this.encryption_configuration[0].job_bookmarks_encryption[0].kms_key_arn == module.kms_key[0].key_arn
    )
    error_message = "Job bookmarks must be CSE-KMS with the module's key."
  }
  assert {
    condition     = [for grant in local.kms_service_grants : grant.sid] == ["CloudWatchLogsEncryptsGlueLogGroups"]
    error_message = "Without alerting the key policy grants CloudWatch Logs only (after the account root statement every key has)."
  }
  assert {
    condition     = one([for grant in local.kms_service_grants : grant.service if grant.sid == "CloudWatchLogsEncryptsGlueLogGroups"]) == "logs.us-east-1.amazonaws.com"
    error_message = "CloudWatch Logs of the region must be allowed to use the key."
  }
  assert {
    condition = alltrue([for grant in local.kms_service_grants : (
      one(grant.conditions).test == "ArnLike" &&
      one(grant.conditions).variable == "kms:EncryptionContext:aws:logs:arn" &&
      tolist(one(grant.conditions).values) == tolist(["arn:aws:logs:us-east-1:123456789012:log-group:/aws-glue/jobs/*"])
    ) if grant.sid == "CloudWatchLogsEncryptsGlueLogGroups"])
    error_message = "CloudWatch Logs may use the key only for Glue's job log groups (encryption-context condition)."
  }
  assert {
    condition     = module.log_group[0].kms_key_arn == module.kms_key[0].key_arn
    error_message = "The log group must be encrypted with the module's key."
  }
  assert {
    condition = (
      aws_s3_object.script.server_side_encryption == "aws:kms" && aws_s3_object.script.kms_key_id == module.kms_key[0].key_arn
    )
    error_message = "The script object must be SSE-KMS with the module's key."
  }
  # Versioning, public access block and the TLS-only policy are always on in modules/_parts/secure_bucket
  # (asserted by its tests); here: the bucket gets the module's key.
  assert {
    condition     = module.script_bucket[0].kms_key_arn == module.kms_key[0].key_arn
    error_message = "The script bucket must default to SSE-KMS with the module's key."
  }
  assert {
    condition     = module.script_bucket[0].name == "orders-glue-123456789012-us-east-1" && output.script_bucket == "orders-glue-123456789012-us-east-1"
    error_message = "The created bucket must be named <name>-glue-<account>-<region>."
  }
  assert {
    condition     = output.kms_key_arn == module.kms_key[0].key_arn
    error_message = "The kms_key_arn output must be the created key."
  }
}

run "underscored_name_gives_valid_bucket" {
  variables {
    name = "orders_daily"
  }
  assert {
    condition     = module.script_bucket[0].name == "orders-daily-glue-123456789012-us-east-1" && aws_glue_job.this[0].name == "orders_daily"
    error_message = "Underscores must become hyphens in the bucket name only."
  }
}

run "existing_key_is_used_everywhere" {
  variables {
    kms_key_arn   = "arn:aws:kms:us-east-1:123456789012:key/platform"
    failure_topic = {}
  }
  assert {
    condition     = length(module.kms_key) == 0
    error_message = "With kms_key_arn no key is created."
  }
  assert {
    condition = toset([
      aws_glue_security_configuration.this.encryption_configuration[0].s3_encryption[0].kms_key_arn,
      aws_glue_security_configuration.this.encryption_configuration[0].cloudwatch_encryption[0].kms_key_arn,
      aws_glue_security_configuration.this.encryption_configuration[0].job_bookmarks_encryption[0].kms_key_arn,
      module.log_group[0].kms_key_arn,
      aws_s3_object.script.kms_key_id,
      aws_sns_topic.alerts[0].kms_master_key_id,
      output.kms_key_arn,
    ]) == toset(["arn:aws:kms:us-east-1:123456789012:key/platform"])
    error_message = "The given key must encrypt the security configuration, logs, objects and topic."
  }
}

run "pythonshell_key_policy_covers_python_job_logs" {
  variables {
    job_type = "pythonshell"
  }
  assert {
    condition     = tolist(one([for grant in local.kms_service_grants : one(grant.conditions).values if grant.sid == "CloudWatchLogsEncryptsGlueLogGroups"])) == tolist(["arn:aws:logs:us-east-1:123456789012:log-group:/aws-glue/python-jobs/*"])
    error_message = "For pythonshell, CloudWatch Logs may use the key for /aws-glue/python-jobs/* groups."
  }
}

# ---------------------------------------------------------------- failure alerting

run "alerts_off_by_default" {
  assert {
    condition     = length(aws_cloudwatch_event_rule.job_failed) == 0 && length(aws_sns_topic.alerts) == 0 && output.alert_topic_arn == null
    error_message = "No alerting unless failure_topic is set."
  }
}

run "alerts_to_created_topic" {
  variables {
    failure_topic = {}
  }
  assert {
    condition = jsondecode(aws_cloudwatch_event_rule.job_failed[0].event_pattern) == {
      source        = ["aws.glue"]
      "detail-type" = ["Glue Job State Change"]
      detail        = { jobName = ["orders"], state = ["FAILED", "TIMEOUT", "STOPPED", "ERROR"] }
    }
    error_message = "The rule must match this job's FAILED, TIMEOUT, STOPPED and ERROR state changes."
  }
  assert {
    condition     = aws_cloudwatch_event_target.job_failed[0].arn == aws_sns_topic.alerts[0].arn && output.alert_topic_arn == aws_sns_topic.alerts[0].arn
    error_message = "The rule must target the created topic."
  }
  assert {
    condition     = aws_sns_topic.alerts[0].kms_master_key_id == module.kms_key[0].key_arn
    error_message = "The created topic must be encrypted with the module's key."
  }
  assert {
    condition     = one(data.aws_iam_policy_document.alerts_topic[0].statement[0].principals).identifiers == toset(["events.amazonaws.com"]) && data.aws_iam_policy_document.alerts_topic[0].statement[0].actions == toset(["sns:Publish"])
    error_message = "Only EventBridge may publish to the topic."
  }
  assert {
    condition = one(data.aws_iam_policy_document.alerts_topic[0].statement[0].condition) == {
      test = "ArnEquals", variable = "aws:SourceArn", values = tolist(["arn:aws:events:us-east-1:123456789012:rule/orders-glue-job-failed"])
    }
    error_message = "Publishing must be scoped to this job's rule with aws:SourceArn."
  }
  assert {
    condition     = local.alert_rule_arn == "arn:aws:events:us-east-1:123456789012:rule/${aws_cloudwatch_event_rule.job_failed[0].name}"
    error_message = "The ARN in the policies must be the rule's."
  }
  assert {
    condition     = contains([for grant in local.kms_service_grants : grant.sid], "EventBridgePublishesToAlertTopic")
    error_message = "The key policy must let EventBridge encrypt messages for the topic."
  }
}

run "alerts_to_existing_topic" {
  variables {
    failure_topic        = { arn = "arn:aws:sns:us-east-1:123456789012:data-platform-alerts" }
    failure_alert_states = ["FAILED", "TIMEOUT"]
  }
  assert {
    condition     = length(aws_sns_topic.alerts) == 0 && length(aws_sns_topic_policy.alerts) == 0
    error_message = "With an existing topic none is created."
  }
  assert {
    condition     = aws_cloudwatch_event_target.job_failed[0].arn == "arn:aws:sns:us-east-1:123456789012:data-platform-alerts" && output.alert_topic_arn == "arn:aws:sns:us-east-1:123456789012:data-platform-alerts"
    error_message = "The rule must target the given topic."
  }
  assert {
    condition     = jsondecode(aws_cloudwatch_event_rule.job_failed[0].event_pattern).detail.state == ["FAILED", "TIMEOUT"]
    error_message = "The rule must match the chosen states only."
  }
  assert {
    condition     = !contains([for grant in local.kms_service_grants : grant.sid], "EventBridgePublishesToAlertTopic")
    error_message = "EventBridge needs no key access when the module creates no topic."
  }
}

run "callers_grants_are_added_to_the_created_key" {
  variables {
    additional_kms_service_grants = [{
      sid        = "CloudWatchAlarmsPublishAlerts"
      service    = "cloudwatch.amazonaws.com"
      actions    = ["kms:Decrypt", "kms:GenerateDataKey*"]
      conditions = [{ test = "StringEquals", variable = "aws:SourceAccount", values = ["123456789012"] }]
    }]
  }
  assert {
    condition     = [for grant in local.kms_service_grants : grant.sid] == ["CloudWatchLogsEncryptsGlueLogGroups", "CloudWatchAlarmsPublishAlerts"]
    error_message = "A caller's grant must follow the module's own on the created key."
  }
}
