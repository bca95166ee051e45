# The launcher function and how failed invocations are retried and kept (its log group: logging.tf).

resource "aws_lambda_function" "launcher" {
  # checkov:skip=CKV_AWS_117:The launcher only calls AWS APIs (Batch, S3, Athena, Glue); a VPC would add NAT or endpoints and protect nothing.
  # checkov:skip=CKV_AWS_272:The package is built reproducibly from this repository (make build) and pinned by its hash; code signing needs a signing profile the caller owns.
  # checkov:skip=CKV_AWS_50:X-Ray tracing is not needed to follow one short, logged sequence of API calls.
  # checkov:skip=CKV_AWS_116:Failed invocations go to the dead-letter queue as the on-failure destination (aws_lambda_function_event_invoke_config below), which keeps the error with the event.
  function_name = local.function_name
  description   = "Starts ${module.comparison_job.job_name} once the dependency Batch queues have drained"
  role          = module.launcher_role.arn
  runtime       = "python3.12"
  architectures = ["x86_64"] # the packager vendors manylinux x86_64 wheels
  # The package holds the package `launcher` at its root (see src/lambdas/batch_launcher/README.md).
  handler          = "launcher.handler.lambda_handler"
  filename         = var.lambda_package_path
  source_code_hash = filebase64sha256(var.lambda_package_path)
  timeout          = var.lambda_timeout_seconds
  memory_size      = var.lambda_memory_mb
  kms_key_arn      = local.kms_key_arn
  # One launch at a time: two drained-queue events never run the steps side by side.
  reserved_concurrent_executions = 1
  tags                           = var.tags

  environment {
    variables = local.lambda_environment
  }

  lifecycle {
    precondition {
      condition     = var.lambda_timeout_seconds >= 8 * var.athena_query_timeout_seconds + 60
      error_message = "lambda_timeout_seconds must be at least 8 x athena_query_timeout_seconds + 60 (eight Athena statements, then the Glue calls): raise it or lower athena_query_timeout_seconds."
    }
  }

  # The role carries its policy, and the log group exists (with its key and retention) before Lambda could
  # create one without them.
  depends_on = [module.launcher_role, module.launcher_log_group]
}

# An invocation that failed (an error, a timeout) or stayed throttled is retried, then its event and the error
# go to the dead-letter queue.
resource "aws_lambda_function_event_invoke_config" "launcher" {
  function_name                = aws_lambda_function.launcher.function_name
  maximum_retry_attempts       = var.invocation_retries.maximum_retry_attempts
  maximum_event_age_in_seconds = var.invocation_retries.maximum_event_age_seconds

  destination_config {
    on_failure {
      destination = aws_sqs_queue.dead_letters.arn
    }
  }

  depends_on = [module.launcher_role]
}

resource "aws_lambda_permission" "events" {
  statement_id  = "AllowBatchFinishedRule"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.launcher.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.batch_finished.arn
}
