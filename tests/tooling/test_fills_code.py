"""Fills for a CodeCommit/CodePipeline deployer and its module: each gap on `bare_emulator`, the fill on `emulator`.

- codecommit: repository dates as epoch numbers, tags, description, branches; a small git-like store
  (PutFile, CreateCommit, GetFile, GetBranch, GetCommit) so a test can commit and a deployer find it.
- codepipeline: GetPipeline metadata dates as epoch numbers; PutJobSuccessResult/PutJobFailureResult
  recorded per job id and read back through a test-only control.
- codestar_connections: the service moto lacks.
- lambda_layers: a function using a layer of another account (AWS's public Powertools layer).
- With Terraform: tests/tooling/fixtures/code_fills applied, re-planned with no changes, destroyed.
"""

from __future__ import annotations

import io
import json
import subprocess
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator_helpers import no_retry_client as client
from emulator_helpers import unique
from platform_tools import REPO_ROOT
from platform_tools.emulator import EmulatorProcess
from platform_tools.emulator.control import _http_json
from platform_tools.emulator.fills.codepipeline import JOB_RESULTS_PATH, job_result, job_results
from platform_tools.terraform import TerraformRoot

pytestmark = pytest.mark.emulator

ACCOUNT = "123456789012"
POWERTOOLS_LAYER = "arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-x86_64:7"


@pytest.fixture
def bare(bare_emulator: EmulatorProcess) -> Callable[[str], Any]:
    return lambda service: client(bare_emulator, service)


@pytest.fixture
def filled(emulator: EmulatorProcess) -> Callable[[str], Any]:
    return lambda service: client(emulator, service)


def not_implemented(call: Callable[[], Any]) -> bool:
    """moto answers an action (or a service) it lacks with HTTP 500."""
    try:
        call()
    except ClientError as error:
        return int(error.response["ResponseMetadata"]["HTTPStatusCode"]) == 500
    return False


def error_code(call: Callable[[], Any]) -> str:
    with pytest.raises(ClientError) as raised:
        call()
    code: str = raised.value.response["Error"]["Code"]
    return code


def raw_answer(aws: Any, method: str, **kwargs: Any) -> dict[str, Any]:
    """The JSON body the emulator sent, before botocore parses it (botocore reads ISO dates too; Go does not)."""
    captured: dict[str, bytes] = {}

    def grab(response_dict: dict[str, Any], **_: Any) -> None:
        captured["body"] = response_dict["body"]

    aws.meta.events.register("before-parse", grab)
    try:
        getattr(aws, method)(**kwargs)
    finally:
        aws.meta.events.unregister("before-parse", grab)
    answer: dict[str, Any] = json.loads(captured["body"])
    return answer


# ---------------------------------------------------------------- CodeCommit repositories


