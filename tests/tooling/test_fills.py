"""One test per gap fill: each shows the gap on moto as shipped (`bare_emulator`) and the fill on `emulator`.

The table of gaps is tooling/GAPS.md. Names are unique per test run because the emulators are shared
by the whole session.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator_helpers import no_retry_client as client
from emulator_helpers import post, unique
from platform_tools import REPO_ROOT
from platform_tools.emulator import EmulatorProcess
from platform_tools.emulator.fills.glue_job_runs import OUTCOMES_PATH, set_job_run_outcomes
from platform_tools.terraform import TerraformRoot

pytestmark = pytest.mark.emulator

ROLE = "arn:aws:iam::123456789012:role/fills-test"
COMMAND = {"Name": "glueetl", "ScriptLocation": "s3://fills-test/etl.py", "PythonVersion": "3"}


@pytest.fixture
def bare(bare_emulator: EmulatorProcess) -> Callable[[str], Any]:
    return lambda service: client(bare_emulator, service)


@pytest.fixture
def filled(emulator: EmulatorProcess) -> Callable[[str], Any]:
    return lambda service: client(emulator, service)


def not_implemented(call: Callable[[], Any]) -> bool:
    """moto answers an action it lacks with HTTP 500 (NotImplementedError)."""
    try:
        call()
    except ClientError as error:
        return int(error.response["ResponseMetadata"]["HTTPStatusCode"]) == 500
    return False


def create_job(glue: Any, name: str, **extra: Any) -> None:
    glue.create_job(Name=name, Role=ROLE, Command=COMMAND, **extra)


# ---------------------------------------------------------------- Glue jobs, triggers, runs


def test_glue_update_job_replaces_the_definition_in_place(bare: Any, filled: Any) -> None:
    for glue, works in ((bare("glue"), False), (filled("glue"), True)):
        name = unique("update-job")
        create_job(glue, name, Description="v1", Timeout=60, DefaultArguments={"--a": "1"}, Tags={"k": "v"})
        update = {
            "Role": ROLE,
            "Command": {**COMMAND, "ScriptLocation": "s3://fills-test/v2.py"},
            "Description": "v2",
            "DefaultArguments": {"--b": "2"},
        }
        if not works:
            assert not_implemented(lambda g=glue, n=name, u=update: g.update_job(JobName=n, JobUpdate=u))
            continue
        before = glue.get_job(JobName=name)["Job"]
        assert glue.update_job(JobName=name, JobUpdate=update)["JobName"] == name
        job = glue.get_job(JobName=name)["Job"]
        assert job["Description"] == "v2"
        assert job["Command"]["ScriptLocation"] == "s3://fills-test/v2.py"
        assert job["DefaultArguments"] == {"--b": "2"}
        assert "Timeout" not in job  # unset in the JobUpdate means reset, as on AWS
        assert job["LastModifiedOn"] >= before["LastModifiedOn"]
        assert glue.get_tags(ResourceArn=f"arn:aws:glue:us-east-1:123456789012:job/{name}")["Tags"] == {"k": "v"}
        run_id = glue.start_job_run(JobName=name)["JobRunId"]
        assert glue.get_job_run(JobName=name, RunId=run_id)["JobRun"]["Arguments"] == {"--b": "2"}


def test_glue_get_job_echoes_execution_class_only_when_set(bare: Any, filled: Any) -> None:
    name = unique("exec-class")
    create_job(bare("glue"), name)
    assert bare("glue").get_job(JobName=name)["Job"]["ExecutionClass"] == "STANDARD"  # the perpetual diff

    glue = filled("glue")
    plain, flex = unique("exec-class"), unique("exec-class-flex")
    create_job(glue, plain)
    create_job(glue, flex, ExecutionClass="FLEX", MaintenanceWindow="SUN:02")
    assert "ExecutionClass" not in glue.get_job(JobName=plain)["Job"]
    assert [job.get("ExecutionClass") for job in glue.batch_get_jobs(JobNames=[plain, flex])["Jobs"]] == [None, "FLEX"]
    assert glue.get_job(JobName=flex)["Job"]["MaintenanceWindow"] == "SUN:02"


def test_glue_update_trigger_changes_the_trigger_in_place(bare: Any, filled: Any) -> None:
    for glue, works in ((bare("glue"), False), (filled("glue"), True)):
        job, trigger = unique("trigger-job"), unique("trigger")
        create_job(glue, job)
        glue.create_trigger(
            Name=trigger, Type="SCHEDULED", Schedule="cron(0 1 * * ? *)", Actions=[{"JobName": job}], Description="v1"
        )
        update = {"Schedule": "cron(0 3 * * ? *)", "Description": "v2", "Actions": [{"JobName": job, "Timeout": 5}]}
        if not works:
            assert not_implemented(lambda g=glue, t=trigger, u=update: g.update_trigger(Name=t, TriggerUpdate=u))
            continue
        answered = glue.update_trigger(Name=trigger, TriggerUpdate=update)["Trigger"]
        stored = glue.get_trigger(Name=trigger)["Trigger"]
        assert answered == stored
        assert stored["Schedule"] == "cron(0 3 * * ? *)"
        assert stored["Description"] == "v2"
        assert stored["Actions"] == [{"JobName": job, "Timeout": 5}]


def test_glue_batch_stop_job_run_stops_running_runs(bare: Any, filled: Any, emulator: EmulatorProcess) -> None:
    job = unique("stop-job")
    create_job(bare("glue"), job)
    run_id = bare("glue").start_job_run(JobName=job)["JobRunId"]
    assert not_implemented(lambda: bare("glue").batch_stop_job_run(JobName=job, JobRunIds=[run_id]))

    glue = filled("glue")
    create_job(glue, job)
    set_job_run_outcomes(emulator.endpoint, job, ["RUNNING"])  # a run that never ends by itself
    running = glue.start_job_run(JobName=job)["JobRunId"]
    assert glue.get_job_run(JobName=job, RunId=running)["JobRun"]["JobRunState"] == "RUNNING"

    answer = glue.batch_stop_job_run(JobName=job, JobRunIds=[running, "jr_missing"])
    assert answer["SuccessfulSubmissions"] == [{"JobName": job, "JobRunId": running}]
    assert [e["ErrorDetail"]["ErrorCode"] for e in answer["Errors"]] == ["EntityNotFoundException"]
    assert glue.get_job_run(JobName=job, RunId=running)["JobRun"]["JobRunState"] == "STOPPED"
    again = glue.batch_stop_job_run(JobName=job, JobRunIds=[running])
    assert (
        again["SuccessfulSubmissions"] == []
        and again["Errors"][0]["ErrorDetail"]["ErrorCode"] == "InvalidInputException"
    )


def test_glue_job_run_outcome_control_ends_runs_as_told(
    bare: Any, filled: Any, bare_emulator: EmulatorProcess, emulator: EmulatorProcess
) -> None:
    job = unique("outcome-job")
    body = {"job_name": job, "outcomes": ["FAILED"]}
    assert post(bare_emulator, OUTCOMES_PATH, body) == 404  # moto has no way to make a run fail

    glue = filled("glue")
    create_job(glue, job)
    set_job_run_outcomes(emulator.endpoint, job, ["FAILED", {"state": "TIMEOUT", "error_message": "too slow"}])
    runs = [glue.start_job_run(JobName=job)["JobRunId"] for _ in range(3)]
    states = [glue.get_job_run(JobName=job, RunId=run)["JobRun"] for run in runs]
    assert [run["JobRunState"] for run in states] == ["FAILED", "TIMEOUT", "SUCCEEDED"]  # queue used up: moto's default
    assert "ended FAILED" in states[0]["ErrorMessage"]
    assert states[1]["ErrorMessage"] == "too slow"
    assert "ErrorMessage" not in states[2]
    assert post(emulator, OUTCOMES_PATH, {"job_name": job, "outcomes": ["EXPLODED"]}) == 400


def test_glue_data_quality_ruleset_lifecycle(bare: Any, filled: Any) -> None:
    name = unique("ruleset")
    assert not_implemented(
        lambda: bare("glue").create_data_quality_ruleset(Name=name, Ruleset="Rules = [ RowCount > 0 ]")
    )

    glue = filled("glue")
    target = {"DatabaseName": "db", "TableName": "orders"}
    glue.create_data_quality_ruleset(
        Name=name, Ruleset="Rules = [ RowCount > 0 ]", Description="v1", TargetTable=target, Tags={"team": "data"}
    )
    with pytest.raises(ClientError, match="AlreadyExistsException"):
        glue.create_data_quality_ruleset(Name=name, Ruleset="Rules = [ RowCount > 0 ]")
    got = glue.get_data_quality_ruleset(Name=name)
    assert (got["Description"], got["TargetTable"], got["CreatedOn"] == got["LastModifiedOn"]) == ("v1", target, True)

    updated = glue.update_data_quality_ruleset(Name=name, Description="v2", Ruleset="Rules = [ RowCount > 1 ]")
    assert (updated["Description"], updated["Ruleset"]) == ("v2", "Rules = [ RowCount > 1 ]")
    assert glue.get_data_quality_ruleset(Name=name)["Ruleset"] == "Rules = [ RowCount > 1 ]"

    arn = f"arn:aws:glue:us-east-1:123456789012:dataQualityRuleset/{name}"
    assert glue.get_tags(ResourceArn=arn)["Tags"] == {"team": "data"}
    listed = glue.list_data_quality_rulesets(Filter={"Name": name}, Tags={"team": "data"})["Rulesets"]
    assert [r["Name"] for r in listed] == [name]

    glue.delete_data_quality_ruleset(Name=name)
    with pytest.raises(ClientError, match="EntityNotFoundException"):
        glue.get_data_quality_ruleset(Name=name)
    assert glue.get_tags(ResourceArn=arn)["Tags"] == {}


# ---------------------------------------------------------------- Step Functions API


VALID = json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Succeed"}}})


def test_sfn_validate_state_machine_definition(bare: Any, filled: Any) -> None:
    assert not_implemented(lambda: bare("stepfunctions").validate_state_machine_definition(definition=VALID))

    sfn = filled("stepfunctions")
    ok = sfn.validate_state_machine_definition(definition=VALID)
    assert (ok["result"], ok["diagnostics"]) == ("OK", [])

    bad_json = sfn.validate_state_machine_definition(definition="{not json")
    assert bad_json["result"] == "FAIL"
    assert bad_json["diagnostics"][0]["code"] == "INVALID_JSON_DESCRIPTION"

    not_asl = sfn.validate_state_machine_definition(definition=json.dumps({"States": {}}))
    assert not_asl["result"] == "FAIL"
    assert not_asl["diagnostics"][0]["code"] == "SCHEMA_VALIDATION_FAILED"

    dangling = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}}
    missing = sfn.validate_state_machine_definition(definition=json.dumps(dangling), type="EXPRESS")
    assert missing["result"] == "FAIL"
    assert [(d["code"], d["location"]) for d in missing["diagnostics"]] == [
        ("MISSING_TRANSITION_TARGET", "/States/A/Next")
    ]


def test_sfn_list_state_machine_versions(bare: Any, filled: Any) -> None:
    for sfn, works in ((bare("stepfunctions"), False), (filled("stepfunctions"), True)):
        arn = sfn.create_state_machine(name=unique("versions"), definition=VALID, roleArn=ROLE)["stateMachineArn"]
        if not works:
            assert not_implemented(lambda s=sfn, a=arn: s.list_state_machine_versions(stateMachineArn=a))
            continue
        assert sfn.list_state_machine_versions(stateMachineArn=arn)["stateMachineVersions"] == []
        published = sfn.create_state_machine(name=unique("versions"), definition=VALID, roleArn=ROLE, publish=True)
        versions = sfn.list_state_machine_versions(stateMachineArn=published["stateMachineArn"])
        assert [v["stateMachineVersionArn"] for v in versions["stateMachineVersions"]] == [
            published["stateMachineVersionArn"]
        ]


# ---------------------------------------------------------------- Step Functions executor


def sfn_settings(emulator: EmulatorProcess) -> dict[str, Any] | None:
    """The emulator's `stepfunctions` settings from GET /moto-api/config, or None if it omits them."""
    with urllib.request.urlopen(f"{emulator.endpoint}/moto-api/config", timeout=10) as response:  # noqa: S310
        settings: dict[str, Any] | None = json.loads(response.read()).get("stepfunctions")
    return settings


