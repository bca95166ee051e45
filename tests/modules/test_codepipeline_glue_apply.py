"""modules/codepipeline_glue on the emulator: both examples applied once, checked with boto3, re-planned clean.

examples/codecommit (a created repository, dev then prod after an approval) is also deployed through: the dev
stage's action, as the pipeline holds it, is handed to the deployer in-process with a zip of this repository's
src/glue as the input artifact, as CodePipeline would (moto runs no pipeline), and the plan after the deploy must
still show no changes (modules/glue_job leaves a pipeline-deployed job's code to the pipeline).
examples/codestar_connection (a created PENDING connection, a V2 trigger) is checked for its connection and trigger.

Both upload src/glue/jobs/json_to_parquet.py and build/glue/etl_lib.zip and deploy build/lambdas/glue_deployer.zip
(`make build`); the emulator needs the fills codecommit, codepipeline and codestar_connections (tooling/GAPS.md).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import urllib.parse
import uuid
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest

from glue_deployer.deployer import logger
from glue_deployer.deployer.core import Clients, handle
from platform_tools import REPO_ROOT
from platform_tools.emulator import EmulatorProcess
from platform_tools.emulator.fills.codepipeline import job_result
from platform_tools.terraform import TerraformRoot

pytestmark = [pytest.mark.emulator, pytest.mark.terraform]

CODECOMMIT_EXAMPLE = "modules/codepipeline_glue/examples/codecommit"
CODESTAR_EXAMPLE = "modules/codepipeline_glue/examples/codestar_connection"
PACKAGE = REPO_ROOT / "build/lambdas/glue_deployer.zip"
BUILT = [REPO_ROOT / "src/glue/jobs/json_to_parquet.py", REPO_ROOT / "build/glue/etl_lib.zip", PACKAGE]
GLUE_SOURCES = REPO_ROOT / "src/glue"
SKIPPED_PARTS = {"__pycache__", ".pytest_cache", ".mypy_cache"}
COMMIT = "9fceb02d0ae598e95dc970b74767f19372d61af8"


def require_builds() -> None:
    missing = [str(path.relative_to(REPO_ROOT)) for path in BUILT if not path.exists()]
    if missing:
        pytest.fail(f"the examples use {', '.join(missing)}, which is missing: run `make build` first.")


@pytest.fixture(scope="module")
def codecommit(applied_root: Any) -> tuple[TerraformRoot, dict[str, Any]]:
    require_builds()
    root, outputs = applied_root(CODECOMMIT_EXAMPLE)
    return root, outputs


@pytest.fixture(scope="module")
def outputs(codecommit: tuple[TerraformRoot, dict[str, Any]]) -> dict[str, Any]:
    return codecommit[1]


@pytest.fixture(scope="module")
def codestar(applied_root: Any) -> tuple[TerraformRoot, dict[str, Any]]:
    require_builds()
    root, outputs = applied_root(CODESTAR_EXAMPLE)
    return root, outputs


@pytest.fixture(scope="module")
def pipeline(aws: Any, outputs: dict[str, Any]) -> dict[str, Any]:
    declaration: dict[str, Any] = aws("codepipeline").get_pipeline(name=outputs["pipeline_name"])["pipeline"]
    return declaration


def policy_document(document: str | dict[str, Any]) -> dict[str, Any]:
    if isinstance(document, dict):
        return document
    decoded: dict[str, Any] = json.loads(urllib.parse.unquote(document))
    return decoded


def statements(aws: Any, role_arn: str, policy_name: str) -> dict[str, dict[str, Any]]:
    """The role's inline policy statements by Sid, each Action and Resource as a list."""
    role_name = role_arn.rsplit("/", 1)[1]
    document = policy_document(aws("iam").get_role_policy(RoleName=role_name, PolicyName=policy_name)["PolicyDocument"])
    found = {}
    for statement in document["Statement"]:
        for key in ("Action", "Resource"):
            if isinstance(statement[key], str):
                statement[key] = [statement[key]]
        found[statement["Sid"]] = statement
    return found