def test_codecommit_repository_dates_tags_description_and_branches(bare: Any, filled: Any) -> None:
    name = unique("repo")
    codecommit = bare("codecommit")
    created = raw_answer(codecommit, "create_repository", repositoryName=name, tags={"team": "data"})
    assert isinstance(created["repositoryMetadata"]["creationDate"], str)  # the Go SDK wants a JSON number
    arn = created["repositoryMetadata"]["Arn"]
    assert not_implemented(lambda: codecommit.list_tags_for_resource(resourceArn=arn))
    assert not_implemented(lambda: codecommit.list_branches(repositoryName=name))
    assert not_implemented(lambda: codecommit.update_repository_description(repositoryName=name))

    codecommit = filled("codecommit")
    created = raw_answer(
        codecommit, "create_repository", repositoryName=name, repositoryDescription="v1", tags={"team": "data"}
    )["repositoryMetadata"]
    got = raw_answer(codecommit, "get_repository", repositoryName=name)["repositoryMetadata"]
    for metadata in (created, got):
        assert isinstance(metadata["creationDate"], int | float)
        assert isinstance(metadata["lastModifiedDate"], int | float)
    assert (got["Arn"], got["repositoryDescription"]) == (f"arn:aws:codecommit:us-east-1:{ACCOUNT}:{name}", "v1")
    assert "defaultBranch" not in got  # an empty repository has none

    arn = got["Arn"]
    assert codecommit.list_tags_for_resource(resourceArn=arn)["tags"] == {"team": "data"}
    codecommit.tag_resource(resourceArn=arn, tags={"env": "dev", "team": "platform"})
    codecommit.untag_resource(resourceArn=arn, tagKeys=["env"])
    assert codecommit.list_tags_for_resource(resourceArn=arn)["tags"] == {"team": "platform"}
    assert error_code(lambda: codecommit.list_tags_for_resource(resourceArn=arn + "-gone")) == (
        "RepositoryDoesNotExistException"
    )

    codecommit.update_repository_description(repositoryName=name, repositoryDescription="v2")
    key = "arn:aws:kms:us-east-1:123456789012:key/0b1c2d3e-0000-4000-8000-000000000000"
    assert codecommit.update_repository_encryption_key(repositoryName=name, kmsKeyId=key)["kmsKeyId"] == key
    updated = codecommit.get_repository(repositoryName=name)["repositoryMetadata"]
    assert (updated["repositoryDescription"], updated["kmsKeyId"]) == ("v2", key)
    assert updated["lastModifiedDate"] >= updated["creationDate"]
    assert codecommit.list_branches(repositoryName=name)["branches"] == []
    assert error_code(lambda: codecommit.list_branches(repositoryName=name + "-gone")) == (
        "RepositoryDoesNotExistException"
    )
    assert error_code(lambda: codecommit.update_default_branch(repositoryName=name, defaultBranchName="main")) == (
        "BranchDoesNotExistException"
    )

    codecommit.delete_repository(repositoryName=name)
    codecommit.create_repository(repositoryName=name)
    assert codecommit.list_tags_for_resource(resourceArn=arn)["tags"] == {}  # tags went with the repository


# ---------------------------------------------------------------- CodeCommit content


def git_tree_of(tmp_path: Path, files: dict[str, bytes], executable: tuple[str, ...] = ()) -> str:
    """The root tree id real git gives these files."""
    run = lambda *args: subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True, text=True)  # noqa: E731
    run("init", "-q")
    for path, data in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(data)
        run("add", path)
    for path in executable:
        run("update-index", "--chmod=+x", path)
    return str(run("write-tree").stdout.strip())


def test_codecommit_commits_files_that_a_deployer_can_find(bare: Any, filled: Any, tmp_path: Path) -> None:
    name, script = unique("repo"), "src/glue/jobs/etl.py"
    bare("codecommit").create_repository(repositoryName=name)
    assert not_implemented(
        lambda: bare("codecommit").put_file(repositoryName=name, branchName="main", filePath=script, fileContent=b"x")
    )
    assert not_implemented(lambda: bare("codecommit").get_branch(repositoryName=name, branchName="main"))

    codecommit = filled("codecommit")
    codecommit.create_repository(repositoryName=name)
    first = codecommit.put_file(
        repositoryName=name, branchName="main", filePath=script, fileContent=b"hello\n", commitMessage="first"
    )
    assert first["blobId"] == "ce013625030ba8dba906f756967f9e9ca394464a"  # `printf 'hello\n' | git hash-object --stdin`
    assert codecommit.list_branches(repositoryName=name)["branches"] == ["main"]
    assert codecommit.get_branch(repositoryName=name, branchName="main")["branch"] == {
        "branchName": "main",
        "commitId": first["commitId"],
    }
    # The first branch becomes the default, as on AWS.
    assert codecommit.get_repository(repositoryName=name)["repositoryMetadata"]["defaultBranch"] == "main"

    second = codecommit.create_commit(
        repositoryName=name,
        branchName="main",
        parentCommitId=first["commitId"],
        authorName="Dev",
        email="dev@example.com",
        commitMessage="change the script",
        putFiles=[
            {"filePath": script, "fileContent": b"print('v2')\n"},
            {"filePath": "bin/run.sh", "fileContent": b"#!/bin/sh\n", "fileMode": "EXECUTABLE"},
        ],
    )
    assert [f["absolutePath"] for f in second["filesAdded"]] == ["bin/run.sh"]
    assert [f["absolutePath"] for f in second["filesUpdated"]] == [script]
    files = {script: b"print('v2')\n", "bin/run.sh": b"#!/bin/sh\n"}
    assert second["treeId"] == git_tree_of(tmp_path, files, executable=("bin/run.sh",))

    tip = codecommit.get_branch(repositoryName=name, branchName="main")["branch"]["commitId"]
    assert tip == second["commitId"]
    for specifier in (None, "main", tip, "HEAD"):
        kwargs = {"commitSpecifier": specifier} if specifier else {}
        got = codecommit.get_file(repositoryName=name, filePath=script, **kwargs)
        assert (got["commitId"], got["fileContent"], got["fileSize"], got["fileMode"]) == (
            tip,
            b"print('v2')\n",
            12,
            "NORMAL",
        )
    old = codecommit.get_file(repositoryName=name, filePath=script, commitSpecifier=first["commitId"])
    assert old["fileContent"] == b"hello\n"
    commit = codecommit.get_commit(repositoryName=name, commitId=tip)["commit"]
    assert (commit["parents"], commit["message"], commit["treeId"]) == (
        [first["commitId"]],
        "change the script",
        second["treeId"],
    )
    assert (commit["author"]["name"], commit["author"]["email"]) == ("Dev", "dev@example.com")

    # A feature branch from the tip, a move and a delete on it; main is untouched.
    codecommit.create_branch(repositoryName=name, branchName="feature", commitId=tip)
    moved = codecommit.create_commit(
        repositoryName=name,
        branchName="feature",
        parentCommitId=tip,
        putFiles=[{"filePath": "jobs/etl.py", "sourceFile": {"filePath": script, "isMove": True}}],
        deleteFiles=[{"filePath": "bin/run.sh"}],
    )
    assert [f["absolutePath"] for f in moved["filesDeleted"]] == ["bin/run.sh", script]
    assert (
        codecommit.get_file(repositoryName=name, filePath="jobs/etl.py", commitSpecifier="feature")["fileContent"]
        == b"print('v2')\n"
    )
    assert codecommit.get_file(repositoryName=name, filePath=script)["commitId"] == tip
    assert codecommit.list_branches(repositoryName=name)["branches"] == ["feature", "main"]
    codecommit.update_default_branch(repositoryName=name, defaultBranchName="feature")
    assert codecommit.get_file(repositoryName=name, filePath="jobs/etl.py")["commitId"] == moved["commitId"]


