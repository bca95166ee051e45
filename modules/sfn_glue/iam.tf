# The state machine's role (modules/_parts/iam_role). Every grant is built in local.policy_statements from what
# the inputs name, so the tests can check each statement's resources. "*" appears only where AWS documents that the actions take no
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

  # Who may assume the role, as data so the tests can read it. Confused-deputy protection: only Step Functions
  # acting for this account's state machines in this region.
  state_machine_trust = {
    service = "states.amazonaws.com"
    conditions = [
      {
        test     = "StringEquals"
        variable = "aws:SourceAccount"
        values   = [local.account_id]
      },
      {
        test     = "ArnLike"
        variable = "aws:SourceArn"
        values   = ["arn:${local.partition}:states:${local.region}:${local.account_id}:stateMachine:*"]
      },
    ]
  }
}

module "state_machine_role" {
  source = "../_parts/iam_role"

  name                     = "${var.name}-states"
  description              = "Runs Step Functions state machine ${var.name}"
  trusted_service          = local.state_machine_trust.service
  trust_conditions         = local.state_machine_trust.conditions
  permissions_boundary_arn = var.role_permissions_boundary_arn
  policy_name              = "state-machine-permissions"
  policy_statements        = local.policy_statements
  tags                     = var.tags
}
