"""Gaps: `aws_codepipeline` cannot be read back, and a job worker cannot report its result.

moto 5.2.5 answers GetPipeline's `metadata.created/updated` (and ListPipelines' `created/updated`,
the executions' `startTime/lastUpdateTime`) as ISO strings where the Go SDK wants JSON numbers: the
provider creates the pipeline, keeps it in state, and then fails every later plan and destroy. It has
no job-worker API: PutJobSuccessResult and PutJobFailureResult (what a Lambda invoke action's handler
must call, or the action hangs until its timeout) answer HTTP 500.

Fill:
- GetPipeline, ListPipelines, ListPipelineExecutions and GetPipelineExecution serialised by the
  service model (dates as epoch numbers); ListPipelines also gives each pipeline's `pipelineType` and
  `executionMode`, as AWS does.
- PutJobSuccessResult and PutJobFailureResult answer `{}` as AWS does, after the service model's
  checks (ValidationException): a job id shaped as AWS's (a lowercase UUID); a `continuationToken` of
  1-2048 characters; `outputVariables` only without a continuation token; `failureDetails` with a
  `type` of FailureType and a `message` of 1-5000 characters. moto runs no pipeline, so any such job
  id is accepted (a test makes its own with uuid4), but each takes one result: a job is finished once
  reported (a continuation comes back as a new job with a new id), so a second report for the same
  id is refused with InvalidJobStateException, the error AWS gives for a job no longer in progress.
- TEST-ONLY CONTROL to read the results back, `GET /moto-api/static/codepipeline/job-results`
  (optional query `job_id`, `account_id`, `region`): `{"jobResults": {"<job id>": {...}}}`, each the
  call as made plus `"status": "Succeeded"` or `"Failed"`; with `job_id`, that job's record, or 404
  if nothing was reported for it. `/moto-api/reset` forgets them. From Python:
  `job_results(endpoint)` or `job_result(endpoint, job_id)`.
GetJobDetails, AcknowledgeJob, PollForJobs and custom actions are not emulated.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from typing import Any

from platform_tools.emulator.fills import patch

JOB_RESULTS_PATH = "/moto-api/static/codepipeline/job-results"
FAILURE_TYPES = frozenset(
    {
        "JobFailed",
        "ConfigurationError",
        "PermissionError",
        "RevisionOutOfSync",
        "RevisionUnavailable",
        "SystemUnavailable",
    }
)
_DEFAULT_ACCOUNT = "123456789012"
# Constraints of the service model (botocore's codepipeline service-2.json).
_JOB_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_VARIABLE_NAME = re.compile(r"[A-Za-z0-9@\-_]+")
_MAX_TOKEN = 2048
_MAX_MESSAGE = 5000


def job_results(endpoint: str, account_id: str = _DEFAULT_ACCOUNT, region: str = "us-east-1") -> dict[str, Any]:
    """Client side of the control: every job result reported in the account and region, by job id."""
    from platform_tools.emulator.control import _http_json

    query = urllib.parse.urlencode({"account_id": account_id, "region": region})
    results: dict[str, Any] = _http_json(f"{endpoint}{JOB_RESULTS_PATH}?{query}")["jobResults"]
    return results


def job_result(
    endpoint: str, job_id: str, account_id: str = _DEFAULT_ACCOUNT, region: str = "us-east-1"
) -> dict[str, Any] | None:
    """The result reported for one job id, or None if its worker has reported nothing (yet)."""
    return job_results(endpoint, account_id, region).get(job_id)


def _results(backend: Any) -> dict[str, dict[str, Any]]:
    # Kept on the backend object so that /moto-api/reset (which re-initialises backends) clears it.
    results: dict[str, dict[str, Any]] = backend.__dict__.setdefault("fill_job_results", {})
    return results


def apply() -> None:
    from moto.codepipeline.models import codepipeline_backends
    from moto.codepipeline.responses import CodePipelineResponse
    from moto.core.exceptions import ServiceException
    from moto.core.responses import ActionResult, EmptyResult
    from moto.moto_api._internal import urls as moto_api_urls

    class CodePipelineError(ServiceException):
        """An AWS error, serialised by the service model (not moto's base class: see codecommit.py)."""

    def by_model(original: Any) -> Any:
        """moto's answer, re-serialised by the service model: its ISO dates become epoch numbers."""

        def action(self: Any) -> Any:
            return ActionResult(json.loads(original(self)))

        return action

    original_list_pipelines = CodePipelineResponse.list_pipelines

    def list_pipelines(self: Any) -> Any:
        listed = []
        for summary in json.loads(original_list_pipelines(self))["pipelines"]:
            declaration = self.codepipeline_backend.pipelines[summary["name"]].pipeline
            summary["pipelineType"] = declaration.get("pipelineType", "V1")
            summary["executionMode"] = declaration.get("executionMode", "SUPERSEDED")
            listed.append(summary)
        return ActionResult({"pipelines": listed})

    def invalid(message: str) -> Exception:
        return CodePipelineError("ValidationException", f"1 validation error detected: {message}")

    def record(self: Any, result: dict[str, Any]) -> Any:
        job_id = self._get_param("jobId")
        if not isinstance(job_id, str) or not _JOB_ID.fullmatch(job_id):
            raise invalid(f"Value '{job_id}' at 'jobId' failed to satisfy constraint: {_JOB_ID.pattern}")
        results = _results(self.codepipeline_backend)
        if job_id in results:
            raise CodePipelineError(
                "InvalidJobStateException", f"Job {job_id} is {results[job_id]['status']}: a job takes one result."
            )
        results[job_id] = {"jobId": job_id, **{key: value for key, value in result.items() if value is not None}}
        return EmptyResult()

    def put_job_success_result(self: Any) -> Any:
        token, variables = self._get_param("continuationToken"), self._get_param("outputVariables")
        summary = (self._get_param("executionDetails") or {}).get("summary")
        if token is not None and not 1 <= len(token) <= _MAX_TOKEN:
            raise invalid(f"continuationToken must be 1 to {_MAX_TOKEN} characters long.")
        if summary is not None and not 1 <= len(summary) <= _MAX_TOKEN:
            raise invalid(f"executionDetails.summary must be 1 to {_MAX_TOKEN} characters long.")
        if token and variables:
            raise invalid("outputVariables can be included only when there is no continuation token.")
        if any(not _VARIABLE_NAME.fullmatch(name) for name in variables or {}):
            raise invalid(f"outputVariables names must match {_VARIABLE_NAME.pattern}.")
        result = {
            "status": "Succeeded",
            "continuationToken": token,
            "outputVariables": variables,
            "currentRevision": self._get_param("currentRevision"),
            "executionDetails": self._get_param("executionDetails"),
        }
        return record(self, result)

    def put_job_failure_result(self: Any) -> Any:
        details = self._get_param("failureDetails") or {}
        if details.get("type") not in FAILURE_TYPES:
            raise invalid(f"failureDetails.type must be one of {', '.join(sorted(FAILURE_TYPES))}.")
        if not 1 <= len(details.get("message") or "") <= _MAX_MESSAGE:
            raise invalid(f"failureDetails.message must be 1 to {_MAX_MESSAGE} characters long.")
        return record(self, {"status": "Failed", "failureDetails": details})

    def read_results(request: Any, full_url: str, headers: Any) -> tuple[int, dict[str, str], str]:
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlparse(full_url).query))
        try:
            backend = codepipeline_backends[query.get("account_id", _DEFAULT_ACCOUNT)][query.get("region", "us-east-1")]
        except KeyError as exc:
            return 400, {}, f"job-results: {exc}"
        results = _results(backend)
        json_headers = {"Content-Type": "application/json"}
        if "job_id" in query:
            found = results.get(query["job_id"])
            if found is None:
                return 404, {}, f"job-results: nothing reported for job {query['job_id']!r}"
            return 200, json_headers, json.dumps(found)
        return 200, json_headers, json.dumps({"jobResults": results})

    for name in ("get_pipeline", "list_pipeline_executions", "get_pipeline_execution"):
        patch(CodePipelineResponse, name, by_model(getattr(CodePipelineResponse, name)))
    patch(CodePipelineResponse, "list_pipelines", list_pipelines)
    patch(CodePipelineResponse, "put_job_success_result", put_job_success_result)
    patch(CodePipelineResponse, "put_job_failure_result", put_job_failure_result)
    moto_api_urls.url_paths["{0}" + JOB_RESULTS_PATH] = read_results
