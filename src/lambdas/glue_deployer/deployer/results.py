"""What one invocation tells CodePipeline, and the continuation token that carries a run between invocations.

Exactly one call per invocation (`report`): `PutJobSuccessResult` with a continuation token while the
run is going (CodePipeline invokes the function again with it, and restarts its 20-minute timer), a
final `PutJobSuccessResult` with `outputVariables` (allowed only without a token), or
`PutJobFailureResult`. Messages and summaries are cut to the API's limits.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Final, Literal

from .errors import FailureType, JobFailed

if TYPE_CHECKING:
    from mypy_boto3_codepipeline import CodePipelineClient
    from mypy_boto3_codepipeline.type_defs import ExecutionDetailsTypeDef

MAX_MESSAGE_CHARS: Final = 5000  # FailureDetails.message
MAX_SUMMARY_CHARS: Final = 2048  # ExecutionDetails.summary
MAX_TOKEN_CHARS: Final = 2048  # continuationToken
TOKEN_VERSION: Final = 1
_RUN_ID = re.compile(r"^[A-Za-z0-9_-]{1,255}$")
_COMMIT_ID = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")

Outcome = Literal["in_progress", "succeeded", "failed"]


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class RunToken:
    """The continuation token: which run of which job, for which commit. Compact JSON, well under 2048."""

    job_name: str
    run_id: str
    commit_id: str

    def encode(self) -> str:
        token = json.dumps(
            {"v": TOKEN_VERSION, "job": self.job_name, "run": self.run_id, "commit": self.commit_id},
            separators=(",", ":"),
        )
        assert len(token) <= MAX_TOKEN_CHARS
        return token

    @classmethod
    def decode(cls, token: str, job_name: str) -> RunToken:
        """The token this function returned earlier, for this job; JobFailed if it is anything else."""
        fix = "release the change again; a token is only ever made by this function for the same action."
        try:
            raw = json.loads(token)
        except json.JSONDecodeError:
            raise JobFailed(f"the continuation token is not one this function made (not JSON). Fix: {fix}") from None
        if (
            not isinstance(raw, dict)
            or raw.get("v") != TOKEN_VERSION
            or not isinstance(raw.get("run"), str)
            or not _RUN_ID.match(raw["run"])
            or not isinstance(raw.get("commit"), str)
            or not _COMMIT_ID.match(raw["commit"])
        ):
            raise JobFailed(f"the continuation token is not one this function made. Fix: {fix}")
        if raw.get("job") != job_name:
            raise JobFailed(
                f"the continuation token is for the Glue job {raw.get('job')!r}, but UserParameters names "
                f"{job_name!r}. Fix: {fix}"
            )
        return cls(job_name=job_name, run_id=raw["run"], commit_id=raw["commit"])


@dataclass(frozen=True)
class Report:
    """What the invocation decided; `report()` sends it, the handler logs and returns `as_dict()`."""

    outcome: Outcome
    pipeline_job_id: str
    summary: str
    failure_type: FailureType | None = None
    continuation_token: str | None = None
    run_id: str | None = None
    commit_id: str | None = None
    output_variables: Mapping[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {key: value for key, value in asdict(self).items() if value not in (None, {})}


def report(codepipeline: CodePipelineClient, result: Report) -> None:
    """The one CodePipeline call of the invocation."""
    if result.outcome == "failed":
        details: dict[str, str] = {
            "type": result.failure_type or "JobFailed",
            "message": _cut(result.summary, MAX_MESSAGE_CHARS),
        }
        if result.run_id:
            details["externalExecutionId"] = result.run_id
        codepipeline.put_job_failure_result(jobId=result.pipeline_job_id, failureDetails=details)  # type: ignore[arg-type]
        return
    execution: ExecutionDetailsTypeDef = {"summary": _cut(result.summary, MAX_SUMMARY_CHARS)}
    if result.run_id:
        execution["externalExecutionId"] = result.run_id
    if result.outcome == "in_progress":
        assert result.continuation_token is not None
        codepipeline.put_job_success_result(
            jobId=result.pipeline_job_id, continuationToken=result.continuation_token, executionDetails=execution
        )
    else:
        codepipeline.put_job_success_result(
            jobId=result.pipeline_job_id, executionDetails=execution, outputVariables=dict(result.output_variables)
        )
