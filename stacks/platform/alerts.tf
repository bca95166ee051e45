# Where failures and alarms go. settings.alerts = null: every pipeline creates its own encrypted topic (the
# modules' default; cheap and separate, fine for dev). settings.alerts = { subscriptions }: one stack topic that
# every pipeline's failure messages, job-state rules and alarms publish to, so on-call subscribes once (prod).

locals {
  shared_alerts   = var.settings.alerts != null
  alerts_name     = "${local.name}-alerts"
  alerts_topic_id = "arn:${data.aws_partition.current.partition}:sns:${data.aws_region.current.name}:${local.account_id}:${local.alerts_name}"
  # What each module's failure_topic input gets: {} = create its own; { arn, kms_key_arn } = the stack's. The
  # modules decide from the ARN at plan whether to create a topic, so it is built from the topic's name (known at
  # plan, unlike its arn attribute); the reference still makes them wait for the topic.
  failure_topic = local.shared_alerts ? {
    arn         = "arn:${data.aws_partition.current.partition}:sns:${data.aws_region.current.name}:${local.account_id}:${aws_sns_topic.alerts[0].name}"
    kms_key_arn = module.alerts_key[0].key_arn
  } : {}
}

module "alerts_key" {
  source = "../../modules/_parts/kms_key"
  count  = local.shared_alerts ? 1 : 0

  name                    = local.alerts_name
  description             = "${local.name} alerts topic"
  deletion_window_in_days = var.settings.kms_key_deletion_window_days

  # CloudWatch alarms and EventBridge rules of this account encrypt the messages they publish to the topic.
  # The Step Functions roles encrypt through their own IAM policies (modules/sfn_glue), so need no grant here.
  service_grants = [for service in ["cloudwatch", "events"] : {
    sid        = "${title(service)}PublishesEncryptedAlerts"
    service    = "${service}.amazonaws.com"
    actions    = ["kms:GenerateDataKey*", "kms:Decrypt"]
    conditions = [{ test = "StringEquals", variable = "aws:SourceAccount", values = [local.account_id] }]
  }]
}

resource "aws_sns_topic" "alerts" {
  count = local.shared_alerts ? 1 : 0

  name              = local.alerts_name
  kms_master_key_id = module.alerts_key[0].key_arn
}

data "aws_iam_policy_document" "alerts" {
  count = local.shared_alerts ? 1 : 0

  # Only this stack's alarms and rules (named "<stack>-..." by the modules) may publish as services.
  statement {
    sid       = "StackAlarmsPublish"
    actions   = ["sns:Publish"]
    resources = [local.alerts_topic_id]
    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${data.aws_partition.current.partition}:cloudwatch:${data.aws_region.current.name}:${local.account_id}:alarm:${local.name}-*"]
    }
  }
  statement {
    sid       = "StackRulesPublish"
    actions   = ["sns:Publish"]
    resources = [local.alerts_topic_id]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${data.aws_partition.current.partition}:events:${data.aws_region.current.name}:${local.account_id}:rule/${local.name}-*"]
    }
  }
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sns:Publish"]
    resources = [local.alerts_topic_id]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_sns_topic_policy" "alerts" {
  count = local.shared_alerts ? 1 : 0

  arn    = aws_sns_topic.alerts[0].arn
  policy = data.aws_iam_policy_document.alerts[0].json
}

resource "aws_sns_topic_subscription" "alerts" {
  for_each = local.shared_alerts ? { for subscription in var.settings.alerts.subscriptions : "${subscription.protocol}:${subscription.endpoint}" => subscription } : {}

  topic_arn = aws_sns_topic.alerts[0].arn
  protocol  = each.value.protocol
  endpoint  = each.value.endpoint
}
