# The two Step Functions pipelines (modules/sfn_glue), the seed's shapes:
# - hello:  sfn-glue-sync, the execution input's "message" becomes the hello job's --message;
# - orders: json-to-pq, the orders job on a schedule, transient Glue errors retried, failures to a topic.

module "hello_pipeline" {
  source = "../../modules/sfn_glue"

  name = "${local.name}-hello"
  jobs = [{
    name            = module.hello_shell.job_name
    input_arguments = { "--message" = "$.message" }
  }]

  failure_topic                = local.failure_topic
  log_retention_days           = var.settings.log_retention_days
  kms_key_deletion_window_days = var.settings.kms_key_deletion_window_days
}

module "orders_pipeline" {
  source = "../../modules/sfn_glue"

  name = "${local.name}-orders"
  jobs = [{
    name            = module.orders_json_to_parquet.job_name
    input_arguments = { "--input_path" = "$.input_path" }
    timeout_minutes = 120 # the job's own timeout: a run that times out is notified like any failure
  }]

  # The seed's: 3 attempts, 10 s apart and doubling, on the module's transient Glue errors.
  retry = {
    interval_seconds = 10
    max_attempts     = 3
    backoff_rate     = 2
  }

  schedule = {
    expression = var.settings.orders_schedule
    input      = { input_path = local.orders_input_uri }
  }

  failure_topic                = local.failure_topic
  log_retention_days           = var.settings.log_retention_days
  kms_key_deletion_window_days = var.settings.kms_key_deletion_window_days
}
