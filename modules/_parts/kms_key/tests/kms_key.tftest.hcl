mock_provider "aws" {
  source = "../_test_mocks"
}

variables {
  name        = "orders-glue-job"
  description = "Glue job orders"
}

run "account_root_administers_a_rotated_key" {
  command = plan

  assert {
    condition     = aws_kms_key.this.enable_key_rotation && aws_kms_key.this.deletion_window_in_days == 30
    error_message = "The key must rotate and keep the 30-day deletion window by default."
  }
  assert {
    condition     = aws_kms_alias.this.name == "alias/orders-glue-job"
    error_message = "The alias must be alias/<name>."
  }
  assert {
    condition     = length(data.aws_iam_policy_document.this.statement) == 1 && data.aws_iam_policy_document.this.statement[0].sid == "AccountAdministersKeyThroughIam"
    error_message = "With no grants the policy must hold the account-root statement only."
  }
  assert {
    condition     = one(data.aws_iam_policy_document.this.statement[0].principals).identifiers == toset(["arn:aws:iam::123456789012:root"])
    error_message = "The account root must administer the key."
  }
}

run "service_and_role_grants_become_statements" {
  command = plan

  variables {
    service_grants = [{
      sid     = "CloudWatchLogsEncryptsGlueLogGroups"
      service = "logs.us-east-1.amazonaws.com"
      actions = ["kms:Encrypt*", "kms:Decrypt*"]
      conditions = [{
        test     = "ArnLike"
        variable = "kms:EncryptionContext:aws:logs:arn"
        values   = ["arn:aws:logs:us-east-1:123456789012:log-group:/aws-glue/jobs/*"]
      }]
    }]
    role_grants = [{
      sid       = "ReadersDecrypt"
      role_arns = ["arn:aws:iam::123456789012:role/analyst"]
      actions   = ["kms:Decrypt"]
    }]
  }

  assert {
    condition     = [for s in data.aws_iam_policy_document.this.statement : s.sid] == ["AccountAdministersKeyThroughIam", "CloudWatchLogsEncryptsGlueLogGroups", "ReadersDecrypt"]
    error_message = "Grants must follow the root statement in order: services, then roles."
  }
  assert {
    condition     = one(data.aws_iam_policy_document.this.statement[1].principals).type == "Service" && one(data.aws_iam_policy_document.this.statement[1].principals).identifiers == toset(["logs.us-east-1.amazonaws.com"])
    error_message = "A service grant's principal must be the service."
  }
  assert {
    condition     = one(data.aws_iam_policy_document.this.statement[1].condition).variable == "kms:EncryptionContext:aws:logs:arn"
    error_message = "A service grant must carry its condition."
  }
  assert {
    condition     = one(data.aws_iam_policy_document.this.statement[2].principals).identifiers == toset(["arn:aws:iam::123456789012:role/analyst"])
    error_message = "A role grant's principal must be the roles named."
  }
}

run "a_service_grant_without_a_condition_is_refused" {
  command = plan
  variables {
    service_grants = [{ sid = "Logs", service = "logs.us-east-1.amazonaws.com", actions = ["kms:Decrypt"], conditions = [] }]
  }
  expect_failures = [var.service_grants]
}

run "kms_star_is_refused" {
  command = plan
  variables {
    service_grants = [{ sid = "Logs", service = "logs.us-east-1.amazonaws.com", actions = ["kms:*"], conditions = [{ test = "StringEquals", variable = "aws:SourceAccount", values = ["123456789012"] }] }]
  }
  expect_failures = [var.service_grants]
}

run "duplicate_sids_are_refused" {
  command = plan
  variables {
    service_grants = [
      { sid = "Logs", service = "logs.us-east-1.amazonaws.com", actions = ["kms:Decrypt"], conditions = [{ test = "StringEquals", variable = "aws:SourceAccount", values = ["123456789012"] }] },
      { sid = "Logs", service = "events.amazonaws.com", actions = ["kms:Decrypt"], conditions = [{ test = "StringEquals", variable = "aws:SourceAccount", values = ["123456789012"] }] },
    ]
  }
  expect_failures = [var.service_grants]
}

run "a_role_grant_needs_role_arns" {
  command = plan
  variables {
    role_grants = [{ sid = "Readers", role_arns = ["arn:aws:iam::123456789012:user/someone"], actions = ["kms:Decrypt"] }]
  }
  expect_failures = [var.role_grants]
}

run "aws_reserved_alias_is_refused" {
  command = plan
  variables {
    name = "aws/glue"
  }
  expect_failures = [var.name]
}

run "deletion_window_outside_7_to_30_is_refused" {
  command = plan
  variables {
    deletion_window_in_days = 5
  }
  expect_failures = [var.deletion_window_in_days]
}
