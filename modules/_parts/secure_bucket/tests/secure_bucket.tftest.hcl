mock_provider "aws" {
  # Mocked ARNs are known at plan time, so the policy document's resources can be checked.
  override_during = plan
  source          = "../_test_mocks"
}

variables {
  name        = "orders-data"
  kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
}

run "private_encrypted_versioned_tls_only_by_default" {
  command = plan

  assert {
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default).sse_algorithm == "aws:kms" && one(aws_s3_bucket_server_side_encryption_configuration.this.rule).bucket_key_enabled == true
    error_message = "A key passed in must give SSE-KMS with an S3 Bucket Key."
  }
  assert {
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default).kms_master_key_id == var.kms_key_arn
    error_message = "The bucket must be encrypted with the key passed in."
  }
  assert {
    condition     = one(aws_s3_bucket_versioning.this.versioning_configuration).status == "Enabled"
    error_message = "Versioning must be on by default."
  }
  assert {
    condition = alltrue([
      aws_s3_bucket_public_access_block.this.block_public_acls,
      aws_s3_bucket_public_access_block.this.block_public_policy,
      aws_s3_bucket_public_access_block.this.ignore_public_acls,
      aws_s3_bucket_public_access_block.this.restrict_public_buckets,
    ])
    error_message = "All four public access blocks must be on."
  }
  assert {
    condition     = one(aws_s3_bucket_ownership_controls.this.rule).object_ownership == "BucketOwnerEnforced"
    error_message = "ACLs must be disabled."
  }
  assert {
    condition     = length(data.aws_iam_policy_document.this.statement) == 1 && data.aws_iam_policy_document.this.statement[0].effect == "Deny"
    error_message = "The bucket policy must hold the TLS-only deny and nothing else by default."
  }
  assert {
    condition     = one(data.aws_iam_policy_document.this.statement[0].condition).variable == "aws:SecureTransport" && one(data.aws_iam_policy_document.this.statement[0].condition).values == tolist(["false"])
    error_message = "The deny must match requests that are not over TLS."
  }
  assert {
    condition     = data.aws_iam_policy_document.this.statement[0].resources == toset(["arn:aws:s3:::orders-data", "arn:aws:s3:::orders-data/*"])
    error_message = "The deny must cover the bucket and every object."
  }
  assert {
    condition     = length(aws_s3_bucket_logging.this) == 0 && length(aws_s3_bucket_lifecycle_configuration.this) == 0
    error_message = "Logging and lifecycle are off unless asked for."
  }
  assert {
    condition     = aws_s3_bucket.this.force_destroy == false
    error_message = "force_destroy must default to false."
  }
}

run "no_key_means_sse_s3_without_a_bucket_key" {
  command = plan
  variables {
    kms_key_arn = null
  }
  assert {
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default).sse_algorithm == "AES256" && one(aws_s3_bucket_server_side_encryption_configuration.this.rule).bucket_key_enabled == null
    error_message = "Without a key the bucket must use SSE-S3 and no bucket key."
  }
}

run "a_log_target_lets_s3_logging_deliver_for_the_named_buckets" {
  command = plan
  variables {
    kms_key_arn         = null
    access_log_delivery = { source_bucket_arns = ["arn:aws:s3:::orders-source"] }
  }
  assert {
    condition     = data.aws_iam_policy_document.this.statement[1].sid == "S3ServerAccessLogDelivery" && data.aws_iam_policy_document.this.statement[1].resources == toset(["arn:aws:s3:::orders-data/s3/*"])
    error_message = "Log delivery must be allowed under the prefix only."
  }
  assert {
    condition     = [for c in data.aws_iam_policy_document.this.statement[1].condition : c.variable] == ["aws:SourceArn", "aws:SourceAccount"]
    error_message = "Log delivery must be tied to the source buckets and this account."
  }
}

run "access_logging_defaults_its_prefix_to_the_bucket_name" {
  command = plan
  variables {
    access_logging = { target_bucket = "orders-logs" }
  }
  assert {
    condition     = aws_s3_bucket_logging.this[0].target_bucket == "orders-logs" && aws_s3_bucket_logging.this[0].target_prefix == "s3/orders-data/"
    error_message = "Access logs must go to the target bucket under s3/<name>/ by default."
  }
}

run "lifecycle_rules_render_only_the_actions_given" {
  command = plan
  variables {
    lifecycle_rules = [
      { id = "tidy", noncurrent_version_expiration_days = 30, abort_incomplete_multipart_upload_days = 7 },
      { id = "expire-quarantine", prefix = "quarantine/", expiration_days = 90 },
      { id = "colder-versions", noncurrent_version_transition = { days = 90, storage_class = "GLACIER_IR" } },
    ]
  }
  assert {
    condition     = [for rule in aws_s3_bucket_lifecycle_configuration.this[0].rule : rule.id] == ["tidy", "expire-quarantine", "colder-versions"]
    error_message = "Every rule must be rendered, in order."
  }
  assert {
    condition     = length(aws_s3_bucket_lifecycle_configuration.this[0].rule[0].expiration) == 0 && one(aws_s3_bucket_lifecycle_configuration.this[0].rule[0].noncurrent_version_expiration).noncurrent_days == 30
    error_message = "A rule must hold only the actions it sets."
  }
  assert {
    condition     = one(aws_s3_bucket_lifecycle_configuration.this[0].rule[1].filter).prefix == "quarantine/" && one(aws_s3_bucket_lifecycle_configuration.this[0].rule[1].expiration).days == 90
    error_message = "A prefixed rule must filter on its prefix."
  }
  assert {
    condition     = one(aws_s3_bucket_lifecycle_configuration.this[0].rule[2].noncurrent_version_transition).storage_class == "GLACIER_IR"
    error_message = "A noncurrent transition must be rendered with its storage class."
  }
}

run "a_rule_with_no_action_is_refused" {
  command = plan
  variables {
    lifecycle_rules = [{ id = "nothing" }]
  }
  expect_failures = [var.lifecycle_rules]
}

run "an_unknown_storage_class_is_refused" {
  command = plan
  variables {
    lifecycle_rules = [{ id = "colder", noncurrent_version_transition = { days = 90, storage_class = "COLD" } }]
  }
  expect_failures = [var.lifecycle_rules]
}

run "an_invalid_bucket_name_is_refused" {
  command = plan
  variables {
    name = "Orders_Data"
  }
  expect_failures = [var.name]
}

run "an_alias_instead_of_a_key_arn_is_refused" {
  command = plan
  variables {
    kms_key_arn = "alias/orders"
  }
  expect_failures = [var.kms_key_arn]
}
