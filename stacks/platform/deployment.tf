# The deployer (modules/codepipeline_glue): a push to settings.deploy.branch of the CodeCommit repository points
# the orders job at that commit's script (and, on Spark, src/glue/etl_lib zipped), runs it and reports. With
# settings.deploy.require_approval a manual approval comes first; approvers subscribe to the approval topic.

locals {
  # Paths in the pushed repository (this repository's layout). The DuckDB job is a Python-shell job: the
  # deployer ships only its script (a Python-shell library is a wheel, which stays the one Terraform uploaded).
  orders_deploy_script  = var.settings.orders_engine == "duckdb" ? "src/glue/jobs/json_to_parquet_duckdb.py" : "src/glue/jobs/json_to_parquet.py"
  orders_deploy_library = var.settings.orders_engine == "duckdb" ? null : "src/glue/etl_lib"
}

module "orders_deployer" {
  source = "../../modules/codepipeline_glue"

  name                = "${local.name}-deploy"
  lambda_package_path = "${local.repository_root}/build/lambdas/glue_deployer.zip"

  codecommit = {
    repository_name = "${local.name}-glue-jobs"
    branch          = var.settings.deploy.branch
  }

  targets = [{
    name              = "orders"
    job_name          = module.orders_json_to_parquet.job_name
    job_arn           = module.orders_json_to_parquet.job_arn
    role_arn          = module.orders_json_to_parquet.role_arn
    script_bucket     = module.orders_json_to_parquet.script_bucket
    deployment_prefix = module.orders_json_to_parquet.deployment_prefix
    kms_key_arn       = module.orders_json_to_parquet.kms_key_arn
    code_deployed_by  = module.orders_json_to_parquet.code_deployed_by
    script_path       = local.orders_deploy_script
    library_dir       = local.orders_deploy_library
    approval_before   = var.settings.deploy.require_approval
  }]

  approval_topic = var.settings.deploy.require_approval ? {} : null

  log_retention_days           = var.settings.log_retention_days
  force_destroy                = var.settings.force_destroy
  kms_key_deletion_window_days = var.settings.kms_key_deletion_window_days
}
