"""envs/prod on its own emulator: applied once for this file, every pipeline there, a second plan with no
changes, a destroy refused while its data is protected, then retired the documented way with nothing left.

(envs/dev's apply, re-plan and destroy run in tests/envs/test_demo.py, which also lists what is left.)
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from platform_tools import REPO_ROOT
from platform_tools.emulator import EmulatorProcess, start_emulator
from platform_tools.leftovers import leftovers
from platform_tools.terraform import TerraformRoot

pytestmark = [pytest.mark.emulator, pytest.mark.terraform]

STATE_BUCKET = "envs-prod-state"
GUARD = "module.platform.terraform_data.data_protection[0]"


@dataclass
class Prod:
    emulator: EmulatorProcess
    root: TerraformRoot
    outputs: dict[str, Any]
    seconds: dict[str, float] = field(default_factory=dict)
    retired: bool = False


def _retire_tfvars(root: TerraformRoot) -> str:
    """prod's terraform.tfvars with protect_data = false and force_destroy = true (envs/README.md, retiring prod)."""
    text = (REPO_ROOT / "envs/prod/terraform.tfvars").read_text()
    retired, forced = re.subn(r"(?m)^(\s*force_destroy\s*=\s*)false\b", r"\1true", text)
    retired, unprotected = re.subn(r"(?m)^(\s*protect_data\s*=\s*)true\b", r"\1false", retired)
    assert (forced, unprotected) == (1, 1), "envs/prod/terraform.tfvars changed its force_destroy or protect_data line"
    path = root.work_dir / "retire.tfvars"
    path.write_text(retired)
    return f"-var-file={path}"


@pytest.fixture(scope="module")
def prod(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Prod]:
    with start_emulator() as emulator:
        emulator.client("s3").create_bucket(Bucket=STATE_BUCKET)
        root = TerraformRoot(
            REPO_ROOT / "envs/prod",
            tmp_path_factory.mktemp("envs-prod"),
            env=emulator.env(),
            backend_config={
                "bucket": STATE_BUCKET,
                "key": "prod/terraform.tfstate",
                "region": emulator.env()["AWS_REGION"],
                "use_path_style": "true",
            },
        )
        root.init()
        started = time.monotonic()
        state = Prod(emulator, root, {})
        try:
            state.outputs = root.apply()
            state.seconds["apply"] = time.monotonic() - started
            yield state
        finally:
            if not state.retired:
                # A failed test must not leave the emulator's state half-applied: same steps, errors ignored.
                root.run("state", "rm", GUARD, check=False)
                var_file = _retire_tfvars(root)
                for command in ("apply", "destroy"):
                    root.run(
                        command, "-input=false", "-no-color", "-auto-approve", "-lock=false", var_file, check=False
                    )
            print(f"envs/prod on the emulator: {', '.join(f'{k} {v:.0f} s' for k, v in state.seconds.items())}")


