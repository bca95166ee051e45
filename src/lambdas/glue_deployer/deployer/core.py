"""`handle()`: one CodePipeline job event in, exactly one result reported to CodePipeline.

A first invocation (no continuation token):

1. the event must be a CodePipeline job event (else NotAPipelineJobEvent, raised before any AWS call)
2. UserParameters, checked (ConfigurationError listing every problem)
3. the input artifact read from S3 (the function's role, or the event's artifact credentials if
   `use_artifact_credentials`), its commit id, the script and library taken out of it
4. GetJob: the target job must exist (and take a zipped library, if one is configured)
5. GetJobRuns: a run carrying this pipeline job id means an earlier invocation got this far: nothing is
   uploaded, updated or started again
6. otherwise upload the script and library under `<script_prefix><commit>/`, UpdateJob in place, StartJobRun
   with `--codepipeline_job_id`
7. `wait_for_run` (default): PutJobSuccessResult with a continuation token carrying the run; else the final
   PutJobSuccessResult with the output variables.

A continuation (the token): GetJobRun; still active -> continue again; SUCCEEDED -> final success with the
output variables; FAILED/TIMEOUT/STOPPED/ERROR/EXPIRED -> PutJobFailureResult (JobFailed, Glue's message).

Every DeployError becomes PutJobFailureResult with its type; anything unforeseen becomes JobFailed, so the
action never waits for its timeout. Only when reporting itself fails does the invocation raise.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Final

from botocore.exceptions import BotoCoreError, ClientError

from . import logger
from .artifact import commit_id_of, extract_sources, read_artifact, select_artifact
from .errors import ConfigurationError, DeployError, JobFailed, describe, error_code
from .events import ArtifactCredentials, PipelineJob, parse_job, secrets_in
from .glue_job import (
    ACTIVE_STATES,
    FAILED_STATES,
    SUCCEEDED,
    build_job_update,
    check_library_fits,
    find_run,
    get_job,
    get_run,
    start_run,
    updatable_fields,
    update_job,
)
from .parameters import DeployParameters, parse_user_parameters
from .results import Report, RunToken, report
from .storage import upload_sources

if TYPE_CHECKING:
    from mypy_boto3_codepipeline import CodePipelineClient
    from mypy_boto3_glue import GlueClient
    from mypy_boto3_s3 import S3Client

# Below this many seconds before the function's timeout, no new step starts: the failure is reported instead.
MIN_SECONDS_LEFT: Final = 10.0
# CodePipeline's answers when the job already has its result or no longer exists: retrying cannot help.
FINISHED_JOB_CODES: Final = frozenset({"InvalidJobStateException", "JobNotFoundException"})

ArtifactClientFactory = Callable[[ArtifactCredentials], "S3Client"]


@dataclass(frozen=True)
class Clients:
    s3: S3Client  # the function's role: script uploads, and artifact reads unless use_artifact_credentials
    glue: GlueClient
    codepipeline: CodePipelineClient


def _no_artifact_client(_: ArtifactCredentials) -> S3Client:
    raise ConfigurationError(
        "no client for artifact credentials was given. Fix: pass artifact_client to handle() (the Lambda handler does)."
    )


def _never_late() -> float:
    return math.inf


def _redact(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def output_variables(params: DeployParameters, token: RunToken, duration_seconds: int | None) -> dict[str, str]:
    """The final success's outputVariables (keys match CodePipeline's [A-Za-z0-9@_-]+)."""
    variables = {
        "job_name": token.job_name,
        "run_id": token.run_id,
        "commit_id": token.commit_id,
        "script_s3_uri": params.script_uri(token.commit_id),
    }
    library_uri = params.library_uri(token.commit_id)
    if library_uri is not None:
        variables["library_s3_uri"] = library_uri
    if duration_seconds is not None:
        variables["duration_seconds"] = str(duration_seconds)
    return variables


def _check_time(time_left: Callable[[], float], step: str) -> None:
    seconds = time_left()
    if seconds < MIN_SECONDS_LEFT:
        raise JobFailed(
            f"stopped before {step}: the function had {seconds:.0f} s left before its timeout. Fix: raise the "
            "function's timeout (300 s is recommended), then retry the stage."
        )


def deploy(
    job: PipelineJob,
    params: DeployParameters,
    clients: Clients,
    artifact_client: ArtifactClientFactory = _no_artifact_client,
    time_left: Callable[[], float] = _never_late,
) -> Report:
    """Steps 3-7 of a first invocation (module docstring); raises DeployError for anything to report as a failure."""
    artifact = select_artifact(job, params.input_artifact)
    artifact_s3 = clients.s3
    if params.use_artifact_credentials:
        if job.credentials is None:
            raise ConfigurationError(
                "use_artifact_credentials is true but the event carries no artifactCredentials. Fix: set "
                "use_artifact_credentials to false and grant the deployer's role read access to the artifact store."
            )
        artifact_s3 = artifact_client(job.credentials)
    _check_time(time_left, "reading the input artifact")
    data = read_artifact(artifact_s3, artifact, params.use_artifact_credentials)
    commit_id = commit_id_of(artifact, data)
    logger.append_keys(commit_id=commit_id)
    sources = extract_sources(data, params, commit_id, artifact.uri)
    logger.info(
        "sources found in the input artifact",
        artifact=artifact.uri,
        script_path=params.script_path,
        library_files=sources.library_files,
        artifact_root=sources.root or "/",
    )

    definition = get_job(clients.glue, params.job_name)
    check_library_fits(definition, params.job_name, params.library_dir)
    run_id = find_run(clients.glue, params.job_name, job.job_id)
    if run_id is not None:
        logger.info("a run for this pipeline job exists already: nothing uploaded, updated or started", run_id=run_id)
    else:
        _check_time(time_left, "uploading the sources")
        uploaded = upload_sources(clients.s3, params, sources, job.job_id)
        logger.info("sources uploaded", uploaded=uploaded)
        _check_time(time_left, "updating the job")
        update = build_job_update(
            definition,
            updatable_fields(clients.glue),
            params.script_uri(commit_id),
            params.library_uri(commit_id),
            params.default_arguments,
        )
        update_job(clients.glue, params.job_name, update)
        logger.info("job updated", job_name=params.job_name, script_location=params.script_uri(commit_id))
        _check_time(time_left, "starting the run")
        run_id = start_run(clients.glue, params.job_name, job.job_id)
        logger.info("run started", job_name=params.job_name, run_id=run_id)

    token = RunToken(job_name=params.job_name, run_id=run_id, commit_id=commit_id)
    if params.wait_for_run:
        return Report(
            "in_progress",
            job.job_id,
            f"deployed commit {commit_id} to the Glue job {params.job_name} and started run {run_id}; waiting for it",
            continuation_token=token.encode(),
            run_id=run_id,
            commit_id=commit_id,
        )
    return Report(
        "succeeded",
        job.job_id,
        f"deployed commit {commit_id} to the Glue job {params.job_name} and started run {run_id} "
        "(wait_for_run is false: its outcome is not awaited)",
        run_id=run_id,
        commit_id=commit_id,
        output_variables=output_variables(params, token, None),
    )


def check_run(job: PipelineJob, params: DeployParameters, glue: GlueClient) -> Report:
    """A continuation: where is the run the token names?"""
    assert job.continuation_token is not None
    token = RunToken.decode(job.continuation_token, params.job_name)
    logger.append_keys(commit_id=token.commit_id)
    status = get_run(glue, params.job_name, token.run_id)
    where = f"run {token.run_id} of the Glue job {params.job_name} (commit {token.commit_id})"
    if status.state in ACTIVE_STATES:
        return Report(
            "in_progress",
            job.job_id,
            f"{where} is {status.state}",
            continuation_token=job.continuation_token,
            run_id=token.run_id,
            commit_id=token.commit_id,
        )
    if status.state == SUCCEEDED:
        duration = status.duration_seconds
        return Report(
            "succeeded",
            job.job_id,
            f"{where} SUCCEEDED" + (f" in {duration} s" if duration is not None else ""),
            run_id=token.run_id,
            commit_id=token.commit_id,
            output_variables=output_variables(params, token, duration),
        )
    if status.state in FAILED_STATES:
        logs = status.log_group or "/aws-glue/jobs"
        raise JobFailed(
            f"{where} ended {status.state}: {status.error_message or 'Glue gave no error message'}. Fix: read the "
            f"run's logs (log group {logs}, streams named {token.run_id}), fix the script and push again.",
            external_execution_id=token.run_id,
        )
    raise JobFailed(
        f"{where} is in state {status.state!r}, which the deployer does not know. Fix: check the run in the Glue "
        "console, then retry the stage.",
        external_execution_id=token.run_id,
    )


def decide(
    job: PipelineJob,
    clients: Clients,
    artifact_client: ArtifactClientFactory = _no_artifact_client,
    time_left: Callable[[], float] = _never_late,
) -> Report:
    """What to report for this job; never raises (every failure becomes a failed Report)."""
    try:
        params = parse_user_parameters(job.user_parameters)
        if job.continuation_token is not None:
            return check_run(job, params, clients.glue)
        return deploy(job, params, clients, artifact_client, time_left)
    except DeployError as exc:
        logger.warning(f"deploy failed: {exc.failure_type}", failure_type=exc.failure_type)
        return Report("failed", job.job_id, str(exc), failure_type=exc.failure_type, run_id=exc.external_execution_id)
    except (ClientError, BotoCoreError) as exc:
        detail = describe(exc) if isinstance(exc, ClientError) else f"{type(exc).__name__}: {exc}"
        logger.exception("AWS call failed")
        return Report(
            "failed",
            job.job_id,
            f"an AWS call failed ({detail}). Fix: retry the stage; if it fails again, see the deployer's log.",
            failure_type="JobFailed",
        )
    except Exception as exc:  # never leave the action waiting for its timeout
        logger.exception("unexpected error")
        return Report(
            "failed",
            job.job_id,
            f"the deployer failed unexpectedly ({type(exc).__name__}: {exc}). Fix: see the deployer's log for "
            f"pipeline job {job.job_id}, then retry the stage.",
            failure_type="JobFailed",
        )


def _log_report_failure(exc: ClientError | BotoCoreError, result: Report) -> None:
    logger.error(
        "could not report the result to CodePipeline (the invocation fails, so Lambda retries it): check that "
        "the deployer's role has codepipeline:PutJobSuccessResult and codepipeline:PutJobFailureResult",
        error=describe(exc) if isinstance(exc, ClientError) else f"{type(exc).__name__}: {exc}",
        result=result.as_dict(),
    )


def handle(
    event: object,
    clients: Clients,
    artifact_client: ArtifactClientFactory = _no_artifact_client,
    time_left: Callable[[], float] = _never_late,
) -> Report:
    """Decide and report one event. Raises NotAPipelineJobEvent (no AWS call) for any other event, and the
    AWS error if CodePipeline refuses the report (the invocation fails; Lambda retries it)."""
    job = parse_job(event)
    secrets = secrets_in(event)
    with logger.redacting(secrets):
        logger.remove_keys("commit_id")  # set again once this job's commit is known
        logger.append_keys(pipeline_job_id=job.job_id)
        logger.info("pipeline job received", job=job.summary())
        result = decide(job, clients, artifact_client, time_left)
        result = replace(result, summary=_redact(result.summary, secrets))
        try:
            report(clients.codepipeline, result)
        except ClientError as exc:
            if error_code(exc) not in FINISHED_JOB_CODES:
                _log_report_failure(exc, result)
                raise
            # A duplicate delivery of an event whose job already has its result (Lambda's asynchronous
            # invocations are at-least-once): nothing to report, and retrying would not change that.
            logger.warning("CodePipeline refused the result: the job is already finished or gone", error=describe(exc))
            return result
        except BotoCoreError as exc:
            _log_report_failure(exc, result)
            raise
        logger.info(f"reported {result.outcome}: {result.summary}", result=result.as_dict())
    return result