def test_moto_config_reports_stepfunctions_settings(bare_emulator: EmulatorProcess, emulator: EmulatorProcess) -> None:
    assert sfn_settings(bare_emulator) is None
    assert set(sfn_settings(emulator) or {}) == {"execute_state_machine"}


@pytest.fixture
def executing(bare_emulator: EmulatorProcess, emulator: EmulatorProcess) -> Iterator[None]:
    """Both emulators interpret state machines during the test, then get their previous setting back.

    (moto as shipped does not report it: the bare emulator goes back to moto's default, False.)
    """
    processes = (bare_emulator, emulator)
    saved = [(process, sfn_settings(process) or {"execute_state_machine": False}) for process in processes]
    for process in processes:
        process.configure({"stepfunctions": {"execute_state_machine": True}})
    try:
        yield
    finally:
        for process, settings in saved:
            process.configure({"stepfunctions": settings})


def glue_sync_machine(sfn: Any, job: str, catch: bool = False) -> str:
    run: dict[str, Any] = {
        "Type": "Task",
        "Resource": "arn:aws:states:::glue:startJobRun.sync",
        "Parameters": {"JobName": job, "Arguments": {"--message.$": "$.message"}},
        "End": True,
    }
    states: dict[str, Any] = {"Run": run}
    if catch:
        run["Catch"] = [{"ErrorEquals": ["States.TaskFailed"], "ResultPath": "$.error", "Next": "Recover"}]
        states["Recover"] = {"Type": "Pass", "End": True}
    definition = json.dumps({"StartAt": "Run", "States": states})
    arn: str = sfn.create_state_machine(name=unique("glue-sync"), definition=definition, roleArn=ROLE)[
        "stateMachineArn"
    ]
    return arn


