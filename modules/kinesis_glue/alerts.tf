# Alarms on the stream and the job, and the topic they (and the job-stopped rule of modules/glue_job) publish to.

locals {
  alerting     = var.failure_topic != null
  create_topic = local.alerting ? var.failure_topic.arn == null : false
  topic_name   = "${var.name}-stream-alerts"
  # Built from the name, so the job module (which decides from it whether to create a topic) knows it at plan.
  topic_arn     = local.create_topic ? "arn:${local.partition}:sns:${local.region}:${local.account_id}:${local.topic_name}" : (local.alerting ? var.failure_topic.arn : null)
  alarm_actions = local.alerting ? [local.topic_arn] : []

  alarm_names = {
    iterator_age   = "${var.name}-stream-iterator-age"
    read_throttled = "${var.name}-stream-read-throttled"
    consumer_lag   = "${var.name}-glue-consumer-lag"
  }
  alarm_arn_prefix = "arn:${local.partition}:cloudwatch:${local.region}:${local.account_id}:alarm:"
  # The rule modules/glue_job creates for the job's state changes (named "<job>-glue-job-failed" there).
  job_state_rule_arn = "arn:${local.partition}:events:${local.region}:${local.account_id}:rule/${var.name}-glue-job-failed"
}

resource "aws_sns_topic" "alerts" {
  count = local.create_topic ? 1 : 0

  name              = local.topic_name
  kms_master_key_id = local.kms_key_arn
  tags              = var.tags
}

data "aws_iam_policy_document" "alerts_topic" {
  count = local.create_topic ? 1 : 0

  statement {
    sid       = "OnlyThisPipelinesAlarmsPublish"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alerts[0].arn]
    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = [for name in values(local.alarm_names) : "${local.alarm_arn_prefix}${name}"]
    }
  }

  statement {
    sid       = "OnlyThisJobsStateRulePublishes"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alerts[0].arn]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [local.job_state_rule_arn]
    }
  }
}

resource "aws_sns_topic_policy" "alerts" {
  count = local.create_topic ? 1 : 0

  arn    = aws_sns_topic.alerts[0].arn
  policy = data.aws_iam_policy_document.alerts_topic[0].json
}

# A consumer falling behind: the oldest record read is older than a share of the retention (default half), so
# data would be lost to expiry before it is read if nothing changes.
resource "aws_cloudwatch_metric_alarm" "iterator_age" {
  count = var.alarms.enabled ? 1 : 0

  alarm_name          = local.alarm_names.iterator_age
  alarm_description   = "Records on ${local.stream_name} wait ${var.alarms.iterator_age_ratio * 100}% of the ${local.retention_hours} h retention or more before they are read."
  namespace           = "AWS/Kinesis"
  metric_name         = "GetRecords.IteratorAgeMilliseconds"
  dimensions          = { StreamName = local.stream_name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = local.iterator_age_max
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  tags                = var.tags

  depends_on = [aws_sns_topic_policy.alerts]
}

# Reads throttled by the stream's read throughput (the construct's alarm and values).
resource "aws_cloudwatch_metric_alarm" "read_throttled" {
  count = var.alarms.enabled ? 1 : 0

  alarm_name          = local.alarm_names.read_throttled
  alarm_description   = "Reads from ${local.stream_name} exceeded its provisioned read throughput."
  namespace           = "AWS/Kinesis"
  metric_name         = "ReadProvisionedThroughputExceeded"
  dimensions          = { StreamName = local.stream_name }
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  tags                = var.tags

  depends_on = [aws_sns_topic_policy.alerts]
}

# The job itself falling behind the stream (Glue's streaming metric, emitted with emitConsumerLagMetrics).
resource "aws_cloudwatch_metric_alarm" "consumer_lag" {
  count = var.alarms.enabled ? 1 : 0

  alarm_name        = local.alarm_names.consumer_lag
  alarm_description = "Glue job ${var.name} is more than ${var.alarms.consumer_lag_threshold_ms} ms behind ${local.stream_name}."
  namespace         = "Glue"
  metric_name       = "glue.driver.streaming.maxConsumerLagInMs"
  dimensions = {
    JobName  = module.job.job_name
    JobRunId = "ALL"
    Type     = "gauge"
  }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = var.alarms.consumer_lag_threshold_ms
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  tags                = var.tags

  depends_on = [aws_sns_topic_policy.alerts]
}
