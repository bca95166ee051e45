# The topic failed executions are published to (unless one is passed in): KMS-encrypted, and only this state
# machine's role may publish to it, over TLS (same-account administration goes through IAM as usual).

locals {
  topic_arn         = local.create_topic ? aws_sns_topic.failures[0].arn : var.failure_topic.arn
  topic_kms_key_arn = local.create_topic ? local.kms_key_arn : var.failure_topic.kms_key_arn
}

resource "aws_sns_topic" "failures" {
  count = local.create_topic ? 1 : 0

  name              = "${var.name}-failures"
  kms_master_key_id = local.kms_key_arn
  tags              = var.tags
}

data "aws_iam_policy_document" "topic" {
  count = local.create_topic ? 1 : 0

  statement {
    sid       = "OnlyTheStateMachinePublishes"
    effect    = "Deny"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.failures[0].arn]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
    condition {
      test     = "ArnNotEquals"
      variable = "aws:PrincipalArn"
      values   = [module.state_machine_role.arn]
    }
  }

  statement {
    sid       = "TlsOnly"
    effect    = "Deny"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.failures[0].arn]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_sns_topic_policy" "failures" {
  count = local.create_topic ? 1 : 0

  arn    = aws_sns_topic.failures[0].arn
  policy = data.aws_iam_policy_document.topic[0].json
}
