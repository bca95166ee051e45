"""modules/kinesis_glue on the emulator: examples/basic applied once, checked with boto3, re-planned clean.

The example uploads src/glue/jobs/kinesis_to_parquet.py and build/glue/etl_lib.zip (`make build`); the emulator
needs the Glue UpdateJob and Kinesis tag fills (tooling/GAPS.md).
"""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

import pytest

from platform_tools import REPO_ROOT
from platform_tools.terraform import TerraformRoot

pytestmark = [pytest.mark.emulator, pytest.mark.terraform]

EXAMPLE = "modules/kinesis_glue/examples/basic"
SCRIPT = REPO_ROOT / "src/glue/jobs/kinesis_to_parquet.py"
LIBRARY = REPO_ROOT / "build/glue/etl_lib.zip"


@pytest.fixture(scope="module")
def example(applied_root: Any) -> tuple[TerraformRoot, dict[str, Any]]:
    missing = [str(path.relative_to(REPO_ROOT)) for path in (SCRIPT, LIBRARY) if not path.exists()]
    if missing:
        pytest.fail(f"the example uploads {', '.join(missing)}, which is missing: run `make build` first.")
    root, outputs = applied_root(EXAMPLE)
    return root, outputs


@pytest.fixture(scope="module")
def outputs(example: tuple[TerraformRoot, dict[str, Any]]) -> dict[str, Any]:
    return example[1]


def policy_document(document: str | dict[str, Any]) -> dict[str, Any]:
    if isinstance(document, dict):
        return document
    decoded: dict[str, Any] = json.loads(urllib.parse.unquote(document))
    return decoded


def test_stream_is_on_demand_and_encrypted_with_the_kinesis_key(aws: Any, outputs: dict[str, Any]) -> None:
    summary = aws("kinesis").describe_stream_summary(StreamName=outputs["stream_name"])["StreamDescriptionSummary"]
    assert summary["StreamARN"] == outputs["stream_arn"]
    assert summary["EncryptionType"] == "KMS"
    assert summary["KeyId"] == "alias/aws/kinesis"
    assert summary["StreamModeDetails"]["StreamMode"] == "ON_DEMAND"
    assert summary["RetentionPeriodHours"] == 24


def test_catalog_table_describes_the_stream_with_the_declared_columns(aws: Any, outputs: dict[str, Any]) -> None:
    table = aws("glue").get_table(DatabaseName=outputs["database_name"], Name=outputs["table_name"])["Table"]
    assert table["Parameters"]["classification"] == "json"
    assert table["Parameters"]["typeOfData"] == "kinesis"
    assert table["Parameters"]["streamARN"] == outputs["stream_arn"]
    descriptor = table["StorageDescriptor"]
    assert descriptor["SerdeInfo"]["SerializationLibrary"] == "org.openx.data.jsonserde.JsonSerDe"
    assert [(c["Name"], c["Type"]) for c in descriptor["Columns"]] == [
        ("order_id", "bigint"),
        ("customer_id", "string"),
        ("amount", "decimal(12,2)"),
        ("ordered_at", "timestamp"),
    ]


def test_job_is_streaming_on_glue_4_with_the_typed_arguments(aws: Any, outputs: dict[str, Any]) -> None:
    job = aws("glue").get_job(JobName=outputs["job_name"])["Job"]
    assert job["Command"]["Name"] == "gluestreaming"
    assert job["GlueVersion"] == "4.0"
    assert (job["WorkerType"], job["NumberOfWorkers"]) == ("G.025X", 2)
    assert job["ExecutionProperty"]["MaxConcurrentRuns"] == 1
    arguments = job["DefaultArguments"]
    assert arguments["--output_path"] == outputs["output_uri"]
    assert arguments["--quarantine_path"] == outputs["quarantine_uri"]
    assert arguments["--event_time_field"] == "ordered_at"
    assert json.loads(arguments["--field_schema"])[0] == {"name": "order_id", "type": "bigint"}
    assert arguments == outputs["job_arguments"]


def test_role_reads_only_this_stream_and_table(aws: Any, outputs: dict[str, Any]) -> None:
    role_name = outputs["role_arn"].rsplit("/", 1)[1]
    document = policy_document(
        aws("iam").get_role_policy(RoleName=role_name, PolicyName="glue-job-permissions")["PolicyDocument"]
    )
    statements = {statement["Sid"]: statement for statement in document["Statement"]}
    stream = statements["ReadTheStream"]
    assert set(stream["Resource"]) == {outputs["stream_arn"], f"{outputs['stream_arn']}/consumer/*"}
    assert all(action.startswith("kinesis:") for action in stream["Action"])
    table = statements["ReadTheStreamTable"]
    assert table["Action"] in ("glue:GetTable", ["glue:GetTable"])
    assert f"table/{outputs['database_name']}/{outputs['table_name']}" in json.dumps(table["Resource"])
    assert "DecryptTheStream" not in statements  # the AWS-managed stream key needs no grant


def test_output_bucket_is_encrypted_private_and_logged(aws: Any, outputs: dict[str, Any]) -> None:
    s3 = aws("s3")
    bucket = outputs["output_bucket"]
    rule = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    assert all(s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"].values())
    assert s3.get_bucket_logging(Bucket=bucket)["LoggingEnabled"]["TargetPrefix"] == f"s3/{bucket}/"
    rules = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    transition = rules[0]["NoncurrentVersionTransitions"][0]
    assert (transition["NoncurrentDays"], transition["StorageClass"]) == (90, "GLACIER_IR")


def test_alarms_watch_the_stream_and_the_job_and_alert_the_topic(aws: Any, outputs: dict[str, Any]) -> None:
    names = list(outputs["alarm_names"].values())
    alarms = {a["AlarmName"]: a for a in aws("cloudwatch").describe_alarms(AlarmNames=names)["MetricAlarms"]}
    assert set(alarms) == set(names)
    iterator_age = alarms[outputs["alarm_names"]["iterator_age"]]
    assert (iterator_age["MetricName"], iterator_age["Threshold"]) == ("GetRecords.IteratorAgeMilliseconds", 43200000)
    assert all(alarm["AlarmActions"] == [outputs["alert_topic_arn"]] for alarm in alarms.values())
    rule = aws("events").describe_rule(Name=f"{outputs['job_name']}-glue-job-failed")
    assert json.loads(rule["EventPattern"])["detail"]["state"] == ["FAILED", "STOPPED", "TIMEOUT", "ERROR"]
    targets = aws("events").list_targets_by_rule(Rule=rule["Name"])["Targets"]
    assert [target["Arn"] for target in targets] == [outputs["alert_topic_arn"]]


def test_second_plan_shows_no_changes(example: tuple[TerraformRoot, dict[str, Any]]) -> None:
    root, _ = example
    changes, plan = root.plan_has_changes()
    assert not changes, plan
