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
      condition     = local.is_spark || local.is_duckdb || (var.worker_type == null && var.number_of_workers == null)
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
      condition     = var.worker_type != "G.025X" || local.job_type == "gluestreaming"
      error_message = "worker_type \"G.025X\" is for gluestreaming jobs only: use \"G.1X\" or larger."
    }
    precondition {
      condition     = var.execution_class == null || (local.job_type == "glueetl" && contains(["3.0", "4.0", "5.0", "5.1"], local.glue_version))
      error_message = "execution_class applies to glueetl jobs on glue_version 3.0 or later only: leave it null for this job."
    }
    precondition {
      condition     = local.is_spark || (var.job_bookmarks == "disable" && !var.observability.spark_ui.enabled)
      error_message = "pythonshell jobs have no job bookmarks and no Spark UI: keep job_bookmarks = \"disable\" and observability.spark_ui.enabled = false."
    }
    # ------------------------------------------------------------ engine
    precondition {
      condition     = var.engine != "spark" || local.is_spark
      error_message = "engine \"spark\" runs as a glueetl or gluestreaming job: job_type \"pythonshell\" has no Spark. Leave job_type null (glueetl), or use engine = \"duckdb\" for a Python-shell job."
    }
    precondition {
      condition     = !local.is_duckdb || local.is_pythonshell
      error_message = "engine \"duckdb\" runs DuckDB in one Python-shell process: leave job_type null (or \"pythonshell\"); glueetl and gluestreaming are Spark jobs (engine = \"spark\")."
    }
    precondition {
      condition     = !local.is_duckdb || (var.worker_type == null && var.number_of_workers == null)
      error_message = "engine \"duckdb\" runs on one Python-shell node sized by max_capacity (0.0625 = 1 GB or 1 = 16 GB): worker_type and number_of_workers size Spark clusters, leave them null."
    }
    precondition {
      condition     = !local.is_duckdb || local.glue_version == "3.0"
      error_message = "engine \"duckdb\" runs on Python 3.9, the platform its wheels are built for: leave glue_version null (or \"3.0\"); \"1.0\" is Python 3.6."
    }
    precondition {
      # A .zip is left to the pythonshell library rule above, whose message says the same.
      condition     = !local.is_duckdb || var.library_path == null || can(regex("\\.(whl|zip)$", coalesce(var.library_path, "-")))
      error_message = "engine \"duckdb\" takes library_path as a .whl (Python 3.9 installs wheels, not .egg or .py): pass build/glue/etl_lib-<version>-py3-none-any.whl from `make build`."
    }
    precondition {
      condition     = !local.is_duckdb || anytrue([for path in var.dependency_wheels : startswith(lower(basename(path)), "duckdb-")])
      error_message = "engine \"duckdb\" needs the duckdb wheel in dependency_wheels (the job installs nothing from the internet): run `make build`, which downloads requirements-pythonshell.txt into build/glue/pythonshell-wheels/, and pass [for f in fileset(\"<repo>/build/glue/pythonshell-wheels\", \"*.whl\") : \"<repo>/build/glue/pythonshell-wheels/$${f}\"]."
    }
    precondition {
      condition     = length(var.additional_python_modules) == 0 || (!local.is_duckdb && length(var.dependency_wheels) == 0)
      error_message = "additional_python_modules are fetched from PyPI when the job starts, but with engine = \"duckdb\" or dependency_wheels the job installs only the uploaded wheels, with --no-index: pin the package in requirements-pythonshell.txt and pass its wheel in dependency_wheels."
    }
    precondition {
      condition     = length(var.dependency_wheels) == 0 || !contains(keys(var.default_arguments), "--python-modules-installer-option")
      error_message = "default_arguments must not set --python-modules-installer-option with dependency_wheels: the module sets it to --no-index so the job installs only the uploaded wheels."
    }
    precondition {
      condition     = !local.is_duckdb || local.memory_limit_bytes != null
      error_message = "default_arguments[\"--memory_limit\"] must be a DuckDB size below the job's memory (max_capacity 0.0625 = 1 GB, 1 = 16 GB), such as \"640MB\" or \"12GB\"; leave it out for the module's default."
    }
  }
}

