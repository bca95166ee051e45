"""The Lambda entry point: settings from the environment at import (cold start), a JSON log of each result."""

from __future__ import annotations

import importlib
import io
import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import pytest
from launcher_helpers import Stack, batch_event

from batch_launcher.launcher.events import InvalidEventError
from batch_launcher.launcher.settings import SettingsError

pytestmark = pytest.mark.emulator

HANDLER = "batch_launcher.launcher.handler"


@dataclass
class FakeContext:
    function_name: str = "batch-launcher-launcher"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:batch-launcher-launcher"
    aws_request_id: str = "6f0f3e36-1b1d-4bb0-9c53-1b2d2d0f0c11"


def rendered_environment(stack: Stack) -> dict[str, str]:
    """The variables modules/batch_launcher renders, for this test's resources."""
    settings = stack.settings()
    return {
        "DEPENDENCY_QUEUE_ARNS": json.dumps(list(settings.dependency_queue_arns)),
        "GLUE_JOB_NAME": settings.glue_job_name,
        "ATHENA_WORKGROUP": settings.athena_workgroup,
        "ATHENA_DATABASE": settings.athena_database,
        "ATHENA_QUERY_TIMEOUT_SECONDS": "30",
        "RESULT_TABLES": json.dumps({t.kind: {"name": t.name, "location": t.location} for t in settings.result_tables}),
        "IMPORT_MANIFEST_LOCATION": settings.import_manifest_location,
        "EXPORT_MANIFEST_LOCATION": settings.export_manifest_location,
        "CUT_OFF_START": "PREVIOUS_DAY_MIDNIGHT",
        "CUT_OFF_END": "TODAY_MIDNIGHT",
        "MARGIN_OF_ERROR_MINUTES": "2",
        "SNAPSHOT_TYPE": settings.snapshot_type,
        "IMPORT_TYPE": settings.import_type,
        "MAX_DAILY_RUNS": "1",
        "CLEAR_PREFIXES": json.dumps(list(settings.clear_prefixes)),
        "POWERTOOLS_SERVICE_NAME": "batch-launcher",
    }


@pytest.fixture
def cold_start(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[dict[str, str]], ModuleType]]:
    """Import the handler module afresh with this environment, as a new Lambda container would."""

    def start(environment: dict[str, str]) -> ModuleType:
        for key, value in environment.items():
            monkeypatch.setenv(key, value)
        sys.modules.pop(HANDLER, None)
        return importlib.import_module(HANDLER)

    yield start
    sys.modules.pop(HANDLER, None)


def log_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_an_event_through_the_handler_starts_the_job_and_logs_json(
    stack: Stack, cold_start: Callable[[dict[str, str]], ModuleType]
) -> None:
    handler = cold_start(rendered_environment(stack))
    # The logger's handler writes to the stdout it saw when the package was imported: read it here instead.
    stream = io.StringIO()
    previous = handler.logger.registered_handler.setStream(stream)
    try:
        result = handler.lambda_handler(batch_event(stack.queues[0]), FakeContext())
    finally:
        handler.logger.registered_handler.setStream(previous)

    assert result["outcome"] == "started"
    assert result["job_run_id"] == stack.runs()[0]["Id"]
    logs = log_lines(stream.getvalue())
    final = [line for line in logs if line.get("result")]
    assert len(final) == 1
    assert final[0]["level"] == "INFO" and final[0]["service"] == "batch-launcher"
    assert final[0]["message"].startswith("launch started: started run ")
    assert final[0]["result"] == result
    assert final[0]["function_request_id"] == FakeContext.aws_request_id


def test_a_skipped_event_returns_and_never_exits(
    stack: Stack, cold_start: Callable[[dict[str, str]], ModuleType]
) -> None:
    handler = cold_start(rendered_environment(stack))
    result = handler.lambda_handler(batch_event(stack.queues[0], "STARTING"), FakeContext())
    assert result["outcome"] == "skipped"


def test_a_bad_event_fails_the_invocation(stack: Stack, cold_start: Callable[[dict[str, str]], ModuleType]) -> None:
    handler = cold_start(rendered_environment(stack))
    event = batch_event(stack.queues[0])
    del event["detail"]["jobQueue"]
    with pytest.raises(InvalidEventError, match=r"no detail\.jobQueue"):
        handler.lambda_handler(event, FakeContext())


def test_a_missing_variable_fails_the_cold_start_naming_it(
    stack: Stack, cold_start: Callable[[dict[str, str]], ModuleType], monkeypatch: pytest.MonkeyPatch
) -> None:
    environment = rendered_environment(stack)
    environment["MAX_DAILY_RUNS"] = "five"
    monkeypatch.delenv("GLUE_JOB_NAME", raising=False)
    del environment["GLUE_JOB_NAME"]
    with pytest.raises(SettingsError) as raised:
        cold_start(environment)
    assert "GLUE_JOB_NAME is not set" in str(raised.value)
    assert "MAX_DAILY_RUNS must be a whole number from 1 to 100; got 'five'" in str(raised.value)
