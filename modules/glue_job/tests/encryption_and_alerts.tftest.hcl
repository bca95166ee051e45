# Encryption is on everywhere: the security configuration modes, the key (created with rotation, or passed in)
# and its policy, the script bucket and objects, the log group; and the failure alerting wiring.

mock_provider "aws" {
  # One set of mocked AWS answers for every test file of this module.
  source = "./tests/mocks"
}

variables {
  name        = "orders"
  script_path = "tests/fixtures/job.py"
}

run "security_configuration_encrypts_everything_with_created_key" {
  assert {
    condition     = aws_kms_key.glue[0].enable_key_rotation && aws_kms_key.glue[0].deletion_window_in_days == 30
    error_message = "The created key must rotate and keep the default deletion window."
  }
  assert {
    condition     = aws_glue_security_configuration.this.name == "orders" && output.security_configuration_name == "orders"
    error_message = "The security configuration must be named after the job."
  }
  assert {
    condition = (
      aws_glue_security_configuration.this.encryption_configuration[0].s3_encryption[0].s3_encryption_mode == "SSE-KMS" &&
      aws_glue_security_configuration.this.encryption_configuration[0].s3_encryption[0].kms_key_arn == aws_kms_key.glue[0].arn
    )
    error_message = "S3 output must be SSE-KMS with the module's key."
  }
  assert {
    condition = (
      aws_glue_security_configuration.this.encryption_configuration[0].cloudwatch_encryption[0].cloudwatch_encryption_mode == "SSE-KMS" &&
      aws_glue_security_configuration.this.encryption_configuration[0].cloudwatch_encryption[0].kms_key_arn == aws_kms_key.glue[0].arn
    )
    error_message = "CloudWatch logs must be SSE-KMS with the module's key."
  }
  assert {
    condition = (
      aws_glue_security_configuration.this.encryption_configuration[0].job_bookmarks_encryption[0].job_bookmarks_encryption_mode == "CSE-KMS" &&
      aws_glue_security_configuration.this.encryption_configuration[0].job_bookmarks_encryption[0].kms_key_arn == aws_kms_key.glue[0].arn
    )
    error_message = "Job bookmarks must be CSE-KMS with the module's key."
  }
  assert {
    condition     = [for s in data.aws_iam_policy_document.kms_key[0].statement : s.sid] == ["AccountAdministersKeyThroughIam", "CloudWatchLogsEncryptsGlueLogGroups"]
    error_message = "Without alerting the key policy has the account and CloudWatch Logs statements only."
  }
  assert {
    condition     = one([for s in data.aws_iam_policy_document.kms_key[0].statement : one(s.principals).identifiers if s.sid == "AccountAdministersKeyThroughIam"]) == toset(["arn:aws:iam::123456789012:root"])
    error_message = "The account root must administer the key (through IAM)."
  }
  assert {
    condition     = one([for s in data.aws_iam_policy_document.kms_key[0].statement : one(s.principals).identifiers if s.sid == "CloudWatchLogsEncryptsGlueLogGroups"]) == toset(["logs.us-east-1.amazonaws.com"])
    error_message = "CloudWatch Logs of the region must be allowed to use the key."
  }
  assert {
    condition = one([for s in data.aws_iam_policy_document.kms_key[0].statement : one(s.condition) if s.sid == "CloudWatchLogsEncryptsGlueLogGroups"]) == {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = tolist(["arn:aws:logs:us-east-1:123456789012:log-group:/aws-glue/jobs/*"])
    }
    error_message = "CloudWatch Logs may use the key only for Glue's job log groups (encryption-context condition)."
  }
  assert {
    condition     = aws_cloudwatch_log_group.job[0].kms_key_id == aws_kms_key.glue[0].arn
    error_message = "The log group must be encrypted with the module's key."
  }
  assert {
    condition = (
      aws_s3_object.script.server_side_encryption == "aws:kms" && aws_s3_object.script.kms_key_id == aws_kms_key.glue[0].arn
    )
    error_message = "The script object must be SSE-KMS with the module's key."
  }
  assert {
    condition = (
      one(one(aws_s3_bucket_server_side_encryption_configuration.scripts[0].rule).apply_server_side_encryption_by_default).sse_algorithm == "aws:kms" &&
      one(one(aws_s3_bucket_server_side_encryption_configuration.scripts[0].rule).apply_server_side_encryption_by_default).kms_master_key_id == aws_kms_key.glue[0].arn
    )
    error_message = "The script bucket must default to SSE-KMS with the module's key."
  }
  assert {
    condition     = aws_s3_bucket_versioning.scripts[0].versioning_configuration[0].status == "Enabled"
    error_message = "The script bucket must be versioned."
  }
  assert {
    condition = (
      aws_s3_bucket_public_access_block.scripts[0].block_public_acls && aws_s3_bucket_public_access_block.scripts[0].block_public_policy &&
      aws_s3_bucket_public_access_block.scripts[0].ignore_public_acls && aws_s3_bucket_public_access_block.scripts[0].restrict_public_buckets
    )
    error_message = "The script bucket must block all public access."
  }
  assert {
    condition = one(data.aws_iam_policy_document.scripts_bucket[0].statement[0].condition) == {
      test = "Bool", variable = "aws:SecureTransport", values = tolist(["false"])
    } && data.aws_iam_policy_document.scripts_bucket[0].statement[0].effect == "Deny"
    error_message = "The script bucket policy must deny requests without TLS."
  }
  assert {
    condition     = aws_s3_bucket.scripts[0].bucket == "orders-glue-123456789012-us-east-1" && output.script_bucket == "orders-glue-123456789012-us-east-1"
    error_message = "The created bucket must be named <name>-glue-<account>-<region>."
  }
  assert {
    condition     = output.kms_key_arn == aws_kms_key.glue[0].arn
    error_message = "The kms_key_arn output must be the created key."
  }
}

