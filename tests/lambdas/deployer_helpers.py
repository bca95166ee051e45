"""Helpers for the Glue deployer's tests: the CodePipeline job event, artifact zips, one target per test.

Everything lives on the session's emulator under unique names. CodePipeline's job results are read back
with the emulator's test control (fill `codepipeline`: `job_result(endpoint, job_id)`); Glue run outcomes
are set with the fill `glue_job_runs`.
"""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from emulator_helpers import unique
from glue_deployer.deployer.core import Clients
from platform_tools import REPO_ROOT
from platform_tools.emulator import EmulatorProcess

ACCOUNT = "123456789012"
REGION = "us-east-1"
GLUE_SOURCES = REPO_ROOT / "src" / "glue"
SCRIPT_PATH = "src/glue/jobs/json_to_parquet.py"
LIBRARY_DIR = "src/glue/etl_lib"
COMMIT = "3f786850e387550fdab836ed7e6dc881de23001b"
SKIPPED_PARTS = {"__pycache__", ".pytest_cache", ".mypy_cache"}


def repository_zip(
    folder: Path = GLUE_SOURCES,
    *,
    top: str | None = None,
    drop: Callable[[str], bool] = lambda _: False,
    extra: dict[str, bytes] | None = None,
) -> bytes:
    """A source artifact as a source action makes it (CODE_ZIP): every file of `folder` under its path from
    the repository root (`src/glue/...`), optionally all inside one `top` folder as some providers wrap it."""
    files: dict[str, bytes] = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(REPO_ROOT).as_posix()
        if path.is_file() and not SKIPPED_PARTS & set(path.parts) and path.suffix != ".pyc" and not drop(relative):
            files[relative] = path.read_bytes()
    files.update(extra or {})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(f"{top}/{name}" if top else name, data)
    return buffer.getvalue()


def new_job_id() -> str:
    return str(uuid.uuid4())


def credentials() -> dict[str, Any]:
    """Artifact credentials as CodePipeline passes them, unique per test so a leak is unmistakable."""
    marker = uuid.uuid4().hex.upper()
    return {
        "accessKeyId": f"ASIA{marker[:16]}",
        "secretAccessKey": f"secret/{marker}+Key",
        "sessionToken": f"IQoJb3JpZ2luX2VjEA{marker}token",
        "expirationTime": 1575493418000,
    }


def job_event(
    job_id: str,
    user_parameters: str | dict[str, Any] | None,
    bucket: str,
    key: str,
    *,
    revision: str | None = COMMIT,
    continuation_token: str | None = None,
    artifact_credentials: dict[str, Any] | None = None,
    artifact_name: str = "SourceArtifact",
) -> dict[str, Any]:
    """A CodePipeline job event in the shape AWS documents for the Lambda invoke action."""
    configuration: dict[str, Any] = {"FunctionName": "glue-deployer"}
    if user_parameters is not None:
        configuration["UserParameters"] = (
            user_parameters if isinstance(user_parameters, str) else json.dumps(user_parameters)
        )
    data: dict[str, Any] = {
        "actionConfiguration": {"configuration": configuration},
        "inputArtifacts": [
            {
                "name": artifact_name,
                "revision": revision,
                "location": {"type": "S3", "s3Location": {"bucketName": bucket, "objectKey": key}},
            }
        ],
        "outputArtifacts": [],
        "artifactCredentials": artifact_credentials or credentials(),
    }
    if continuation_token is not None:
        data["continuationToken"] = continuation_token
    return {"CodePipeline.job": {"id": job_id, "accountId": ACCOUNT, "data": data}}


