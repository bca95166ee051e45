# Optional schedule: an EventBridge rule whose target starts an execution with a fixed input, through a role
# that may start only this state machine and only be assumed by EventBridge for this rule.

locals {
  create_schedule    = var.schedule != null
  schedule_rule_name = "${var.name}-schedule"
  schedule_rule_arn  = "arn:${local.partition}:events:${local.region}:${local.account_id}:rule/${local.schedule_rule_name}"
  # "$." paths the scheduled input must provide: top-level fields only, since the input is a map of strings.
  schedule_missing_paths = local.create_schedule ? [
    for path in local.input_paths : path if !contains([for field in keys(var.schedule.input) : "$.${field}"], path)
  ] : []

  # The schedule role's trust and policy, as data so the tests can read them.
  schedule_trust = {
    service = "events.amazonaws.com"
    conditions = [
      {
        test     = "StringEquals"
        variable = "aws:SourceAccount"
        values   = [local.account_id]
      },
      {
        test     = "ArnEquals"
        variable = "aws:SourceArn"
        values   = [local.schedule_rule_arn]
      },
    ]
  }
  schedule_policy_statements = [{
    sid       = "StartThisStateMachine"
    actions   = ["states:StartExecution"]
    resources = [aws_sfn_state_machine.this.arn]
  }]
}

resource "aws_cloudwatch_event_rule" "schedule" {
  count = local.create_schedule ? 1 : 0

  name                = local.schedule_rule_name
  description         = "Starts Step Functions state machine ${var.name} on ${var.schedule.expression}"
  schedule_expression = var.schedule.expression
  state               = var.schedule.enabled ? "ENABLED" : "DISABLED"
  tags                = var.tags
}

module "schedule_role" {
  source = "../_parts/iam_role"
  count  = local.create_schedule ? 1 : 0

  name                     = "${var.name}-schedule-start"
  description              = "Lets EventBridge rule ${local.schedule_rule_name} start state machine ${var.name}"
  trusted_service          = local.schedule_trust.service
  trust_conditions         = local.schedule_trust.conditions
  permissions_boundary_arn = var.role_permissions_boundary_arn
  policy_name              = "start-state-machine"
  policy_statements        = local.schedule_policy_statements
  tags                     = var.tags
}

resource "aws_cloudwatch_event_target" "schedule" {
  count = local.create_schedule ? 1 : 0

  rule      = aws_cloudwatch_event_rule.schedule[0].name
  target_id = "start-execution"
  arn       = aws_sfn_state_machine.this.arn
  role_arn  = module.schedule_role[0].arn
  input     = jsonencode(var.schedule.input)

  lifecycle {
    precondition {
      condition     = length(local.schedule_missing_paths) == 0
      error_message = "schedule.input must hold every execution-input field the jobs read; missing: ${join(", ", local.schedule_missing_paths)} (nested paths cannot be given in schedule.input, which is a map of strings)."
    }
  }

  depends_on = [module.schedule_role]
}
