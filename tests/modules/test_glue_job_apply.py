"""modules/glue_job on the emulator: the json_to_parquet example with engine = "spark" (the default) applied once,
checked with boto3, re-planned clean (engine = "duckdb": test_glue_job_duckdb_apply.py, a file of its own so the
two applies run on different workers).

It needs src/glue/jobs/json_to_parquet.py and build/glue/etl_lib.zip (`make build`), and the emulator's Glue fills
(UpdateJob, ExecutionClass echoed only when set, data-quality rulesets).
"""

from __future__ import annotations

import json
import urllib.parse
from pathlib import Path
from typing import Any

import pytest

from platform_tools import REPO_ROOT
from platform_tools.terraform import TerraformRoot

pytestmark = [pytest.mark.emulator, pytest.mark.terraform]

EXAMPLE = "modules/glue_job/examples/json_to_parquet"
SCRIPT = REPO_ROOT / "src/glue/jobs/json_to_parquet.py"
LIBRARY = REPO_ROOT / "build/glue/etl_lib.zip"
POLICY_NAME = "glue-job-permissions"


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


@pytest.fixture(scope="module")
def job(aws: Any, outputs: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = aws("glue").get_job(JobName=outputs["job_name"])["Job"]
    return result


def s3_location(uri: str) -> tuple[str, str]:
    parsed = urllib.parse.urlparse(uri)
    return parsed.netloc, parsed.path.lstrip("/")


def policy_document(document: str | dict[str, Any]) -> dict[str, Any]:
    """IAM returns policy documents URL-encoded; boto3 may or may not have decoded them already."""
    if isinstance(document, dict):
        return document
    decoded: dict[str, Any] = json.loads(urllib.parse.unquote(document))
    return decoded


def as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def statements_by_sid(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {statement["Sid"]: statement for statement in document["Statement"]}


def test_job_runs_the_uploaded_script_as_spark_with_the_security_configuration(
    job: dict[str, Any], outputs: dict[str, Any]
) -> None:
    assert job["Command"]["Name"] == "glueetl"
    assert job["Command"]["ScriptLocation"] == outputs["script_s3_uri"]
    assert job["Command"]["PythonVersion"] == "3"
    assert job["GlueVersion"] == "5.0"
    assert (job["WorkerType"], job["NumberOfWorkers"]) == ("G.1X", 2)
    assert job["Timeout"] == 30
    assert job["ExecutionProperty"]["MaxConcurrentRuns"] == 1
    assert job["SecurityConfiguration"] == outputs["security_configuration_name"]
    assert job["Role"].endswith(f":role/{outputs['role_name']}")
    # execution_class was not set, so nothing may be sent or echoed (a re-plan would show a diff).
    assert "ExecutionClass" not in job


def test_job_arguments_carry_library_observability_bookmarks_and_rules(
    job: dict[str, Any], outputs: dict[str, Any]
) -> None:
    arguments = job["DefaultArguments"]
    bucket, _ = s3_location(outputs["script_s3_uri"])
    assert arguments["--extra-py-files"] == outputs["library_s3_uri"]
    assert outputs["library_s3_uri"].startswith(f"s3://{bucket}/") and outputs["library_s3_uri"].endswith(
        "/etl_lib.zip"
    )
    assert arguments["--dq_rules"] == outputs["data_quality_rules"]
    assert arguments["--job-bookmark-option"] == "job-bookmark-enable"
    assert arguments["--enable-metrics"] == "true"
    assert arguments["--enable-job-insights"] == "true"
    assert arguments["--enable-continuous-cloudwatch-log"] == "true"
    assert arguments["--continuous-log-logGroup"] == outputs["log_group_name"]
    assert arguments["--TempDir"].startswith(f"s3://{bucket}/")
    assert arguments["--job-language"] == "python"
    data = f"s3://{outputs['data_bucket']}"
    assert arguments["--input_path"] == f"{data}/raw/orders/"
    assert arguments["--output_path"] == f"{data}/curated/orders/"
    assert arguments["--dq_policy"] == "quarantine"
    assert json.loads(arguments["--mapping"])[0]["target"] == "order_id"


@pytest.mark.parametrize(("output", "local_file"), [("script_s3_uri", SCRIPT), ("library_s3_uri", LIBRARY)])
def test_code_objects_are_the_local_files_encrypted_with_the_job_key(
    aws: Any, outputs: dict[str, Any], output: str, local_file: Path
) -> None:
    bucket, key = s3_location(outputs[output])
    s3 = aws("s3")
    head = s3.head_object(Bucket=bucket, Key=key)
    assert head["ServerSideEncryption"] == "aws:kms"
    assert head["SSEKMSKeyId"] == outputs["kms_key_arn"]
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == local_file.read_bytes()


def test_script_bucket_is_private_versioned_encrypted_and_tls_only(aws: Any, outputs: dict[str, Any]) -> None:
    s3 = aws("s3")
    bucket = outputs["script_bucket"]
    rule = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "aws:kms",
        "KMSMasterKeyID": outputs["kms_key_arn"],
    }
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert all(block.values()) and len(block) == 4
    (deny,) = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])["Statement"]
    assert deny["Effect"] == "Deny"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_security_configuration_encrypts_s3_logs_and_bookmarks_with_the_job_key(
    aws: Any, outputs: dict[str, Any]
) -> None:
    configuration = aws("glue").get_security_configuration(Name=outputs["security_configuration_name"])
    encryption = configuration["SecurityConfiguration"]["EncryptionConfiguration"]
    key = outputs["kms_key_arn"]
    assert encryption["S3Encryption"] == [{"S3EncryptionMode": "SSE-KMS", "KmsKeyArn": key}]
    assert encryption["CloudWatchEncryption"] == {"CloudWatchEncryptionMode": "SSE-KMS", "KmsKeyArn": key}
    assert encryption["JobBookmarksEncryption"] == {"JobBookmarksEncryptionMode": "CSE-KMS", "KmsKeyArn": key}
    metadata = aws("kms").describe_key(KeyId=key)["KeyMetadata"]
    assert metadata["KeyManager"] == "CUSTOMER"
    assert aws("kms").get_key_rotation_status(KeyId=key)["KeyRotationEnabled"] is True


