"""modules/sfn_glue on the emulator: both examples applied once, re-planned clean, and run.

Executions are real: moto's Step Functions interpreter (turned on with `stepfunctions.execute_state_machine`,
plus the emulator's `.sync` fill) runs the deployed definitions against the Glue jobs the examples created,
and the test-only outcome control (`set_job_run_outcomes`) decides how each job run ends. Failure
notifications are counted through an SQS queue subscribed to the topic.

moto keeps state machines created with execution on and off in separate backends, so the setting is turned on
before the examples are applied and put back only after they are destroyed; that is why this module manages
its own roots rather than the session-wide `applied_root` (which destroys at session end).

Needs build/glue/etl_lib.zip (`make build`) for the JSON-to-Parquet example, and node/npm for the Amazon
States Language validator (pinned in modules/sfn_glue/tests/asl/, installed with `npm ci` on first use).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import time
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from platform_tools import REPO_ROOT
from platform_tools.emulator import EmulatorProcess
from platform_tools.emulator.fills.glue_job_runs import set_job_run_outcomes
from platform_tools.terraform import TerraformRoot

pytestmark = [pytest.mark.emulator, pytest.mark.terraform]

MODULE = REPO_ROOT / "modules/sfn_glue"
HELLO = MODULE / "examples/pythonshell_hello"
PIPELINE = MODULE / "examples/json_to_parquet"
ALL_OPTIONS = MODULE / "tests/fixtures/all_options"
LIBRARY = REPO_ROOT / "build/glue/etl_lib.zip"
ASL_PACKAGE = MODULE / "tests/asl"
ASL_INSTALL = REPO_ROOT / "build/asl-validator"

Example = tuple[TerraformRoot, dict[str, Any]]


# ---------------------------------------------------------------- emulator settings and roots


def sfn_settings(emulator: EmulatorProcess) -> dict[str, Any]:
    with urllib.request.urlopen(f"{emulator.endpoint}/moto-api/config", timeout=10) as response:  # noqa: S310
        settings: dict[str, Any] = json.loads(response.read()).get("stepfunctions") or {}
    return settings


@pytest.fixture(scope="module")
def executing(emulator: EmulatorProcess) -> Iterator[None]:
    """Step Functions executes state machines for this module; the previous setting comes back afterwards."""
    saved = sfn_settings(emulator) or {"execute_state_machine": False}
    emulator.configure({"stepfunctions": {"execute_state_machine": True}})
    try:
        yield
    finally:
        emulator.configure({"stepfunctions": saved})


def apply_once(module_dir: Path, emulator: EmulatorProcess, work_dir: Path) -> Iterator[Example]:
    root = TerraformRoot(module_dir, work_dir, env=emulator.env())
    root.init()
    try:
        outputs = root.apply()
        yield root, outputs
    finally:
        root.destroy()


@pytest.fixture(scope="module")
def hello(executing: None, emulator: EmulatorProcess, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Example]:
    yield from apply_once(HELLO, emulator, tmp_path_factory.mktemp("sfn-glue-hello"))


@pytest.fixture(scope="module")
def pipeline(executing: None, emulator: EmulatorProcess, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Example]:
    if not LIBRARY.exists():
        pytest.fail("the JSON-to-Parquet example uploads build/glue/etl_lib.zip, which is missing: run `make build`.")
    yield from apply_once(PIPELINE, emulator, tmp_path_factory.mktemp("sfn-glue-pipeline"))


# ---------------------------------------------------------------- executions and notifications


def run_execution(aws: Callable[[str], Any], machine_arn: str, payload: Any, timeout: float = 60) -> dict[str, Any]:
    """Start an execution with a unique name, wait until it ends, return DescribeExecution."""
    sfn = aws("stepfunctions")
    arn = sfn.start_execution(
        stateMachineArn=machine_arn, name=f"test-{uuid.uuid4().hex[:12]}", input=json.dumps(payload)
    )["executionArn"]
    return wait_for(sfn, arn, timeout)


def wait_for(sfn: Any, execution_arn: str, timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        described: dict[str, Any] = sfn.describe_execution(executionArn=execution_arn)
        if described["status"] != "RUNNING":
            return described
        if time.monotonic() > deadline:
            pytest.fail(f"execution {execution_arn} still RUNNING after {timeout:.0f} s")
        time.sleep(0.25)


def history(aws: Callable[[str], Any], execution_arn: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = aws("stepfunctions").get_execution_history(executionArn=execution_arn)["events"]
    return events


def entered_states(events: list[dict[str, Any]]) -> list[str]:
    return [event["stateEnteredEventDetails"]["name"] for event in events if "stateEnteredEventDetails" in event]


def job_runs(aws: Callable[[str], Any], job_name: str) -> list[dict[str, Any]]:
    runs: list[dict[str, Any]] = aws("glue").get_job_runs(JobName=job_name)["JobRuns"]
    return runs


class Inbox:
    """An SQS queue subscribed (raw delivery) to a failure topic; messages kept by execution name."""

    def __init__(self, aws: Callable[[str], Any], topic_arn: str) -> None:
        self.sqs = aws("sqs")
        self.url = self.sqs.create_queue(QueueName=f"sfn-glue-inbox-{uuid.uuid4().hex[:8]}")["QueueUrl"]
        queue_arn = self.sqs.get_queue_attributes(QueueUrl=self.url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        aws("sns").subscribe(
            TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn, Attributes={"RawMessageDelivery": "true"}
        )
        self.messages: list[dict[str, Any]] = []

    def for_execution(self, execution_name: str) -> list[dict[str, Any]]:
        while True:
            batch = self.sqs.receive_message(QueueUrl=self.url, MaxNumberOfMessages=10, WaitTimeSeconds=0)
            received = batch.get("Messages", [])
            if not received:
                break
            for message in received:
                self.messages.append(json.loads(message["Body"]))
                self.sqs.delete_message(QueueUrl=self.url, ReceiptHandle=message["ReceiptHandle"])
        return [message for message in self.messages if message.get("ExecutionName") == execution_name]


@pytest.fixture(scope="module")
def hello_inbox(aws: Callable[[str], Any], hello: Example) -> Inbox:
    return Inbox(aws, hello[1]["failure_topic_arn"])


@pytest.fixture(scope="module")
def pipeline_inbox(aws: Callable[[str], Any], pipeline: Example) -> Inbox:
    return Inbox(aws, pipeline[1]["failure_topic_arn"])


@pytest.fixture
def outcomes(emulator: EmulatorProcess) -> Iterator[Callable[[str, list[Any]], None]]:
    """`outcomes(job, [...])` sets how the job's next runs end; every queue set is cleared afterwards."""
    used: list[str] = []

    def set_outcomes(job_name: str, queue: list[Any]) -> None:
        used.append(job_name)
        set_job_run_outcomes(emulator.endpoint, job_name, queue)

    yield set_outcomes
    for job_name in used:
        set_job_run_outcomes(emulator.endpoint, job_name, [])


