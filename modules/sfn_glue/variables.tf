# ------------------------------------------------------------------ the state machine

variable "name" {
  description = "Name of the state machine. Also prefixes its role, log group, failure topic, KMS alias and schedule rule."
  type        = string

  validation {
    # 48 characters: "<name>-schedule-start" must fit the 64-character IAM role name limit.
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9_-]{0,47}$", var.name))
    error_message = "name must be 1-48 characters of letters, digits, hyphens and underscores, starting with a letter or digit."
  }
}

variable "description" {
  description = "Comment of the state machine definition. null: \"Runs Glue job(s) <names> and waits for each run to end\"."
  type        = string
  default     = null

  validation {
    condition     = var.description == null ? true : length(var.description) <= 1024
    error_message = "description must be at most 1024 characters."
  }
}

variable "jobs" {
  description = <<-EOT
    The Glue jobs the state machine runs, in order, each with `glue:startJobRun.sync` (the task ends when the
    job run ends). Per job:
    - name: the Glue job's name (the role may run only these jobs).
    - key: identifier of the step; names its states and where its result goes in the state data
      ($.jobRuns.<key> = {JobName, JobRunId, JobRunState}). null: the job name with every character other than
      letters, digits and _ replaced by _.
    - arguments: static job arguments for this run ("--name" = "value"), on top of the job's default arguments.
    - input_arguments: job arguments taken from the execution input, argument name -> JSONPath of the input
      (e.g. "--message" = "$.message"; dotted field names only; "$$." paths read the context object, e.g.
      "$$.Execution.Name"). An execution whose input lacks a "$." field, or has a non-string value there,
      fails in a Fail state (MissingInput / InvalidInput) before any job run starts.
    - timeout_minutes: the job run's timeout (StartJobRun Timeout); null keeps the job's own.
    - task_timeout_seconds: Step Functions' timeout of the task (TimeoutSeconds): the run is stopped and the
      task fails with States.Timeout. null: no task timeout.
  EOT
  type = list(object({
    name                 = string
    key                  = optional(string)
    arguments            = optional(map(string), {})
    input_arguments      = optional(map(string), {})
    timeout_minutes      = optional(number)
    task_timeout_seconds = optional(number)
  }))
  nullable = false

  validation {
    condition     = length(var.jobs) > 0
    error_message = "jobs must list at least one Glue job."
  }

  validation {
    condition     = alltrue([for job in var.jobs : can(regex("^[A-Za-z0-9_.-]{1,255}$", job.name))])
    error_message = "jobs[*].name must be a Glue job name: 1-255 letters, digits, dots, hyphens and underscores."
  }

  validation {
    condition = alltrue([
      for job in var.jobs : can(regex("^[A-Za-z_][A-Za-z0-9_]{0,49}$", coalesce(job.key, replace(job.name, "/[^A-Za-z0-9_]/", "_"))))
    ])
    error_message = "jobs[*].key (by default the job name with other characters than letters, digits and _ replaced by _) must be 1-50 letters, digits and underscores, starting with a letter or _: set key for a job whose name starts with a digit or is longer than 50 characters."
  }

  validation {
    condition = length(distinct([
      for job in var.jobs : coalesce(job.key, replace(job.name, "/[^A-Za-z0-9_]/", "_"))
    ])) == length(var.jobs)
    error_message = "jobs[*].key must be unique: set a distinct key for each job, e.g. when one job runs twice."
  }

  validation {
    condition = alltrue(flatten([
      for job in var.jobs : [for argument in concat(keys(job.arguments), keys(job.input_arguments)) : can(regex("^--[A-Za-z0-9]", argument))]
    ]))
    error_message = "jobs[*].arguments and jobs[*].input_arguments keys must be job argument names starting with \"--\" followed by a letter or digit (e.g. \"--message\")."
  }

  validation {
    condition     = alltrue([for job in var.jobs : length(setintersection(keys(job.arguments), keys(job.input_arguments))) == 0])
    error_message = "jobs[*]: an argument must be either static (arguments) or taken from the input (input_arguments), not both."
  }

  validation {
    condition = alltrue(flatten([
      for job in var.jobs : [for path in values(job.input_arguments) : can(regex("^\\$\\$?(\\.[A-Za-z_][A-Za-z0-9_]*)+$", path)) && length(path) <= 64]
    ]))
    error_message = "jobs[*].input_arguments values must be JSONPaths of the execution input like \"$.message\" or \"$.source.prefix\" (dotted field names of letters, digits and _, at most 64 characters), or of the context object like \"$$.Execution.Name\"."
  }

  validation {
    condition = alltrue(flatten([
      for job in var.jobs : [for path in values(job.input_arguments) : !can(regex("^\\$\\.(jobRuns|failure)(\\.|$)", path))]
    ]))
    error_message = "jobs[*].input_arguments must not read $.jobRuns or $.failure: the state machine writes job results and errors there."
  }

  validation {
    condition = alltrue([
      for job in var.jobs : job.timeout_minutes == null ? true : (floor(job.timeout_minutes) == job.timeout_minutes && job.timeout_minutes >= 1 && job.timeout_minutes <= 10080)
    ])
    error_message = "jobs[*].timeout_minutes must be null or a whole number of minutes from 1 to 10080 (7 days, Glue's limit)."
  }

  validation {
    condition = alltrue([
      for job in var.jobs : job.task_timeout_seconds == null ? true : (floor(job.task_timeout_seconds) == job.task_timeout_seconds && job.task_timeout_seconds >= 1 && job.task_timeout_seconds <= 31536000)
    ])
    error_message = "jobs[*].task_timeout_seconds must be null or a whole number of seconds from 1 to 31536000 (one year, the longest a STANDARD execution runs)."
  }
}