def test_log_group_has_retention_and_the_job_key(aws: Any, outputs: dict[str, Any]) -> None:
    groups = aws("logs").describe_log_groups(logGroupNamePrefix=outputs["log_group_name"])["logGroups"]
    (group,) = [group for group in groups if group["logGroupName"] == outputs["log_group_name"]]
    assert group["retentionInDays"] == 30
    assert group["kmsKeyId"] == outputs["kms_key_arn"]


def test_role_policy_grants_only_the_declared_resources(aws: Any, outputs: dict[str, Any], job: dict[str, Any]) -> None:
    iam = aws("iam")
    role = outputs["role_name"]
    assert iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"] == []
    assert iam.list_role_policies(RoleName=role)["PolicyNames"] == [POLICY_NAME]
    trust = policy_document(iam.get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"])
    assert [s["Principal"] for s in trust["Statement"]] == [{"Service": "glue.amazonaws.com"}]

    document = policy_document(iam.get_role_policy(RoleName=role, PolicyName=POLICY_NAME)["PolicyDocument"])
    statements = statements_by_sid(document)
    for statement in document["Statement"]:
        assert statement["Effect"] == "Allow"
        assert not any("*" in action for action in as_list(statement["Action"])), statement

    script_bucket = outputs["script_bucket"]
    code = {f"arn:aws:s3:::{'/'.join(s3_location(outputs[name]))}" for name in ("script_s3_uri", "library_s3_uri")}
    assert set(as_list(statements["ReadJobCode"]["Resource"])) == code

    data = f"arn:aws:s3:::{outputs['data_bucket']}"
    assert as_list(statements["ReadDeclaredPrefixes"]["Resource"]) == [f"{data}/raw/orders/*"]
    temp_prefix = s3_location(job["DefaultArguments"]["--TempDir"])[1]
    assert set(as_list(statements["WriteDeclaredPrefixes"]["Resource"])) == {
        f"{data}/curated/orders/*",
        f"{data}/quarantine/orders/*",
        f"{data}/reports/orders/*",
        f"arn:aws:s3:::{script_bucket}/{temp_prefix}*",
    }
    listing = {
        as_list(s["Resource"])[0]: sorted(as_list(s["Condition"]["StringLike"]["s3:prefix"]))
        for sid, s in statements.items()
        if sid.startswith("ListDeclaredPrefixes")
    }
    assert listing == {
        data: ["curated/orders/*", "quarantine/orders/*", "raw/orders/*", "reports/orders/*"],
        f"arn:aws:s3:::{script_bucket}": [f"{temp_prefix}*"],
    }

    assert set(as_list(statements["UseKeysInUse"]["Resource"])) == {outputs["kms_key_arn"], outputs["data_kms_key_arn"]}
    logs = as_list(statements["WriteGlueLogs"]["Resource"])
    assert all(":log-group:/aws-glue/jobs/" in arn for arn in logs), logs
    assert statements["PutGlueMetrics"]["Resource"] == "*"
    assert statements["PutGlueMetrics"]["Condition"] == {"StringEquals": {"cloudwatch:namespace": "Glue"}}
    # Only PutMetricData, which has no resource type, may name "*".
    assert [sid for sid, s in statements.items() if "*" in as_list(s["Resource"])] == ["PutGlueMetrics"]
    # The example declares no catalog tables, so the role gets no catalog actions at all.
    assert not [sid for sid in statements if "Catalog" in sid]


def test_failed_runs_alert_an_encrypted_topic(aws: Any, outputs: dict[str, Any]) -> None:
    events = aws("events")
    rule = events.describe_rule(Name=f"{outputs['job_name']}-glue-job-failed")
    pattern = json.loads(rule["EventPattern"])
    assert pattern == {
        "source": ["aws.glue"],
        "detail-type": ["Glue Job State Change"],
        "detail": {"jobName": [outputs["job_name"]], "state": ["FAILED", "TIMEOUT", "STOPPED", "ERROR"]},
    }
    targets = events.list_targets_by_rule(Rule=rule["Name"])["Targets"]
    assert [target["Arn"] for target in targets] == [outputs["alert_topic_arn"]]
    attributes = aws("sns").get_topic_attributes(TopicArn=outputs["alert_topic_arn"])["Attributes"]
    assert attributes["KmsMasterKeyId"] == outputs["kms_key_arn"]
    (publish,) = json.loads(attributes["Policy"])["Statement"]
    assert publish["Principal"] == {"Service": "events.amazonaws.com"}
    assert publish["Condition"] == {"ArnEquals": {"aws:SourceArn": rule["Arn"]}}


def test_data_quality_ruleset_is_the_text_the_job_gets(aws: Any, outputs: dict[str, Any], job: dict[str, Any]) -> None:
    ruleset = aws("glue").get_data_quality_ruleset(Name=outputs["data_quality_ruleset_name"])
    assert ruleset["Ruleset"] == outputs["data_quality_rules"] == job["DefaultArguments"]["--dq_rules"]
    assert ruleset["TargetTable"]["TableName"] == "orders"


def test_second_plan_shows_no_changes(example: tuple[TerraformRoot, dict[str, Any]]) -> None:
    root, _ = example
    changes, plan = root.plan_has_changes()
    assert not changes, plan