def test_codecommit_refuses_commits_as_aws_does(filled: Any) -> None:
    codecommit, name, path = filled("codecommit"), unique("repo"), "a.py"
    codecommit.create_repository(repositoryName=name)
    put = lambda **kwargs: codecommit.put_file(  # noqa: E731
        repositoryName=name, branchName="main", filePath=path, **{"fileContent": b"1", **kwargs}
    )
    assert error_code(lambda: put(parentCommitId="0" * 40)) == "ParentCommitDoesNotExistException"
    first = put()["commitId"]
    assert error_code(put) == "ParentCommitIdRequiredException"
    assert error_code(lambda: put(parentCommitId=first)) == "SameFileContentException"
    second = put(parentCommitId=first, fileContent=b"2")["commitId"]
    assert error_code(lambda: put(parentCommitId=first, fileContent=b"3")) == "ParentCommitIdOutdatedException"
    assert (
        error_code(
            lambda: codecommit.put_file(
                repositoryName=name, branchName="other", filePath=path, fileContent=b"1", parentCommitId=second
            )
        )
        == "BranchDoesNotExistException"
    )

    commit = lambda **kwargs: codecommit.create_commit(  # noqa: E731
        repositoryName=name, branchName="main", parentCommitId=second, **kwargs
    )
    assert error_code(commit) == "FileEntryRequiredException"
    assert error_code(lambda: commit(putFiles=[{"filePath": path, "fileContent": b"2"}])) == "NoChangeException"
    assert error_code(lambda: commit(deleteFiles=[{"filePath": "missing.py"}])) == "FileDoesNotExistException"
    both = [{"filePath": path, "fileContent": b"4"}]
    assert error_code(lambda: commit(putFiles=both, deleteFiles=[{"filePath": path}])) == "SamePathRequestException"
    assert error_code(lambda: commit(putFiles=[{"filePath": "b.py"}])) == "SourceFileOrContentRequiredException"
    assert error_code(lambda: commit(putFiles=[{"filePath": f"{path}/b.py", "fileContent": b"1"}])) == (
        "DirectoryNameConflictsWithFileNameException"
    )
    # A file may take the place of one deleted in the same commit.
    replaced = commit(deleteFiles=[{"filePath": path}], putFiles=[{"filePath": f"{path}/b.py", "fileContent": b"1"}])
    assert [f["absolutePath"] for f in replaced["filesAdded"]] == [f"{path}/b.py"]
    tip = replaced["commitId"]
    assert error_code(lambda: put(parentCommitId=tip)) == "FileNameConflictsWithDirectoryNameException"
    assert error_code(lambda: codecommit.get_file(repositoryName=name, filePath="missing.py")) == (
        "FileDoesNotExistException"
    )
    assert error_code(lambda: codecommit.get_file(repositoryName=name, filePath=path, commitSpecifier="nope")) == (
        "CommitDoesNotExistException"
    )
    assert error_code(lambda: codecommit.get_commit(repositoryName=name, commitId="f" * 40)) == (
        "CommitIdDoesNotExistException"
    )
    # Nothing refused above moved the branch.
    assert codecommit.get_branch(repositoryName=name, branchName="main")["branch"]["commitId"] == tip