def finish(sfn: Any, machine_arn: str, message: str = "hello", timeout: float = 30) -> dict[str, Any]:
    execution = sfn.start_execution(stateMachineArn=machine_arn, input=json.dumps({"message": message}))
    deadline = time.monotonic() + timeout
    while True:
        described: dict[str, Any] = sfn.describe_execution(executionArn=execution["executionArn"])
        if described["status"] != "RUNNING" or time.monotonic() > deadline:
            return described
        time.sleep(0.25)


@pytest.mark.usefixtures("executing")
def test_sfn_glue_sync_task_runs_to_succeeded(bare: Any, filled: Any, emulator: EmulatorProcess) -> None:
    job = unique("sync-job")
    create_job(bare("glue"), job)
    failed = finish(bare("stepfunctions"), glue_sync_machine(bare("stepfunctions"), job))
    assert (failed["status"], failed["error"]) == ("FAILED", "States.Runtime")
    assert "interrupt_all" in failed["cause"]

    glue, sfn = filled("glue"), filled("stepfunctions")
    create_job(glue, job)
    # Pace the run STARTING -> RUNNING -> SUCCEEDED, one step per GetJobRun, so the task has to poll.
    transition = {"model_name": "glue::job_run", "transition": {"progression": "manual", "times": 1}}
    assert post(emulator, "/moto-api/state-manager/set-transition", transition) == 201
    try:
        done = finish(sfn, glue_sync_machine(sfn, job), message="from-the-input")
    finally:
        post(emulator, "/moto-api/state-manager/unset-transition", {"model_name": "glue::job_run"})
    assert done["status"] == "SUCCEEDED", done.get("cause")
    output = json.loads(done["output"])
    assert (output["JobName"], output["JobRunState"]) == (job, "SUCCEEDED")
    assert isinstance(output["StartedOn"], int)  # epoch milliseconds, as Step Functions shows them
    [run] = glue.get_job_runs(JobName=job)["JobRuns"]
    assert run["Arguments"] == {"--message": "from-the-input"}  # Arguments with .$ paths reach StartJobRun


