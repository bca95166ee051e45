"""modules/batch_launcher on the emulator: examples/basic applied once, checked with boto3, driven, re-planned clean.

The example needs build/lambdas/batch_launcher.zip and build/glue/etl_lib.zip (`make build`). Its Batch
compute environment and queue take 30-60 s to create and destroy on moto. moto runs no Lambda code and
sends no Batch events to EventBridge, so the drive tests build the launcher from the environment the
module rendered into the function (read back from the emulator) and deliver the event themselves; an
active Batch job is held with the emulator's `batch_job_status` control.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from batch_launcher.launcher.core import Clients, launch
from batch_launcher.launcher.settings import Settings
from emulator_helpers import batch_without_docker as docker_free_batch
from platform_tools import REPO_ROOT
from platform_tools.emulator import EmulatorProcess
from platform_tools.terraform import TerraformRoot

pytestmark = [pytest.mark.emulator, pytest.mark.terraform]

EXAMPLE = "modules/batch_launcher/examples/basic"
ARTIFACTS = [REPO_ROOT / "build/lambdas/batch_launcher.zip", REPO_ROOT / "build/glue/etl_lib.zip"]
POLICY_NAME = "batch-launcher-permissions"


@pytest.fixture(scope="module")
def example(applied_root: Any) -> tuple[TerraformRoot, dict[str, Any]]:
    missing = [str(path.relative_to(REPO_ROOT)) for path in ARTIFACTS if not path.exists()]
    if missing:
        pytest.fail(f"the example uploads {', '.join(missing)}, which is missing: run `make build` first.")
    root, outputs = applied_root(EXAMPLE)
    return root, outputs


@pytest.fixture(scope="module")
def outputs(example: tuple[TerraformRoot, dict[str, Any]]) -> dict[str, Any]:
    return example[1]


@pytest.fixture(scope="module")
def function(aws: Any, outputs: dict[str, Any]) -> dict[str, Any]:
    configuration: dict[str, Any] = aws("lambda").get_function_configuration(FunctionName=outputs["function_name"])
    return configuration


def as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def policy_document(document: str | dict[str, Any]) -> dict[str, Any]:
    if isinstance(document, dict):
        return document
    decoded: dict[str, Any] = json.loads(urllib.parse.unquote(document))
    return decoded


def test_the_rule_matches_finished_jobs_of_the_dependency_queue(aws: Any, outputs: dict[str, Any]) -> None:
    events = aws("events")
    pattern = json.loads(events.describe_rule(Name=outputs["event_rule_name"])["EventPattern"])
    assert pattern == {
        "source": ["aws.batch"],
        "detail-type": ["Batch Job State Change"],
        "detail": {"jobQueue": [outputs["job_queue_arn"]], "status": ["SUCCEEDED", "FAILED"]},
    }
    (target,) = events.list_targets_by_rule(Rule=outputs["event_rule_name"])["Targets"]
    assert target["Arn"].endswith(f":function:{outputs['function_name']}")
    assert target["RetryPolicy"] == {"MaximumRetryAttempts": 185, "MaximumEventAgeInSeconds": 86400}
    assert target["DeadLetterConfig"] == {"Arn": outputs["dead_letter_queue_arn"]}


def test_the_function_is_the_package_with_one_concurrent_run_and_a_failure_destination(
    aws: Any, outputs: dict[str, Any], function: dict[str, Any]
) -> None:
    lambda_ = aws("lambda")
    assert (function["Runtime"], function["Handler"]) == ("python3.12", "launcher.handler.lambda_handler")
    assert function["Timeout"] == 600 and function["KMSKeyArn"] == outputs["kms_key_arn"]
    assert function["Environment"]["Variables"] == outputs["lambda_environment"]
    concurrency = lambda_.get_function_concurrency(FunctionName=outputs["function_name"])
    assert concurrency["ReservedConcurrentExecutions"] == 1
    invoke = lambda_.get_function_event_invoke_config(FunctionName=outputs["function_name"])
    assert (invoke["MaximumRetryAttempts"], invoke["MaximumEventAgeInSeconds"]) == (2, 21600)
    assert invoke["DestinationConfig"]["OnFailure"]["Destination"] == outputs["dead_letter_queue_arn"]
    (statement,) = json.loads(lambda_.get_policy(FunctionName=outputs["function_name"])["Policy"])["Statement"]
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    assert statement["Condition"]["ArnLike"]["AWS:SourceArn"] == outputs["event_rule_arn"]


def test_the_dead_letter_queue_is_encrypted_and_only_the_rule_may_send(aws: Any, outputs: dict[str, Any]) -> None:
    attributes = aws("sqs").get_queue_attributes(QueueUrl=outputs["dead_letter_queue_url"], AttributeNames=["All"])
    attributes = attributes["Attributes"]
    assert attributes["KmsMasterKeyId"] == outputs["kms_key_arn"]
    assert attributes["MessageRetentionPeriod"] == "1209600"
    (statement,) = json.loads(attributes["Policy"])["Statement"]
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    assert statement["Condition"] == {"ArnEquals": {"aws:SourceArn": outputs["event_rule_arn"]}}


def test_logs_are_kept_and_encrypted(aws: Any, outputs: dict[str, Any]) -> None:
    groups = aws("logs").describe_log_groups(logGroupNamePrefix=outputs["log_group_name"])["logGroups"]
    (group,) = [group for group in groups if group["logGroupName"] == outputs["log_group_name"]]
    assert (group["retentionInDays"], group["kmsKeyId"]) == (30, outputs["kms_key_arn"])


def test_the_workgroup_enforces_encrypted_results(aws: Any, outputs: dict[str, Any]) -> None:
    configuration = aws("athena").get_work_group(WorkGroup=outputs["athena_workgroup_name"])["WorkGroup"]
    configuration = configuration["Configuration"]
    assert configuration["EnforceWorkGroupConfiguration"] is True
    assert configuration["ResultConfiguration"] == {
        "OutputLocation": f"s3://{outputs['data_bucket']}/athena-results/",
        "EncryptionConfiguration": {"EncryptionOption": "SSE_KMS", "KmsKey": outputs["kms_key_arn"]},
    }
    assert aws("glue").get_database(Name=outputs["database_name"])["Database"]["Name"] == "manifests_example_manifests"


def test_the_job_runs_one_at_a_time_and_knows_where_to_write(aws: Any, outputs: dict[str, Any]) -> None:
    job = aws("glue").get_job(JobName=outputs["glue_job_name"])["Job"]
    assert job["ExecutionProperty"]["MaxConcurrentRuns"] == 1
    assert job["Command"]["ScriptLocation"].endswith("/scripts/manifest_comparison.py")
    tables = outputs["result_tables"]
    for kind in ("missing_imports", "missing_exports", "counts", "mismatched_timestamps"):
        assert job["DefaultArguments"][f"--{kind}_location"] == tables[kind]["location"]
        assert tables[kind]["location"] == f"s3://{outputs['data_bucket']}/comparison/{kind}/"


def test_the_role_grants_only_what_the_launcher_touches(aws: Any, outputs: dict[str, Any]) -> None:
    iam = aws("iam")
    role = outputs["role_name"]
    assert iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"] == []
    assert iam.list_role_policies(RoleName=role)["PolicyNames"] == [POLICY_NAME]
    trust = policy_document(iam.get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"])
    assert [s["Principal"] for s in trust["Statement"]] == [{"Service": "lambda.amazonaws.com"}]
    document = policy_document(iam.get_role_policy(RoleName=role, PolicyName=POLICY_NAME)["PolicyDocument"])
    statements = {s["Sid"]: s for s in document["Statement"]}
    for statement in statements.values():
        assert statement["Effect"] == "Allow"
        assert not any("*" in action for action in as_list(statement["Action"])), statement
    # Only ListJobs, which has no resource-level permissions, names "*".
    assert [sid for sid, s in statements.items() if "*" in as_list(s["Resource"])] == ["ListBatchJobs"]

    bucket = f"arn:aws:s3:::{outputs['data_bucket']}"
    database, account = outputs["database_name"], "123456789012"
    assert as_list(statements["RunQueriesInTheWorkgroup"]["Resource"]) == [
        f"arn:aws:athena:us-east-1:{account}:workgroup/{outputs['athena_workgroup_name']}"
    ]
    assert set(as_list(statements["RebuildTheResultTables"]["Resource"])) == {
        f"arn:aws:glue:us-east-1:{account}:catalog",
        f"arn:aws:glue:us-east-1:{account}:database/{database}",
        *(f"arn:aws:glue:us-east-1:{account}:table/{database}/{t['name']}" for t in outputs["result_tables"].values()),
    }
    assert as_list(statements["WriteQueryResults"]["Resource"]) == [f"{bucket}/athena-results/*"]
    assert as_list(statements["ClearPrefixes"]["Resource"]) == [f"{bucket}/comparison/*"]
    assert statements["ListPrefixes0"]["Condition"] == {
        "StringLike": {"s3:prefix": ["athena-results/*", "comparison/*"]}
    }
    assert as_list(statements["StartTheComparisonJob"]["Resource"]) == [outputs["glue_job_arn"]]
    assert as_list(statements["UseTheKey"]["Resource"]) == [outputs["kms_key_arn"]]
    assert as_list(statements["SendDeadLetters"]["Resource"]) == [outputs["dead_letter_queue_arn"]]
    assert as_list(statements["WriteLogs"]["Resource"]) == [
        f"arn:aws:logs:us-east-1:{account}:log-group:{outputs['log_group_name']}:*"
    ]


# ---------------------------------------------------------------- driving the deployed configuration


@pytest.fixture(scope="module")
def batch_without_docker(emulator: EmulatorProcess) -> Iterator[None]:
    with docker_free_batch(emulator):
        yield


def deployed_settings(function: dict[str, Any]) -> Settings:
    """The launcher's settings exactly as the module rendered them into the function."""
    return Settings.from_environ(function["Environment"]["Variables"])