run "underscored_name_gives_valid_bucket" {
  variables {
    name = "orders_daily"
  }
  assert {
    condition     = aws_s3_bucket.scripts[0].bucket == "orders-daily-glue-123456789012-us-east-1" && aws_glue_job.this.name == "orders_daily"
    error_message = "Underscores must become hyphens in the bucket name only."
  }
}

run "existing_key_is_used_everywhere" {
  variables {
    kms_key_arn    = "arn:aws:kms:us-east-1:123456789012:key/platform"
    failure_alerts = {}
  }
  assert {
    condition     = length(aws_kms_key.glue) == 0 && length(data.aws_iam_policy_document.kms_key) == 0 && length(aws_kms_alias.glue) == 0
    error_message = "With kms_key_arn no key is created."
  }
  assert {
    condition = toset([
      aws_glue_security_configuration.this.encryption_configuration[0].s3_encryption[0].kms_key_arn,
      aws_glue_security_configuration.this.encryption_configuration[0].cloudwatch_encryption[0].kms_key_arn,
      aws_glue_security_configuration.this.encryption_configuration[0].job_bookmarks_encryption[0].kms_key_arn,
      aws_cloudwatch_log_group.job[0].kms_key_id,
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
    condition     = one([for s in data.aws_iam_policy_document.kms_key[0].statement : one(s.condition).values if s.sid == "CloudWatchLogsEncryptsGlueLogGroups"]) == tolist(["arn:aws:logs:us-east-1:123456789012:log-group:/aws-glue/python-jobs/*"])
    error_message = "For pythonshell, CloudWatch Logs may use the key for /aws-glue/python-jobs/* groups."
  }
}

# ---------------------------------------------------------------- failure alerting

run "alerts_off_by_default" {
  assert {
    condition     = length(aws_cloudwatch_event_rule.job_failed) == 0 && length(aws_sns_topic.alerts) == 0 && output.alert_topic_arn == null
    error_message = "No alerting unless failure_alerts is set."
  }
}

run "alerts_to_created_topic" {
  variables {
    failure_alerts = {}
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
    condition     = aws_sns_topic.alerts[0].kms_master_key_id == aws_kms_key.glue[0].arn
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
    condition     = contains([for s in data.aws_iam_policy_document.kms_key[0].statement : s.sid], "EventBridgePublishesToAlertTopic")
    error_message = "The key policy must let EventBridge encrypt messages for the topic."
  }
}

run "alerts_to_existing_topic" {
  variables {
    failure_alerts = {
      sns_topic_arn = "arn:aws:sns:us-east-1:123456789012:data-platform-alerts"
      states        = ["FAILED", "TIMEOUT"]
    }
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
    condition     = !contains([for s in data.aws_iam_policy_document.kms_key[0].statement : s.sid], "EventBridgePublishesToAlertTopic")
    error_message = "EventBridge needs no key access when the module creates no topic."
  }
}