@pytest.mark.usefixtures("executing")
def test_sfn_glue_sync_task_fails_with_the_job_run(filled: Any, emulator: EmulatorProcess) -> None:
    glue, sfn = filled("glue"), filled("stepfunctions")
    job = unique("sync-fail-job")
    create_job(glue, job)
    set_job_run_outcomes(emulator.endpoint, job, [{"state": "FAILED", "error_message": "bad input"}, "TIMEOUT"])

    caught = finish(sfn, glue_sync_machine(sfn, job, catch=True))
    assert caught["status"] == "SUCCEEDED", caught.get("cause")
    error = json.loads(caught["output"])["error"]
    assert error["Error"] == "States.TaskFailed"
    assert json.loads(error["Cause"])["ErrorMessage"] == "bad input"

    uncaught = finish(sfn, glue_sync_machine(sfn, job))
    assert (uncaught["status"], uncaught["error"]) == ("FAILED", "States.TaskFailed")
    assert json.loads(uncaught["cause"])["JobRunState"] == "TIMEOUT"


@pytest.mark.usefixtures("executing")
def test_sfn_unnamed_executions_get_unique_names(bare: Any, filled: Any) -> None:
    for sfn, works in ((bare("stepfunctions"), False), (filled("stepfunctions"), True)):
        arn = sfn.create_state_machine(name=unique("unnamed"), definition=VALID, roleArn=ROLE)["stateMachineArn"]
        first = sfn.start_execution(stateMachineArn=arn)["executionArn"]
        if not works:
            assert first.endswith(":None")
            try:
                second = sfn.start_execution(stateMachineArn=arn)["executionArn"]
            except ClientError as error:  # the first has finished: its name is taken
                assert error.response["Error"]["Code"] == "ExecutionAlreadyExists"
            else:  # the first still runs with the same name and input: it is returned again
                assert second == first
            continue
        second = sfn.start_execution(stateMachineArn=arn)["executionArn"]
        assert first != second and not first.endswith(":None")