def policy_document(document: str | dict[str, Any]) -> dict[str, Any]:
    """IAM returns policy documents URL-encoded; boto3 may or may not have decoded them already."""
    if isinstance(document, dict):
        return document
    decoded: dict[str, Any] = json.loads(urllib.parse.unquote(document))
    return decoded


def as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


# ---------------------------------------------------------------- the Python-shell seed: message -> --message


def test_hello_message_arrives_as_the_job_argument_and_the_execution_waits_for_the_run(
    aws: Callable[[str], Any], hello: Example
) -> None:
    _, outputs = hello
    done = run_execution(aws, outputs["state_machine_arn"], {"message": "hello from the execution input"})
    assert done["status"] == "SUCCEEDED", done.get("cause")

    result = json.loads(done["output"])
    run = result["jobRuns"]["sfn_hello_shell"]
    assert (run["JobName"], run["JobRunState"]) == (outputs["job_name"], "SUCCEEDED")
    assert result["message"] == "hello from the execution input"  # the input is kept next to the results
    (job_run,) = [r for r in job_runs(aws, outputs["job_name"]) if r["Id"] == run["JobRunId"]]
    assert job_run["Arguments"]["--message"] == "hello from the execution input"
    assert job_run["JobRunState"] == "SUCCEEDED"


@pytest.mark.parametrize(
    ("payload", "error"),
    [({"greeting": "no message"}, "MissingInput"), ({"message": 42}, "InvalidInput")],
    ids=["missing", "not-a-string"],
)
def test_hello_bad_input_fails_with_a_named_error_before_any_job_run(
    aws: Callable[[str], Any], hello: Example, payload: dict[str, Any], error: str
) -> None:
    _, outputs = hello
    runs_before = len(job_runs(aws, outputs["job_name"]))
    failed = run_execution(aws, outputs["state_machine_arn"], payload)
    assert (failed["status"], failed["error"]) == ("FAILED", error)
    assert "$.message" in failed["cause"] and "--message" in failed["cause"]
    assert len(job_runs(aws, outputs["job_name"])) == runs_before  # no run with an empty or wrong argument
    assert "Run sfn_hello_shell" not in entered_states(history(aws, failed["executionArn"]))