locals {
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.name
  partition  = data.aws_partition.current.partition

  is_duckdb      = var.engine == "duckdb"
  job_type       = coalesce(var.job_type, local.is_duckdb ? "pythonshell" : "glueetl")
  is_spark       = local.job_type != "pythonshell"
  is_pythonshell = local.job_type == "pythonshell"
  # What runs the script: the engine asked for, or "spark" for a Spark job made without one (null: a Python-shell
  # script of the caller's own).
  engine = var.engine != null ? var.engine : (local.is_spark ? "spark" : null)

  # ---------------------------------------------------------------- sizing (null inputs pick per-type defaults)
  glue_version      = coalesce(var.glue_version, local.is_pythonshell ? "3.0" : "5.0")
  worker_type       = local.is_spark ? coalesce(var.worker_type, "G.1X") : null
  number_of_workers = local.is_spark ? coalesce(var.number_of_workers, 2) : null
  max_capacity      = local.is_pythonshell ? coalesce(var.max_capacity, 0.0625) : null
  # Glue runs pythonshell 3.9 on glue_version 3.0 and 3.6 on 1.0 ("3"); Spark jobs take "3".
  python_version = local.is_pythonshell && local.glue_version == "3.0" ? "3.9" : "3"
  timeout        = var.timeout != null ? var.timeout : (local.job_type == "gluestreaming" ? null : 60)

  # ---------------------------------------------------------------- where the code lives
  create_bucket = var.script_bucket_name == null
  bucket_name   = local.create_bucket ? "${replace(var.name, "_", "-")}-glue-${local.account_id}-${local.region}" : var.script_bucket_name
  bucket_arn    = "arn:${local.partition}:s3:::${local.bucket_name}"
  key_prefix    = coalesce(var.script_key_prefix, "glue-jobs/${var.name}/")

  script_key     = "${local.key_prefix}scripts/${basename(var.script_path)}"
  library_key    = var.library_path == null ? null : "${local.key_prefix}libraries/${basename(var.library_path)}"
  script_s3_uri  = "s3://${local.bucket_name}/${local.script_key}"
  library_s3_uri = var.library_path == null ? null : "s3://${local.bucket_name}/${local.library_key}"
  # Dependency wheels by file name (sorted, so reordering the input changes nothing); pip needs the wheel's own name.
  dependency_wheel_paths   = { for path in var.dependency_wheels : basename(path) => path }
  dependency_wheel_keys    = { for name in sort(keys(local.dependency_wheel_paths)) : name => "${local.key_prefix}dependencies/${name}" }
  dependency_wheel_s3_uris = [for name, key in local.dependency_wheel_keys : "s3://${local.bucket_name}/${key}"]

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
  # DuckDB's defaults by capacity, which the caller may replace in default_arguments: the memory limit leaves room
  # for Python and the runtime in 1 GB (0.0625 DPU) or 16 GB (1 DPU); spills go to /tmp (about 14 GiB free on
  # Python-shell jobs).
  duckdb_default_arguments = local.is_duckdb ? {
    "--memory_limit"   = local.max_capacity == 1 ? "12GB" : "640MB"
    "--temp_directory" = "/tmp/duckdb"
  } : {}
  duckdb_memory_limit = lookup(var.default_arguments, "--memory_limit", lookup(local.duckdb_default_arguments, "--memory_limit", "0MB"))
  # DuckDB sizes as bytes ("640MB", "1.5GiB"), null when not a size; the limit must be below the node's memory.
  memory_limit_parts     = try(regex("^\\s*([0-9]+(?:\\.[0-9]+)?)\\s*([KMGT]I?B)\\s*$", upper(local.duckdb_memory_limit)), null)
  memory_limit_raw_bytes = local.memory_limit_parts == null ? null : local.memory_limit_parts[0] * local.size_unit_bytes[local.memory_limit_parts[1]]
  size_unit_bytes = {
    KB  = 1000
    MB  = 1000000
    GB  = 1000000000
    TB  = 1000000000000
    KIB = 1024
    MIB = 1048576
    GIB = 1073741824
    TIB = 1099511627776
  }
  node_memory_bytes  = local.max_capacity == 1 ? 16000000000 : 1000000000
  memory_limit_bytes = local.memory_limit_raw_bytes != null && try(local.memory_limit_raw_bytes < local.node_memory_bytes, false) ? local.memory_limit_raw_bytes : null

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
    # Uploaded wheels as S3 URIs, or PyPI names (never both: a precondition refuses the mix).
    length(var.dependency_wheels) + length(var.additional_python_modules) > 0 ? {
      "--additional-python-modules" = join(",", concat(local.dependency_wheel_s3_uris, var.additional_python_modules))
    } : {},
    length(var.dependency_wheels) > 0 ? { "--python-modules-installer-option" = "--no-index" } : {},
    var.data_quality != null ? { "--dq_rules" = var.data_quality.ruleset } : {},
  )
  # variables.tf and the preconditions refuse caller keys that collide with module_arguments, so only the DuckDB
  # defaults are meant to be replaced by the caller's.
  default_arguments = merge(local.duckdb_default_arguments, var.default_arguments, local.module_arguments)

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
    name            = local.job_type
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
    name            = local.job_type
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
