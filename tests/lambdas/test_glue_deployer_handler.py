"""The Lambda entry point on the emulator: clients built at cold start, JSON log lines, non-pipeline events
refused before any AWS call, artifact credentials used only when asked for and never written to a log."""

from __future__ import annotations

import importlib
import io
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import pytest
from botocore.exceptions import ClientError
from deployer_helpers import COMMIT, Target, counting_calls, make_target, refused, repository_zip

from emulator_helpers import post
from glue_deployer.deployer import logger
from glue_deployer.deployer.core import Clients
from glue_deployer.deployer.events import NotAPipelineJobEvent
from platform_tools.emulator import EmulatorProcess
from platform_tools.emulator.fills.codepipeline import JOB_RESULTS_PATH

pytestmark = pytest.mark.emulator

HANDLER = "glue_deployer.deployer.handler"
REPOSITORY_ZIP = repository_zip()


@dataclass
class FakeContext:
    function_name: str = "orders-glue-deployer"
    aws_request_id: str = "6f0f3e36-1b1d-4bb0-9c53-1b2d2d0f0c11"
    remaining_ms: int = 300_000

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


@pytest.fixture
def handler(emulator: EmulatorProcess) -> Iterator[ModuleType]:
    """The handler module imported afresh, as a new Lambda container would (its clients on the emulator)."""
    if post(emulator, JOB_RESULTS_PATH, {}) == 404:
        pytest.fail("the emulator lacks the fill `codepipeline`: add it to FILL_MODULES in emulator/fills/__init__.py.")
    sys.modules.pop(HANDLER, None)
    module = importlib.import_module(HANDLER)
    logger.set_level("INFO")
    yield module
    logger.set_level("INFO")
    sys.modules.pop(HANDLER, None)


@pytest.fixture
def logs() -> Iterator[io.StringIO]:
    """Every line the package logs during the test (the handler writes to the stdout of its import)."""
    stream = io.StringIO()
    previous = logger.set_stream(stream)
    yield stream
    logger.set_stream(previous)


@pytest.fixture
def target(emulator: EmulatorProcess, handler: ModuleType) -> Target:
    clients: Clients = handler.clients
    target = make_target(emulator, clients)
    target.put_artifact(REPOSITORY_ZIP)
    return target


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_the_handler_deploys_and_writes_json_lines_keyed_by_pipeline_job_and_commit(
    handler: ModuleType, target: Target, logs: io.StringIO
) -> None:
    event = target.event()
    job_id = event["CodePipeline.job"]["id"]

    result = handler.lambda_handler(event, FakeContext())

    (run,) = target.runs()
    assert result == {
        "outcome": "in_progress",
        "pipeline_job_id": job_id,
        "summary": f"deployed commit {COMMIT} to the Glue job {target.job_name} and started run {run['Id']}; "
        "waiting for it",
        "continuation_token": f'{{"v":1,"job":"{target.job_name}","run":"{run["Id"]}","commit":"{COMMIT}"}}',
        "run_id": run["Id"],
        "commit_id": COMMIT,
    }
    first = lines(logs)
    assert [line["message"] for line in first] == [
        "pipeline job received",
        "sources found in the input artifact",
        "sources uploaded",
        "job updated",
        "run started",
        f"reported in_progress: {result['summary']}",
    ]
    for line in first:
        assert (line["service"], line["level"], line["pipeline_job_id"]) == ("glue-deployer", "INFO", job_id)
        assert (line["function_request_id"], line["cold_start"]) == (FakeContext.aws_request_id, True)
        assert set(line) >= {"location", "timestamp", "function_name"}
    assert "commit_id" not in first[0] and all(line["commit_id"] == COMMIT for line in first[1:])
    assert first[0]["job"] == {
        "pipeline_job_id": job_id,
        "continuation": False,
        "input_artifacts": [
            {
                "name": "SourceArtifact",
                "revision": COMMIT,
                "location": f"s3://{target.artifact_bucket}/{target.artifact_key}",
            }
        ],
        "artifact_credentials_present": True,
    }
    assert first[-1]["result"] == result

    logs.truncate(0)
    logs.seek(0)
    continued = target.event(continuation_token=result["continuation_token"])
    final = handler.lambda_handler(continued, FakeContext(aws_request_id="second"))
    assert final["outcome"] == "succeeded"
    second = lines(logs)
    assert {(line["cold_start"], line["function_request_id"]) for line in second} == {(False, "second")}
    assert {line["pipeline_job_id"] for line in second} == {continued["CodePipeline.job"]["id"]}


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        ({}, r"got an object with the keys \[\]\."),
        ([], r"got a list\."),
        ("CodePipeline.job", r"got a str\."),
        ({"source": "aws.batch", "detail-type": "Batch Job State Change"}, r"the keys \['detail-type', 'source'\]"),
        ({"Records": [{"eventSource": "aws:s3"}]}, r"the keys \['Records'\]"),
        ({"CodePipeline.job": {"data": {}}}, r"got one whose CodePipeline\.job\.id is missing or not a job id"),
        ({"CodePipeline.job": {"id": "not-a-uuid"}}, r"is missing or not a job id"),
    ],
)
def test_an_event_that_is_not_a_pipeline_job_is_refused_before_any_aws_call(
    handler: ModuleType, event: Any, expected: str
) -> None:
    clients: Clients = handler.clients
    with (
        counting_calls(clients.s3, clients.glue, clients.codepipeline) as calls,
        pytest.raises(NotAPipelineJobEvent, match=expected) as raised,
    ):
        handler.lambda_handler(event, FakeContext())
    assert calls == []
    assert str(raised.value).startswith(
        'expected a CodePipeline job event {"CodePipeline.job": {"id": "<uuid>", "data": {...}}}, as a CodePipeline '
        "Lambda invoke action sends it; invoke this function only from a pipeline action; got "
    )


