"""Event validation: AWS's Batch Job State Change shape is accepted; anything else is refused, naming the field."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from launcher_helpers import batch_event

from batch_launcher.launcher.events import BatchJobStateChange, InvalidEventError, parse_event

QUEUE = "arn:aws:batch:us-east-1:123456789012:job-queue/import-queue"

# The example from the AWS Batch user guide ("Job state change events"), verbatim in shape.
AWS_DOCUMENTED_EVENT: dict[str, Any] = {
    "version": "0",
    "id": "c8f9c4b5-76e5-d76a-f980-7011e206042b",
    "detail-type": "Batch Job State Change",
    "source": "aws.batch",
    "account": "123456789012",
    "time": "2022-01-11T23:36:40Z",
    "region": "us-east-1",
    "resources": ["arn:aws:batch:us-east-1:123456789012:job/4c7599ae-0a82-49aa-ba5a-4727fcce14a8"],
    "detail": {
        "jobArn": "arn:aws:batch:us-east-1:123456789012:job/4c7599ae-0a82-49aa-ba5a-4727fcce14a8",
        "jobName": "event-test",
        "jobId": "4c7599ae-0a82-49aa-ba5a-4727fcce14a8",
        "jobQueue": "arn:aws:batch:us-east-1:123456789012:job-queue/PexjEHappyPathCanary2JobQueue",
        "status": "RUNNABLE",
        "attempts": [],
        "createdAt": 1641944200058,
        "retryAttempts": 0,
        "timeout": {"attemptDurationSeconds": 60},
        "dependsOn": [],
        "jobDefinition": "arn:aws:batch:us-east-1:123456789012:job-definition/first-run-job-definition:1",
        "parameters": {},
        "container": {
            "image": "137112412989.dkr.ecr.us-east-1.amazonaws.com/amazonlinux:latest",
            "command": ["sleep", "600"],
            "volumes": [],
            "environment": [],
            "mountPoints": [],
            "ulimits": [],
            "networkInterfaces": [],
            "resourceRequirements": [{"value": "2", "type": "VCPU"}, {"value": "256", "type": "MEMORY"}],
            "secrets": [],
        },
        "tags": {"resourceArn": "arn:aws:batch:us-east-1:123456789012:job/4c7599ae-0a82-49aa-ba5a-4727fcce14a8"},
        "propagateTags": False,
        "platformCapabilities": [],
    },
}


def test_the_aws_documented_event_parses() -> None:
    change = parse_event(AWS_DOCUMENTED_EVENT)
    assert change == BatchJobStateChange(
        job_name="event-test",
        job_queue="arn:aws:batch:us-east-1:123456789012:job-queue/PexjEHappyPathCanary2JobQueue",
        status="RUNNABLE",
        job_id="4c7599ae-0a82-49aa-ba5a-4727fcce14a8",
        ignore_batch_checks=False,
    )
    assert not change.finished


@pytest.mark.parametrize("status", ["SUCCEEDED", "FAILED"])
def test_finished_statuses(status: str) -> None:
    assert parse_event(batch_event(QUEUE, status)).finished


@pytest.mark.parametrize(("value", "expected"), [("true", True), (True, True), ("false", False), (False, False)])
def test_ignore_batch_checks_is_read_from_detail(value: object, expected: bool) -> None:
    assert parse_event(batch_event(QUEUE, ignoreBatchChecks=value)).ignore_batch_checks is expected


def _without(path: str) -> dict[str, Any]:
    event = batch_event(QUEUE)
    *parents, last = path.split(".")
    target: Any = event
    for key in parents:
        target = target[key]
    del target[last]
    return event


def _with(path: str, value: object) -> dict[str, Any]:
    event = copy.deepcopy(batch_event(QUEUE))
    *parents, last = path.split(".")
    target: Any = event
    for key in parents:
        target = target[key]
    target[last] = value
    return event


BAD_EVENTS = [
    pytest.param(None, "must be a JSON object", id="none"),
    pytest.param([batch_event(QUEUE)], "must be a JSON object", id="a-list"),
    pytest.param("Batch Job State Change", "must be a JSON object", id="a-string"),
    pytest.param(_without("source"), "source must be 'aws.batch'", id="no-source"),
    pytest.param(_with("source", "aws.glue"), "source must be 'aws.batch'", id="glue-event"),
    pytest.param(_with("detail-type", "Glue Job State Change"), "detail-type must be", id="wrong-detail-type"),
    pytest.param(_without("detail"), "detail must be an object", id="no-detail"),
    pytest.param(_with("detail", "SUCCEEDED"), "detail must be an object", id="detail-a-string"),
    pytest.param(_without("detail.status"), "no detail.status", id="no-status"),
    pytest.param(_with("detail.status", ""), "detail.status must be a non-empty string", id="empty-status"),
    pytest.param(_with("detail.status", 3), "detail.status must be a non-empty string", id="numeric-status"),
    pytest.param(_with("detail.status", "DONE"), "detail.status must be one of", id="unknown-status"),
    pytest.param(_with("detail.status", "succeeded"), "detail.status must be one of", id="lowercase-status"),
    pytest.param(_without("detail.jobQueue"), "no detail.jobQueue", id="no-queue"),
    pytest.param(_with("detail.jobQueue", "import-queue"), "must be the queue's ARN", id="queue-by-name"),
    pytest.param(_with("detail.jobQueue", None), "detail.jobQueue must be a non-empty string", id="null-queue"),
    pytest.param(_without("detail.jobName"), "no detail.jobName", id="no-job-name"),
    pytest.param(_with("detail.jobName", "   "), "detail.jobName must be a non-empty string", id="blank-job-name"),
    pytest.param(_with("detail.jobName", "x" * 2000), "longer than 1024", id="huge-job-name"),
    pytest.param(_with("detail.ignoreBatchChecks", "yes"), 'ignoreBatchChecks must be "true" or "false"', id="yes"),
    pytest.param(_with("detail.ignoreBatchChecks", 1), 'ignoreBatchChecks must be "true" or "false"', id="one"),
]


@pytest.mark.parametrize(("event", "message"), BAD_EVENTS)
def test_bad_events_are_refused_naming_the_field(event: object, message: str) -> None:
    with pytest.raises(InvalidEventError, match=message.replace("(", r"\(").replace(".", r"\.")):
        parse_event(event)