variable "timeout_seconds" {
  description = "Timeout of the whole execution (the definition's TimeoutSeconds). An execution that times out ends TIMED_OUT without a failure notification; bound single runs with jobs[*].timeout_minutes instead, which are notified. null: none."
  type        = number
  default     = null

  validation {
    condition     = var.timeout_seconds == null ? true : (floor(var.timeout_seconds) == var.timeout_seconds && var.timeout_seconds >= 1 && var.timeout_seconds <= 31536000)
    error_message = "timeout_seconds must be null or a whole number of seconds from 1 to 31536000 (one year)."
  }
}

variable "retry" {
  description = <<-EOT
    Retry of each job task on transient errors (one Retrier): errors (Glue's concurrency, throttling and internal
    errors by default), interval_seconds before the first retry, backoff_rate multiplying it each time,
    max_attempts retries, an optional max_delay_seconds cap and full jitter. retry_task_timeouts also retries
    States.Timeout for jobs that set task_timeout_seconds. A job run that fails is never retried here (use the
    Glue job's own max_retries); every error left over goes to the failure notification.
  EOT
  type = object({
    errors              = optional(list(string), ["Glue.ConcurrentRunsExceededException", "Glue.ThrottlingException", "Glue.InternalServiceException"])
    interval_seconds    = optional(number, 10)
    max_attempts        = optional(number, 3)
    backoff_rate        = optional(number, 2)
    max_delay_seconds   = optional(number)
    jitter              = optional(bool, false)
    retry_task_timeouts = optional(bool, true)
  })
  default  = {}
  nullable = false

  validation {
    condition     = length(var.retry.errors) > 0 && alltrue([for error in var.retry.errors : can(regex("^(Glue\\.[A-Za-z]+Exception|States\\.Timeout)$", error))])
    error_message = "retry.errors must be a non-empty list of Glue error names like \"Glue.ThrottlingException\", or \"States.Timeout\"; States.ALL and States.TaskFailed are refused because they would retry failed job runs."
  }

  validation {
    condition     = floor(var.retry.max_attempts) == var.retry.max_attempts && var.retry.max_attempts >= 1 && var.retry.max_attempts <= 99
    error_message = "retry.max_attempts must be a whole number from 1 to 99 (0 would turn retries off)."
  }

  validation {
    condition     = floor(var.retry.interval_seconds) == var.retry.interval_seconds && var.retry.interval_seconds >= 1 && var.retry.interval_seconds <= 86400
    error_message = "retry.interval_seconds must be a whole number of seconds from 1 to 86400."
  }

  validation {
    condition     = var.retry.backoff_rate >= 1 && var.retry.backoff_rate <= 10
    error_message = "retry.backoff_rate must be from 1.0 (a fixed interval) to 10."
  }

  validation {
    condition     = var.retry.max_delay_seconds == null ? true : (floor(var.retry.max_delay_seconds) == var.retry.max_delay_seconds && var.retry.max_delay_seconds >= var.retry.interval_seconds && var.retry.max_delay_seconds <= 31622400)
    error_message = "retry.max_delay_seconds must be null or a whole number of seconds from retry.interval_seconds to 31622400."
  }
}

# ------------------------------------------------------------------ failure notification

variable "failure_topic" {
  description = <<-EOT
    SNS topic that gets one message per failed execution (state machine, execution name and ARN, job name, run
    id, error and cause). arn null (default): the module creates a topic encrypted with the module's KMS key.
    An existing topic is passed as arn, with kms_key_arn when it is encrypted with a customer-managed key
    (the role then gets kms:GenerateDataKey and kms:Decrypt on it).
  EOT
  type = object({
    arn         = optional(string)
    kms_key_arn = optional(string)
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.failure_topic.arn == null ? true : can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$", var.failure_topic.arn))
    error_message = "failure_topic.arn must be null or a standard SNS topic ARN like \"arn:aws:sns:us-east-1:123456789012:alerts\"."
  }

  validation {
    condition     = var.failure_topic.kms_key_arn == null ? true : var.failure_topic.arn != null && can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.failure_topic.kms_key_arn))
    error_message = "failure_topic.kms_key_arn must be null, or the KMS key ARN (not an alias) of the topic passed in as failure_topic.arn (a created topic uses kms_key_arn)."
  }
}

