data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
# Rules that involve two inputs are preconditions here, checked at plan time whichever job resource is used
# (variable validation may reference only its own variable before Terraform 1.9).
data "aws_partition" "current" {
  lifecycle {
    precondition {
      condition     = local.is_spark || var.library_path == null || can(regex("\\.(whl|egg|py)$", coalesce(var.library_path, "-")))
      error_message = "pythonshell jobs take their library as a .whl (or .egg, .py), not a .zip: pass build/glue/etl_lib-<version>-py3-none-any.whl from `make build`."
    }
    precondition {
      condition     = local.is_spark || (var.worker_type == null && var.number_of_workers == null)
      error_message = "pythonshell jobs are sized by max_capacity (0.0625 or 1): leave worker_type and number_of_workers null."
    }
    precondition {
      condition     = local.is_pythonshell || var.max_capacity == null
      error_message = "glueetl and gluestreaming jobs are sized by worker_type and number_of_workers: leave max_capacity null (it is for pythonshell)."
    }
    precondition {
      condition     = contains(local.is_pythonshell ? local.pythonshell_glue_versions : local.spark_glue_versions, local.glue_version)
      error_message = "glue_version does not fit job_type: pythonshell runs on \"3.0\" (Python 3.9) or \"1.0\" (Python 3.6); glueetl and gluestreaming on \"2.0\", \"3.0\", \"4.0\", \"5.0\" or \"5.1\"."
    }
    precondition {
      condition     = var.worker_type != "G.025X" || var.job_type == "gluestreaming"
      error_message = "worker_type \"G.025X\" is for gluestreaming jobs only: use \"G.1X\" or larger."
    }
    precondition {
      condition     = var.execution_class == null || (var.job_type == "glueetl" && contains(["3.0", "4.0", "5.0", "5.1"], local.glue_version))
      error_message = "execution_class applies to glueetl jobs on glue_version 3.0 or later only: leave it null for this job."
    }
    precondition {
      condition     = local.is_spark || (var.job_bookmarks == "disable" && !var.observability.spark_ui.enabled)
      error_message = "pythonshell jobs have no job bookmarks and no Spark UI: keep job_bookmarks = \"disable\" and observability.spark_ui.enabled = false."
    }
  }
}

locals {
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.name
  partition  = data.aws_partition.current.partition

  is_spark       = var.job_type != "pythonshell"
  is_pythonshell = var.job_type == "pythonshell"

  # ---------------------------------------------------------------- sizing (null inputs pick per-type defaults)
  glue_version      = coalesce(var.glue_version, local.is_pythonshell ? "3.0" : "5.0")
  worker_type       = local.is_spark ? coalesce(var.worker_type, "G.1X") : null
  number_of_workers = local.is_spark ? coalesce(var.number_of_workers, 2) : null
  max_capacity      = local.is_pythonshell ? coalesce(var.max_capacity, 0.0625) : null
  # Glue runs pythonshell 3.9 on glue_version 3.0 and 3.6 on 1.0 ("3"); Spark jobs take "3".
  python_version = local.is_pythonshell && local.glue_version == "3.0" ? "3.9" : "3"
  timeout        = var.timeout != null ? var.timeout : (var.job_type == "gluestreaming" ? null : 60)

  # ---------------------------------------------------------------- where the code lives
  create_bucket = var.script_bucket_name == null
  bucket_name   = local.create_bucket ? "${replace(var.name, "_", "-")}-glue-${local.account_id}-${local.region}" : var.script_bucket_name
  bucket_arn    = "arn:${local.partition}:s3:::${local.bucket_name}"
  key_prefix    = coalesce(var.script_key_prefix, "glue-jobs/${var.name}/")

  script_key     = "${local.key_prefix}scripts/${basename(var.script_path)}"
  library_key    = var.library_path == null ? null : "${local.key_prefix}libraries/${basename(var.library_path)}"
  script_s3_uri  = "s3://${local.bucket_name}/${local.script_key}"
  library_s3_uri = var.library_path == null ? null : "s3://${local.bucket_name}/${local.library_key}"

  # Spark scratch space and, unless the caller chose a path, Spark UI event logs: both in the script bucket.
  temp_dir_s3_uri    = "s3://${local.bucket_name}/${local.key_prefix}temporary/"
  spark_ui_enabled   = local.is_spark && var.observability.spark_ui.enabled
  spark_ui_logs_path = coalesce(var.observability.spark_ui.logs_path, "s3://${local.bucket_name}/${local.key_prefix}spark-ui-logs/")

  # ---------------------------------------------------------------- encryption and logs
  create_kms_key = var.kms_key_arn == null
  kms_key_arn    = local.create_kms_key ? module.kms_key[0].key_arn : var.kms_key_arn

  # Glue offers continuous logging only to Spark jobs; pythonshell writes to /aws-glue/python-jobs/*.
  create_log_group = local.is_spark && var.observability.continuous_logging
  log_group_name   = "/aws-glue/jobs/${var.name}"
  log_group_arn    = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.log_group_name}"

  security_configuration_name = var.name

  code_deployed_by_pipeline = var.code_deployed_by == "pipeline"
  # Where a pipeline uploads each commit's script and library (modules/codepipeline_glue's deployer).
  deployment_prefix = "${local.key_prefix}deployments/"
  job               = one(concat(aws_glue_job.this, aws_glue_job.pipeline_deployed))

  # ---------------------------------------------------------------- arguments rendered from typed inputs
  module_arguments = merge(
    { "--job-language" = "python" },
    local.is_spark ? {
      "--TempDir"             = local.temp_dir_s3_uri
      "--job-bookmark-option" = "job-bookmark-${var.job_bookmarks}"
      "--enable-job-insights" = tostring(var.observability.job_insights)
    } : {},
    local.is_spark && var.observability.metrics ? { "--enable-metrics" = "true" } : {},
    local.create_log_group ? {
      "--enable-continuous-cloudwatch-log" = "true"
      "--continuous-log-logGroup"          = local.log_group_name
    } : {},
    local.spark_ui_enabled ? {
      "--enable-spark-ui"       = "true"
      "--spark-event-logs-path" = local.spark_ui_logs_path
    } : {},
    var.library_path != null ? { "--extra-py-files" = local.library_s3_uri } : {},
    length(var.additional_python_modules) > 0 ? { "--additional-python-modules" = join(",", var.additional_python_modules) } : {},
    var.data_quality != null ? { "--dq_rules" = var.data_quality.ruleset } : {},
  )
  # variables.tf refuses caller keys that collide, so the order of the merge never decides anything.
  default_arguments = merge(var.default_arguments, local.module_arguments)

  # Spark glue versions that still run; pythonshell exists only on 1.0 (Python 3.6) and 3.0 (Python 3.9).
  spark_glue_versions       = ["2.0", "3.0", "4.0", "5.0", "5.1"]
  pythonshell_glue_versions = ["1.0", "3.0"]
}