def test_hello_failed_job_run_publishes_one_notification_and_ends_in_the_fail_state(
    aws: Callable[[str], Any], hello: Example, hello_inbox: Inbox, outcomes: Callable[[str, list[Any]], None]
) -> None:
    _, outputs = hello
    job = outputs["job_name"]
    outcomes(job, [{"state": "FAILED", "error_message": "hello_shell: boom"}])

    failed = run_execution(aws, outputs["state_machine_arn"], {"message": "this run fails"})
    assert (failed["status"], failed["error"]) == ("FAILED", "GlueJobFailed")
    assert failed["cause"].startswith(f"Glue job {job} failed with States.TaskFailed: ")
    states = entered_states(history(aws, failed["executionArn"]))
    assert states[-3:] == ["Read failed job run", "Notify failure", "Glue job failed"]

    (failed_run,) = [r for r in job_runs(aws, job) if r.get("ErrorMessage") == "hello_shell: boom"]
    (message,) = hello_inbox.for_execution(failed["name"])
    assert message["JobName"] == job
    assert message["JobRunId"] == failed_run["Id"]
    assert message["Error"] == "States.TaskFailed"
    assert json.loads(message["Cause"])["ErrorMessage"] == "hello_shell: boom"
    assert message["ExecutionArn"] == failed["executionArn"]
    assert message["StateMachine"] == outputs["state_machine_name"]


def test_hello_state_machine_logs_traces_and_encrypts(aws: Callable[[str], Any], hello: Example) -> None:
    _, outputs = hello
    machine = aws("stepfunctions").describe_state_machine(stateMachineArn=outputs["state_machine_arn"])
    assert machine["type"] == "STANDARD"
    assert machine["tracingConfiguration"] == {"enabled": True}
    logging = machine["loggingConfiguration"]
    assert (logging["level"], logging.get("includeExecutionData", False)) == ("ALL", False)
    (destination,) = logging["destinations"]
    assert destination["cloudWatchLogsLogGroup"]["logGroupArn"].endswith(f":log-group:{outputs['log_group_name']}:*")

    groups = aws("logs").describe_log_groups(logGroupNamePrefix=outputs["log_group_name"])["logGroups"]
    (group,) = [g for g in groups if g["logGroupName"] == outputs["log_group_name"]]
    assert (group["retentionInDays"], group["kmsKeyId"]) == (30, outputs["kms_key_arn"])
    topic = aws("sns").get_topic_attributes(TopicArn=outputs["failure_topic_arn"])["Attributes"]
    assert topic["KmsMasterKeyId"] == outputs["kms_key_arn"]


