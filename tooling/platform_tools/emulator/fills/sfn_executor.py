"""Gaps in moto's Step Functions executor (config `stepfunctions.execute_state_machine = true`).

moto then interprets definitions with its copy of LocalStack's ASL interpreter. Three bugs stop a
`arn:aws:states:::glue:startJobRun.sync` task (and any `.sync` service without a task token):
1. After the sync wait, the interpreter calls `interrupt_all()` on the task-token callback endpoint,
   which is None for services that do not support `.waitForTaskToken` (Glue): the task fails with
   `States.Runtime` ("'NoneType' object has no attribute 'interrupt_all'").
2. The task output is moto's GetJobRun answer, with `datetime` values, which breaks the JSON
   serialisation of the state output.
3. `StartExecution` without a name gives the ARN `...:execution:<machine>:None`, so a second
   unnamed execution collides with the first (ExecutionAlreadyExists, or the first is returned).

Fill: for such services run the `.sync` path without a callback endpoint (the same steps, minus the
token wait); convert datetimes in the job run to epoch milliseconds, as Step Functions shows them;
name unnamed executions with a UUID as AWS does. A run that ends FAILED, TIMEOUT or ERROR fails the
task with `States.TaskFailed` (the interpreter's own handling, which a Catch can match), the job run
as the cause; polling is every 0.5 s.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from platform_tools.emulator.fills import patch


def _epoch_millis(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return int(value.timestamp() * 1000)
    if isinstance(value, dict):
        return {key: _epoch_millis(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_epoch_millis(item) for item in value]
    return value


def apply() -> None:
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.resource import ResourceCondition
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_callback import (
        StateTaskServiceCallback,
    )
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_glue import (
        StateTaskServiceGlue,
    )
    from moto.stepfunctions.parser.models import StepFunctionsParserBackend

    original_eval_integration_pattern = StateTaskServiceCallback._eval_integration_pattern

    def eval_integration_pattern(
        self: Any, env: Any, resource_runtime_part: Any, normalised_parameters: Any, state_credentials: Any
    ) -> None:
        if ResourceCondition.WaitForTaskToken in self._supported_integration_patterns:
            original_eval_integration_pattern(
                self, env, resource_runtime_part, normalised_parameters, state_credentials
            )
            return
        # No task token, so no callback endpoint: only .sync/.sync2 are possible. Same steps as the
        # original (the task's output is the resolver's input; errors propagate to Retry/Catch).
        task_output = env.stack.pop()
        self.timeout.eval(env=env)
        timeout_seconds = env.stack.pop()
        env.stack.append(task_output)
        build = self._build_sync_resolver
        if self.resource.condition != ResourceCondition.Sync:
            build = self._build_sync2_resolver
        resolver = build(
            env=env,
            resource_runtime_part=resource_runtime_part,
            normalised_parameters=normalised_parameters,
            state_credentials=state_credentials,
        )
        outcome = self._eval_sync(
            env=env,
            sync_resolver=resolver,
            timeout_seconds=timeout_seconds,
            callback_endpoint=None,
            heartbeat_endpoint=None,
        )
        env.stack.append(outcome)

    original_sync_to_start_job_run = StateTaskServiceGlue._sync_to_start_job_run

    def sync_to_start_job_run(self: Any, *args: Any, **kwargs: Any) -> Any:
        resolver: Any = original_sync_to_start_job_run(self, *args, **kwargs)
        return lambda: _epoch_millis(resolver())

    original_start_execution = StepFunctionsParserBackend.start_execution

    def start_execution(self: Any, state_machine_arn: str, name: str | None = None, *args: Any, **kwargs: Any) -> Any:
        return original_start_execution(self, state_machine_arn, name or str(uuid.uuid4()), *args, **kwargs)

    patch(StateTaskServiceCallback, "_eval_integration_pattern", eval_integration_pattern)
    patch(StateTaskServiceGlue, "_sync_to_start_job_run", sync_to_start_job_run)
    patch(StepFunctionsParserBackend, "start_execution", start_execution)