def test_file_content_round_trips_binary(filled: Any) -> None:
    """Blobs are bytes: a binary file (a zipped library) comes back byte for byte."""
    codecommit, name = filled("codecommit"), unique("repo")
    codecommit.create_repository(repositoryName=name)
    data = function_zip() + bytes(range(256))
    codecommit.put_file(repositoryName=name, branchName="main", filePath="lib/etl_lib.zip", fileContent=data)
    got = codecommit.get_file(repositoryName=name, filePath="lib/etl_lib.zip")
    assert (got["fileContent"], got["fileSize"]) == (data, len(data))


# ---------------------------------------------------------------- CodePipeline


def pipeline_role(aws: Callable[[str], Any]) -> str:
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "codepipeline.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    role = aws("iam").create_role(RoleName=unique("pipeline"), AssumeRolePolicyDocument=json.dumps(trust))
    arn: str = role["Role"]["Arn"]
    return arn


def pipeline_declaration(name: str, role: str) -> dict[str, Any]:
    source = {
        "name": "Source",
        "actionTypeId": {"category": "Source", "owner": "AWS", "provider": "S3", "version": "1"},
        "configuration": {"S3Bucket": "b", "S3ObjectKey": "k.zip"},
        "outputArtifacts": [{"name": "source"}],
    }
    deploy = {
        "name": "Deploy",
        "actionTypeId": {"category": "Invoke", "owner": "AWS", "provider": "Lambda", "version": "1"},
        "configuration": {"FunctionName": "deployer"},
        "inputArtifacts": [{"name": "source"}],
    }
    return {
        "name": name,
        "roleArn": role,
        "artifactStore": {"type": "S3", "location": "artifacts"},
        "stages": [{"name": "Source", "actions": [source]}, {"name": "Deploy", "actions": [deploy]}],
        "pipelineType": "V2",
        "executionMode": "QUEUED",
    }


def test_codepipeline_answers_epoch_metadata_dates(bare: Any, filled: Any) -> None:
    for aws, works in ((bare, False), (filled, True)):
        codepipeline, name = aws("codepipeline"), unique("pipeline")
        codepipeline.create_pipeline(pipeline=pipeline_declaration(name, pipeline_role(aws)))
        metadata = raw_answer(codepipeline, "get_pipeline", name=name)["metadata"]
        summaries = raw_answer(codepipeline, "list_pipelines")["pipelines"]
        [summary] = [s for s in summaries if s["name"] == name]
        if not works:
            assert isinstance(metadata["created"], str)  # the Go SDK wants a JSON number
            continue
        assert isinstance(metadata["created"], int | float) and isinstance(metadata["updated"], int | float)
        assert metadata["pipelineArn"] == f"arn:aws:codepipeline:us-east-1:{ACCOUNT}:{name}"
        assert isinstance(summary["created"], int | float)
        assert (summary["pipelineType"], summary["executionMode"]) == ("V2", "QUEUED")


def job_id() -> str:
    """A job id shaped as AWS's (the fill refuses any other, as AWS does)."""
    return str(uuid.uuid4())