def test_the_artifact_is_read_with_the_events_credentials_only_when_asked(
    handler: ModuleType, target: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[tuple[str, Any]] = []
    real = handler.artifact_client

    def spy(credentials: Any) -> Any:
        client = real(credentials)
        made.append((credentials.access_key_id, client))
        return client

    monkeypatch.setattr(handler, "artifact_client", spy)
    clients: Clients = handler.clients

    with counting_calls(clients.s3) as role_calls:
        handler.lambda_handler(target.event(), FakeContext())
    assert made == [] and role_calls[0] == "s3:GetObject"

    target.clients.glue.batch_stop_job_run(JobName=target.job_name, JobRunIds=[r["Id"] for r in target.runs()])
    event = target.event(target.parameters(use_artifact_credentials=True), revision="a" * 40)
    with counting_calls(clients.s3) as role_calls:
        result = handler.lambda_handler(event, FakeContext())
    assert result["outcome"] == "in_progress"
    ((access_key, client),) = made
    assert access_key == event["CodePipeline.job"]["data"]["artifactCredentials"]["accessKeyId"]
    frozen = client._request_signer._credentials.get_frozen_credentials()
    credentials = event["CodePipeline.job"]["data"]["artifactCredentials"]
    assert (frozen.access_key, frozen.secret_key, frozen.token) == (
        credentials["accessKeyId"],
        credentials["secretAccessKey"],
        credentials["sessionToken"],
    )
    assert "s3:GetObject" not in role_calls and role_calls == ["s3:PutObject", "s3:PutObject"]


def test_artifact_credentials_never_reach_a_log_line_or_a_result(
    handler: ModuleType, target: Target, logs: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    logger.set_level("DEBUG")
    events = [
        target.event(target.parameters(use_artifact_credentials=True)),  # deploys with them
        target.event(target.parameters(script_path="src/glue/jobs/missing.py")),  # fails
        target.event("not json"),  # fails early
    ]
    results = [handler.lambda_handler(event, FakeContext()) for event in events]
    continued = target.event(continuation_token=results[0]["continuation_token"])
    results.append(handler.lambda_handler(continued, FakeContext()))

    # An unexpected error whose text carries a secret (say, a library quoting its input) is redacted too.
    leaking = target.event(target.parameters(use_artifact_credentials=True))
    secret = leaking["CodePipeline.job"]["data"]["artifactCredentials"]["secretAccessKey"]

    def explode(credentials: Any) -> Any:
        raise RuntimeError(f"cannot use {credentials.secret_access_key}")

    monkeypatch.setattr(handler, "artifact_client", explode)
    results.append(handler.lambda_handler(leaking, FakeContext()))
    job_id = leaking["CodePipeline.job"]["id"]
    assert target.result(job_id) == {
        "jobId": job_id,
        "status": "Failed",
        "failureDetails": {
            "type": "JobFailed",
            "message": f"the deployer failed unexpectedly (RuntimeError: cannot use ***). Fix: see the deployer's log "
            f"for pipeline job {job_id}, then retry the stage.",
        },
    }

    text = logs.getvalue()
    assert [result["outcome"] for result in results] == ["in_progress", "failed", "failed", "succeeded", "failed"]
    assert len(lines(logs)) >= 12 and "cannot use ***" in text and "Traceback" in text
    reported = json.dumps([target.result(event["CodePipeline.job"]["id"]) for event in [*events, leaking]])
    for event in [*events, leaking]:
        for key in ("accessKeyId", "secretAccessKey", "sessionToken"):
            value = event["CodePipeline.job"]["data"]["artifactCredentials"][key]
            assert value not in text and value not in reported and value not in json.dumps(results)
    assert secret not in text


def test_a_result_codepipeline_refuses_fails_the_invocation_so_lambda_retries(
    handler: ModuleType, target: Target, logs: io.StringIO
) -> None:
    clients: Clients = handler.clients
    denied = (
        "User: arn:aws:sts::123456789012:assumed-role/deployer/fn is not authorized to perform: "
        "codepipeline:PutJobSuccessResult"
    )
    with (
        refused(clients.codepipeline, "PutJobSuccessResult", "AccessDeniedException", denied),
        pytest.raises(ClientError, match="AccessDeniedException"),
    ):
        handler.lambda_handler(target.event(), FakeContext())
    (error,) = [line for line in lines(logs) if line["level"] == "ERROR"]
    assert error["message"].startswith("could not report the result to CodePipeline (the invocation fails, so Lambda")
    assert error["error"] == f"AccessDeniedException: {denied}"
    assert error["result"]["outcome"] == "in_progress"
