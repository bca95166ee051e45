"""Fixtures for the launcher's handler tests: its AWS resources on the emulator, settings, events.

Everything is created through the AWS APIs on the session's emulator with unique names, so tests do not
see each other's queues, jobs or objects. Batch runs without Docker (`batch.use_docker = false`, put back
afterwards); a job is held in an active status with the emulator's test control (fill
`batch_job_status`), and Athena outcomes are preset with `athena_query_outcomes`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from launcher_helpers import ACCOUNT, Stack

from batch_launcher.launcher.core import Clients
from batch_launcher.launcher.settings import TABLE_KINDS, ResultTable
from emulator_helpers import batch_without_docker as docker_free_batch
from emulator_helpers import post, unique
from platform_tools.emulator import EmulatorProcess


@pytest.fixture(scope="session")
def controls(emulator: EmulatorProcess) -> EmulatorProcess:
    """The emulator, once it is known to carry the two test controls these tests need.

    Each control answers a malformed request with 400; moto without the fill answers 404.
    """
    from platform_tools.emulator.fills.athena_query_outcomes import OUTCOMES_PATH
    from platform_tools.emulator.fills.batch_job_status import JOB_STATUS_PATH

    probes: dict[str, tuple[str, dict[str, Any]]] = {
        "athena_query_outcomes": (OUTCOMES_PATH, {"outcomes": ["NOT-A-STATE"]}),
        "batch_job_status": (JOB_STATUS_PATH, {"job_id": "none", "status": "NOT-A-STATUS"}),
    }
    missing = [name for name, (path, body) in probes.items() if post(emulator, path, body) != 400]
    if missing:
        pytest.fail(f"the emulator lacks the fills {missing}: add them to FILL_MODULES in emulator/fills/__init__.py.")
    return emulator


@pytest.fixture(scope="session")
def batch_without_docker(controls: EmulatorProcess) -> Iterator[None]:
    """Batch jobs end at submit instead of failing for want of Docker; the previous setting is put back."""
    with docker_free_batch(controls):
        yield


@pytest.fixture(scope="session")
def clients(aws: Callable[[str], Any]) -> Clients:
    return Clients(batch=aws("batch"), s3=aws("s3"), athena=aws("athena"), glue=aws("glue"))


@pytest.fixture(scope="session")
def compute_environment(clients: Clients, aws: Callable[[str], Any], batch_without_docker: None) -> str:
    role = aws("iam").create_role(RoleName=unique("batch-service"), AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    arn: str = clients.batch.create_compute_environment(
        computeEnvironmentName=unique("launcher-ce"), type="UNMANAGED", state="ENABLED", serviceRole=role
    )["computeEnvironmentArn"]
    return arn


@pytest.fixture(scope="session")
def job_definition(clients: Clients, batch_without_docker: None) -> str:
    arn: str = clients.batch.register_job_definition(
        jobDefinitionName=unique("launcher-jd"),
        type="container",
        containerProperties={"image": "busybox", "vcpus": 1, "memory": 128, "command": ["true"]},
    )["jobDefinitionArn"]
    return arn


@pytest.fixture(scope="session")
def bucket(clients: Clients) -> str:
    name = unique("launcher-data")
    clients.s3.create_bucket(Bucket=name)
    return name


@pytest.fixture
def athena_outcomes(controls: EmulatorProcess) -> Iterator[Callable[[list[Any]], None]]:
    """`athena_outcomes(["SUCCEEDED", {"state": "FAILED", "reason": "..."}])`; cleared after the test."""
    from platform_tools.emulator.fills.athena_query_outcomes import set_query_execution_outcomes

    def preset(outcomes: list[Any]) -> None:
        set_query_execution_outcomes(controls.endpoint, outcomes)

    yield preset
    set_query_execution_outcomes(controls.endpoint, [])


@pytest.fixture
def stack(
    controls: EmulatorProcess, clients: Clients, compute_environment: str, job_definition: str, bucket: str
) -> Stack:
    """Fresh queues, workgroup, Glue job (MaxConcurrentRuns 1) and prefixes for one test."""
    queues = [
        clients.batch.create_job_queue(
            jobQueueName=unique(f"dependency-{index}"),
            state="ENABLED",
            priority=1,
            computeEnvironmentOrder=[{"order": 1, "computeEnvironment": compute_environment}],
        )["jobQueueArn"]
        for index in (1, 2)
    ]
    run = unique("run").replace("-", "_")
    workgroup = unique("launcher")
    clients.athena.create_work_group(
        Name=workgroup,
        Configuration={
            "ResultConfiguration": {"OutputLocation": f"s3://{bucket}/athena-results/{run}/"},
            "EnforceWorkGroupConfiguration": True,
        },
    )
    glue_job = unique("manifest-comparison")
    clients.glue.create_job(
        Name=glue_job,
        Role=f"arn:aws:iam::{ACCOUNT}:role/glue",
        Command={"Name": "glueetl", "ScriptLocation": f"s3://{bucket}/scripts/manifest_comparison.py"},
        ExecutionProperty={"MaxConcurrentRuns": 1},
    )
    results = f"s3://{bucket}/results/{run}/"
    tables = tuple(ResultTable(kind=kind, name=f"{run}_{kind}", location=f"{results}{kind}/") for kind in TABLE_KINDS)
    return Stack(
        emulator=controls,
        clients=clients,
        queues=queues,
        job_definition=job_definition,
        bucket=bucket,
        workgroup=workgroup,
        database="manifests",
        glue_job=glue_job,
        tables=tables,
        clear_prefixes=(results, f"s3://{bucket}/scratch/{run}/"),
    )