def test_codepipeline_job_results_are_recorded_per_job_id(
    bare: Any, filled: Any, bare_emulator: EmulatorProcess, emulator: EmulatorProcess
) -> None:
    assert not_implemented(lambda: bare("codepipeline").put_job_success_result(jobId=job_id()))
    assert not_implemented(
        lambda: bare("codepipeline").put_job_failure_result(
            jobId=job_id(), failureDetails={"type": "JobFailed", "message": "no"}
        )
    )
    with pytest.raises(OSError, match="404"):  # moto has no way to read job results back
        _http_json(f"{bare_emulator.endpoint}{JOB_RESULTS_PATH}")

    codepipeline = filled("codepipeline")
    waiting, done, failed = job_id(), job_id(), job_id()
    codepipeline.put_job_success_result(jobId=waiting, continuationToken=json.dumps({"run_id": "jr_1"}))
    outputs = {"JobName": "etl", "RunId": "jr_1", "CommitId": "abc"}
    revision = {"revision": "abc", "changeIdentifier": "abc"}
    codepipeline.put_job_success_result(jobId=done, outputVariables=outputs, currentRevision=revision)
    details = {"type": "ConfigurationError", "message": "UserParameters is not JSON: fix the action configuration."}
    codepipeline.put_job_failure_result(jobId=failed, failureDetails=details)

    assert job_result(emulator.endpoint, waiting) == {
        "jobId": waiting,
        "status": "Succeeded",
        "continuationToken": '{"run_id": "jr_1"}',
    }
    assert job_result(emulator.endpoint, done) == {
        "jobId": done,
        "status": "Succeeded",
        "outputVariables": outputs,
        "currentRevision": revision,
    }
    assert job_results(emulator.endpoint)[failed] == {"jobId": failed, "status": "Failed", "failureDetails": details}
    assert job_result(emulator.endpoint, job_id()) is None
    with pytest.raises(OSError, match="404"):
        _http_json(f"{emulator.endpoint}{JOB_RESULTS_PATH}?job_id=never-reported")

    # AWS's checks: one result per job; output variables only on a final success; a known failure type.
    assert error_code(lambda: codepipeline.put_job_success_result(jobId=failed)) == "InvalidJobStateException"
    assert (
        error_code(
            lambda: codepipeline.put_job_success_result(jobId=job_id(), continuationToken="t", outputVariables=outputs)
        )
        == "ValidationException"
    )
    assert (
        error_code(
            lambda: codepipeline.put_job_failure_result(jobId=job_id(), failureDetails={"type": "Oops", "message": "x"})
        )
        == "ValidationException"
    )
    assert error_code(lambda: codepipeline.put_job_success_result(jobId="job-1")) == "ValidationException"
    long_message = {"type": "JobFailed", "message": "x" * 5001}
    assert (
        error_code(lambda: codepipeline.put_job_failure_result(jobId=job_id(), failureDetails=long_message))
        == "ValidationException"
    )
    assert job_results(emulator.endpoint)[failed]["status"] == "Failed"


# ---------------------------------------------------------------- CodeStar connections


def test_codestar_connections_lifecycle(bare: Any, filled: Any) -> None:
    name = unique("conn")[:32]
    assert not_implemented(
        lambda: bare("codestar-connections").create_connection(ProviderType="GitHub", ConnectionName=name)
    )

    connections = filled("codestar-connections")
    created = connections.create_connection(
        ProviderType="GitHub", ConnectionName=name, Tags=[{"Key": "team", "Value": "data"}]
    )
    arn = created["ConnectionArn"]
    assert arn.startswith(f"arn:aws:codestar-connections:us-east-1:{ACCOUNT}:connection/")
    assert connections.get_connection(ConnectionArn=arn)["Connection"] == {
        "ConnectionName": name,
        "ConnectionArn": arn,
        "ProviderType": "GitHub",
        "OwnerAccountId": ACCOUNT,
        "ConnectionStatus": "PENDING",
    }
    listed = connections.list_connections(ProviderTypeFilter="GitHub")["Connections"]
    assert arn in [c["ConnectionArn"] for c in listed]
    assert connections.list_connections(ProviderTypeFilter="GitLab")["Connections"] == []

    connections.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "dev"}])
    connections.untag_resource(ResourceArn=arn, TagKeys=["team"])
    assert connections.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "env", "Value": "dev"}]
    assert error_code(lambda: connections.create_connection(ProviderType="SVN", ConnectionName=name)) == (
        "ValidationException"
    )

    connections.delete_connection(ConnectionArn=arn)
    assert error_code(lambda: connections.get_connection(ConnectionArn=arn)) == "ResourceNotFoundException"
    assert error_code(lambda: connections.list_tags_for_resource(ResourceArn=arn)) == "ResourceNotFoundException"


