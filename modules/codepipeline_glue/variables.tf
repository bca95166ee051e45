# ------------------------------------------------------------------ naming and code

variable "name" {
  description = "Name of the pipeline, and the prefix of everything the module creates: the deployer (\"<name>-glue-deployer\"), its log group, the roles, the artifact bucket (\"<name>-artifacts-<account>-<region>\"), the key alias (\"alias/<name>-codepipeline-glue\"), the source rule, a created repository's description and a created connection's name."
  type        = string
  nullable    = false

  validation {
    # 25 characters: the artifact bucket name "<name>-artifacts-<12-digit account>-<region>" must fit 63.
    condition     = can(regex("^[a-z0-9][a-z0-9_-]{0,24}$", var.name))
    error_message = "name must be 1-25 characters of lowercase letters, digits, hyphens and underscores, starting with a letter or digit (the artifact bucket's name must fit 63 characters)."
  }
}

variable "lambda_package_path" {
  description = "Path of the deployer's deployment package, built by `make build` as build/lambdas/glue_deployer.zip (src/lambdas/glue_deployer). Its filebase64sha256 decides when the function is updated."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("\\.zip$", var.lambda_package_path))
    error_message = "lambda_package_path must be the path of a .zip file (build/lambdas/glue_deployer.zip after `make build`)."
  }
}

# ------------------------------------------------------------------ the source (exactly one of the two)

variable "codecommit" {
  description = <<-EOT
    A CodeCommit repository as the source: repository_name, create_repository (default true: the module creates
    it; false: an existing repository of that name in this account and region), branch (default "main"). An
    EventBridge rule on the branch's reference updates starts the pipeline (no polling). Not with codestar.
  EOT
  type = object({
    repository_name   = string
    create_repository = optional(bool, true)
    branch            = optional(string, "main")
  })
  default = null

  validation {
    condition     = var.codecommit == null ? true : can(regex("^[A-Za-z0-9_.-]{1,100}$", var.codecommit.repository_name)) && !endswith(var.codecommit.repository_name, ".git")
    error_message = "codecommit.repository_name must be 1-100 letters, digits, '.', '_' or '-', not ending in \".git\" (CodeCommit's repository name rules)."
  }
  validation {
    condition     = var.codecommit == null ? true : can(regex("^[A-Za-z0-9_][A-Za-z0-9_./-]{0,255}$", var.codecommit.branch)) && !endswith(var.codecommit.branch, "/") && !strcontains(var.codecommit.branch, "..")
    error_message = "codecommit.branch must be a branch name such as \"main\" or \"release/1.x\": letters, digits, '_', '.', '-' and '/', no \"..\", not ending in '/'."
  }
}

variable "codestar" {
  description = <<-EOT
    A GitHub, GitLab or Bitbucket repository as the source, through a CodeStar connection: connection_arn (null,
    the default: the module creates a connection, PENDING until someone completes the handshake in the console;
    see the README), provider_type of a created connection ("GitHub" default, "Bitbucket", "GitLab"),
    full_repository_id ("owner/repository"), branch (default "main"), file_paths (the V2 trigger's push filter;
    null, the default: each target's script_path and "<library_dir>/**"; [] starts on every push to the
    branch). Not with codecommit.
  EOT
  type = object({
    connection_arn     = optional(string)
    provider_type      = optional(string, "GitHub")
    full_repository_id = string
    branch             = optional(string, "main")
    file_paths         = optional(list(string))
  })
  default = null

  validation {
    condition     = var.codestar == null ? true : (var.codestar.connection_arn == null ? true : can(regex("^arn:aws[a-z-]*:(codestar-connections|codeconnections):[a-z0-9-]+:[0-9]{12}:connection/[0-9a-f-]{36}$", var.codestar.connection_arn)))
    error_message = "codestar.connection_arn must be null (the module creates a connection) or a connection ARN like \"arn:aws:codestar-connections:us-east-1:123456789012:connection/<uuid>\" (or arn:aws:codeconnections:...)."
  }
  validation {
    condition     = var.codestar == null ? true : (var.codestar.connection_arn != null || contains(["GitHub", "Bitbucket", "GitLab"], var.codestar.provider_type))
    error_message = "codestar.provider_type must be \"GitHub\", \"Bitbucket\" or \"GitLab\" for a connection the module creates; GitHub Enterprise Server and GitLab self-managed need a host: create that connection yourself and pass codestar.connection_arn."
  }
  validation {
    condition     = var.codestar == null ? true : can(regex("^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)+$", var.codestar.full_repository_id))
    error_message = "codestar.full_repository_id must be \"owner/repository\" (GitLab: \"group/subgroup/repository\"), e.g. \"my-org/glue-jobs\"."
  }
  validation {
    condition     = var.codestar == null ? true : can(regex("^[A-Za-z0-9_][A-Za-z0-9_./-]{0,255}$", var.codestar.branch)) && !endswith(var.codestar.branch, "/") && !strcontains(var.codestar.branch, "..")
    error_message = "codestar.branch must be a branch name such as \"main\" or \"release/1.x\": letters, digits, '_', '.', '-' and '/', no \"..\", not ending in '/'."
  }
  validation {
    condition     = var.codestar == null ? true : (var.codestar.file_paths == null ? true : length(var.codestar.file_paths) <= 8 && alltrue([for path in var.codestar.file_paths : length(path) >= 1 && length(path) <= 255 && !startswith(path, "/")]))
    error_message = "codestar.file_paths must list at most 8 globs (CodePipeline's limit), each 1-255 characters from the repository root without a leading '/', e.g. \"src/glue/**\"."
  }
}