def test_hello_role_may_run_only_its_job_and_publish_only_to_its_topic(
    aws: Callable[[str], Any], hello: Example
) -> None:
    _, outputs = hello
    iam = aws("iam")
    role = outputs["role_name"]
    trust = policy_document(iam.get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"])
    assert [s["Principal"] for s in trust["Statement"]] == [{"Service": "states.amazonaws.com"}]
    (policy_name,) = iam.list_role_policies(RoleName=role)["PolicyNames"]
    assert iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"] == []
    document = policy_document(iam.get_role_policy(RoleName=role, PolicyName=policy_name)["PolicyDocument"])
    statements = {s["Sid"]: s for s in document["Statement"]}

    assert as_list(statements["RunDeclaredGlueJobs"]["Resource"]) == [
        f"arn:aws:glue:us-east-1:123456789012:job/{outputs['job_name']}"
    ]
    assert not [s for s in statements.values() for action in as_list(s["Action"]) if action.startswith("events:")]
    assert as_list(statements["PublishFailureNotifications"]["Resource"]) == [outputs["failure_topic_arn"]]
    assert as_list(statements["EncryptFailureNotifications"]["Resource"]) == [outputs["kms_key_arn"]]
    assert sorted(sid for sid, s in statements.items() if "*" in as_list(s["Resource"])) == [
        "DeliverExecutionLogs",
        "WriteXRayTraces",
    ]
    assert all("*" not in action for s in statements.values() for action in as_list(s["Action"]))


# ---------------------------------------------------------------- the JSON-to-Parquet pipeline seed


def scheduled_target(aws: Callable[[str], Any], outputs: dict[str, Any]) -> dict[str, Any]:
    (target,) = aws("events").list_targets_by_rule(Rule=outputs["schedule_rule_name"])["Targets"]
    return dict(target)


def test_pipeline_schedule_starts_the_state_machine_hourly_with_its_fixed_input(
    aws: Callable[[str], Any], pipeline: Example
) -> None:
    _, outputs = pipeline
    rule = aws("events").describe_rule(Name=outputs["schedule_rule_name"])
    assert (rule["ScheduleExpression"], rule["State"]) == ("rate(1 hour)", "ENABLED")
    target = scheduled_target(aws, outputs)
    assert (target["Arn"], target["RoleArn"]) == (outputs["state_machine_arn"], outputs["schedule_role_arn"])
    scheduled_input = json.loads(target["Input"])
    assert scheduled_input == {"input_path": f"s3://{outputs['data_bucket']}/raw/orders/"}

    role_name = outputs["schedule_role_arn"].rsplit("/", 1)[1]
    iam = aws("iam")
    (policy_name,) = iam.list_role_policies(RoleName=role_name)["PolicyNames"]
    (statement,) = policy_document(iam.get_role_policy(RoleName=role_name, PolicyName=policy_name)["PolicyDocument"])[
        "Statement"
    ]
    assert (as_list(statement["Action"]), as_list(statement["Resource"])) == (
        ["states:StartExecution"],
        [outputs["state_machine_arn"]],
    )

    # moto never fires scheduled rules: start the execution the target would, with the target's own input.
    done = run_execution(aws, outputs["state_machine_arn"], scheduled_input)
    assert done["status"] == "SUCCEEDED", done.get("cause")
    run_id = json.loads(done["output"])["jobRuns"]["sfn_json_to_parquet"]["JobRunId"]
    (job_run,) = [r for r in job_runs(aws, outputs["job_name"]) if r["Id"] == run_id]
    assert job_run["Arguments"]["--input_path"] == scheduled_input["input_path"]
    assert job_run["Arguments"]["--write_mode"] == "append"  # static argument of the task
    assert job_run["Arguments"]["--output_path"].endswith("/curated/orders/")  # the job's own default


def test_pipeline_retries_concurrent_runs_exceeded_then_succeeds(
    aws: Callable[[str], Any], pipeline: Example, outcomes: Callable[[str, list[Any]], None]
) -> None:
    """The job allows one run at a time: a run left RUNNING makes the task's StartJobRun fail with
    Glue.ConcurrentRunsExceededException (moto raises it at MaxConcurrentRuns); the Retrier waits 10 s and
    starts the run again once the blocking run is stopped."""
    _, outputs = pipeline
    job = outputs["job_name"]
    glue, sfn = aws("glue"), aws("stepfunctions")
    outcomes(job, ["RUNNING"])
    blocking = glue.start_job_run(JobName=job)["JobRunId"]

    execution_arn = sfn.start_execution(
        stateMachineArn=outputs["state_machine_arn"],
        name=f"test-{uuid.uuid4().hex[:12]}",
        input=json.dumps(json.loads(scheduled_target(aws, outputs)["Input"])),
    )["executionArn"]
    deadline = time.monotonic() + 8
    while not [e for e in history(aws, execution_arn) if e["type"] == "TaskFailed"] and time.monotonic() < deadline:
        time.sleep(0.25)
    glue.batch_stop_job_run(JobName=job, JobRunIds=[blocking])

    done = wait_for(sfn, execution_arn, timeout=60)
    assert done["status"] == "SUCCEEDED", done.get("cause")
    events = history(aws, execution_arn)
    failures = [e["taskFailedEventDetails"]["error"] for e in events if e["type"] == "TaskFailed"]
    assert failures == ["Glue.ConcurrentRunsExceededException"]
    started = [e["timestamp"] for e in events if e["type"] == "TaskScheduled"]
    assert len(started) == 2 and (started[1] - started[0]).total_seconds() >= 9  # IntervalSeconds = 10
    run_id = json.loads(done["output"])["jobRuns"]["sfn_json_to_parquet"]["JobRunId"]
    assert run_id != blocking


def test_pipeline_stopped_run_is_a_failure_and_is_notified_once(
    aws: Callable[[str], Any],
    pipeline: Example,
    pipeline_inbox: Inbox,
    outcomes: Callable[[str, list[Any]], None],
) -> None:
    _, outputs = pipeline
    outcomes(outputs["job_name"], ["STOPPED"])
    failed = run_execution(aws, outputs["state_machine_arn"], json.loads(scheduled_target(aws, outputs)["Input"]))
    assert (failed["status"], failed["error"]) == ("FAILED", "GlueJobFailed")
    assert "GlueJobRunNotSucceeded" in failed["cause"] and "ended STOPPED" in failed["cause"]
    (message,) = pipeline_inbox.for_execution(failed["name"])
    assert message["Error"] == "GlueJobRunNotSucceeded"
    assert message["JobName"] == outputs["job_name"]
    assert message["JobRunId"].startswith("jr_")


# ---------------------------------------------------------------- definitions: ASL validator


def asl_validator() -> list[str]:
    """The pinned asl-validator (modules/sfn_glue/tests/asl), installed with `npm ci` into build/ when the
    lockfile changed; the command to run it."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        pytest.skip("node and npm are needed for the Amazon States Language validator (npm package asl-validator)")
    lock = (ASL_PACKAGE / "package-lock.json").read_bytes()
    stamp = ASL_INSTALL / ".installed"
    digest = hashlib.sha256(lock + (ASL_PACKAGE / "package.json").read_bytes()).hexdigest()
    if not stamp.exists() or stamp.read_text() != digest:
        shutil.rmtree(ASL_INSTALL, ignore_errors=True)
        ASL_INSTALL.mkdir(parents=True)
        for name in ("package.json", "package-lock.json"):
            shutil.copy2(ASL_PACKAGE / name, ASL_INSTALL / name)
        result = subprocess.run(
            [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"],
            cwd=ASL_INSTALL,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, f"npm ci of the ASL validator failed:\n{result.stderr[-2000:]}"
        stamp.write_text(digest)
    return [node, str(ASL_INSTALL / "node_modules/asl-validator/dist/bin/asl-validator.js")]


def validate_asl(definition: str, tmp_path: Path, name: str) -> subprocess.CompletedProcess[str]:
    path = tmp_path / f"{name}.asl.json"
    path.write_text(definition)
    return subprocess.run([*asl_validator(), "--json-path", str(path)], capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module")
def all_options_definition(emulator: EmulatorProcess, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The definition the module plans with every input set (two jobs, nested and context paths, all retry
    fields, timeouts, a passed-in topic): planned only, never applied."""
    work = tmp_path_factory.mktemp("sfn-glue-all-options")
    root = TerraformRoot(ALL_OPTIONS, work, env=emulator.env())
    root.init()
    root.run("plan", "-input=false", "-no-color", f"-state={root.state_path}", f"-out={work / 'plan'}")
    plan = json.loads(root.run("show", "-json", "-no-color", str(work / "plan")).stdout)
    definition: str = plan["planned_values"]["outputs"]["definition"]["value"]
    return definition


def test_every_definition_passes_the_asl_validator(
    aws: Callable[[str], Any], hello: Example, pipeline: Example, all_options_definition: str, tmp_path: Path
) -> None:
    definitions = {
        "pythonshell_hello": hello[1]["definition"],
        "json_to_parquet": pipeline[1]["definition"],
        "all_options": all_options_definition,
    }
    for name, definition in definitions.items():
        result = validate_asl(definition, tmp_path, name)
        assert result.returncode == 0, f"{name}: {result.stdout}{result.stderr}"
    # The deployed definitions are the ones built: the module's output matches what Step Functions holds.
    for _, outputs in (hello, pipeline):
        deployed = aws("stepfunctions").describe_state_machine(stateMachineArn=outputs["state_machine_arn"])
        assert json.loads(deployed["definition"]) == json.loads(outputs["definition"])

    states = json.loads(all_options_definition)["States"]
    assert states["Check extract_orders run state"]["Choices"][0]["Next"] == "Run load"
    assert states["Run extract_orders"]["Retry"][0]["JitterStrategy"] == "FULL"


def test_the_asl_validator_rejects_a_broken_definition(hello: Example, tmp_path: Path) -> None:
    broken = json.loads(hello[1]["definition"])
    broken["States"]["Run sfn_hello_shell"]["Retry"][0]["MaxAttempts"] = -1
    result = validate_asl(json.dumps(broken), tmp_path, "broken")
    assert result.returncode != 0
    assert "MaxAttempts" in result.stdout + result.stderr


# ---------------------------------------------------------------- idempotence


@pytest.mark.parametrize("example_name", ["hello", "pipeline"])
def test_second_plan_shows_no_changes(request: pytest.FixtureRequest, example_name: str) -> None:
    root, _ = request.getfixturevalue(example_name)
    changes, plan = root.plan_has_changes()
    assert not changes, plan
