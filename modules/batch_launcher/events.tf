# The rule on Batch Job State Change events of the dependency queues, its target (the launcher, retried),
# and the encrypted dead-letter queue for events that could not be delivered or handled.

resource "aws_cloudwatch_event_rule" "batch_finished" {
  name          = local.rule_name
  description   = "A job on a dependency queue of ${var.name} ended SUCCEEDED or FAILED"
  event_pattern = jsonencode(local.event_pattern)
  tags          = var.tags
}

resource "aws_cloudwatch_event_target" "launcher" {
  rule = aws_cloudwatch_event_rule.batch_finished.name
  arn  = aws_lambda_function.launcher.arn

  retry_policy {
    maximum_retry_attempts       = var.event_delivery.maximum_retry_attempts
    maximum_event_age_in_seconds = var.event_delivery.maximum_event_age_seconds
  }

  dead_letter_config {
    arn = aws_sqs_queue.dead_letters.arn
  }

  depends_on = [aws_lambda_permission.events, aws_sqs_queue_policy.dead_letters]
}

resource "aws_sqs_queue" "dead_letters" {
  name                              = local.queue_name
  message_retention_seconds         = var.dead_letter_retention_seconds
  kms_master_key_id                 = local.kms_key_arn
  kms_data_key_reuse_period_seconds = 300
  tags                              = var.tags
}

data "aws_iam_policy_document" "dead_letters" {
  statement {
    sid       = "EventBridgeSendsUndeliveredEvents"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.dead_letters.arn]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [local.rule_arn]
    }
  }
}

resource "aws_sqs_queue_policy" "dead_letters" {
  queue_url = aws_sqs_queue.dead_letters.id
  policy    = data.aws_iam_policy_document.dead_letters.json
}