@dataclass
class Target:
    """One test's surroundings: an artifact bucket with the source zip, a script bucket, one Glue job."""

    emulator: EmulatorProcess
    clients: Clients
    artifact_bucket: str
    script_bucket: str
    job_name: str
    role_arn: str
    artifact_key: str = ""
    job_ids: list[str] = field(default_factory=list)

    def put_artifact(self, data: bytes, key: str | None = None) -> str:
        key = key or f"pipeline/SourceArti/{uuid.uuid4().hex[:7]}"
        self.clients.s3.put_object(Bucket=self.artifact_bucket, Key=key, Body=data)
        self.artifact_key = key
        return key

    def parameters(self, **overrides: Any) -> dict[str, Any]:
        values: dict[str, Any] = {
            "job_name": self.job_name,
            "script_path": SCRIPT_PATH,
            "library_dir": LIBRARY_DIR,
            "script_bucket": self.script_bucket,
            "script_prefix": "deploy/orders/",
            "default_arguments": {"--dq_policy": "quarantine"},
        }
        values.update(overrides)
        return {key: value for key, value in values.items() if value is not None}

    def event(self, user_parameters: str | dict[str, Any] | None = None, **options: Any) -> dict[str, Any]:
        """A job event for this target with a fresh job id (or `job_id=`); UserParameters default to `parameters()`."""
        job_id = options.pop("job_id", None) or new_job_id()
        self.job_ids.append(job_id)
        parameters = self.parameters() if user_parameters is None else user_parameters
        key = options.pop("key", None) or self.artifact_key
        return job_event(job_id, parameters, options.pop("bucket", self.artifact_bucket), key, **options)

    def runs(self) -> list[dict[str, Any]]:
        runs: list[dict[str, Any]] = self.clients.glue.get_job_runs(JobName=self.job_name)["JobRuns"]
        return runs

    def job(self) -> dict[str, Any]:
        job: dict[str, Any] = self.clients.glue.get_job(JobName=self.job_name)["Job"]
        return job

    def result(self, job_id: str) -> dict[str, Any] | None:
        from platform_tools.emulator.fills.codepipeline import job_result

        return job_result(self.emulator.endpoint, job_id)

    def script_objects(self) -> list[str]:
        listed = self.clients.s3.list_objects_v2(Bucket=self.script_bucket, Prefix="deploy/")
        return sorted(item["Key"] for item in listed.get("Contents", []))


def make_target(emulator: EmulatorProcess, clients: Clients, **job: Any) -> Target:
    """Fresh buckets and a Glue Spark job shaped like modules/glue_job's (keyword arguments override it)."""
    artifact_bucket, script_bucket = unique("pipeline-artifacts"), unique("glue-assets")
    clients.s3.create_bucket(Bucket=artifact_bucket)
    clients.s3.create_bucket(Bucket=script_bucket)
    role_arn = f"arn:aws:iam::{ACCOUNT}:role/{unique('glue-job')}"
    job_name = unique("orders-json-to-parquet")
    definition: dict[str, Any] = {
        "Name": job_name,
        "Description": "orders: JSON lines to Parquet",
        "Role": role_arn,
        "Command": {
            "Name": "glueetl",
            "ScriptLocation": f"s3://{script_bucket}/scripts/json_to_parquet.py",
            "PythonVersion": "3",
        },
        "DefaultArguments": {
            "--job-language": "python",
            "--TempDir": f"s3://{script_bucket}/tmp/",
            "--enable-metrics": "true",
            "--extra-py-files": f"s3://{script_bucket}/scripts/etl_lib.zip",
            "--dq_policy": "fail",
        },
        "ExecutionProperty": {"MaxConcurrentRuns": 1},
        "MaxRetries": 0,
        "Timeout": 60,
        "GlueVersion": "5.0",
        "WorkerType": "G.1X",
        "NumberOfWorkers": 2,
        "ExecutionClass": "STANDARD",
        "NotificationProperty": {"NotifyDelayAfter": 10},
        "Tags": {"team": "data"},
    }
    definition.update(job)
    clients.glue.create_job(**definition)
    return Target(emulator, clients, artifact_bucket, script_bucket, job_name, role_arn)


@contextmanager
def refused(client: Any, operation: str, code: str, message: str, status: int = 403) -> Iterator[list[str]]:
    """Make `client` answer `operation` with this AWS error, as a service refusing the caller would (the
    request never leaves the client). Yields the list of refused calls."""
    calls: list[str] = []

    @dataclass
    class _Response:
        status_code: int = status
        headers: dict[str, str] = field(default_factory=dict)
        raw: None = None
        content: bytes = b""
        text: str = ""

    def answer(model: Any, **_: Any) -> tuple[Any, dict[str, Any]] | None:
        if model.name != operation:
            return None
        calls.append(operation)
        error = {"Error": {"Code": code, "Message": message}, "ResponseMetadata": {"HTTPStatusCode": status}}
        return _Response(), error

    event = f"before-call.{client.meta.service_model.service_name}.{operation}"
    client.meta.events.register(event, answer)
    try:
        yield calls
    finally:
        client.meta.events.unregister(event, answer)


@contextmanager
def counting_calls(*clients: Any) -> Iterator[list[str]]:
    """Every API call the clients make inside the block, as `service:Operation`."""
    calls: list[str] = []

    def count(model: Any, **_: Any) -> None:
        calls.append(f"{model.service_model.service_name}:{model.name}")

    for client in clients:
        client.meta.events.register("before-call", count)
    try:
        yield calls
    finally:
        for client in clients:
            client.meta.events.unregister("before-call", count)
