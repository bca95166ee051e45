"""The deployer on the emulator: a push deploys the commit, runs the job and reports; each way a run ends.

Each test gets fresh buckets and a Glue Spark job (`target`); the artifact is a real zip of this
repository's `src/glue`. Results are read back from the emulator's CodePipeline (fill `codepipeline`), run
outcomes set with the fill `glue_job_runs`. Every invocation after the first is a continuation, and comes,
as on AWS, as a new pipeline job carrying the token.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from deployer_helpers import COMMIT, GLUE_SOURCES, LIBRARY_DIR, SCRIPT_PATH, Target, counting_calls, make_target
from deployer_helpers import repository_zip as make_zip

from emulator_helpers import post
from glue_deployer.deployer import logger
from glue_deployer.deployer.core import Clients, deploy, handle
from glue_deployer.deployer.events import parse_job
from glue_deployer.deployer.parameters import parse_user_parameters
from platform_tools.emulator import EmulatorProcess
from platform_tools.emulator.fills.codepipeline import JOB_RESULTS_PATH
from platform_tools.emulator.fills.glue_job_runs import set_job_run_outcomes
from platform_tools.package import tree_entries, zip_bytes

pytestmark = pytest.mark.emulator

REPOSITORY_ZIP = make_zip()


@pytest.fixture(scope="module")
def clients(emulator: EmulatorProcess, aws: Callable[[str], Any]) -> Iterator[Clients]:
    if post(emulator, JOB_RESULTS_PATH, {}) == 404:
        pytest.fail("the emulator lacks the fill `codepipeline`: add it to FILL_MODULES in emulator/fills/__init__.py.")
    logger.set_level("WARNING")  # the per-step INFO lines are the handler tests' business
    yield Clients(s3=aws("s3"), glue=aws("glue"), codepipeline=aws("codepipeline"))
    logger.set_level("INFO")


@pytest.fixture
def target(emulator: EmulatorProcess, clients: Clients) -> Target:
    target = make_target(emulator, clients)
    target.put_artifact(REPOSITORY_ZIP)
    return target


@pytest.fixture
def paced_runs(emulator: EmulatorProcess) -> Iterator[None]:
    """Glue runs move one state per read (STARTING -> RUNNING -> SUCCEEDED), then back to moto's default."""
    body = {"model_name": "glue::job_run", "transition": {"progression": "manual", "times": 1}}
    post(emulator, "/moto-api/state-manager/set-transition", body)
    try:
        yield
    finally:
        post(emulator, "/moto-api/state-manager/unset-transition", {"model_name": "glue::job_run"})


def continue_job(target: Target, token: str) -> tuple[str, Any]:
    event = target.event(continuation_token=token)
    job_id = event["CodePipeline.job"]["id"]
    return job_id, handle(event, target.clients)


