# Where approval stages announce themselves (approval_topic): none, a created topic, or one passed in.
# CodePipeline publishes with the pipeline's role (iam.tf: sns:Publish on this topic only, and the key it is
# encrypted with), so the topic needs no policy beyond SNS's default one for this account.

locals {
  approval_notifications = var.approval_topic != null
  create_approval_topic  = local.approval_notifications ? var.approval_topic.arn == null : false
  approval_topic_name    = "${var.name}-approvals"
  approval_topic_arn     = local.create_approval_topic ? aws_sns_topic.approvals[0].arn : (local.approval_notifications ? var.approval_topic.arn : null)
  approval_topic_key_arn = local.create_approval_topic ? local.kms_key_arn : (local.approval_notifications ? var.approval_topic.kms_key_arn : null)
}

resource "aws_sns_topic" "approvals" {
  count = local.create_approval_topic ? 1 : 0

  name              = local.approval_topic_name
  display_name      = "Approvals of ${var.name}"
  kms_master_key_id = local.kms_key_arn
  tags              = var.tags
}
