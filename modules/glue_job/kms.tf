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
  create_topic    = var.failure_alerts != null ? var.failure_alerts.sns_topic_arn == null : false
}

data "aws_iam_policy_document" "kms_key" {
  # checkov:skip=CKV_AWS_109:A key policy's "*" resource means this key only; the account root statement is the documented default that delegates to IAM.
  # checkov:skip=CKV_AWS_111:A key policy's "*" resource means this key only.
  # checkov:skip=CKV_AWS_356:A key policy's "*" resource means this key only.
  count = local.create_kms_key ? 1 : 0

  statement {
    sid       = "AccountAdministersKeyThroughIam"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  statement {
    sid = "CloudWatchLogsEncryptsGlueLogGroups"
    actions = [
      "kms:Encrypt*",
      "kms:Decrypt*",
      "kms:ReEncrypt*",
      "kms:GenerateDataKey*",
      "kms:Describe*",
    ]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["logs.${local.region}.amazonaws.com"]
    }
    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = local.glue_log_group_arns
    }
  }

  # EventBridge must encrypt what it publishes to the alert topic, which uses this key.
  dynamic "statement" {
    for_each = local.create_topic ? [1] : []
    content {
      sid       = "EventBridgePublishesToAlertTopic"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
      resources = ["*"]
      principals {
        type        = "Service"
        identifiers = ["events.amazonaws.com"]
      }
      condition {
        test     = "StringEquals"
        variable = "aws:SourceAccount"
        values   = [local.account_id]
      }
    }
  }
}

resource "aws_kms_key" "glue" {
  count = local.create_kms_key ? 1 : 0

  description             = "Glue job ${var.name}: script objects, logs, job bookmarks, S3 output and alerts"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_key_deletion_window_days
  policy                  = data.aws_iam_policy_document.kms_key[0].json
  tags                    = var.tags
}

resource "aws_kms_alias" "glue" {
  count = local.create_kms_key ? 1 : 0

  name          = "alias/glue-job-${var.name}"
  target_key_id = aws_kms_key.glue[0].key_id
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
