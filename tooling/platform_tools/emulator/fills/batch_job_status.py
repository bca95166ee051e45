"""Gap: nothing can hold an AWS Batch job in SUBMITTED, PENDING, RUNNABLE, STARTING or RUNNING.

moto 5.2.5 runs Batch jobs in Docker (absent here: every job ends FAILED), or, with the config
`batch.use_docker = false`, marks each job SUCCEEDED (or FAILED) inside `SubmitJob`. So a test of code
that waits while a queue still has active jobs (`ListJobs` with `jobStatus`) cannot produce one.

Fill: a TEST-ONLY CONTROL, `POST /moto-api/static/batch/job-status` (in the style of moto's own
`/moto-api/static/...` presets), body::

    {"job_id": "<jobId>", "status": "RUNNABLE", "account_id": "123456789012", "region": "us-east-1"}

(the last two optional). It sets the job's status and holds it there: moto's state manager no longer
moves it, so `ListJobs`/`DescribeJobs` report that status until the control sets another (SUCCEEDED
or FAILED end it). Any of the seven Batch statuses is accepted; an unknown job answers 404.
`/moto-api/reset` forgets the jobs as usual. From Python: `set_batch_job_status(endpoint, job_id, status)`.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

JOB_STATUS_PATH = "/moto-api/static/batch/job-status"
JOB_STATUSES = ("SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED", "FAILED")
_DEFAULT_ACCOUNT = "123456789012"


def set_batch_job_status(
    endpoint: str,
    job_id: str,
    status: str,
    account_id: str = _DEFAULT_ACCOUNT,
    region: str = "us-east-1",
) -> None:
    """Client side of the control: hold the Batch job `job_id` in `status`."""
    from platform_tools.emulator.control import _http

    body = {"job_id": job_id, "status": status, "account_id": account_id, "region": region}
    _http(f"{endpoint}{JOB_STATUS_PATH}", method="POST", body=json.dumps(body).encode())


def apply() -> None:
    from moto.batch.models import batch_backends
    from moto.moto_api._internal import urls as moto_api_urls

    def set_status(request: Any, full_url: str, headers: Any) -> tuple[int, dict[str, str], str]:
        try:
            body = json.loads(request.get_data() or b"{}")
            status = body["status"]
            if status not in JOB_STATUSES:
                raise ValueError(f"status must be one of {', '.join(JOB_STATUSES)}, not {status!r}")
            # The Docker-less backend (`batch.use_docker = false`) keeps its jobs in this backend too.
            backend = batch_backends[body.get("account_id", _DEFAULT_ACCOUNT)][body.get("region", "us-east-1")]
            job = backend.get_job_by_id(body["job_id"])
        except (ValueError, KeyError, TypeError) as exc:
            return 400, {}, f"job-status: {exc}"
        if job is None:
            return 404, {}, f"job-status: no Batch job {body['job_id']!r}"
        # No transitions: moto's state manager leaves the status where it is set.
        job._transitions = []
        job._status = status
        finished = status in ("SUCCEEDED", "FAILED")
        job.job_stopped = finished
        if finished:
            job.job_stopped_at = datetime.now()
        return 201, {}, ""

    moto_api_urls.url_paths["{0}" + JOB_STATUS_PATH] = set_status
