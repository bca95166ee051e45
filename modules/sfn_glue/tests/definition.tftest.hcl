# The definition built from the typed inputs: states, transitions, argument mapping, retry and catch fields,
# and the failure path. Assertions read the JSON the state machine gets (jsondecode(local.definition)).

mock_provider "aws" {
  # One set of mocked AWS answers for every test file of this module.
  source = "./tests/mocks"
}

variables {
  name = "hello"
  jobs = [{
    name            = "hello-shell"
    input_arguments = { "--message" = "$.message", "--execution" = "$$.Execution.Name" }
    arguments       = { "--greeting" = "hi" }
  }]
}

run "input_mapped_to_job_arguments" {
  assert {
    condition     = jsondecode(local.definition).StartAt == "Check input"
    error_message = "With input_arguments the execution must start by checking the input."
  }
  assert {
    condition = jsondecode(local.definition).States["Run hello_shell"].Parameters == {
      JobName   = "hello-shell"
      Arguments = { "--greeting" = "hi", "--message.$" = "$.message", "--execution.$" = "$$.Execution.Name" }
    }
    error_message = "Static arguments must be passed as they are, input_arguments as \".$\" paths."
  }
  assert {
    condition     = jsondecode(local.definition).States["Run hello_shell"].Resource == "arn:aws:states:::glue:startJobRun.sync"
    error_message = "The task must run the job with glue:startJobRun.sync, so it waits for the run."
  }
  assert {
    condition = jsondecode(local.definition).States["Run hello_shell"].ResultSelector == {
      "JobName.$" = "$.JobName", "JobRunId.$" = "$.Id", "JobRunState.$" = "$.JobRunState"
    }
    error_message = "The task must keep the job name, run id and final state."
  }
  assert {
    condition     = jsondecode(local.definition).States["Run hello_shell"].ResultPath == "$.jobRuns.hello_shell"
    error_message = "The run must be kept under $.jobRuns.<key>, next to the input, with the key derived from the job name."
  }
  assert {
    condition     = !contains(keys(jsondecode(local.definition).States["Run hello_shell"]), "TimeoutSeconds") && !contains(keys(jsondecode(local.definition)), "TimeoutSeconds")
    error_message = "No task or execution timeout may be set unless asked for."
  }
  assert {
    condition     = jsondecode(local.definition).States["Run hello_shell"].Next == "Check hello_shell run state"
    error_message = "The task must be followed by the check of its run state."
  }
  assert {
    condition = jsondecode(local.definition).States["Check hello_shell run state"] == {
      Type    = "Choice"
      Choices = [{ Variable = "$.jobRuns.hello_shell.JobRunState", StringEquals = "SUCCEEDED", Next = "Done" }]
      Default = "hello_shell run did not succeed"
    }
    error_message = "Only a SUCCEEDED run may lead on (a STOPPED run must not end the execution successfully)."
  }
  assert {
    condition     = jsondecode(local.definition).States["Done"] == { Type = "Succeed" }
    error_message = "The last job's success must end in a Succeed state."
  }
  assert {
    condition     = local.input_paths == tolist(["$.message"])
    error_message = "Only \"$.\" paths are input fields to check; \"$$.\" paths read the context object."
  }
  assert {
    condition = jsondecode(local.definition).States["Check input"] == {
      Type = "Choice"
      Choices = [
        { Not = { Variable = "$.message", IsPresent = true }, Next = "Missing $.message" },
        { Not = { Variable = "$.message", IsString = true }, Next = "Not a string $.message" },
      ]
      Default = "Run hello_shell"
    }
    error_message = "The input check must test presence, then type, of every input field before the first job."
  }
  assert {
    condition = (
      jsondecode(local.definition).States["Missing $.message"].Type == "Fail" &&
      jsondecode(local.definition).States["Missing $.message"].Error == "MissingInput" &&
      strcontains(jsondecode(local.definition).States["Missing $.message"].Cause, "--message of Glue job hello-shell")
    )
    error_message = "A missing input field must end in a Fail state with error MissingInput naming the field's use."
  }
  assert {
    condition     = jsondecode(local.definition).States["Not a string $.message"].Error == "InvalidInput"
    error_message = "A non-string input field must end in a Fail state with error InvalidInput."
  }
}

