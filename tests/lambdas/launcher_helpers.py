"""Helpers for the launcher's tests: the AWS-shaped Batch event, the per-test stack of resources, names."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from batch_launcher.launcher.core import Clients
from batch_launcher.launcher.settings import ResultTable, Settings
from emulator_helpers import unique
from platform_tools.emulator import EmulatorProcess

ACCOUNT = "123456789012"
REGION = "us-east-1"


def batch_event(
    job_queue: str, status: str = "SUCCEEDED", job_name: str = "import-manifests", **detail: Any
) -> dict[str, Any]:
    """A Batch Job State Change event in the shape AWS documents (batch_job_events.html)."""
    job_id = str(uuid.uuid4())
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Batch Job State Change",
        "source": "aws.batch",
        "account": ACCOUNT,
        "time": "2024-03-15T06:30:00Z",
        "region": REGION,
        "resources": [f"arn:aws:batch:{REGION}:{ACCOUNT}:job/{job_id}"],
        "detail": {
            "jobArn": f"arn:aws:batch:{REGION}:{ACCOUNT}:job/{job_id}",
            "jobName": job_name,
            "jobId": job_id,
            "jobQueue": job_queue,
            "status": status,
            "attempts": [],
            "createdAt": 1710483000000,
            "retryAttempts": 0,
            "dependsOn": [],
            "jobDefinition": f"arn:aws:batch:{REGION}:{ACCOUNT}:job-definition/import-manifests:1",
            "parameters": {},
            "container": {"image": "busybox", "command": ["true"], "volumes": [], "environment": []},
            "tags": {},
            "propagateTags": False,
            "platformCapabilities": [],
            **detail,
        },
    }


@dataclass
class Stack:
    """The launcher's surroundings for one test: two dependency queues, a bucket, a workgroup, a Glue job."""

    emulator: EmulatorProcess
    clients: Clients
    queues: list[str]
    job_definition: str
    bucket: str
    workgroup: str
    database: str
    glue_job: str
    tables: tuple[ResultTable, ...]
    clear_prefixes: tuple[str, ...]

    def settings(self, **overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "dependency_queue_arns": tuple(self.queues),
            "glue_job_name": self.glue_job,
            "athena_workgroup": self.workgroup,
            "athena_database": self.database,
            "result_tables": self.tables,
            "import_manifest_location": f"s3://{self.bucket}/manifests/import/",
            "export_manifest_location": f"s3://{self.bucket}/manifests/export/",
            "snapshot_type": "incremental",
            "import_type": "streaming_main",
            "clear_prefixes": self.clear_prefixes,
            "athena_query_timeout_seconds": 5,
        }
        values.update(overrides)
        return Settings(**values)

    def hold_job(self, queue: str, status: str) -> str:
        """Submit a job to `queue` and hold it in `status`; return its id."""
        from platform_tools.emulator.fills.batch_job_status import set_batch_job_status

        job_id: str = self.clients.batch.submit_job(
            jobName=unique("held"), jobQueue=queue, jobDefinition=self.job_definition
        )["jobId"]
        set_batch_job_status(self.emulator.endpoint, job_id, status)
        return job_id

    def put_objects(self, prefix: str, count: int) -> list[str]:
        keys = [f"{prefix}part-{index:05d}.parquet" for index in range(count)]
        for key in keys:
            self.clients.s3.put_object(Bucket=self.bucket, Key=key, Body=b"x")
        return keys

    def keys(self, prefix: str = "") -> list[str]:
        pages = self.clients.s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix)
        return [item["Key"] for page in pages for item in page.get("Contents", [])]

    def queries(self) -> list[dict[str, Any]]:
        """The workgroup's query executions, oldest first."""
        athena = self.clients.athena
        ids = athena.list_query_executions(WorkGroup=self.workgroup).get("QueryExecutionIds", [])
        executions: list[dict[str, Any]] = [
            dict(athena.get_query_execution(QueryExecutionId=i)["QueryExecution"]) for i in ids
        ]
        return sorted(executions, key=lambda e: e["Status"]["SubmissionDateTime"])

    def runs(self) -> list[dict[str, Any]]:
        runs: list[dict[str, Any]] = [
            dict(run) for run in self.clients.glue.get_job_runs(JobName=self.glue_job)["JobRuns"]
        ]
        return runs