# ---------------------------------------------------------------- Athena, Kinesis


def test_athena_untagged_workgroup_lists_empty_tags(bare: Any, filled: Any) -> None:
    for athena, works in ((bare("athena"), False), (filled("athena"), True)):
        name = unique("workgroup")
        athena.create_work_group(Name=name, Configuration={"ResultConfiguration": {"OutputLocation": "s3://r/a/"}})
        arn = f"arn:aws:athena:us-east-1:123456789012:workgroup/{name}"
        if not works:
            with pytest.raises(ClientError, match="Does Not Exist"):
                athena.list_tags_for_resource(ResourceARN=arn)
            continue
        assert athena.list_tags_for_resource(ResourceARN=arn)["Tags"] == []
        athena.tag_resource(ResourceARN=arn, Tags=[{"Key": "k", "Value": "v"}])
        assert athena.list_tags_for_resource(ResourceARN=arn)["Tags"] == [{"Key": "k", "Value": "v"}]
        with pytest.raises(ClientError, match="Does Not Exist"):
            athena.list_tags_for_resource(ResourceARN=arn + "-missing")


def test_athena_update_work_group(bare: Any, filled: Any) -> None:
    updates = {
        "ResultConfigurationUpdates": {"OutputLocation": "s3://r/b/", "RemoveEncryptionConfiguration": True},
        "EngineVersion": {"SelectedEngineVersion": "Athena engine version 3"},
        "BytesScannedCutoffPerQuery": 10_000_000,
    }
    for athena, works in ((bare("athena"), False), (filled("athena"), True)):
        name = unique("workgroup")
        config = {
            "ResultConfiguration": {
                "OutputLocation": "s3://r/a/",
                "EncryptionConfiguration": {"EncryptionOption": "SSE_S3"},
            }
        }
        athena.create_work_group(Name=name, Configuration=config)
        if not works:
            assert not_implemented(
                lambda a=athena, n=name: a.update_work_group(
                    WorkGroup=n, Description="v2", ConfigurationUpdates=updates
                )
            )
            continue
        athena.update_work_group(WorkGroup=name, Description="v2", ConfigurationUpdates=updates, State="DISABLED")
        group = athena.get_work_group(WorkGroup=name)["WorkGroup"]
        assert (group["Description"], group["State"]) == ("v2", "DISABLED")
        assert group["Configuration"]["ResultConfiguration"] == {"OutputLocation": "s3://r/b/"}
        assert group["Configuration"]["EngineVersion"]["SelectedEngineVersion"] == "Athena engine version 3"
        assert group["Configuration"]["BytesScannedCutoffPerQuery"] == 10_000_000
        assert athena.get_work_group(WorkGroup="primary")["WorkGroup"]["State"] == "ENABLED"


def test_kinesis_create_stream_keeps_tags(bare: Any, filled: Any) -> None:
    for kinesis, works in ((bare("kinesis"), False), (filled("kinesis"), True)):
        name = unique("stream")
        kinesis.create_stream(StreamName=name, ShardCount=1, Tags={"team": "data"})
        tags = kinesis.list_tags_for_stream(StreamName=name)["Tags"]
        assert tags == ([{"Key": "team", "Value": "data"}] if works else [])


# ---------------------------------------------------------------- Terraform


@pytest.mark.terraform
def test_filled_resource_types_replan_clean_and_update_in_place(
    emulator: EmulatorProcess, filled: Any, tmp_path: Any
) -> None:
    """aws_glue_job without execution_class (the key one), trigger, ruleset, workgroup, state machine."""
    name = unique("gapfills")
    root = TerraformRoot(
        REPO_ROOT / "tests/tooling/fixtures/gap_fills", tmp_path, env=emulator.env(), variables={"name": name}
    )
    root.init()
    try:
        outputs = root.apply()
        changes, plan = root.plan_has_changes()
        assert not changes, plan

        root.variables = {"name": name, "description": "second"}
        root.apply()
        changes, plan = root.plan_has_changes()
        assert not changes, plan
        glue = filled("glue")
        assert glue.get_job(JobName=outputs["job_name"])["Job"]["Description"] == "second"
        assert glue.get_trigger(Name=f"{name}-nightly")["Trigger"]["Description"] == "second"
        assert glue.get_data_quality_ruleset(Name=f"{name}-checks")["Description"] == "second"
        group = filled("athena").get_work_group(WorkGroup=outputs["workgroup"])["WorkGroup"]
        assert group["Configuration"]["ResultConfiguration"]["OutputLocation"] == f"s3://{name}-results/second/"
    finally:
        root.destroy()
    assert root.state_resources() == []
