# The state machine's role. Every grant is built in local.policy_statements from what the inputs name, so the
# tests can check each statement's resources. "*" appears only where AWS documents that the actions take no
# resource-level permissions, and each such place says so.

locals {
  job_arns = distinct([for job in local.jobs : job.arn])

  no_conditions = []

  policy_statements = concat(
    [{
      sid        = "RunDeclaredGlueJobs"
      actions    = local.integration_actions.glue_start_job_run_sync
      resources  = local.job_arns
      conditions = local.no_conditions
    }],
    [{
      sid        = "PublishFailureNotifications"
      actions    = local.integration_actions.sns_publish
      resources  = [local.topic_arn]
      conditions = local.no_conditions
    }],
    local.topic_kms_key_arn == null ? [] : [{
      sid       = "EncryptFailureNotifications"
      actions   = local.integration_actions.sns_publish_encrypted
      resources = [local.topic_kms_key_arn]
      conditions = [{
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["sns.${local.region}.amazonaws.com"]
      }]
    }],
    local.logging_enabled ? [{
      sid     = "DeliverExecutionLogs"
      actions = local.integration_actions.log_delivery
      # "*": the CloudWatch Logs vended-delivery actions support no resource-level permissions; AWS documents
      # "Resource": "*" for them (https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html).
      resources  = ["*"]
      conditions = local.no_conditions
    }] : [],
    var.tracing_enabled ? [{
      sid     = "WriteXRayTraces"
      actions = local.integration_actions.xray
      # "*": these X-Ray actions support no resource-level permissions; AWS documents "Resource": "*"
      # (https://docs.aws.amazon.com/step-functions/latest/dg/xray-iam.html).
      resources  = ["*"]
      conditions = local.no_conditions
    }] : [],
  )
}

data "aws_iam_policy_document" "assume_by_states" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["states.amazonaws.com"]
    }
    # Confused-deputy protection: only Step Functions acting for this account's state machines in this region.
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${local.partition}:states:${local.region}:${local.account_id}:stateMachine:*"]
    }
  }
}

resource "aws_iam_role" "state_machine" {
  name                 = "${var.name}-states"
  description          = "Runs Step Functions state machine ${var.name}"
  assume_role_policy   = data.aws_iam_policy_document.assume_by_states.json
  permissions_boundary = var.role_permissions_boundary_arn
  tags                 = var.tags
}

data "aws_iam_policy_document" "state_machine" {
  # checkov:skip=CKV_AWS_111:The only "*" resources are the log-delivery and X-Ray actions, which AWS documents as taking no resource (see iam.tf).
  # checkov:skip=CKV_AWS_356:The only "*" resources are the log-delivery and X-Ray actions, which AWS documents as taking no resource (see iam.tf).
  dynamic "statement" {
    for_each = local.policy_statements
    content {
      sid       = statement.value.sid
      actions   = statement.value.actions
      resources = statement.value.resources

      dynamic "condition" {
        for_each = statement.value.conditions
        content {
          test     = condition.value.test
          variable = condition.value.variable
          values   = condition.value.values
        }
      }
    }
  }
}

resource "aws_iam_role_policy" "state_machine" {
  name   = "state-machine-permissions"
  role   = aws_iam_role.state_machine.id
  policy = data.aws_iam_policy_document.state_machine.json
}
