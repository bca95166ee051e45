# The key: the one modules/glue_job creates for the job (unless one is passed in), with the grants this module
# adds for its own uses of it: the output bucket and the alert topic, which CloudWatch alarms and EventBridge
# publish to. The stream keeps its own key (alias/aws/kinesis or the one given).

locals {
  create_kms_key = var.kms_key_arn == null
  kms_key_arn    = local.create_kms_key ? module.job.kms_key_arn : var.kms_key_arn

  # Added to the grants modules/glue_job gives CloudWatch Logs for the job's log groups.
  kms_service_grants = [
    {
      sid     = "EventBridgePublishesAlerts"
      service = "events.amazonaws.com"
      actions = ["kms:Decrypt", "kms:GenerateDataKey*"]
      conditions = [{
        test     = "StringEquals"
        variable = "aws:SourceAccount"
        values   = [local.account_id]
      }]
    },
    {
      sid     = "CloudWatchAlarmsPublishAlerts"
      service = "cloudwatch.amazonaws.com"
      actions = ["kms:Decrypt", "kms:GenerateDataKey*"]
      conditions = [{
        test     = "StringEquals"
        variable = "aws:SourceAccount"
        values   = [local.account_id]
      }]
    },
  ]
}
