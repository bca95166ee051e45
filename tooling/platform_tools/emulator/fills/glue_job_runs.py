"""Gaps: Glue `BatchStopJobRun` is missing, and nothing can make a job run end other than SUCCEEDED.

moto runs no script: a run goes STARTING -> RUNNING -> SUCCEEDED (at once, or paced by moto's state
manager, model `glue::job_run`). Tests of failure paths (a Step Functions Catch, an alarm, a retry)
need runs that end FAILED, TIMEOUT, ERROR or STOPPED, or that stay RUNNING.

Fill:
- `BatchStopJobRun` marks each STARTING/RUNNING/WAITING run STOPPED; unknown or finished runs come
  back in `Errors`, as on AWS.
- TEST-ONLY CONTROL, `POST /moto-api/static/glue/job-run-outcomes` (in the style of moto's own
  `/moto-api/static/...` result presets), body::

      {"job_name": "my-job", "outcomes": ["FAILED", {"state": "TIMEOUT", "error_message": "..."}],
       "account_id": "123456789012", "region": "us-east-1"}       # the last two are optional

  It replaces that job's queue of outcomes (an empty list clears it). Each `StartJobRun` of the job
  takes the next outcome: the run still passes through STARTING and RUNNING as the state manager
  paces it, then ends in the outcome's state (`RUNNING` means it never ends until stopped); FAILED,
  TIMEOUT and ERROR runs carry `ErrorMessage`. With the queue empty, runs behave as moto ships them.
  `/moto-api/reset` clears every queue. From Python: `set_job_run_outcomes(endpoint, job, [...])`.
"""

from __future__ import annotations

import json
from typing import Any

from platform_tools.emulator.fills import patch

OUTCOMES_PATH = "/moto-api/static/glue/job-run-outcomes"
OUTCOME_STATES = frozenset({"SUCCEEDED", "FAILED", "TIMEOUT", "ERROR", "STOPPED", "RUNNING"})
_STOPPABLE = frozenset({"STARTING", "RUNNING", "WAITING"})
_ERROR_STATES = frozenset({"FAILED", "TIMEOUT", "ERROR"})
_DEFAULT_ACCOUNT = "123456789012"


def set_job_run_outcomes(
    endpoint: str,
    job_name: str,
    outcomes: list[str | dict[str, str]],
    account_id: str = _DEFAULT_ACCOUNT,
    region: str = "us-east-1",
) -> None:
    """Client side of the control: the next runs of `job_name` end in these states, in order."""
    from platform_tools.emulator.control import _http

    body = {"job_name": job_name, "outcomes": outcomes, "account_id": account_id, "region": region}
    _http(f"{endpoint}{OUTCOMES_PATH}", method="POST", body=json.dumps(body).encode())


def _normalise(outcome: str | dict[str, str]) -> dict[str, str]:
    item = {"state": outcome} if isinstance(outcome, str) else dict(outcome)
    if item.get("state") not in OUTCOME_STATES:
        raise ValueError(f"outcome state must be one of {sorted(OUTCOME_STATES)}, not {item.get('state')!r}")
    if item["state"] in _ERROR_STATES:
        item.setdefault("error_message", f"Job run ended {item['state']} (set by the emulator's test control).")
    return item


def _outcome_queues(backend: Any) -> dict[str, list[dict[str, str]]]:
    # Kept on the backend object so that /moto-api/reset (which re-initialises backends) clears it.
    queues: dict[str, list[dict[str, str]]] = backend.__dict__.setdefault("fill_job_run_outcomes", {})
    return queues


def apply() -> None:
    from moto.core.responses import ActionResult
    from moto.core.utils import utcnow
    from moto.glue.models import FakeJob, FakeJobRun, glue_backends
    from moto.glue.responses import GlueResponse
    from moto.moto_api._internal import urls as moto_api_urls

    def set_outcomes(request: Any, full_url: str, headers: Any) -> tuple[int, dict[str, str], str]:
        try:
            body = json.loads(request.get_data() or b"{}")
            outcomes = [_normalise(outcome) for outcome in body.get("outcomes", [])]
            backend = glue_backends[body.get("account_id", _DEFAULT_ACCOUNT)][body.get("region", "us-east-1")]
            _outcome_queues(backend)[body["job_name"]] = outcomes
        except (ValueError, KeyError, TypeError) as exc:
            return 400, {}, f"job-run-outcomes: {exc}"
        return 201, {}, ""

    original_start_job_run = FakeJob.start_job_run
    original_run_as_dict = FakeJobRun.as_dict

    def start_job_run(self: Any, **kwargs: Any) -> str:
        run_id: str = original_start_job_run(self, **kwargs)
        queue = _outcome_queues(self.backend).get(self.name)
        if queue:
            outcome = queue.pop(0)
            run = self.job_runs[-1]
            final = [] if outcome["state"] == "RUNNING" else [("RUNNING", outcome["state"])]
            run._transitions = [("STARTING", "RUNNING"), *final]
            run.fill_error_message = outcome.get("error_message")
        return run_id

    def run_as_dict(self: Any) -> dict[str, Any]:
        data: dict[str, Any] = original_run_as_dict(self)
        if data["JobRunState"] in _ERROR_STATES and getattr(self, "fill_error_message", None):
            data["ErrorMessage"] = self.fill_error_message
        return data

    def batch_stop_job_run(self: Any) -> Any:
        job_name = self._get_param("JobName")
        job = self.glue_backend.get_job(job_name)
        runs = {run.job_run_id: run for run in job.job_runs}
        stopped, errors = [], []
        for run_id in self._get_param("JobRunIds") or []:
            run = runs.get(run_id)
            if run is None:
                code, message = "EntityNotFoundException", f"Job run {run_id} not found."
            elif run.status not in _STOPPABLE:
                code, message = "InvalidInputException", f"Job run {run_id} is {run.status}, so it cannot be stopped."
            else:
                run.status = "STOPPED"  # no transition leads out of STOPPED, so it stays there
                run.completed_on = run.modified_on = utcnow()
                stopped.append({"JobName": job_name, "JobRunId": run_id})
                continue
            error = {"ErrorCode": code, "ErrorMessage": message}
            errors.append({"JobName": job_name, "JobRunId": run_id, "ErrorDetail": error})
        return ActionResult({"SuccessfulSubmissions": stopped, "Errors": errors})

    patch(FakeJob, "start_job_run", start_job_run)
    patch(FakeJobRun, "as_dict", run_as_dict)
    patch(GlueResponse, "batch_stop_job_run", batch_stop_job_run)
    moto_api_urls.url_paths["{0}" + OUTCOMES_PATH] = set_outcomes