def event(queue_arn: str, status: str = "SUCCEEDED") -> dict[str, Any]:
    job_id = str(uuid.uuid4())
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Batch Job State Change",
        "source": "aws.batch",
        "account": "123456789012",
        "time": "2024-03-15T06:30:00Z",
        "region": "us-east-1",
        "resources": [f"arn:aws:batch:us-east-1:123456789012:job/{job_id}"],
        "detail": {"jobName": "import-manifests", "jobId": job_id, "jobQueue": queue_arn, "status": status},
    }


def test_the_deployed_launcher_waits_for_its_queue_then_starts_the_job_once(
    aws: Any, emulator: EmulatorProcess, outputs: dict[str, Any], function: dict[str, Any], batch_without_docker: None
) -> None:
    from platform_tools.emulator.fills.batch_job_status import set_batch_job_status

    settings = deployed_settings(function)
    clients = Clients(batch=aws("batch"), s3=aws("s3"), athena=aws("athena"), glue=aws("glue"))
    queue = outputs["job_queue_arn"]
    definition = aws("batch").register_job_definition(
        jobDefinitionName="import-manifests",
        type="container",
        containerProperties={"image": "busybox", "vcpus": 1, "memory": 128, "command": ["true"]},
    )["jobDefinitionArn"]
    busy = aws("batch").submit_job(jobName="import-manifests", jobQueue=queue, jobDefinition=definition)["jobId"]
    set_batch_job_status(emulator.endpoint, busy, "RUNNING")
    aws("s3").put_object(Bucket=outputs["data_bucket"], Key="comparison/counts/stale.parquet", Body=b"x")

    waiting = launch(event(queue), settings, clients, now=datetime.now(UTC))
    assert (waiting.outcome, waiting.busy_queue, waiting.busy_status) == ("waiting", queue, "RUNNING")

    set_batch_job_status(emulator.endpoint, busy, "SUCCEEDED")
    started = launch(event(queue), settings, clients, now=datetime.now(UTC))
    assert started.outcome == "started"
    assert started.objects_deleted == {f"s3://{outputs['data_bucket']}/comparison/": 1}
    (run,) = aws("glue").get_job_runs(JobName=outputs["glue_job_name"])["JobRuns"]
    assert run["Id"] == started.job_run_id
    # The run gets the module's default arguments (result locations) and the launcher's (the window, the types).
    assert run["Arguments"]["--counts_location"] == outputs["result_tables"]["counts"]["location"]
    assert run["Arguments"]["--import_prefix"] == f"s3://{outputs['data_bucket']}/manifests/import"
    assert (run["Arguments"]["--import_type"], run["Arguments"]["--snapshot_type"]) == ("streaming_main", "incremental")
    queries = aws("athena").list_query_executions(WorkGroup=outputs["athena_workgroup_name"])["QueryExecutionIds"]
    assert len(queries) == 8

    # The same event again (EventBridge delivers at least once): today's run is at the cap of 1.
    again = launch(event(queue), settings, clients, now=datetime.now(UTC))
    assert (again.outcome, again.runs_today) == ("capped", 1)
    assert len(aws("glue").get_job_runs(JobName=outputs["glue_job_name"])["JobRuns"]) == 1


def test_second_plan_shows_no_changes(example: tuple[TerraformRoot, dict[str, Any]]) -> None:
    root, _ = example
    changes, plan = root.plan_has_changes()
    assert not changes, plan
