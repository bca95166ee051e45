mock_provider "aws" {
  source = "../_test_mocks"
}

variables {
  name           = "/aws-glue/jobs/orders"
  retention_days = 30
  kms_key_arn    = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
}

run "encrypted_with_the_retention_given" {
  command = plan

  assert {
    condition     = aws_cloudwatch_log_group.this.kms_key_id == var.kms_key_arn && aws_cloudwatch_log_group.this.retention_in_days == 30
    error_message = "The group must be encrypted with the key and keep events for the days given."
  }
}

run "a_retention_cloudwatch_refuses_is_refused" {
  command = plan
  variables {
    retention_days = 31
  }
  expect_failures = [var.retention_days]
}

run "an_alias_instead_of_a_key_arn_is_refused" {
  command = plan
  variables {
    kms_key_arn = "alias/aws/logs"
  }
  expect_failures = [var.kms_key_arn]
}
