# The state machine definition, built from the typed inputs (jsonencode of these locals, never a hand-written
# JSON string), and the IAM actions each service integration it uses needs.
#
# Shape, for jobs [a, b]:
#
#   Check input (Choice: every "$." path the jobs read is present and a string; else a Fail state
#   | MissingInput / InvalidInput naming the field, before any job run starts)
#   Run a (glue:startJobRun.sync, Retry on transient errors, Catch States.ALL -> "a failed")
#   Check a run state (Choice: SUCCEEDED -> Run b; anything else, e.g. STOPPED -> "a run did not succeed")
#   Run b ... Check b run state -> Done (Succeed)
#
#   "<key> failed" records the job name -> "Did a job run fail?" (a run that ended FAILED/TIMEOUT/ERROR
#   carries it as JSON in the error's Cause: "Read failed job run" parses it; otherwise "No job run")
#   -> Notify failure (sns:publish, one message) -> Glue job failed (Fail, error GlueJobFailed).
#
# State data: the execution input, plus $.jobRuns.<key> = {JobName, JobRunId, JobRunState} for each job run
# that ended, and $.failure on the failure path.

locals {
  state_machine_arn = "arn:${local.partition}:states:${local.region}:${local.account_id}:stateMachine:${var.name}"

  # ---------------------------------------------------------------- jobs, with derived names
  jobs = [for index, job in var.jobs : merge(job, {
    key = coalesce(job.key, replace(job.name, "/[^A-Za-z0-9_]/", "_"))
    arn = "arn:${local.partition}:glue:${local.region}:${local.account_id}:job/${job.name}"
  })]

  steps = [for index, job in local.jobs : merge(job, {
    run_state           = "Run ${job.key}"
    check_state         = "Check ${job.key} run state"
    not_succeeded_state = "${job.key} run did not succeed"
    caught_state        = "${job.key} failed"
    result_path         = "$.jobRuns.${job.key}"
    next_state          = index + 1 < length(local.jobs) ? "Run ${local.jobs[index + 1].key}" : local.done_state
    # Glue's own argument names; ".$" keys take their value from the path.
    arguments = merge(job.arguments, { for argument, path in job.input_arguments : "${argument}.$" => path })
    retry_errors = distinct(concat(
      var.retry.errors,
      job.task_timeout_seconds != null && var.retry.retry_task_timeouts ? ["States.Timeout"] : [],
    ))
  })]

  # ---------------------------------------------------------------- shared state names
  check_input_state = "Check input"
  done_state        = "Done"
  failed_run_choice = "Did a job run fail?"
  read_run_state    = "Read failed job run"
  no_run_state      = "No job run"
  notify_state      = "Notify failure"
  fail_state        = "Glue job failed"

  # ---------------------------------------------------------------- input checks
  # Fields of the execution input the jobs read ("$$." paths read the context object, which always exists).
  input_paths = distinct(flatten([
    for job in local.jobs : [for path in values(job.input_arguments) : path if startswith(path, "$.")]
  ]))
  input_path_uses = {
    for path in local.input_paths : path => join(", ", flatten([
      for job in local.jobs : [for argument, used in job.input_arguments : "${argument} of Glue job ${job.name}" if used == path]
    ]))
  }

  input_states = merge(
    {
      for state in(length(local.input_paths) > 0 ? [local.check_input_state] : []) : state => {
        Type = "Choice"
        # Rules are tried in order, so a field's IsString runs only once it is known to be present.
        Choices = flatten([for path in local.input_paths : [
          { Not = { Variable = path, IsPresent = true }, Next = "Missing ${path}" },
          { Not = { Variable = path, IsString = true }, Next = "Not a string ${path}" },
        ]])
        Default = local.steps[0].run_state
      }
    },
    {
      for path in local.input_paths : "Missing ${path}" => {
        Type  = "Fail"
        Error = "MissingInput"
        Cause = "The execution input has no ${path}, which is ${local.input_path_uses[path]}: no job run was started."
      }
    },
    {
      for path in local.input_paths : "Not a string ${path}" => {
        Type  = "Fail"
        Error = "InvalidInput"
        Cause = "${path} of the execution input must be a string (Glue job arguments are strings); it is ${local.input_path_uses[path]}: no job run was started."
      }
    },
  )

  # ---------------------------------------------------------------- job states
  retrier = merge(
    {
      IntervalSeconds = var.retry.interval_seconds
      MaxAttempts     = var.retry.max_attempts
      BackoffRate     = var.retry.backoff_rate
    },
    var.retry.max_delay_seconds == null ? null : { MaxDelaySeconds = var.retry.max_delay_seconds },
    var.retry.jitter ? { JitterStrategy = "FULL" } : null,
  )

  task_states = {
    for step in local.steps : step.run_state => merge(
      {
        Type     = "Task"
        Resource = "arn:${local.partition}:states:::glue:startJobRun.sync"
        Parameters = merge(
          { JobName = step.name },
          length(step.arguments) == 0 ? null : { Arguments = step.arguments },
          step.timeout_minutes == null ? null : { Timeout = step.timeout_minutes },
        )
        # The .sync result is the whole GetJobRun answer; keep what identifies the run and how it ended.
        ResultSelector = {
          "JobName.$"     = "$.JobName"
          "JobRunId.$"    = "$.Id"
          "JobRunState.$" = "$.JobRunState"
        }
        ResultPath = step.result_path
        Retry      = [merge({ ErrorEquals = step.retry_errors }, local.retrier)]
        Catch      = [{ ErrorEquals = ["States.ALL"], ResultPath = "$.failure.error", Next = step.caught_state }]
        Next       = step.check_state
      },
      step.task_timeout_seconds == null ? null : { TimeoutSeconds = step.task_timeout_seconds },
    )
  }

  # A .sync task also ends without error when the run was STOPPED: only SUCCEEDED goes on.
  check_states = {
    for step in local.steps : step.check_state => {
      Type    = "Choice"
      Choices = [{ Variable = "${step.result_path}.JobRunState", StringEquals = "SUCCEEDED", Next = step.next_state }]
      Default = step.not_succeeded_state
    }
  }

  not_succeeded_states = {
    for step in local.steps : step.not_succeeded_state => {
      Type = "Pass"
      Parameters = {
        JobName = step.name
        run     = { "Id.$" = "${step.result_path}.JobRunId" }
        error = {
          Error     = "GlueJobRunNotSucceeded"
          "Cause.$" = "States.Format('Job run {} of Glue job {} ended {}.', ${step.result_path}.JobRunId, ${step.result_path}.JobName, ${step.result_path}.JobRunState)"
        }
      }
      ResultPath = "$.failure"
      Next       = local.notify_state
    }
  }

  caught_states = {
    for step in local.steps : step.caught_state => {
      Type       = "Pass"
      Result     = step.name
      ResultPath = "$.failure.JobName"
      Next       = local.failed_run_choice
    }
  }

  # ---------------------------------------------------------------- failure path, shared by all jobs
  failure_states = {
    (local.failed_run_choice) = {
      Type = "Choice"
      # A run that ended FAILED, TIMEOUT or ERROR fails the task with States.TaskFailed and the run as JSON in
      # the Cause; API errors (e.g. Glue.ConcurrentRunsExceededException after the retries) started no run.
      Choices = [{
        And = [
          { Variable = "$.failure.error.Error", StringEquals = "States.TaskFailed" },
          { Variable = "$.failure.error.Cause", StringMatches = "{*" },
        ]
        Next = local.read_run_state
      }]
      Default = local.no_run_state
    }
    (local.read_run_state) = {
      Type = "Pass"
      Parameters = {
        "JobName.$" = "$.failure.JobName"
        "error.$"   = "$.failure.error"
        "run.$"     = "States.StringToJson($.failure.error.Cause)"
      }
      ResultPath = "$.failure"
      Next       = local.notify_state
    }
    (local.no_run_state) = {
      Type       = "Pass"
      Result     = { Id = null }
      ResultPath = "$.failure.run"
      Next       = local.notify_state
    }
    (local.notify_state) = {
      Type     = "Task"
      Resource = "arn:${local.partition}:states:::sns:publish"
      Parameters = {
        TopicArn = local.topic_arn
        Subject  = "Step Functions ${var.name}: Glue job failed"
        # An object Message is sent as its JSON text.
        Message = {
          "StateMachine.$"  = "$$.StateMachine.Name"
          "ExecutionName.$" = "$$.Execution.Name"
          "ExecutionArn.$"  = "$$.Execution.Id"
          "JobName.$"       = "$.failure.JobName"
          "JobRunId.$"      = "$.failure.run.Id"
          "Error.$"         = "$.failure.error.Error"
          "Cause.$"         = "$.failure.error.Cause"
        }
      }
      ResultPath = "$.failure.notification"
      # A failed notification must not hide the job's failure: the execution still ends in the Fail state.
      Catch = [{ ErrorEquals = ["States.ALL"], ResultPath = "$.failure.notificationError", Next = local.fail_state }]
      Next  = local.fail_state
    }
    (local.fail_state) = {
      Type      = "Fail"
      Error     = "GlueJobFailed"
      CausePath = "States.Format('Glue job {} failed with {}: {}', $.failure.JobName, $.failure.error.Error, $.failure.error.Cause)"
    }
    (local.done_state) = {
      Type = "Succeed"
    }
  }

  definition_document = merge(
    {
      Comment = coalesce(var.description, "Runs Glue job${length(local.jobs) > 1 ? "s" : ""} ${join(", ", [for job in local.jobs : job.name])} in order and waits for each run to end.")
      StartAt = length(local.input_paths) > 0 ? local.check_input_state : local.steps[0].run_state
      States = merge(
        local.input_states,
        local.task_states,
        local.check_states,
        local.not_succeeded_states,
        local.caught_states,
        local.failure_states,
      )
    },
    var.timeout_seconds == null ? null : { TimeoutSeconds = var.timeout_seconds },
  )
  definition = jsonencode(local.definition_document)

  # ---------------------------------------------------------------- IAM actions per service integration
  # In the manner of terraform-aws-step-functions' aws_service_policies: what each integration the definition
  # uses needs (https://docs.aws.amazon.com/step-functions/latest/dg/service-integration-iam-templates.html).
  # iam.tf scopes each to the resources this module names.
  integration_actions = {
    # Run a Job (.sync): start, poll, and stop (on task timeout or an aborted execution) the runs. Glue's
    # .sync polls the run: unlike the ECS or Batch integrations it uses no managed EventBridge rule, so AWS's
    # template (connect-glue.html) grants no events action, and neither does this module.
    glue_start_job_run_sync = ["glue:StartJobRun", "glue:GetJobRun", "glue:GetJobRuns", "glue:BatchStopJobRun"]
    sns_publish             = ["sns:Publish"]
    # SNS encrypts the message with the topic's key on the publisher's behalf.
    sns_publish_encrypted = ["kms:GenerateDataKey", "kms:Decrypt"]
    # https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html
    log_delivery = [
      "logs:CreateLogDelivery",
      "logs:DeleteLogDelivery",
      "logs:DescribeLogGroups",
      "logs:DescribeResourcePolicies",
      "logs:GetLogDelivery",
      "logs:ListLogDeliveries",
      "logs:PutResourcePolicy",
      "logs:UpdateLogDelivery",
    ]
    # https://docs.aws.amazon.com/step-functions/latest/dg/xray-iam.html
    xray = ["xray:GetSamplingRules", "xray:GetSamplingTargets", "xray:PutTelemetryRecords", "xray:PutTraceSegments"]
  }
}
