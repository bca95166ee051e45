"""The two test-control fills the batch launcher's tests use: each gap on `bare_emulator`, its fill on `emulator`.

- batch_job_status: hold a Batch job in an active status (moto ends every job at submit, or fails it).
- athena_query_outcomes: make a query execution end FAILED or CANCELLED with a reason, or never end.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest

from emulator_helpers import batch_without_docker, post, unique
from emulator_helpers import no_retry_client as client
from platform_tools.emulator import EmulatorProcess
from platform_tools.emulator.fills.athena_query_outcomes import OUTCOMES_PATH, set_query_execution_outcomes
from platform_tools.emulator.fills.batch_job_status import JOB_STATUS_PATH, set_batch_job_status

pytestmark = pytest.mark.emulator


@contextlib.contextmanager
def docker_free_batch(emulator: EmulatorProcess) -> Iterator[tuple[Any, str, str]]:
    """A Batch client with `batch.use_docker = false` for the duration, and a queue plus job definition."""
    with batch_without_docker(emulator):
        batch = client(emulator, "batch")
        role = client(emulator, "iam").create_role(RoleName=unique("batch"), AssumeRolePolicyDocument="{}")
        environment = batch.create_compute_environment(
            computeEnvironmentName=unique("ce"), type="UNMANAGED", state="ENABLED", serviceRole=role["Role"]["Arn"]
        )["computeEnvironmentArn"]
        queue = batch.create_job_queue(
            jobQueueName=unique("queue"),
            state="ENABLED",
            priority=1,
            computeEnvironmentOrder=[{"order": 1, "computeEnvironment": environment}],
        )["jobQueueArn"]
        definition = batch.register_job_definition(
            jobDefinitionName=unique("jd"),
            type="container",
            containerProperties={"image": "busybox", "vcpus": 1, "memory": 128, "command": ["true"]},
        )["jobDefinitionArn"]
        yield batch, queue, definition


def active_jobs(batch: Any, queue: str) -> dict[str, list[str]]:
    statuses = ("SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING")
    listed = {status: batch.list_jobs(jobQueue=queue, jobStatus=status)["jobSummaryList"] for status in statuses}
    return {status: [job["jobId"] for job in jobs] for status, jobs in listed.items() if jobs}


def test_batch_jobs_end_at_submit_on_moto_as_shipped(bare_emulator: EmulatorProcess) -> None:
    with docker_free_batch(bare_emulator) as (batch, queue, definition):
        job = batch.submit_job(jobName="j", jobQueue=queue, jobDefinition=definition)["jobId"]
        assert batch.describe_jobs(jobs=[job])["jobs"][0]["status"] == "SUCCEEDED"
        assert active_jobs(batch, queue) == {}
        assert post(bare_emulator, JOB_STATUS_PATH, {"job_id": job, "status": "RUNNABLE"}) == 404


@pytest.mark.parametrize("status", ["SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING"])
def test_batch_job_status_control_holds_a_job_in_an_active_status(emulator: EmulatorProcess, status: str) -> None:
    with docker_free_batch(emulator) as (batch, queue, definition):
        job = batch.submit_job(jobName="j", jobQueue=queue, jobDefinition=definition)["jobId"]
        set_batch_job_status(emulator.endpoint, job, status)
        for _ in range(3):  # each describe/list would advance a job moto's state manager still moved
            assert batch.describe_jobs(jobs=[job])["jobs"][0]["status"] == status
        assert active_jobs(batch, queue) == {status: [job]}
        set_batch_job_status(emulator.endpoint, job, "SUCCEEDED")
        assert active_jobs(batch, queue) == {}


def test_batch_job_status_control_refuses_bad_requests(emulator: EmulatorProcess) -> None:
    assert post(emulator, JOB_STATUS_PATH, {"job_id": "no-such-job", "status": "RUNNING"}) == 404
    assert post(emulator, JOB_STATUS_PATH, {"job_id": "no-such-job", "status": "DONE"}) == 400
    assert post(emulator, JOB_STATUS_PATH, {"status": "RUNNING"}) == 400


def athena_workgroup(emulator: EmulatorProcess) -> tuple[Any, str]:
    athena = client(emulator, "athena")
    name = unique("wg")
    athena.create_work_group(Name=name, Configuration={"ResultConfiguration": {"OutputLocation": "s3://r/q/"}})
    return athena, name


def state_of(athena: Any, execution_id: str) -> dict[str, Any]:
    status: dict[str, Any] = athena.get_query_execution(QueryExecutionId=execution_id)["QueryExecution"]["Status"]
    return status


def test_athena_queries_always_succeed_on_moto_as_shipped(bare_emulator: EmulatorProcess) -> None:
    athena, workgroup = athena_workgroup(bare_emulator)
    assert post(bare_emulator, OUTCOMES_PATH, {"outcomes": ["FAILED"]}) == 404
    execution = athena.start_query_execution(QueryString="SELEC 1", WorkGroup=workgroup)["QueryExecutionId"]
    assert state_of(athena, execution)["State"] == "SUCCEEDED"


def test_athena_outcome_control_fails_cancels_and_holds_queries(emulator: EmulatorProcess) -> None:
    athena, workgroup = athena_workgroup(emulator)
    reason = "line 1:1: mismatched input 'SELEC'"
    set_query_execution_outcomes(
        emulator.endpoint, ["SUCCEEDED", {"state": "FAILED", "reason": reason}, "CANCELLED", "RUNNING", "QUEUED"]
    )
    try:
        ids = [
            athena.start_query_execution(QueryString=f"SELECT {n}", WorkGroup=workgroup)["QueryExecutionId"]
            for n in range(6)
        ]
        states = [state_of(athena, execution) for execution in ids]
        assert [s["State"] for s in states] == ["SUCCEEDED", "FAILED", "CANCELLED", "RUNNING", "QUEUED", "SUCCEEDED"]
        assert states[1]["StateChangeReason"] == reason
        assert states[1]["AthenaError"]["ErrorMessage"] == reason
        assert states[2]["StateChangeReason"].startswith("Query CANCELLED")
        assert "AthenaError" not in states[2] and "StateChangeReason" not in states[0]
        # Held states stay; StopQueryExecution still cancels a held query.
        assert state_of(athena, ids[3])["State"] == "RUNNING"
        athena.stop_query_execution(QueryExecutionId=ids[3])
        assert state_of(athena, ids[3])["State"] == "CANCELLED"
    finally:
        set_query_execution_outcomes(emulator.endpoint, [])


def test_athena_outcome_control_refuses_unknown_states(emulator: EmulatorProcess) -> None:
    assert post(emulator, OUTCOMES_PATH, {"outcomes": ["DONE"]}) == 400
    assert post(emulator, OUTCOMES_PATH, {"outcomes": []}) == 201
