output "data_bucket" {
  description = "Name of the data bucket (raw/, curated/, quarantine/ prefixes)."
  value       = module.data_bucket.name
}

output "data_kms_key_arn" {
  description = "ARN of the KMS key that encrypts the data bucket."
  value       = module.data_key.key_arn
}

output "glue_job_names" {
  description = "Deployed Glue jobs by role in the stack, e.g. { hello = \"etl-dev-hello\" }."
  value       = local.glue_job_names
}

locals {
  # The batch launcher's facts, in two outputs (manifest_comparison, and pipelines.batch); null when not deployed.
  manifest_comparison_output = local.manifest_comparison_enabled ? {
    function_name            = module.manifest_comparison[0].function_name
    event_rule_name          = module.manifest_comparison[0].event_rule_name
    glue_job_name            = module.manifest_comparison[0].glue_job_name
    athena_workgroup_name    = module.manifest_comparison[0].athena_workgroup_name
    database_name            = module.manifest_comparison[0].database_name
    result_tables            = module.manifest_comparison[0].result_tables
    dependency_queue_arns    = local.manifest_dependency_queue_arns
    import_manifest_location = "${local.data_uri}/manifests/import/"
    export_manifest_location = "${local.data_uri}/manifests/export/"
  } : null
}

output "manifest_comparison" {
  description = "The manifest comparison's launcher, job, queues it waits for and data locations (null when not deployed)."
  value       = local.manifest_comparison_output
}

# One entry per flow the stack deploys, for the demo and for whoever wires alerts or starts executions.
# Field names are a contract (tooling/platform_tools/demo.py reads them): extend, do not rename.
output "pipelines" {
  description = "Each pipeline's entry points and data locations: hello, orders (Step Functions), stream (Kinesis), deploy (CodePipeline), batch (the manifest comparison, null when not deployed)."
  value = {
    hello = {
      state_machine_arn = module.hello_pipeline.state_machine_arn
      glue_job_name     = module.hello_shell.job_name
      failure_topic_arn = module.hello_pipeline.failure_topic_arn
    }
    orders = {
      state_machine_arn   = module.orders_pipeline.state_machine_arn
      glue_job_name       = module.orders_json_to_parquet.job_name
      engine              = var.settings.orders_engine
      input_uri           = local.orders_input_uri
      output_uri          = "${local.data_uri}/curated/orders/"
      quarantine_uri      = "${local.data_uri}/quarantine/orders/"
      report_uri          = "${local.data_uri}/reports/orders/"
      failure_topic_arn   = module.orders_pipeline.failure_topic_arn
      schedule_expression = var.settings.orders_schedule
    }
    stream = {
      stream_name    = module.orders_stream.stream_name
      stream_arn     = module.orders_stream.stream_arn
      glue_job_name  = module.orders_stream.job_name
      database_name  = module.orders_stream.database_name
      table_name     = module.orders_stream.table_name
      output_uri     = module.orders_stream.output_uri
      quarantine_uri = module.orders_stream.quarantine_uri
      checkpoint_uri = module.orders_stream.checkpoint_uri
    }
    deploy = {
      pipeline_name          = module.orders_deployer.pipeline_name
      repository_name        = module.orders_deployer.repository_name
      branch                 = var.settings.deploy.branch
      deployer_function_name = module.orders_deployer.function_name
      target_job_name        = module.orders_json_to_parquet.job_name
      artifact_bucket        = module.orders_deployer.artifact_bucket
      require_approval       = var.settings.deploy.require_approval
    }
    batch = local.manifest_comparison_output
  }
}