resource "aws_glue_job" "this" {
  count = local.code_deployed_by_pipeline ? 0 : 1

  name                    = var.name
  description             = var.description
  role_arn                = local.role_arn
  glue_version            = local.glue_version
  worker_type             = local.worker_type
  number_of_workers       = local.number_of_workers
  max_capacity            = local.max_capacity
  timeout                 = local.timeout
  max_retries             = var.max_retries
  execution_class         = var.execution_class
  job_run_queuing_enabled = var.job_run_queuing_enabled
  security_configuration  = aws_glue_security_configuration.this.name
  default_arguments       = local.default_arguments
  tags                    = var.tags

  command {
    name            = var.job_type
    script_location = local.script_s3_uri
    python_version  = local.python_version
  }

  execution_property {
    max_concurrent_runs = var.max_concurrent_runs
  }

  # The role's permissions and the log group must exist before the first run can start.
  depends_on = [module.role, module.log_group]
}

# The same job when a pipeline deploys its code (code_deployed_by = "pipeline", modules/codepipeline_glue): the
# pipeline points the job at each commit's script and library, so Terraform must not point it back.
# Two resources because ignore_changes cannot depend on an input; every argument is the same as above.
resource "aws_glue_job" "pipeline_deployed" {
  count = local.code_deployed_by_pipeline ? 1 : 0

  name                    = var.name
  description             = var.description
  role_arn                = local.role_arn
  glue_version            = local.glue_version
  worker_type             = local.worker_type
  number_of_workers       = local.number_of_workers
  max_capacity            = local.max_capacity
  timeout                 = local.timeout
  max_retries             = var.max_retries
  execution_class         = var.execution_class
  job_run_queuing_enabled = var.job_run_queuing_enabled
  security_configuration  = aws_glue_security_configuration.this.name
  default_arguments       = local.default_arguments
  tags                    = var.tags

  command {
    name            = var.job_type
    script_location = local.script_s3_uri
    python_version  = local.python_version
  }

  execution_property {
    max_concurrent_runs = var.max_concurrent_runs
  }

  lifecycle {
    ignore_changes = [command[0].script_location, default_arguments["--extra-py-files"]]
  }

  # The role's permissions and the log group must exist before the first run can start.
  depends_on = [module.role, module.log_group]
}