def test_a_push_uploads_the_commit_updates_the_job_in_place_runs_it_and_succeeds(target: Target) -> None:
    before = target.job()
    event = target.event()
    first = event["CodePipeline.job"]["id"]

    started = handle(event, target.clients)

    (run,) = target.runs()
    assert run["Arguments"]["--codepipeline_job_id"] == first
    assert (started.outcome, started.run_id, started.commit_id) == ("in_progress", run["Id"], COMMIT)
    token = f'{{"v":1,"job":"{target.job_name}","run":"{run["Id"]}","commit":"{COMMIT}"}}'
    assert target.result(first) == {
        "jobId": first,
        "status": "Succeeded",
        "continuationToken": token,
        "executionDetails": {
            "summary": f"deployed commit {COMMIT} to the Glue job {target.job_name} and started run {run['Id']}; "
            "waiting for it",
            "externalExecutionId": run["Id"],
        },
    }

    # The script and the library under keys naming the commit, byte for byte what the repository and the
    # packager give.
    script_key, library_key = f"deploy/orders/{COMMIT}/json_to_parquet.py", f"deploy/orders/{COMMIT}/etl_lib.zip"
    assert target.script_objects() == [library_key, script_key]
    script = target.clients.s3.get_object(Bucket=target.script_bucket, Key=script_key)
    assert script["Body"].read() == (GLUE_SOURCES / "jobs" / "json_to_parquet.py").read_bytes()
    assert script["Metadata"] == {"commit-id": COMMIT, "codepipeline-job-id": first}
    library = target.clients.s3.get_object(Bucket=target.script_bucket, Key=library_key)["Body"].read()
    assert library == zip_bytes(tree_entries(GLUE_SOURCES / "etl_lib", prefix="etl_lib/"))
    assert "etl_lib/pipeline.py" in zipfile.ZipFile(io.BytesIO(library)).namelist()

    # The job updated in place: only the script location and the default arguments changed.
    after = target.job()
    script_uri, library_uri = f"s3://{target.script_bucket}/{script_key}", f"s3://{target.script_bucket}/{library_key}"
    assert after["Command"] == {**before["Command"], "ScriptLocation": script_uri}
    assert after["DefaultArguments"] == {
        **before["DefaultArguments"],
        "--extra-py-files": library_uri,
        "--dq_policy": "quarantine",
    }
    ignored = {"Command", "DefaultArguments", "LastModifiedOn"}
    assert {k: v for k, v in after.items() if k not in ignored} == {k: v for k, v in before.items() if k not in ignored}

    second, finished = continue_job(target, token)
    assert finished.outcome == "succeeded"
    reported = target.result(second)
    assert reported is not None
    duration = reported["outputVariables"].pop("duration_seconds")
    assert duration.isdigit()
    assert reported == {
        "jobId": second,
        "status": "Succeeded",
        "outputVariables": {
            "job_name": target.job_name,
            "run_id": run["Id"],
            "commit_id": COMMIT,
            "script_s3_uri": script_uri,
            "library_s3_uri": library_uri,
        },
        "executionDetails": {
            "summary": f"run {run['Id']} of the Glue job {target.job_name} (commit {COMMIT}) SUCCEEDED in {duration} s",
            "externalExecutionId": run["Id"],
        },
    }
    assert len(target.runs()) == 1


def test_without_waiting_the_first_invocation_is_the_final_success(target: Target) -> None:
    event = target.event(target.parameters(wait_for_run=False, library_dir=None, default_arguments=None))
    job_id = event["CodePipeline.job"]["id"]
    before = target.job()
    result = handle(event, target.clients)
    (run,) = target.runs()
    script_uri = f"s3://{target.script_bucket}/deploy/orders/{COMMIT}/json_to_parquet.py"
    assert target.result(job_id) == {
        "jobId": job_id,
        "status": "Succeeded",
        "outputVariables": {
            "job_name": target.job_name,
            "run_id": run["Id"],
            "commit_id": COMMIT,
            "script_s3_uri": script_uri,
        },
        "executionDetails": {
            "summary": f"deployed commit {COMMIT} to the Glue job {target.job_name} and started run {run['Id']} "
            "(wait_for_run is false: its outcome is not awaited)",
            "externalExecutionId": run["Id"],
        },
    }
    assert result.outcome == "succeeded"
    # No library configured: --extra-py-files and every other default argument left as they were.
    assert target.job()["DefaultArguments"] == before["DefaultArguments"]
    assert target.script_objects() == [f"deploy/orders/{COMMIT}/json_to_parquet.py"]


def test_a_repeated_invocation_for_the_same_pipeline_job_finds_its_run_and_starts_none(target: Target) -> None:
    event = target.event()
    job_id = event["CodePipeline.job"]["id"]
    job = parse_job(event)
    # The first invocation got as far as starting the run, then died before reporting (a timeout, say).
    first = deploy(job, parse_user_parameters(job.user_parameters), target.clients)
    assert target.result(job_id) is None

    with counting_calls(target.clients.s3, target.clients.glue) as calls:
        retried = handle(event, target.clients)  # Lambda's retry: the same event, the same job id

    (run,) = target.runs()
    assert retried.run_id == first.run_id == run["Id"]
    assert retried.continuation_token == first.continuation_token
    assert calls == ["s3:GetObject", "glue:GetJob", "glue:GetJobRuns"]
    assert target.result(job_id) == {
        "jobId": job_id,
        "status": "Succeeded",
        "continuationToken": first.continuation_token,
        "executionDetails": {"summary": first.summary, "externalExecutionId": run["Id"]},
    }

    # A duplicate delivery once the job has its result: CodePipeline refuses a second one; nothing raises
    # and no run starts.
    again = handle(event, target.clients)
    assert again.run_id == run["Id"] and len(target.runs()) == 1
    assert target.result(job_id) == {
        "jobId": job_id,
        "status": "Succeeded",
        "continuationToken": first.continuation_token,
        "executionDetails": {"summary": first.summary, "externalExecutionId": run["Id"]},
    }


