# The deployer (src/lambdas/glue_deployer): one invocation per Deploy action and per continuation. Every setting
# comes per action in UserParameters (main.tf); the environment carries only the log level. CodePipeline invokes
# it with the pipeline's role (lambda:InvokeFunction on this function only), so it needs no resource policy.

resource "aws_lambda_function" "deployer" {
  # checkov:skip=CKV_AWS_117:The deployer only calls AWS APIs (S3, Glue, CodePipeline); a VPC would add NAT or endpoints and protect nothing.
  # checkov:skip=CKV_AWS_272:The package is built reproducibly from this repository (make build) and pinned by its hash; code signing needs a signing profile the caller owns.
  # checkov:skip=CKV_AWS_50:X-Ray tracing is not needed to follow one short, logged sequence of API calls per invocation.
  # checkov:skip=CKV_AWS_116:No dead-letter queue: the pipeline is the record of every failure. Each failure is reported with PutJobFailureResult; an invocation that fails all of Lambda's retries leaves the action to time out, failed, in the pipeline.
  function_name = local.function_name
  description   = "Deploys the pushed commit to the Glue jobs of pipeline ${local.pipeline_name}, runs them and reports"
  role          = module.deployer_role.arn
  runtime       = "python3.12"
  architectures = ["x86_64"]
  # The package holds the package `deployer` at its root (src/lambdas/glue_deployer/README.md).
  handler          = "deployer.handler.lambda_handler"
  filename         = var.lambda_package_path
  source_code_hash = filebase64sha256(var.lambda_package_path)
  timeout          = var.lambda_timeout_seconds
  memory_size      = var.lambda_memory_mb
  kms_key_arn      = local.kms_key_arn
  # Correctness does not depend on it (a repeated invocation finds its run); it caps parallel deploys and checks.
  reserved_concurrent_executions = var.lambda_reserved_concurrency
  tags                           = var.tags

  environment {
    variables = local.lambda_environment
  }

  # The role carries its policy, and the log group exists (with its key and retention) before Lambda could
  # create one without them.
  depends_on = [module.deployer_role, module.deployer_log_group]
}

locals {
  lambda_environment = {
    LOG_LEVEL = var.log_level
  }
}
