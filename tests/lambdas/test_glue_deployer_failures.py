"""Bad inputs on the emulator: each reports one PutJobFailureResult, of the right type and with the exact
message naming the cause and the fix, and starts no Glue run.

Refusals come from the emulator where it can make them (a bucket policy denying S3 calls, a missing
bucket, object or job); a Glue AccessDenied, which moto cannot produce without IAM, is answered by the
client itself (`refused`), exactly as botocore raises it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from deployer_helpers import (
    COMMIT,
    GLUE_SOURCES,
    LIBRARY_DIR,
    SCRIPT_PATH,
    Target,
    make_target,
    refused,
    repository_zip,
)

from emulator_helpers import post, unique
from glue_deployer.deployer import logger
from glue_deployer.deployer.core import Clients, handle
from platform_tools.emulator import EmulatorProcess
from platform_tools.emulator.fills.codepipeline import JOB_RESULTS_PATH
from platform_tools.emulator.fills.glue_job_runs import set_job_run_outcomes

pytestmark = pytest.mark.emulator

REPOSITORY_ZIP = repository_zip()
# The scripts next to the missing one, as the message lists them (at most five).
OTHER_JOBS = sorted(
    f"src/glue/jobs/{p.name}" for p in (GLUE_SOURCES / "jobs").glob("*.py") if p.name != "json_to_parquet.py"
)[:5]
FIX_PARAMETERS = (
    'Fix: set the action\'s UserParameters to a JSON object such as {"job_name": "orders-json-to-parquet", '
    '"script_path": "src/glue/jobs/json_to_parquet.py", "library_dir": "src/glue/etl_lib", "script_bucket": '
    '"orders-glue-assets", "script_prefix": "deploy/orders/"} (modules/codepipeline_glue renders it).'
)


@pytest.fixture(scope="module")
def clients(emulator: EmulatorProcess, aws: Callable[[str], Any]) -> Iterator[Clients]:
    if post(emulator, JOB_RESULTS_PATH, {}) == 404:
        pytest.fail("the emulator lacks the fill `codepipeline`: add it to FILL_MODULES in emulator/fills/__init__.py.")
    logger.set_level("CRITICAL")  # the per-step INFO lines are the handler tests' business
    yield Clients(s3=aws("s3"), glue=aws("glue"), codepipeline=aws("codepipeline"))
    logger.set_level("INFO")


@pytest.fixture
def target(emulator: EmulatorProcess, clients: Clients) -> Target:
    target = make_target(emulator, clients)
    target.put_artifact(REPOSITORY_ZIP)
    return target


def deny(target: Target, bucket: str, action: str) -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Principal": "*", "Action": action, "Resource": f"arn:aws:s3:::{bucket}/*"}],
    }
    target.clients.s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))


@dataclass(frozen=True)
class Case:
    """One bad input: how to make it (returns the event), the failure type and the exact message."""

    make: Callable[[Target], dict[str, Any]]
    failure_type: str
    message: Callable[[Target], str]


def _artifact_uri(t: Target) -> str:
    return f"s3://{t.artifact_bucket}/{t.artifact_key}"


def _missing_object(t: Target) -> dict[str, Any]:
    return t.event(key="pipeline/SourceArti/gone")


def _wrong_zip(t: Target, **changes: Any) -> dict[str, Any]:
    t.put_artifact(repository_zip(**changes))
    return t.event()


def _not_a_zip(t: Target) -> dict[str, Any]:
    t.put_artifact(b'{"ref": "refs/heads/main"}')  # a CODEBUILD_CLONE_REF artifact
    return t.event()


def _no_input_artifact(t: Target) -> dict[str, Any]:
    event = t.event()
    event["CodePipeline.job"]["data"]["inputArtifacts"] = []
    return event


def _no_credentials(t: Target) -> dict[str, Any]:
    event = t.event(t.parameters(use_artifact_credentials=True))
    del event["CodePipeline.job"]["data"]["artifactCredentials"]
    return event


def _artifact_denied(t: Target) -> dict[str, Any]:
    deny(t, t.artifact_bucket, "s3:GetObject")
    return t.event()


def _upload_denied(t: Target) -> dict[str, Any]:
    deny(t, t.script_bucket, "s3:PutObject")
    return t.event()


def _shell_job_with_library(t: Target) -> dict[str, Any]:
    name = unique("hello-shell")
    t.clients.glue.create_job(
        Name=name,
        Role=t.role_arn,
        Command={
            "Name": "pythonshell",
            "ScriptLocation": f"s3://{t.script_bucket}/hello_shell.py",
            "PythonVersion": "3.9",
        },
        MaxCapacity=0.0625,
    )
    t.job_name = name
    return t.event(t.parameters(script_path="src/glue/jobs/hello_shell.py"))


def _stale_token(t: Target) -> dict[str, Any]:
    token = json.dumps({"v": 1, "job": "another-job", "run": "jr_1", "commit": COMMIT}, separators=(",", ":"))
    return t.event(continuation_token=token)


CASES: dict[str, Case] = {
    "UserParameters missing": Case(
        lambda t: t.event(""),
        "ConfigurationError",
        lambda t: f"UserParameters is missing or empty. {FIX_PARAMETERS}",
    ),
    "UserParameters not JSON": Case(
        lambda t: t.event("job_name=orders"),
        "ConfigurationError",
        lambda t: f"UserParameters is not JSON (Expecting value at position 0). {FIX_PARAMETERS}",
    ),
    "UserParameters without the job (missing keys)": Case(
        lambda t: t.event({"script_path": SCRIPT_PATH, "script_prefix": "deploy/"}),
        "ConfigurationError",
        lambda t: "UserParameters is invalid: job_name is required (a Glue job name: letters, digits, _ . -, up to "
        "255); script_bucket is required (an S3 bucket name). " + FIX_PARAMETERS,
    ),
    "UserParameters with a bad value": Case(
        lambda t: t.event(t.parameters(wait_for_run="yes")),
        "ConfigurationError",
        lambda t: "UserParameters is invalid: wait_for_run must be true or false (a JSON boolean); got 'yes'. "
        + FIX_PARAMETERS,
    ),
    "job not found": Case(
        lambda t: t.event(t.parameters(job_name="no-such-job")),
        "ConfigurationError",
        lambda t: "the Glue job 'no-such-job' does not exist (GetJob). Fix: set job_name in UserParameters to an "
        "existing job, or create it first (modules/glue_job) in this account and region.",
    ),
    "no input artifact": Case(
        _no_input_artifact,
        "ConfigurationError",
        lambda t: "the action has no input artifact. Fix: give the deploy action the source action's output artifact "
        "as its input artifact (modules/codepipeline_glue does).",
    ),
    "named input artifact absent": Case(
        lambda t: t.event(t.parameters(input_artifact="BuildArtifact")),
        "ConfigurationError",
        lambda t: "input_artifact 'BuildArtifact' is not among the action's input artifacts ['SourceArtifact']. Fix: "
        "set input_artifact in UserParameters to one of them, or add that artifact to the action's input artifacts.",
    ),
    "artifact missing in S3": Case(
        _missing_object,
        "JobFailed",
        lambda t: f"reading the input artifact s3://{t.artifact_bucket}/pipeline/SourceArti/gone with the deployer's "
        "role failed: it does not exist (NoSuchKey). Fix: the artifact store lost it (a lifecycle rule expiring "
        "objects, or a deleted bucket?); release the change again to make a new one.",
    ),
    "artifact access denied": Case(
        _artifact_denied,
        "PermissionError",
        lambda t: f"reading the input artifact {_artifact_uri(t)} with the deployer's role was refused (403: "
        "Forbidden). Fix: grant the deployer's role s3:GetObject on the pipeline's artifact bucket and kms:Decrypt "
        "on its artifact key (or set use_artifact_credentials to true in UserParameters); S3 also answers "
        "AccessDenied for a missing object when s3:ListBucket is not granted.",
    ),
    "artifact not a zip": Case(
        _not_a_zip,
        "JobFailed",
        lambda t: f"the input artifact {_artifact_uri(t)} is not a zip file. Fix: set the source action's output "
        "artifact format to CODE_ZIP (the default), not CODEBUILD_CLONE_REF.",
    ),
    "script missing in the artifact": Case(
        lambda t: _wrong_zip(t, drop=lambda name: name == SCRIPT_PATH),
        "ConfigurationError",
        lambda t: f"script_path '{SCRIPT_PATH}' is not in the input artifact {_artifact_uri(t)} (commit {COMMIT}); "
        f"Python files found: {OTHER_JOBS}. Fix: set script_path in UserParameters to the script's path from the "
        "repository root, or push the script.",
    ),
    "library missing in the artifact": Case(
        lambda t: _wrong_zip(t, drop=lambda name: name.startswith(f"{LIBRARY_DIR}/")),
        "ConfigurationError",
        lambda t: f"library_dir '{LIBRARY_DIR}' is not a folder in the input artifact {_artifact_uri(t)} (commit "
        f"{COMMIT}). Fix: set library_dir in UserParameters to the library's folder from the repository root, or "
        "remove library_dir.",
    ),
    "artifact credentials asked for but absent": Case(
        _no_credentials,
        "ConfigurationError",
        lambda t: "use_artifact_credentials is true but the event carries no artifactCredentials. Fix: set "
        "use_artifact_credentials to false and grant the deployer's role read access to the artifact store.",
    ),
    "library for a Python shell job": Case(
        _shell_job_with_library,
        "ConfigurationError",
        lambda t: f"library_dir is set but the Glue job {t.job_name!r} is a 'pythonshell' job, whose --extra-py-files "
        "does not take a .zip of packages (Python shell jobs take .whl/.egg; Ray jobs use --s3-py-modules). Fix: "
        "remove library_dir for this target, or ship the library as a wheel through the job's own settings.",
    ),
    "script bucket does not exist": Case(
        lambda t: t.event(t.parameters(script_bucket="no-such-glue-assets")),
        "ConfigurationError",
        lambda t: "script_bucket 'no-such-glue-assets' does not exist. Fix: set script_bucket in UserParameters to "
        "the bucket that holds the job's scripts (modules/glue_job's asset bucket).",
    ),
    "upload access denied": Case(
        _upload_denied,
        "PermissionError",
        lambda t: f"uploading s3://{t.script_bucket}/deploy/orders/{COMMIT}/json_to_parquet.py was refused (403: "
        f"Forbidden). Fix: grant the deployer's role s3:PutObject on arn:aws:s3:::{t.script_bucket}/deploy/orders/* "
        "(and kms:GenerateDataKey on the bucket's key if it uses SSE-KMS).",
    ),
    "continuation token for another job": Case(
        _stale_token,
        "JobFailed",
        lambda t: f"the continuation token is for the Glue job 'another-job', but UserParameters names "
        f"{t.job_name!r}. Fix: release the change again; a token is only ever made by this function for the same "
        "action.",
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_a_bad_input_reports_the_exact_failure_and_starts_no_run(target: Target, case: Case) -> None:
    event = case.make(target)
    job_id = event["CodePipeline.job"]["id"]

    result = handle(event, target.clients)

    assert target.result(job_id) == {
        "jobId": job_id,
        "status": "Failed",
        "failureDetails": {"type": case.failure_type, "message": case.message(target)},
    }
    assert (result.outcome, result.failure_type) == ("failed", case.failure_type)
    assert target.runs() == []


REFUSALS = {
    "GetJob": "User: arn:aws:sts::123456789012:assumed-role/deployer/fn is not authorized to perform: glue:GetJob",
    "UpdateJob": "User: arn:aws:sts::123456789012:assumed-role/deployer/fn is not authorized to perform: "
    "iam:PassRole on resource: arn:aws:iam::123456789012:role/glue",
    "StartJobRun": "User: arn:aws:sts::123456789012:assumed-role/deployer/fn is not authorized to perform: "
    "glue:StartJobRun",
}


@pytest.mark.parametrize("operation", REFUSALS)
def test_glue_access_denied_is_a_permission_error_naming_the_rights(target: Target, operation: str) -> None:
    event = target.event()
    job_id = event["CodePipeline.job"]["id"]
    with refused(target.clients.glue, operation, "AccessDeniedException", REFUSALS[operation]) as calls:
        handle(event, target.clients)
    assert calls == [operation]
    assert target.result(job_id) == {
        "jobId": job_id,
        "status": "Failed",
        "failureDetails": {
            "type": "PermissionError",
            "message": f"{operation} of the Glue job {target.job_name!r} was refused (AccessDeniedException: "
            f"{REFUSALS[operation]}). Fix: grant the deployer's role glue:GetJob, glue:UpdateJob, glue:StartJobRun, "
            "glue:GetJobRun and glue:GetJobRuns on the job, and iam:PassRole on the job's role.",
        },
    }
    assert target.runs() == []


def test_a_run_already_active_fails_the_deploy_and_starts_no_other(target: Target) -> None:
    set_job_run_outcomes(target.emulator.endpoint, target.job_name, ["RUNNING"])
    running = target.clients.glue.start_job_run(JobName=target.job_name)["JobRunId"]  # a scheduled run, say
    event = target.event()
    job_id = event["CodePipeline.job"]["id"]

    handle(event, target.clients)

    assert target.result(job_id) == {
        "jobId": job_id,
        "status": "Failed",
        "failureDetails": {
            "type": "JobFailed",
            "message": f"Glue refused to start {target.job_name!r}: a run is already active and the job allows no more "
            "(ConcurrentRunsExceededException). The job is updated; its next run uses this commit. Fix: retry the "
            "stage once that run ends, or raise the job's max_concurrent_runs / enable job run queuing.",
        },
    }
    assert [run["Id"] for run in target.runs()] == [running]


def test_a_function_about_to_time_out_reports_instead_of_starting_a_step(target: Target) -> None:
    event = target.event()
    job_id = event["CodePipeline.job"]["id"]
    handle(event, target.clients, time_left=lambda: 4.0)
    assert target.result(job_id) == {
        "jobId": job_id,
        "status": "Failed",
        "failureDetails": {
            "type": "JobFailed",
            "message": "stopped before reading the input artifact: the function had 4 s left before its timeout. Fix: "
            "raise the function's timeout (300 s is recommended), then retry the stage.",
        },
    }
    assert target.runs() == [] and target.script_objects() == []