def test_each_continuation_reports_the_run_still_going_until_it_succeeds(target: Target, paced_runs: None) -> None:
    started = handle(target.event(), target.clients)
    assert started.continuation_token is not None
    states = []
    for _ in range(4):
        job_id, result = continue_job(target, started.continuation_token)
        reported = target.result(job_id)
        assert reported is not None
        states.append((result.outcome, reported["executionDetails"]["summary"].rsplit(" ", 1)[-1]))
        if result.outcome != "in_progress":
            break
        assert reported["continuationToken"] == started.continuation_token
    assert [outcome for outcome, _ in states] == ["in_progress", "succeeded"]
    assert states[0][1] == "RUNNING"
    assert len(target.runs()) == 1


@pytest.mark.parametrize("state", ["FAILED", "TIMEOUT", "ERROR"])
def test_a_run_that_fails_fails_the_job_with_glues_message(target: Target, state: str) -> None:
    glue_message = f"ModuleNotFoundError: No module named 'etl_lib.nope' ({state.lower()})"
    set_job_run_outcomes(target.emulator.endpoint, target.job_name, [{"state": state, "error_message": glue_message}])
    started = handle(target.event(), target.clients)
    assert started.continuation_token is not None and started.run_id is not None

    job_id, result = continue_job(target, started.continuation_token)

    run = started.run_id
    assert result.outcome == "failed"
    assert target.result(job_id) == {
        "jobId": job_id,
        "status": "Failed",
        "failureDetails": {
            "type": "JobFailed",
            "message": f"run {run} of the Glue job {target.job_name} (commit {COMMIT}) ended {state}: {glue_message}. "
            f"Fix: read the run's logs (log group test/log, streams named {run}), fix the script and push again.",
            "externalExecutionId": run,
        },
    }
    assert len(target.runs()) == 1


def test_a_running_run_continues_and_a_stopped_one_fails_the_job(target: Target) -> None:
    set_job_run_outcomes(target.emulator.endpoint, target.job_name, ["RUNNING"])
    started = handle(target.event(), target.clients)
    assert started.continuation_token is not None and started.run_id is not None
    run = started.run_id

    for _ in range(2):
        job_id, result = continue_job(target, started.continuation_token)
        assert result.outcome == "in_progress"
        assert target.result(job_id) == {
            "jobId": job_id,
            "status": "Succeeded",
            "continuationToken": started.continuation_token,
            "executionDetails": {
                "summary": f"run {run} of the Glue job {target.job_name} (commit {COMMIT}) is RUNNING",
                "externalExecutionId": run,
            },
        }

    target.clients.glue.batch_stop_job_run(JobName=target.job_name, JobRunIds=[run])
    job_id, _ = continue_job(target, started.continuation_token)
    assert target.result(job_id) == {
        "jobId": job_id,
        "status": "Failed",
        "failureDetails": {
            "type": "JobFailed",
            "message": f"run {run} of the Glue job {target.job_name} (commit {COMMIT}) ended STOPPED: Glue gave no "
            f"error message. Fix: read the run's logs (log group test/log, streams named {run}), fix the script and "
            "push again.",
            "externalExecutionId": run,
        },
    }


def test_a_second_commit_deploys_next_to_the_first_and_the_job_points_at_it(target: Target) -> None:
    handle(target.event(), target.clients)
    changed = make_zip(extra={SCRIPT_PATH: b"print('v2')\n", f"{LIBRARY_DIR}/extra.py": b"X = 2\n"})
    target.put_artifact(changed)
    target.clients.glue.batch_stop_job_run(JobName=target.job_name, JobRunIds=[r["Id"] for r in target.runs()])
    second = "9c1185a5c5e9fc54612808977ee8f548b2258d31"
    handle(target.event(revision=second), target.clients)
    objects = target.script_objects()
    names = ("etl_lib.zip", "json_to_parquet.py")
    assert objects == sorted(f"deploy/orders/{commit}/{name}" for commit in (COMMIT, second) for name in names)
    script = f"s3://{target.script_bucket}/deploy/orders/{second}/json_to_parquet.py"
    assert target.job()["Command"]["ScriptLocation"] == script
    key = f"deploy/orders/{second}/etl_lib.zip"
    library = target.clients.s3.get_object(Bucket=target.script_bucket, Key=key)["Body"].read()
    assert "etl_lib/extra.py" in zipfile.ZipFile(io.BytesIO(library)).namelist()
    assert len(target.runs()) == 2
