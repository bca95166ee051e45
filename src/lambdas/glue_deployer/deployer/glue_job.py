"""The target Glue job: read it, update it in place, find or start the pipeline job's run, read a run.

UpdateJob replaces the whole definition (a field left out is reset), so the JobUpdate is built from GetJob:
every field GetJob returned that JobUpdate accepts (the client's own service model says which; `Name`,
`CreatedOn`, `LastModifiedOn` and other read-only fields drop out) is copied, then only the script
location, `--extra-py-files` and the configured default arguments change. GetJob reports both
`MaxCapacity` and `AllocatedCapacity` (and, for jobs sized by workers, a computed `MaxCapacity` too), but
UpdateJob refuses them next to `WorkerType`/`NumberOfWorkers` and `AllocatedCapacity` is deprecated, so a
job sized by workers keeps only those and any other keeps only `MaxCapacity`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final, cast

from botocore.exceptions import ClientError

from .errors import ConfigurationError, JobFailed, describe, error_code, from_client_error
from .parameters import PIPELINE_JOB_ID_ARGUMENT

if TYPE_CHECKING:
    from mypy_boto3_glue import GlueClient
    from mypy_boto3_glue.type_defs import JobTypeDef, JobUpdateTypeDef

# Run states (JobRunState) by what they mean for the pipeline.
ACTIVE_STATES: Final = frozenset({"STARTING", "RUNNING", "STOPPING", "WAITING"})
SUCCEEDED: Final = "SUCCEEDED"
FAILED_STATES: Final = frozenset({"FAILED", "TIMEOUT", "STOPPED", "ERROR", "EXPIRED"})
# Job types whose --extra-py-files takes a .zip of Python packages (Python shell takes .whl/.egg only,
# Ray jobs use --s3-py-modules).
ZIP_LIBRARY_COMMANDS: Final = frozenset({"glueetl", "gluestreaming"})
EXTRA_PY_FILES: Final = "--extra-py-files"
PAGE_SIZE: Final = 200  # GetJobRuns' maximum

_PERMISSIONS = "glue:GetJob, glue:UpdateJob, glue:StartJobRun, glue:GetJobRun and glue:GetJobRuns on the job"


@dataclass(frozen=True)
class RunStatus:
    run_id: str
    state: str
    error_message: str | None
    started_on: datetime | None
    completed_on: datetime | None
    execution_time: int | None
    log_group: str | None

    @property
    def duration_seconds(self) -> int | None:
        """Wall time from start to completion (Glue's ExecutionTime when the times are missing)."""
        if self.started_on is not None and self.completed_on is not None:
            return max(0, round((self.completed_on - self.started_on).total_seconds()))
        return self.execution_time


def _refused(exc: ClientError, doing: str, job_name: str) -> Exception:
    if error_code(exc) == "EntityNotFoundException":
        return ConfigurationError(
            f"the Glue job {job_name!r} does not exist ({doing}). Fix: set job_name in UserParameters to an existing "
            "job, or create it first (modules/glue_job) in this account and region."
        )
    return from_client_error(
        exc,
        doing=f"{doing} of the Glue job {job_name!r}",
        permission_fix=f"grant the deployer's role {_PERMISSIONS}, and iam:PassRole on the job's role.",
        fix="retry the stage; if it fails again, check the job in the Glue console.",
    )


def get_job(glue: GlueClient, job_name: str) -> JobTypeDef:
    try:
        return glue.get_job(JobName=job_name)["Job"]
    except ClientError as exc:
        raise _refused(exc, "GetJob", job_name) from None


def check_library_fits(job: Mapping[str, Any], job_name: str, library_dir: str | None) -> None:
    """A zipped library only works for Spark jobs: refuse it for Python shell and Ray jobs, before any change."""
    command = str(job.get("Command", {}).get("Name", ""))
    if library_dir is not None and command not in ZIP_LIBRARY_COMMANDS:
        raise ConfigurationError(
            f"library_dir is set but the Glue job {job_name!r} is a {command!r} job, whose --extra-py-files does not "
            "take a .zip of packages (Python shell jobs take .whl/.egg; Ray jobs use --s3-py-modules). Fix: remove "
            "library_dir for this target, or ship the library as a wheel through the job's own settings."
        )


def updatable_fields(glue: GlueClient) -> frozenset[str]:
    """JobUpdate's members in this client's service model: what UpdateJob accepts back from GetJob."""
    return frozenset(glue.meta.service_model.shape_for("JobUpdate").members)  # type: ignore[attr-defined]


def build_job_update(
    job: Mapping[str, Any],
    updatable: Collection[str],
    script_uri: str,
    library_uri: str | None,
    default_arguments: Mapping[str, str],
) -> JobUpdateTypeDef:
    """The JobUpdate that keeps `job` as it is but for the script, the library and the given defaults.

    `--extra-py-files` becomes the library's URI, followed by the `--extra-py-files` of `default_arguments`
    if given; without a library it is left as the job (or `default_arguments`) has it.
    """
    update: dict[str, Any] = {key: value for key, value in job.items() if key in updatable}
    if update.get("WorkerType") or update.get("NumberOfWorkers"):
        update.pop("MaxCapacity", None)
        update.pop("AllocatedCapacity", None)
    elif "AllocatedCapacity" in update:
        capacity = update.pop("AllocatedCapacity")
        update.setdefault("MaxCapacity", float(capacity))
    update["Command"] = {**dict(job.get("Command") or {}), "ScriptLocation": script_uri}
    arguments = {**dict(job.get("DefaultArguments") or {}), **default_arguments}
    if library_uri is not None:
        extra = default_arguments.get(EXTRA_PY_FILES)
        arguments[EXTRA_PY_FILES] = f"{library_uri},{extra}" if extra else library_uri
    update["DefaultArguments"] = arguments
    return cast("JobUpdateTypeDef", update)


def update_job(glue: GlueClient, job_name: str, update: JobUpdateTypeDef) -> None:
    try:
        glue.update_job(JobName=job_name, JobUpdate=update)
    except ClientError as exc:
        if error_code(exc) == "InvalidInputException":
            raise JobFailed(
                f"Glue refused the updated definition of {job_name!r} ({describe(exc)}). Fix: correct "
                "default_arguments in UserParameters or the job's settings in modules/glue_job."
            ) from None
        raise _refused(exc, "UpdateJob", job_name) from None


def find_run(glue: GlueClient, job_name: str, pipeline_job_id: str) -> str | None:
    """The id of the run an earlier invocation for this pipeline job started, if any (every page read)."""
    try:
        pages = glue.get_paginator("get_job_runs").paginate(JobName=job_name, PaginationConfig={"PageSize": PAGE_SIZE})
        for page in pages:
            for run in page.get("JobRuns", []):
                if run.get("Arguments", {}).get(PIPELINE_JOB_ID_ARGUMENT) == pipeline_job_id and run.get("Id"):
                    return run["Id"]
    except ClientError as exc:
        raise _refused(exc, "GetJobRuns", job_name) from None
    return None


def start_run(glue: GlueClient, job_name: str, pipeline_job_id: str) -> str:
    """Start a run carrying the pipeline job id; a run already active refuses it (ConcurrentRunsExceeded)."""
    try:
        return glue.start_job_run(JobName=job_name, Arguments={PIPELINE_JOB_ID_ARGUMENT: pipeline_job_id})["JobRunId"]
    except ClientError as exc:
        if error_code(exc) == "ConcurrentRunsExceededException":
            raise JobFailed(
                f"Glue refused to start {job_name!r}: a run is already active and the job allows no more "
                "(ConcurrentRunsExceededException). The job is updated; its next run uses this commit. Fix: retry "
                "the stage once that run ends, or raise the job's max_concurrent_runs / enable job run queuing."
            ) from None
        raise _refused(exc, "StartJobRun", job_name) from None


def get_run(glue: GlueClient, job_name: str, run_id: str) -> RunStatus:
    try:
        run = glue.get_job_run(JobName=job_name, RunId=run_id)["JobRun"]
    except ClientError as exc:
        if error_code(exc) == "EntityNotFoundException":
            raise JobFailed(
                f"run {run_id} of the Glue job {job_name!r} no longer exists (Glue keeps runs for 90 days). Fix: "
                "release the change again to deploy and run it anew.",
                external_execution_id=run_id,
            ) from None
        raise _refused(exc, "GetJobRun", job_name) from None
    execution_time = run.get("ExecutionTime")
    return RunStatus(
        run_id=run_id,
        state=str(run.get("JobRunState", "")),
        error_message=run.get("ErrorMessage"),
        started_on=run.get("StartedOn"),
        completed_on=run.get("CompletedOn"),
        execution_time=int(execution_time) if execution_time is not None else None,
        log_group=run.get("LogGroupName"),
    )