def test_prod_deploys_the_five_pipelines_with_prod_settings(prod: Prod) -> None:
    pipelines = prod.outputs["pipelines"]
    assert set(pipelines) == {"hello", "orders", "stream", "deploy", "batch"}
    client = prod.emulator.client
    alerts_topic = pipelines["orders"]["failure_topic_arn"]
    assert alerts_topic.endswith(":etl-prod-alerts") and pipelines["hello"]["failure_topic_arn"] == alerts_topic

    # Step Functions: both state machines, the orders one on its hourly schedule with the raw input.
    sfn = client("stepfunctions")
    for name in ("hello", "orders"):
        assert sfn.describe_state_machine(stateMachineArn=pipelines[name]["state_machine_arn"])["status"] == "ACTIVE"
    events = client("events")
    schedules = [r for r in events.list_rules(NamePrefix="etl-prod-orders")["Rules"] if r.get("ScheduleExpression")]
    assert [r["ScheduleExpression"] for r in schedules] == ["rate(1 hour)"]
    target = events.list_targets_by_rule(Rule=schedules[0]["Name"])["Targets"][0]
    assert target["Arn"] == pipelines["orders"]["state_machine_arn"]
    assert pipelines["orders"]["input_uri"] in target["Input"]

    # The orders job runs on Spark with prod's workers, and the deploy pipeline waits for an approval.
    glue = client("glue")
    job = glue.get_job(JobName=pipelines["orders"]["glue_job_name"])["Job"]
    assert (pipelines["orders"]["engine"], job["Command"]["Name"], job["NumberOfWorkers"]) == ("spark", "glueetl", 10)
    assert pipelines["deploy"]["target_job_name"] == job["Name"]
    stages = client("codepipeline").get_pipeline(name=pipelines["deploy"]["pipeline_name"])["pipeline"]["stages"]
    assert [stage["name"] for stage in stages] == ["Source", "Approve-orders", "orders"]
    assert client("codecommit").get_repository(repositoryName=pipelines["deploy"]["repository_name"])

    # The stream keeps a week; its alarms go to the one alerts topic, which on-call is subscribed to.
    stream = client("kinesis").describe_stream_summary(StreamName=pipelines["stream"]["stream_name"])
    assert stream["StreamDescriptionSummary"]["RetentionPeriodHours"] == 168
    alarms = client("cloudwatch").describe_alarms(AlarmNamePrefix="etl-prod-orders-stream")["MetricAlarms"]
    assert len(alarms) == 3 and all(alarm["AlarmActions"] == [alerts_topic] for alarm in alarms), alarms
    subscriptions = client("sns").list_subscriptions_by_topic(TopicArn=alerts_topic)["Subscriptions"]
    assert [(s["Protocol"], s["Endpoint"]) for s in subscriptions] == [("email", "data-platform-oncall@example.com")]

    # Batch launcher with prod's daily cap, and a year of logs.
    function = client("lambda").get_function(FunctionName=pipelines["batch"]["function_name"])["Configuration"]
    assert function["Environment"]["Variables"]["MAX_DAILY_RUNS"] == "5"
    groups = client("logs").describe_log_groups(logGroupNamePrefix="/aws/lambda/etl-prod")["logGroups"]
    assert groups and {group["retentionInDays"] for group in groups} == {365}


def test_second_plan_shows_no_changes(prod: Prod) -> None:
    started = time.monotonic()
    changes, plan = prod.root.plan_has_changes()
    prod.seconds["no-op plan"] = time.monotonic() - started
    assert not changes, plan[-3000:]


def test_destroy_is_refused_while_data_is_protected(prod: Prod) -> None:
    # -refresh=false: the refusal comes from configuration and state alone (the last test refreshed them).
    result = prod.root.run(
        "plan", "-destroy", "-input=false", "-no-color", "-lock=false", "-refresh=false", check=False
    )
    assert result.returncode == 1, result.stdout[-2000:]
    error = re.sub(r"\s+", " ", result.stderr.replace("│", " "))
    assert "Instance cannot be destroyed" in error and "terraform_data.data_protection" in error, error


def test_retiring_prod_the_documented_way_leaves_nothing(prod: Prod) -> None:
    root = prod.root
    # envs/README.md "Retiring prod": lift the guard by a state edit, turn protection off and let destroy empty the
    # buckets (apply), destroy. -refresh=false: the state was refreshed by the no-change plan, nothing else writes.
    root.run("state", "rm", GUARD)
    var_file = _retire_tfvars(root)
    started = time.monotonic()
    root.run("apply", "-input=false", "-no-color", "-auto-approve", "-refresh=false", var_file)
    root.run("destroy", "-input=false", "-no-color", "-auto-approve", "-refresh=false", var_file)
    prod.seconds["retire (apply + destroy)"] = time.monotonic() - started
    prod.retired = True
    assert root.state_resources() == []
    repository = prod.outputs["pipelines"]["deploy"]["repository_name"]
    known = {"codecommit repositories": [repository]}
    left = leftovers(prod.emulator.endpoint, ignore_buckets=[STATE_BUCKET], known=known)
    assert left.empty, left.describe()
    # The keys wait out their deletion window instead of disappearing (not leftovers, but not gone either).
    kms = prod.emulator.client("kms")
    states = {kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] for key in kms.list_keys()["Keys"]}
    assert states == {"PendingDeletion"}, states
