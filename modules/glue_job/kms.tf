# The customer-managed KMS key (unless one is passed in) and the Glue security configuration that uses it.

locals {
  # Log groups CloudWatch Logs may encrypt with the key: Glue's groups for this kind of job, which include
  # the module's group and the encrypted output groups Glue creates (named after the security configuration
  # and role). The names are only known as patterns, hence the wildcard.
  glue_log_group_arns = [
    "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.is_pythonshell ? "/aws-glue/python-jobs" : "/aws-glue/jobs"}/*",
  ]
  # The alert rule's ARN is built from its name so the key policy does not wait for the rule.
  alert_rule_name = "${var.name}-glue-job-failed"
  alert_rule_arn  = "arn:${local.partition}:events:${local.region}:${local.account_id}:rule/${local.alert_rule_name}"
  create_topic    = var.failure_topic != null ? var.failure_topic.arn == null : false
}

# The key's service grants, as data so the tests can read them.
locals {
  kms_service_grants = concat(
    [{
      sid     = "CloudWatchLogsEncryptsGlueLogGroups"
      service = "logs.${local.region}.amazonaws.com"
      actions = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
      conditions = [{
        test     = "ArnLike"
        variable = "kms:EncryptionContext:aws:logs:arn"
        values   = local.glue_log_group_arns
      }]
    }],
    # EventBridge must encrypt what it publishes to the alert topic, which uses this key.
    local.create_topic ? [{
      sid     = "EventBridgePublishesToAlertTopic"
      service = "events.amazonaws.com"
      actions = ["kms:Decrypt", "kms:GenerateDataKey*"]
      conditions = [{
        test     = "StringEquals"
        variable = "aws:SourceAccount"
        values   = [local.account_id]
      }]
    }] : [],
    var.additional_kms_service_grants,
  )
}

module "kms_key" {
  source = "../_parts/kms_key"
  count  = local.create_kms_key ? 1 : 0

  name                    = "${var.name}-glue-job"
  description             = "Glue job ${var.name}: script objects, logs, job bookmarks, S3 output and alerts"
  deletion_window_in_days = var.kms_key_deletion_window_days
  service_grants          = local.kms_service_grants
  tags                    = var.tags
}

resource "aws_glue_security_configuration" "this" {
  name = local.security_configuration_name

  encryption_configuration {
    cloudwatch_encryption {
      cloudwatch_encryption_mode = "SSE-KMS"
      kms_key_arn                = local.kms_key_arn
    }

    job_bookmarks_encryption {
      job_bookmarks_encryption_mode = "CSE-KMS"
      kms_key_arn                   = local.kms_key_arn
    }

    s3_encryption {
      s3_encryption_mode = "SSE-KMS"
      kms_key_arn        = local.kms_key_arn
    }
  }
}
