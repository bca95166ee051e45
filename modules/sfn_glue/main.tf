data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.name
  partition  = data.aws_partition.current.partition

  logging_enabled = var.logging.level != "OFF"
  create_topic    = var.failure_topic.arn == null
}

resource "aws_sfn_state_machine" "this" {
  # checkov:skip=CKV_AWS_285:Execution history is logged (level ALL by default); inputs and outputs in the log are the caller's choice (logging.include_execution_data), off by default because they may carry sensitive values.
  name       = var.name
  type       = "STANDARD" # .sync integrations exist only in STANDARD workflows
  role_arn   = module.state_machine_role.arn
  definition = local.definition
  tags       = var.tags

  dynamic "logging_configuration" {
    for_each = local.logging_enabled ? [var.logging] : []
    content {
      # Step Functions wants the group's ARN with ":*".
      log_destination        = "${module.log_group[0].arn}:*"
      level                  = logging_configuration.value.level
      include_execution_data = logging_configuration.value.include_execution_data
    }
  }

  tracing_configuration {
    enabled = var.tracing_enabled
  }

  lifecycle {
    precondition {
      condition     = length(local.definition) <= 1048576
      error_message = "The state machine definition would exceed 1 MB (the Step Functions limit): run fewer jobs per state machine."
    }
  }

  # Step Functions checks the role's log-delivery rights when the state machine is created.
  depends_on = [module.state_machine_role]
}