# ---------------------------------------------------------------- Lambda layers


def function_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return event\n")
    return buffer.getvalue()


def create_function(aws: Callable[[str], Any], layers: list[str]) -> dict[str, Any]:
    trust = {
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]
    }
    role = aws("iam").create_role(RoleName=unique("fn"), AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    created: dict[str, Any] = aws("lambda").create_function(
        FunctionName=unique("fn"),
        Runtime="python3.12",
        Role=role,
        Handler="index.handler",
        Code={"ZipFile": function_zip()},
        Layers=layers,
    )
    return created


def test_lambda_function_with_a_layer_of_another_account(bare: Any, filled: Any) -> None:
    # moto as shipped: 404 "LayerVersion does not exist".
    assert error_code(lambda: create_function(bare, [POWERTOOLS_LAYER])) == "ResourceNotFoundException"

    awslambda = filled("lambda")
    name = create_function(filled, [POWERTOOLS_LAYER])["FunctionName"]
    assert awslambda.get_function(FunctionName=name)["Configuration"]["Layers"] == [
        {"Arn": POWERTOOLS_LAYER, "CodeSize": 0}
    ]
    # Layers of the function's own account are still looked up: a published one is listed, in order...
    own = awslambda.publish_layer_version(LayerName=unique("layer"), Content={"ZipFile": function_zip()})
    layers = [own["LayerVersionArn"], POWERTOOLS_LAYER]
    updated = awslambda.update_function_configuration(FunctionName=name, Layers=layers)
    assert [layer["Arn"] for layer in updated["Layers"]] == layers
    assert updated["Layers"][0]["CodeSize"] > 0
    # ...and an unknown one is still refused.
    unknown = f"arn:aws:lambda:us-east-1:{ACCOUNT}:layer:{unique('missing')}:1"
    assert error_code(lambda: create_function(filled, [unknown, POWERTOOLS_LAYER])) == "ResourceNotFoundException"


# ---------------------------------------------------------------- Terraform


@pytest.mark.terraform
def test_code_resource_types_apply_and_replan_clean(emulator: EmulatorProcess, filled: Any, tmp_path: Path) -> None:
    """CodeCommit repository, CodeStar connection, Lambda with a foreign layer, two V2 pipelines: no drift.

    One apply (CI time): the in-place updates are covered by the API tests above.
    """
    name = unique("codefills")
    code = tmp_path / "deployer.zip"
    code.write_bytes(function_zip())
    root = TerraformRoot(
        REPO_ROOT / "tests/tooling/fixtures/code_fills",
        tmp_path / "tf",
        env=emulator.env(),
        variables={"name": name, "lambda_zip": str(code)},
    )
    root.init()
    try:
        outputs = root.apply()
        changes, plan = root.plan_has_changes()
        assert not changes, plan

        tags = filled("codecommit").list_tags_for_resource(resourceArn=outputs["repository_arn"])["tags"]
        assert tags == {"fixture": name}
        connection = filled("codestar-connections").get_connection(ConnectionArn=outputs["connection_arn"])
        assert connection["Connection"]["ConnectionStatus"] == "PENDING"
        function = filled("lambda").get_function(FunctionName=outputs["function_name"])["Configuration"]
        assert function["Layers"] == [{"Arn": POWERTOOLS_LAYER, "CodeSize": 0}]
        codecommit_pipeline, connection_pipeline = (
            filled("codepipeline").get_pipeline(name=pipeline)["pipeline"] for pipeline in outputs["pipelines"]
        )
        assert (codecommit_pipeline["pipelineType"], codecommit_pipeline["executionMode"]) == ("V2", "QUEUED")
        assert codecommit_pipeline["artifactStore"]["encryptionKey"]["type"] == "KMS"
        push = connection_pipeline["triggers"][0]["gitConfiguration"]["push"][0]
        assert (push["branches"]["includes"], push["filePaths"]["includes"]) == (["main"], ["src/glue/**"])
    finally:
        root.destroy()
    assert root.state_resources() == []
