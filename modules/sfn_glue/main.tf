data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  logging_enabled = var.logging.level != "OFF"
  create_topic    = var.failure_topic.arn == null
  create_kms_key  = var.kms_key_arn == null && (local.logging_enabled || local.create_topic)
  kms_key_arn     = var.kms_key_arn != null ? var.kms_key_arn : (local.create_kms_key ? aws_kms_key.this[0].arn : null)
}

resource "aws_sfn_state_machine" "this" {
  # checkov:skip=CKV_AWS_285:Execution history is logged (level ALL by default); inputs and outputs in the log are the caller's choice (logging.include_execution_data), off by default because they may carry sensitive values.
  name       = var.name
  type       = "STANDARD" # .sync integrations exist only in STANDARD workflows
  role_arn   = aws_iam_role.state_machine.arn
  definition = local.definition
  tags       = var.tags

  dynamic "logging_configuration" {
    for_each = local.logging_enabled ? [var.logging] : []
    content {
      # Step Functions wants the group's ARN with ":*".
      log_destination        = "${aws_cloudwatch_log_group.this[0].arn}:*"
      level                  = logging_configuration.value.level
      include_execution_data = logging_configuration.value.include_execution_data
    }
  }

  tracing_configuration {
    enabled = var.tracing_enabled
  }

  lifecycle {
    precondition {
      condition     = length(local.definition) <= 1048576
      error_message = "The state machine definition would exceed 1 MB (the Step Functions limit): run fewer jobs per state machine."
    }
  }

  # Step Functions checks the role's log-delivery rights when the state machine is created.
  depends_on = [aws_iam_role_policy.state_machine]
}

# ---------------------------------------------------------------- encryption

data "aws_iam_policy_document" "kms" {
  count = local.create_kms_key ? 1 : 0

  # checkov:skip=CKV_AWS_109:A key policy's "*" resource is the key itself; the account root delegates to IAM.
  # checkov:skip=CKV_AWS_111:A key policy's "*" resource is the key itself.
  # checkov:skip=CKV_AWS_356:A key policy's "*" resource is the key itself.
  statement {
    sid       = "AccountAdministersKeyThroughIam"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  dynamic "statement" {
    for_each = local.logging_enabled ? [local.log_group_arn] : []
    content {
      sid       = "CloudWatchLogsEncryptsThisLogGroupOnly"
      actions   = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"]
      resources = ["*"]
      principals {
        type        = "Service"
        identifiers = ["logs.${local.region}.amazonaws.com"]
      }
      condition {
        test     = "ArnEquals"
        variable = "kms:EncryptionContext:aws:logs:arn"
        values   = [statement.value]
      }
    }
  }
}

resource "aws_kms_key" "this" {
  count = local.create_kms_key ? 1 : 0

  description             = "Step Functions ${var.name}: execution logs and failure notifications"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_key_deletion_window_days
  policy                  = data.aws_iam_policy_document.kms[0].json
  tags                    = var.tags
}

resource "aws_kms_alias" "this" {
  count = local.create_kms_key ? 1 : 0

  name          = "alias/${var.name}-sfn"
  target_key_id = aws_kms_key.this[0].key_id
}