run "retry_and_catch_defaults" {
  assert {
    condition = jsondecode(local.definition).States["Run hello_shell"].Retry == [{
      ErrorEquals     = ["Glue.ConcurrentRunsExceededException", "Glue.ThrottlingException", "Glue.InternalServiceException"]
      IntervalSeconds = 10
      MaxAttempts     = 3
      BackoffRate     = 2
    }]
    error_message = "The default retry must be the seed's: transient Glue errors, 3 attempts, 10 s apart, doubling."
  }
  assert {
    condition = jsondecode(local.definition).States["Run hello_shell"].Catch == [{
      ErrorEquals = ["States.ALL"], ResultPath = "$.failure.error", Next = "hello_shell failed"
    }]
    error_message = "Every error left after the retries must be caught into $.failure.error."
  }
  assert {
    condition = jsondecode(local.definition).States["hello_shell failed"] == {
      Type = "Pass", Result = "hello-shell", ResultPath = "$.failure.JobName", Next = "Did a job run fail?"
    }
    error_message = "The catch must record which job failed before the shared failure path."
  }
  assert {
    condition     = jsondecode(local.definition).States["Did a job run fail?"].Choices[0].Next == "Read failed job run" && jsondecode(local.definition).States["Did a job run fail?"].Default == "No job run"
    error_message = "A failed run (States.TaskFailed with the run as JSON) must be read for its id; other errors have no run."
  }
  assert {
    condition     = jsondecode(local.definition).States["Read failed job run"].Parameters["run.$"] == "States.StringToJson($.failure.error.Cause)"
    error_message = "The failed run must be parsed from the error's Cause."
  }
  assert {
    condition = jsondecode(local.definition).States["Notify failure"].Parameters == {
      TopicArn = "arn:aws:sns:us-east-1:123456789012:hello-failures"
      Subject  = "Step Functions hello: Glue job failed"
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
    error_message = "The notification must go to the topic with the execution name, job name, run id and error."
  }
  assert {
    condition     = jsondecode(local.definition).States["Notify failure"].Resource == "arn:aws:states:::sns:publish"
    error_message = "The notification must use the optimized sns:publish integration."
  }
  assert {
    condition     = jsondecode(local.definition).States["Notify failure"].Next == "Glue job failed" && jsondecode(local.definition).States["Notify failure"].Catch[0].Next == "Glue job failed"
    error_message = "After the notification, sent or not, the execution must end in the Fail state."
  }
  assert {
    condition = jsondecode(local.definition).States["Glue job failed"] == {
      Type      = "Fail"
      Error     = "GlueJobFailed"
      CausePath = "States.Format('Glue job {} failed with {}: {}', $.failure.JobName, $.failure.error.Error, $.failure.error.Cause)"
    }
    error_message = "The Fail state must carry an error and a cause naming the job and its error."
  }
  assert {
    condition     = jsondecode(local.definition).States["hello_shell run did not succeed"].Parameters.error.Error == "GlueJobRunNotSucceeded"
    error_message = "A run that ended without error but not SUCCEEDED (STOPPED) must fail the execution too."
  }
}

run "ordered_jobs_with_timeouts" {
  variables {
    jobs = [
      { name = "extract" },
      { name = "load-orders", key = "load", timeout_minutes = 120, task_timeout_seconds = 3600, arguments = {} },
    ]
    timeout_seconds = 7200
  }

  assert {
    condition     = jsondecode(local.definition).StartAt == "Run extract" && !contains(keys(jsondecode(local.definition).States), "Check input")
    error_message = "Without input_arguments there is nothing to check: the first job starts at once."
  }
  assert {
    condition     = jsondecode(local.definition).States["Check extract run state"].Choices[0].Next == "Run load"
    error_message = "The second job must run only after the first one SUCCEEDED."
  }
  assert {
    condition     = jsondecode(local.definition).States["Check load run state"].Choices[0].Next == "Done"
    error_message = "The last job's success must end the execution."
  }
  assert {
    condition     = jsondecode(local.definition).States["Run load"].Parameters == { JobName = "load-orders", Timeout = 120 }
    error_message = "timeout_minutes must become the run's Timeout; no Arguments without arguments."
  }
  assert {
    condition     = jsondecode(local.definition).States["Run extract"].Parameters == { JobName = "extract" }
    error_message = "A job without arguments or timeout must be started with its name only."
  }
  assert {
    condition     = jsondecode(local.definition).States["Run load"].TimeoutSeconds == 3600
    error_message = "task_timeout_seconds must become the task's TimeoutSeconds."
  }
  assert {
    condition     = contains(jsondecode(local.definition).States["Run load"].Retry[0].ErrorEquals, "States.Timeout") && !contains(jsondecode(local.definition).States["Run extract"].Retry[0].ErrorEquals, "States.Timeout")
    error_message = "States.Timeout must be retried only where the task has a timeout."
  }
  assert {
    condition     = jsondecode(local.definition).States["Run load"].ResultPath == "$.jobRuns.load" && jsondecode(local.definition).States["load failed"].Result == "load-orders"
    error_message = "A job's key must name its states and result; the job name stays the job's."
  }
  assert {
    condition     = jsondecode(local.definition).TimeoutSeconds == 7200
    error_message = "timeout_seconds must become the execution's TimeoutSeconds."
  }
  assert {
    condition     = length(jsondecode(local.definition).States) == 14
    error_message = "Two jobs make 4 states each plus 6 shared ones (and no input check)."
  }
}

run "retry_settings" {
  variables {
    retry = {
      errors              = ["Glue.ThrottlingException"]
      interval_seconds    = 5
      max_attempts        = 6
      backoff_rate        = 1.5
      max_delay_seconds   = 60
      jitter              = true
      retry_task_timeouts = false
    }
    jobs = [{ name = "hello-shell", task_timeout_seconds = 600 }]
  }

  assert {
    condition = jsondecode(local.definition).States["Run hello_shell"].Retry == [{
      ErrorEquals     = ["Glue.ThrottlingException"]
      IntervalSeconds = 5
      MaxAttempts     = 6
      BackoffRate     = 1.5
      MaxDelaySeconds = 60
      JitterStrategy  = "FULL"
    }]
    error_message = "Every retry input must reach the Retrier; retry_task_timeouts = false keeps States.Timeout out."
  }
}

run "comment_and_state_machine" {
  variables {
    description = "Hourly orders pipeline"
  }

  assert {
    condition     = jsondecode(local.definition).Comment == "Hourly orders pipeline"
    error_message = "description must become the definition's Comment."
  }
  assert {
    condition     = aws_sfn_state_machine.this.type == "STANDARD" && aws_sfn_state_machine.this.definition == local.definition
    error_message = "The state machine must be STANDARD (the only type with .sync) and get the built definition."
  }
  assert {
    condition     = output.definition == local.definition && output.state_machine_arn == "arn:aws:states:us-east-1:123456789012:stateMachine:hello"
    error_message = "The outputs must give the definition and the state machine's ARN."
  }
}