def trust(aws: Any, role_arn: str) -> dict[str, Any]:
    role = aws("iam").get_role(RoleName=role_arn.rsplit("/", 1)[1])["Role"]
    (statement,) = policy_document(role["AssumeRolePolicyDocument"])["Statement"]
    found: dict[str, Any] = statement
    return found


def repository_zip() -> bytes:
    """The source artifact as a CodeCommit source action makes it (CODE_ZIP): src/glue under its repository path."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(GLUE_SOURCES.rglob("*")):
            if path.is_file() and not SKIPPED_PARTS & set(path.parts) and path.suffix != ".pyc":
                archive.writestr(path.relative_to(REPO_ROOT).as_posix(), path.read_bytes())
    return buffer.getvalue()


def job_event(job_id: str, configuration: dict[str, str], bucket: str, key: str, **data: Any) -> dict[str, Any]:
    """A CodePipeline job event for a Lambda invoke action, in the shape AWS documents."""
    return {
        "CodePipeline.job": {
            "id": job_id,
            "accountId": "123456789012",
            "data": {
                "actionConfiguration": {"configuration": configuration},
                "inputArtifacts": [
                    {
                        "name": "source",
                        "revision": COMMIT,
                        "location": {"type": "S3", "s3Location": {"bucketName": bucket, "objectKey": key}},
                    }
                ],
                "outputArtifacts": [],
                "artifactCredentials": {"accessKeyId": "ASIAEXAMPLE", "secretAccessKey": "secret", "sessionToken": "t"},
                **data,
            },
        }
    }


@pytest.fixture
def quiet_deployer() -> Iterator[None]:
    logger.set_level("WARNING")  # the per-step INFO lines are the handler tests' business
    yield
    logger.set_level("INFO")


# ------------------------------------------------------------------ examples/codecommit


def test_pipeline_is_v2_queued_on_the_encrypted_artifact_store(
    pipeline: dict[str, Any], outputs: dict[str, Any]
) -> None:
    assert (pipeline["pipelineType"], pipeline["executionMode"]) == ("V2", "QUEUED")
    assert pipeline["roleArn"] == outputs["pipeline_role_arn"]
    store = pipeline["artifactStore"]
    assert store["location"] == outputs["artifact_bucket"]
    assert store["encryptionKey"] == {"id": outputs["kms_key_arn"], "type": "KMS"}


def test_stages_deploy_dev_then_prod_after_an_approval(pipeline: dict[str, Any], outputs: dict[str, Any]) -> None:
    stages = {stage["name"]: stage["actions"] for stage in pipeline["stages"]}
    assert list(stages) == outputs["stage_names"] == ["Source", "dev", "Approve-prod", "prod"]
    (approval,) = stages["Approve-prod"]
    assert (approval["actionTypeId"]["category"], approval["actionTypeId"]["provider"]) == ("Approval", "Manual")
    assert approval["configuration"]["NotificationArn"] == outputs["approval_topic_arn"]
    for environment in ("dev", "prod"):
        (deploy,) = stages[environment]
        assert (deploy["actionTypeId"]["category"], deploy["actionTypeId"]["provider"]) == ("Invoke", "Lambda")
        assert deploy["configuration"]["FunctionName"] == outputs["function_name"]
        assert deploy["inputArtifacts"] == [{"name": "source"}]
        assert deploy["namespace"] == f"Deploy-{environment}"
        job = outputs["jobs"][environment]
        assert json.loads(deploy["configuration"]["UserParameters"]) == {
            "job_name": job["job_name"],
            "script_path": "src/glue/jobs/json_to_parquet.py",
            "library_dir": "src/glue/etl_lib",
            "script_bucket": job["script_bucket"],
            "script_prefix": job["deployment_prefix"],
            "wait_for_run": True,
        }
        assert deploy["configuration"]["UserParameters"] == outputs["user_parameters"][environment]


def test_source_is_the_branch_without_polling_and_a_rule_starts_the_pipeline(
    aws: Any, pipeline: dict[str, Any], outputs: dict[str, Any]
) -> None:
    (source,) = pipeline["stages"][0]["actions"]
    assert source["actionTypeId"]["provider"] == "CodeCommit"
    assert source["configuration"] == {
        "RepositoryName": outputs["repository_name"],
        "BranchName": "main",
        "PollForSourceChanges": "false",
        "OutputArtifactFormat": "CODE_ZIP",
    }
    repository = aws("codecommit").get_repository(repositoryName=outputs["repository_name"])["repositoryMetadata"]
    assert (repository["cloneUrlHttp"], repository["cloneUrlSsh"]) == (
        outputs["clone_url_http"],
        outputs["clone_url_ssh"],
    )
    assert repository["Arn"] == outputs["repository_arn"]

    events = aws("events")
    rule = events.describe_rule(Name=outputs["source_rule_name"])
    assert json.loads(rule["EventPattern"]) == {
        "source": ["aws.codecommit"],
        "detail-type": ["CodeCommit Repository State Change"],
        "resources": [outputs["repository_arn"]],
        "detail": {
            "event": ["referenceCreated", "referenceUpdated"],
            "referenceType": ["branch"],
            "referenceName": ["main"],
        },
    }
    (target,) = events.list_targets_by_rule(Rule=rule["Name"])["Targets"]
    assert (target["Arn"], target["RoleArn"]) == (outputs["pipeline_arn"], outputs["source_events_role_arn"])

    granted = statements(aws, outputs["source_events_role_arn"], "source-events-permissions")
    assert list(granted) == ["StartThisPipeline"]
    assert granted["StartThisPipeline"]["Action"] == ["codepipeline:StartPipelineExecution"]
    assert granted["StartThisPipeline"]["Resource"] == [outputs["pipeline_arn"]]
    trusted = trust(aws, outputs["source_events_role_arn"])
    assert trusted["Principal"] == {"Service": "events.amazonaws.com"}
    assert trusted["Condition"]["ArnEquals"]["aws:SourceArn"] == rule["Arn"]


def test_deployer_runs_python_312_with_its_settings_and_log_group(aws: Any, outputs: dict[str, Any]) -> None:
    function = aws("lambda").get_function(FunctionName=outputs["function_name"])
    configuration = function["Configuration"]
    assert configuration["FunctionArn"] == outputs["function_arn"]
    assert (configuration["Runtime"], configuration["Handler"]) == ("python3.12", "deployer.handler.lambda_handler")
    assert (configuration["Timeout"], configuration["MemorySize"]) == (300, 512)
    assert configuration["KMSKeyArn"] == outputs["kms_key_arn"]
    assert configuration["Environment"]["Variables"] == {"LOG_LEVEL": "INFO"}
    assert configuration["Role"] == outputs["deployer_role_arn"]
    assert configuration["CodeSha256"] == base64.b64encode(hashlib.sha256(PACKAGE.read_bytes()).digest()).decode()
    assert function["Concurrency"]["ReservedConcurrentExecutions"] == 5

    (group,) = aws("logs").describe_log_groups(logGroupNamePrefix=outputs["log_group_name"])["logGroups"]
    assert (group["retentionInDays"], group["kmsKeyId"]) == (7, outputs["kms_key_arn"])


def test_artifact_bucket_is_encrypted_with_the_pipeline_key(aws: Any, outputs: dict[str, Any]) -> None:
    s3 = aws("s3")
    bucket = outputs["artifact_bucket"]
    rule = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "aws:kms",
        "KMSMasterKeyID": outputs["kms_key_arn"],
    }
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    assert all(s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"].values())
    (lifecycle,) = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert lifecycle["Expiration"]["Days"] == 90
    key = aws("kms").describe_key(KeyId=outputs["kms_key_arn"])["KeyMetadata"]
    assert key["KeyManager"] == "CUSTOMER"
    assert aws("kms").get_key_rotation_status(KeyId=outputs["kms_key_arn"])["KeyRotationEnabled"]


def test_deployer_role_may_touch_only_the_artifacts_and_the_targets(aws: Any, outputs: dict[str, Any]) -> None:
    granted = statements(aws, outputs["deployer_role_arn"], "glue-deployer-permissions")
    jobs = [outputs["jobs"][environment] for environment in ("dev", "prod")]
    bucket_arn = f"arn:aws:s3:::{outputs['artifact_bucket']}"
    assert granted["ReadInputArtifacts"]["Resource"] == [f"{bucket_arn}/*"]
    assert granted["DecryptWithTheModuleKey"]["Resource"] == [outputs["kms_key_arn"]]
    assert set(granted["UploadJobCode"]["Resource"]) == {
        f"arn:aws:s3:::{job['script_bucket']}/{job['deployment_prefix']}*" for job in jobs
    }
    assert set(granted["EncryptJobCode"]["Resource"]) == {job["kms_key_arn"] for job in jobs}
    assert set(granted["DeployTargetJobs"]["Resource"]) == {job["job_arn"] for job in jobs}
    assert set(granted["DeployTargetJobs"]["Action"]) == {
        "glue:GetJob",
        "glue:GetJobRun",
        "glue:GetJobRuns",
        "glue:StartJobRun",
        "glue:UpdateJob",
    }
    assert set(granted["PassTargetJobRoles"]["Resource"]) == {job["role_arn"] for job in jobs}
    assert granted["PassTargetJobRoles"]["Condition"] == {"StringEquals": {"iam:PassedToService": "glue.amazonaws.com"}}
    assert [sid for sid, statement in granted.items() if "*" in statement["Resource"]] == ["ReportToThePipeline"]
    assert trust(aws, outputs["deployer_role_arn"])["Principal"] == {"Service": "lambda.amazonaws.com"}


def test_pipeline_role_may_touch_only_its_bucket_key_repository_deployer_and_topic(
    aws: Any, outputs: dict[str, Any]
) -> None:
    granted = statements(aws, outputs["pipeline_role_arn"], "pipeline-permissions")
    assert list(granted) == [
        "LocateTheArtifactBucket",
        "ReadAndWriteArtifacts",
        "UseTheArtifactKey",
        "InvokeTheDeployer",
        "ReadTheRepository",
        "PublishApprovalNotifications",
    ]
    assert granted["InvokeTheDeployer"]["Resource"] == [outputs["function_arn"]]
    assert granted["ReadTheRepository"]["Resource"] == [outputs["repository_arn"]]
    assert granted["PublishApprovalNotifications"]["Resource"] == [outputs["approval_topic_arn"]]
    assert granted["UseTheArtifactKey"]["Resource"] == [outputs["kms_key_arn"]]
    trusted = trust(aws, outputs["pipeline_role_arn"])
    assert trusted["Principal"] == {"Service": "codepipeline.amazonaws.com"}
    assert trusted["Condition"] == {"StringEquals": {"aws:SourceAccount": "123456789012"}}


def test_second_plan_shows_no_changes(codecommit: tuple[TerraformRoot, dict[str, Any]]) -> None:
    root, _ = codecommit
    changes, plan = root.plan_has_changes()
    assert not changes, plan


def test_a_push_deployed_through_the_dev_action_updates_the_job_in_place_and_replans_clean(
    aws: Any,
    emulator: EmulatorProcess,
    codecommit: tuple[TerraformRoot, dict[str, Any]],
    pipeline: dict[str, Any],
    quiet_deployer: None,
) -> None:
    root, outputs = codecommit
    dev = outputs["jobs"]["dev"]
    (action,) = next(stage["actions"] for stage in pipeline["stages"] if stage["name"] == "dev")
    clients = Clients(s3=aws("s3"), glue=aws("glue"), codepipeline=aws("codepipeline"))
    bucket, key = outputs["artifact_bucket"], f"{outputs['pipeline_name'][:20]}/source/{uuid.uuid4().hex[:7]}"
    clients.s3.put_object(Bucket=bucket, Key=key, Body=repository_zip())
    before = clients.glue.get_job(JobName=dev["job_name"])["Job"]

    first = str(uuid.uuid4())
    started = handle(job_event(first, action["configuration"], bucket, key), clients)
    assert started.outcome == "in_progress", job_result(emulator.endpoint, first)
    token = job_result(emulator.endpoint, first)["continuationToken"]
    second = str(uuid.uuid4())
    finished = handle(job_event(second, action["configuration"], bucket, key, continuationToken=token), clients)
    assert finished.outcome == "succeeded", job_result(emulator.endpoint, second)

    deployed = f"s3://{dev['script_bucket']}/{dev['deployment_prefix']}{COMMIT}"
    variables = job_result(emulator.endpoint, second)["outputVariables"]
    assert variables["script_s3_uri"] == f"{deployed}/json_to_parquet.py"
    job = clients.glue.get_job(JobName=dev["job_name"])["Job"]
    assert job["Command"]["ScriptLocation"] == f"{deployed}/json_to_parquet.py"
    assert job["DefaultArguments"]["--extra-py-files"] == f"{deployed}/etl_lib.zip"
    # Updated in place: everything but the code is as Terraform made it.
    assert job["Role"] == before["Role"] == dev["role_arn"]
    assert {k: v for k, v in job["DefaultArguments"].items() if k != "--extra-py-files"} == {
        k: v for k, v in before["DefaultArguments"].items() if k != "--extra-py-files"
    }
    prod = clients.glue.get_job(JobName=outputs["jobs"]["prod"]["job_name"])["Job"]
    assert prod["Command"]["ScriptLocation"] == outputs["jobs"]["prod"]["script_s3_uri"]  # not approved yet

    changes, plan = root.plan_has_changes()
    assert not changes, plan


# ------------------------------------------------------------------ examples/codestar_connection


def test_codestar_connection_is_created_pending(aws: Any, codestar: tuple[TerraformRoot, dict[str, Any]]) -> None:
    _, outputs = codestar
    connection = aws("codestar-connections").get_connection(ConnectionArn=outputs["connection_arn"])["Connection"]
    assert (connection["ConnectionName"], connection["ProviderType"]) == (outputs["pipeline_name"], "GitHub")
    assert connection["ConnectionStatus"] == outputs["connection_status"] == "PENDING"


def test_codestar_pipeline_starts_on_pushes_touching_the_glue_sources(
    aws: Any, codestar: tuple[TerraformRoot, dict[str, Any]]
) -> None:
    _, outputs = codestar
    declaration = aws("codepipeline").get_pipeline(name=outputs["pipeline_name"])["pipeline"]
    assert [stage["name"] for stage in declaration["stages"]] == outputs["stage_names"] == ["Source", "dev"]
    (source,) = declaration["stages"][0]["actions"]
    assert source["actionTypeId"]["provider"] == "CodeStarSourceConnection"
    assert source["configuration"] == {
        "ConnectionArn": outputs["connection_arn"],
        "FullRepositoryId": "example-org/glue-platform",
        "BranchName": "main",
        "OutputArtifactFormat": "CODE_ZIP",
    }
    (trigger,) = declaration["triggers"]
    assert trigger["providerType"] == "CodeStarSourceConnection"
    assert trigger["gitConfiguration"]["sourceActionName"] == "Source"
    (push,) = trigger["gitConfiguration"]["push"]
    assert push["branches"] == {"includes": ["main"]}
    assert push["filePaths"] == {"includes": ["src/glue/jobs/json_to_parquet.py", "src/glue/etl_lib/**"]}
    assert outputs["trigger_file_paths"] == push["filePaths"]["includes"]

    granted = statements(aws, outputs["pipeline_role_arn"], "pipeline-permissions")
    assert granted["UseTheConnection"]["Resource"] == [outputs["connection_arn"]]
    assert "ReadTheRepository" not in granted


def test_codestar_second_plan_shows_no_changes(codestar: tuple[TerraformRoot, dict[str, Any]]) -> None:
    root, _ = codestar
    changes, plan = root.plan_has_changes()
    assert not changes, plan
