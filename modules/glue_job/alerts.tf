# Optional failure alerting: Glue's job state-change events for this job -> SNS.

locals {
  create_alerts   = var.failure_topic != null
  alert_topic_arn = local.create_alerts ? (local.create_topic ? aws_sns_topic.alerts[0].arn : var.failure_topic.arn) : null
}

resource "aws_sns_topic" "alerts" {
  count = local.create_topic ? 1 : 0

  name              = "${var.name}-glue-job-alerts"
  kms_master_key_id = local.kms_key_arn
  tags              = var.tags
}

data "aws_iam_policy_document" "alerts_topic" {
  count = local.create_topic ? 1 : 0

  statement {
    sid       = "OnlyThisJobsAlertRulePublishes"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alerts[0].arn]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [local.alert_rule_arn]
    }
  }
}

resource "aws_sns_topic_policy" "alerts" {
  count = local.create_topic ? 1 : 0

  arn    = aws_sns_topic.alerts[0].arn
  policy = data.aws_iam_policy_document.alerts_topic[0].json
}

resource "aws_cloudwatch_event_rule" "job_failed" {
  count = local.create_alerts ? 1 : 0

  name        = local.alert_rule_name
  description = "Glue job ${var.name} ended in ${join(", ", var.failure_alert_states)}"
  event_pattern = jsonencode({
    source        = ["aws.glue"]
    "detail-type" = ["Glue Job State Change"]
    detail = {
      jobName = [var.name]
      state   = var.failure_alert_states
    }
  })
  tags = var.tags
}

resource "aws_cloudwatch_event_target" "job_failed" {
  count = local.create_alerts ? 1 : 0

  rule      = aws_cloudwatch_event_rule.job_failed[0].name
  target_id = "sns"
  arn       = local.alert_topic_arn

  depends_on = [aws_sns_topic_policy.alerts]
}