# ------------------------------------------------------------------ what the pipeline deploys

variable "targets" {
  description = <<-EOT
    The Glue jobs the pipeline deploys, in order, each a stage after Source (and, with approval_before, a manual
    approval stage before it). Most fields come from a modules/glue_job created with code_deployed_by = "pipeline":
    name (the stage's name, e.g. "dev"), job_name, job_arn, role_arn, script_bucket, deployment_prefix,
    kms_key_arn (the job's key, which encrypts its script bucket; null if that bucket is not SSE-KMS),
    code_deployed_by (pass the job's output: anything but "pipeline" is refused). Then what to deploy:
    script_path (the script's path in the repository), library_dir (the shared library's folder in the
    repository, zipped for --extra-py-files; null: none), default_arguments (added to or overriding the job's
    on each deploy), wait_for_run (default true: the stage passes or fails with the job run),
    approval_before (default false).
  EOT
  type = list(object({
    name              = string
    job_name          = string
    job_arn           = string
    role_arn          = string
    script_bucket     = string
    deployment_prefix = string
    kms_key_arn       = string
    script_path       = string
    library_dir       = optional(string)
    default_arguments = optional(map(string), {})
    wait_for_run      = optional(bool, true)
    approval_before   = optional(bool, false)
    code_deployed_by  = optional(string, "pipeline")
  }))
  nullable = false

  validation {
    condition     = length(var.targets) >= 1 && length(var.targets) <= 10
    error_message = "targets must list 1 to 10 Glue jobs to deploy (e.g. a dev job, then a prod job with approval_before = true)."
  }
  validation {
    condition     = alltrue([for target in var.targets : can(regex("^[A-Za-z0-9][A-Za-z0-9_-]{0,49}$", target.name)) && lower(target.name) != "source"])
    error_message = "targets[*].name must be 1-50 letters, digits, '_' or '-', starting with a letter or digit, and not \"Source\" (it names the target's stage)."
  }
  validation {
    condition = length(distinct(flatten([for target in var.targets : concat([lower(target.name)], target.approval_before ? ["approve-${lower(target.name)}"] : [])]))) == length(flatten(
      [for target in var.targets : concat([lower(target.name)], target.approval_before ? ["approve-${lower(target.name)}"] : [])]
    ))
    error_message = "targets[*].name must be unique (case-insensitively), and no target may be named like another's approval stage (\"Approve-<name>\")."
  }
  validation {
    condition     = alltrue([for target in var.targets : can(regex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$", target.job_name))])
    error_message = "targets[*].job_name must be a Glue job name: 1-255 letters, digits, '_', '.' or '-', starting with a letter or digit."
  }
  validation {
    condition     = alltrue([for target in var.targets : can(regex("^arn:aws[a-z-]*:glue:[a-z0-9-]+:[0-9]{12}:job/.+$", target.job_arn)) && endswith(target.job_arn, ":job/${target.job_name}")])
    error_message = "targets[*].job_arn must be the Glue job ARN of job_name, \"arn:aws:glue:<region>:<account>:job/<job_name>\" (modules/glue_job's job_arn output)."
  }
  validation {
    condition     = length(distinct([for target in var.targets : target.job_arn])) == length(var.targets)
    error_message = "targets must each deploy a different Glue job (job_arn repeated)."
  }
  validation {
    condition     = alltrue([for target in var.targets : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", target.role_arn))])
    error_message = "targets[*].role_arn must be the job's IAM role ARN, \"arn:aws:iam::<account>:role/<name>\" (modules/glue_job's role_arn output)."
  }
  validation {
    condition     = alltrue([for target in var.targets : can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", target.script_bucket))])
    error_message = "targets[*].script_bucket must be a bucket name (not an ARN or s3:// URI): modules/glue_job's script_bucket output."
  }
  validation {
    condition     = alltrue([for target in var.targets : can(regex("^([A-Za-z0-9_][A-Za-z0-9_.=-]*/)+$", target.deployment_prefix))])
    error_message = "targets[*].deployment_prefix must be a key prefix of segments each ending in '/', no leading '/', e.g. \"glue-jobs/orders/deployments/\" (modules/glue_job's deployment_prefix output)."
  }
  validation {
    condition     = alltrue([for target in var.targets : target.kms_key_arn == null ? true : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", target.kms_key_arn))])
    error_message = "targets[*].kms_key_arn must be null (script bucket not SSE-KMS) or a KMS key ARN like \"arn:aws:kms:us-east-1:123456789012:key/<id>\" (modules/glue_job's kms_key_arn output)."
  }
  validation {
    condition     = alltrue([for target in var.targets : can(regex("^([A-Za-z0-9_][A-Za-z0-9_.-]*/)*[A-Za-z0-9_][A-Za-z0-9_.-]*\\.py$", target.script_path)) && length(target.script_path) <= 512])
    error_message = "targets[*].script_path must be the script's path from the repository root, e.g. \"src/glue/jobs/json_to_parquet.py\": segments of letters, digits, '_', '.', '-' (not starting with '.'), joined by '/', ending in .py, at most 512 characters."
  }
  validation {
    condition     = alltrue([for target in var.targets : target.library_dir == null ? true : can(regex("^([A-Za-z0-9_][A-Za-z0-9_.-]*/)*[A-Za-z_][A-Za-z0-9_]*$", target.library_dir)) && length(target.library_dir) <= 512])
    error_message = "targets[*].library_dir must be null or a folder from the repository root whose last segment is a Python package name, e.g. \"src/glue/etl_lib\" (no leading or trailing '/')."
  }
  validation {
    condition = alltrue(flatten([for target in var.targets : [
      for key, value in target.default_arguments : can(regex("^--[A-Za-z0-9][A-Za-z0-9_.-]{0,126}$", key)) && length(value) <= 4096 && !contains(["--codepipeline_job_id", "--scriptLocation"], key)
    ]]))
    error_message = "targets[*].default_arguments keys must be \"--name\" (letters, digits, '_', '.', '-'; at most 128 characters), not --codepipeline_job_id or --scriptLocation (the deployer sets them), with values of at most 4096 characters."
  }
  validation {
    condition     = alltrue([for target in var.targets : target.code_deployed_by == "pipeline"])
    error_message = "targets[*].code_deployed_by must be \"pipeline\": create each target job with modules/glue_job's code_deployed_by = \"pipeline\", or the next terraform apply points the job back at the script Terraform uploaded."
  }
}

variable "execution_mode" {
  description = "How executions of the pipeline run: \"QUEUED\" (default: one at a time, in push order, so two pushes never deploy interleaved), \"SUPERSEDED\" (a newer execution replaces a waiting one) or \"PARALLEL\" (independent, possibly interleaved)."
  type        = string
  default     = "QUEUED"
  nullable    = false

  validation {
    condition     = contains(["QUEUED", "SUPERSEDED", "PARALLEL"], var.execution_mode)
    error_message = "execution_mode must be \"QUEUED\", \"SUPERSEDED\" or \"PARALLEL\"."
  }
}

variable "approval_topic" {
  description = "Where approval stages (targets with approval_before) send their notifications (the convention's topic shape): null (default): none, approvers watch the console; {} (arn null): the module creates a topic encrypted with its key (subscribe approvers to approval_topic_arn); { arn, kms_key_arn }: an existing topic and, if it is encrypted, its key."
  type = object({
    arn         = optional(string)
    kms_key_arn = optional(string)
  })
  default = null

  validation {
    condition     = var.approval_topic == null ? true : (var.approval_topic.arn == null ? true : can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$", var.approval_topic.arn)))
    error_message = "approval_topic.arn must be null (the module creates a topic) or a standard SNS topic ARN like \"arn:aws:sns:us-east-1:123456789012:approvals\"."
  }
  validation {
    condition     = var.approval_topic == null ? true : (var.approval_topic.kms_key_arn == null ? true : var.approval_topic.arn != null && can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.approval_topic.kms_key_arn)))
    error_message = "approval_topic.kms_key_arn must be null, or the KMS key ARN (not an alias) of the topic passed in as approval_topic.arn (a created topic uses the module's key)."
  }
}

# ------------------------------------------------------------------ the deployer Lambda

variable "lambda_timeout_seconds" {
  description = "Timeout of each deployer invocation (src/lambdas/glue_deployer recommends 300; a long Glue run is waited for across invocations with continuation tokens, not inside one)."
  type        = number
  default     = 300
  nullable    = false

  validation {
    condition     = floor(var.lambda_timeout_seconds) == var.lambda_timeout_seconds && var.lambda_timeout_seconds >= 60 && var.lambda_timeout_seconds <= 900
    error_message = "lambda_timeout_seconds must be a whole number from 60 (the deployer's minimum) to 900 (Lambda's maximum)."
  }
}

variable "lambda_memory_mb" {
  description = "Memory of the deployer, in MB (512 recommended: the artifact, at most 128 MiB, and the library zip are held in memory)."
  type        = number
  default     = 512
  nullable    = false

  validation {
    condition     = floor(var.lambda_memory_mb) == var.lambda_memory_mb && var.lambda_memory_mb >= 128 && var.lambda_memory_mb <= 10240
    error_message = "lambda_memory_mb must be a whole number from 128 to 10240."
  }
}

variable "lambda_reserved_concurrency" {
  description = "Reserved concurrent executions of the deployer: a cap on (and a guarantee of) how many deploys and run checks run at once."
  type        = number
  default     = 5
  nullable    = false

  validation {
    condition     = floor(var.lambda_reserved_concurrency) == var.lambda_reserved_concurrency && var.lambda_reserved_concurrency >= 1 && var.lambda_reserved_concurrency <= 1000
    error_message = "lambda_reserved_concurrency must be a whole number from 1 to 1000 (0 would stop every deploy)."
  }
}

variable "log_level" {
  description = "Level of the deployer's structured JSON logs (its LOG_LEVEL)."
  type        = string
  default     = "INFO"
  nullable    = false

  validation {
    condition     = contains(["DEBUG", "INFO", "WARNING", "ERROR"], var.log_level)
    error_message = "log_level must be one of \"DEBUG\", \"INFO\", \"WARNING\", \"ERROR\"."
  }
}

variable "log_retention_days" {
  description = "Retention of the deployer's CloudWatch log group, in days: one of CloudWatch's values (checked in modules/_parts/log_group)."
  type        = number
  default     = 30
  nullable    = false
}

# ------------------------------------------------------------------ the artifact bucket

variable "artifact_retention_days" {
  description = "Days the artifact bucket keeps each execution's source zip before expiring it (replaced versions go after 7 days)."
  type        = number
  default     = 90
  nullable    = false

  validation {
    condition     = floor(var.artifact_retention_days) == var.artifact_retention_days && var.artifact_retention_days >= 1 && var.artifact_retention_days <= 3650
    error_message = "artifact_retention_days must be a whole number from 1 to 3650."
  }
}

variable "artifact_bucket_access_logging" {
  description = "Server access logging of the artifact bucket: an existing target bucket and an optional key prefix (default \"s3/<bucket>/\"). null (default): no access logs."
  type = object({
    target_bucket = string
    target_prefix = optional(string)
  })
  default = null

  validation {
    condition     = var.artifact_bucket_access_logging == null ? true : can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.artifact_bucket_access_logging.target_bucket))
    error_message = "artifact_bucket_access_logging.target_bucket must be a bucket name (not an ARN or s3:// URI)."
  }
}

# ------------------------------------------------------------------ encryption, access, tags

variable "kms_key_arn" {
  description = "Existing customer-managed key for the artifact store, the deployer's environment and log group, and a created approval topic. null (default): the module creates one with rotation on. A key passed in must let CloudWatch Logs (logs.<region>.amazonaws.com) use it for the deployer's log group."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null ? true : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be null or a KMS key ARN like \"arn:aws:kms:us-east-1:123456789012:key/<id>\" (not an alias)."
  }
}

variable "kms_key_deletion_window_days" {
  description = "Waiting period before the created KMS key is deleted after destroy (7-30, checked in modules/_parts/kms_key)."
  type        = number
  default     = 30
  nullable    = false
}

variable "role_permissions_boundary_arn" {
  description = "Permissions boundary for every role the module creates (pipeline, deployer, source events)."
  type        = string
  default     = null

  validation {
    condition     = var.role_permissions_boundary_arn == null ? true : can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/.+$", var.role_permissions_boundary_arn))
    error_message = "role_permissions_boundary_arn must be null or an IAM policy ARN."
  }
}

variable "force_destroy" {
  description = "Let `terraform destroy` delete the artifact bucket with artifacts still in it."
  type        = bool
  default     = false
  nullable    = false
}

variable "tags" {
  description = "Tags for every resource the module creates."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for key in keys(var.tags) : !startswith(lower(key), "aws:")])
    error_message = "tags keys must not start with \"aws:\" (reserved by AWS)."
  }
}
