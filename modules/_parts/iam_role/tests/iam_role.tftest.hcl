mock_provider "aws" {
  source = "../_test_mocks"
}

variables {
  name            = "orders-glue-job"
  trusted_service = "glue.amazonaws.com"
  policy_name     = "glue-job-permissions"
  policy_statements = [
    { sid = "ReadJobCode", actions = ["s3:GetObject"], resources = ["arn:aws:s3:::scripts/glue-jobs/orders/scripts/job.py"] },
    {
      sid       = "PutGlueMetrics"
      actions   = ["cloudwatch:PutMetricData"]
      resources = ["*"]
      conditions = [{
        test     = "StringEquals"
        variable = "cloudwatch:namespace"
        values   = ["Glue"]
      }]
    },
  ]
}

run "statements_render_in_order_with_their_conditions" {
  command = plan

  assert {
    condition     = [for s in data.aws_iam_policy_document.permissions.statement : s.sid] == ["ReadJobCode", "PutGlueMetrics"]
    error_message = "Every typed statement must become one policy statement, in order."
  }
  assert {
    condition     = data.aws_iam_policy_document.permissions.statement[0].resources == toset(["arn:aws:s3:::scripts/glue-jobs/orders/scripts/job.py"])
    error_message = "A statement's resources must be passed as given."
  }
  assert {
    condition     = length(data.aws_iam_policy_document.permissions.statement[0].condition) == 0 && one(data.aws_iam_policy_document.permissions.statement[1].condition).variable == "cloudwatch:namespace"
    error_message = "Conditions must be rendered only where given."
  }
  assert {
    condition     = aws_iam_role_policy.this.name == "glue-job-permissions" && aws_iam_role.this.name == "orders-glue-job"
    error_message = "The role and its inline policy must carry the names given."
  }
}

run "trust_is_the_one_service_with_its_conditions" {
  command = plan

  variables {
    trusted_service          = "states.amazonaws.com"
    trust_conditions         = [{ test = "StringEquals", variable = "aws:SourceAccount", values = ["123456789012"] }]
    permissions_boundary_arn = "arn:aws:iam::123456789012:policy/boundary"
  }

  assert {
    condition     = one(data.aws_iam_policy_document.trust.statement[0].principals).identifiers == toset(["states.amazonaws.com"])
    error_message = "Only the trusted service may assume the role."
  }
  assert {
    condition     = one(data.aws_iam_policy_document.trust.statement[0].condition).variable == "aws:SourceAccount"
    error_message = "Trust conditions must be on the trust statement."
  }
  assert {
    condition     = aws_iam_role.this.permissions_boundary == "arn:aws:iam::123456789012:policy/boundary"
    error_message = "The permissions boundary must be set on the role."
  }
}

run "service_wide_actions_are_refused" {
  command = plan
  variables {
    policy_statements = [{ sid = "Everything", actions = ["s3:*"], resources = ["arn:aws:s3:::scripts"] }]
  }
  expect_failures = [var.policy_statements]
}

run "an_empty_policy_is_refused" {
  command = plan
  variables {
    policy_statements = []
  }
  expect_failures = [var.policy_statements]
}

run "duplicate_sids_are_refused" {
  command = plan
  variables {
    policy_statements = [
      { sid = "Read", actions = ["s3:GetObject"], resources = ["arn:aws:s3:::a/*"] },
      { sid = "Read", actions = ["s3:GetObject"], resources = ["arn:aws:s3:::b/*"] },
    ]
  }
  expect_failures = [var.policy_statements]
}

run "a_non_service_trust_is_refused" {
  command = plan
  variables {
    trusted_service = "arn:aws:iam::123456789012:root"
  }
  expect_failures = [var.trusted_service]
}