# ------------------------------------------------------------------ schedule

variable "schedule" {
  description = <<-EOT
    Start an execution on a schedule: an EventBridge rule with a schedule expression ("rate(1 hour)",
    "cron(0 * * * ? *)") whose target starts the state machine with the fixed input (a JSON object of
    strings), through a role that may only start this state machine. The input must hold every "$." field
    the jobs' input_arguments read. null (default): no schedule.
  EOT
  type = object({
    expression = string
    input      = optional(map(string), {})
    enabled    = optional(bool, true)
  })
  default = null

  validation {
    condition     = var.schedule == null ? true : can(regex("^(rate\\((1 (minute|hour|day)|[1-9][0-9]* (minutes|hours|days))\\)|cron\\(\\S+( \\S+){5}\\))$", var.schedule.expression))
    error_message = "schedule.expression must be \"rate(<n> minutes|hours|days)\" (\"rate(1 hour)\" in the singular) or \"cron(<6 fields>)\", e.g. \"cron(0 * * * ? *)\"."
  }

  validation {
    condition     = var.schedule == null ? true : length(jsonencode(var.schedule.input)) <= 8192
    error_message = "schedule.input must encode to at most 8192 characters of JSON (the EventBridge target limit)."
  }
}

# ------------------------------------------------------------------ logging and tracing

variable "logging" {
  description = "Execution history to CloudWatch Logs: level (\"ALL\", \"ERROR\", \"FATAL\" or \"OFF\") and include_execution_data (inputs and outputs in the log, which may hold sensitive values), into the created log group \"/aws/vendedlogs/states/<name>\" (KMS-encrypted; retention: log_retention_days). Level \"OFF\" creates no log group."
  type = object({
    level                  = optional(string, "ALL")
    include_execution_data = optional(bool, false)
    # Moved to log_retention_days; kept in the type only so an old setting is refused, not silently dropped.
    retention_days = optional(number)
  })
  default  = {}
  nullable = false

  validation {
    condition     = contains(["ALL", "ERROR", "FATAL", "OFF"], var.logging.level)
    error_message = "logging.level must be one of \"ALL\", \"ERROR\", \"FATAL\" or \"OFF\"."
  }

  validation {
    condition     = var.logging.retention_days == null
    error_message = "logging.retention_days has moved: set the top-level log_retention_days instead (see CHANGELOG.md)."
  }
}

variable "log_retention_days" {
  description = "Retention of the execution log group, in days: one of the values CloudWatch Logs accepts (checked in modules/_parts/log_group)."
  type        = number
  default     = 30
  nullable    = false
}

variable "tracing_enabled" {
  description = "X-Ray tracing of executions (the role then gets the X-Ray write actions)."
  type        = bool
  default     = true
  nullable    = false
}

# ------------------------------------------------------------------ encryption and access

variable "kms_key_arn" {
  description = "Existing customer-managed KMS key for the log group and the created failure topic. null (default): the module creates one with rotation on, usable by CloudWatch Logs for this log group only. A key passed in must let CloudWatch Logs use it."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null ? true : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be null or a KMS key ARN like \"arn:aws:kms:us-east-1:123456789012:key/<id>\" (not an alias)."
  }
}

variable "kms_key_deletion_window_days" {
  description = "Waiting period before the created KMS key is deleted after destroy."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = floor(var.kms_key_deletion_window_days) == var.kms_key_deletion_window_days && var.kms_key_deletion_window_days >= 7 && var.kms_key_deletion_window_days <= 30
    error_message = "kms_key_deletion_window_days must be a whole number from 7 to 30."
  }
}

variable "role_permissions_boundary_arn" {
  description = "Permissions boundary for the roles the module creates (the state machine's and the schedule's)."
  type        = string
  default     = null

  validation {
    condition     = var.role_permissions_boundary_arn == null ? true : can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/.+$", var.role_permissions_boundary_arn))
    error_message = "role_permissions_boundary_arn must be null or an IAM policy ARN."
  }
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
