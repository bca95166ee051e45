"""The artifact side without AWS: finding the sources, the library zip (the same bytes as `make build`),
the commit id, and the JobUpdate built from a GetJob answer."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from deployer_helpers import COMMIT, GLUE_SOURCES, LIBRARY_DIR, SCRIPT_PATH, repository_zip

from glue_deployer.deployer.artifact import commit_id_of, deterministic_zip, extract_sources
from glue_deployer.deployer.errors import ConfigurationError, JobFailed
from glue_deployer.deployer.events import InputArtifact
from glue_deployer.deployer.glue_job import build_job_update, updatable_fields
from glue_deployer.deployer.parameters import parse_user_parameters
from platform_tools.package import tree_entries, zip_bytes

URI = "s3://artifacts/pipeline/SourceArti/abc"


def params(**changes: Any) -> Any:
    values = {
        "job_name": "orders",
        "script_path": SCRIPT_PATH,
        "library_dir": LIBRARY_DIR,
        "script_bucket": "assets-bucket",
        "script_prefix": "deploy/",
        **changes,
    }
    return parse_user_parameters(json.dumps({k: v for k, v in values.items() if v is not None}))


def test_the_library_zip_is_byte_for_byte_the_packagers_etl_lib_zip() -> None:
    artifact = repository_zip(extra={"src/glue/etl_lib/__pycache__/x.cpython-311.pyc": b"junk"})
    sources = extract_sources(artifact, params(), COMMIT, URI)
    expected = zip_bytes(tree_entries(GLUE_SOURCES / "etl_lib", prefix="etl_lib/"))
    assert sources.library_zip == expected
    assert sources.script == (GLUE_SOURCES / "jobs" / "json_to_parquet.py").read_bytes()
    assert sources.library_files == len(zipfile.ZipFile(io.BytesIO(expected)).namelist())
    assert sources.root == ""


def test_excluded_files_stay_out_and_the_zip_is_the_same_whatever_the_artifact_order() -> None:
    extra = {
        "src/glue/etl_lib/tests/test_x.py": b"",
        "src/glue/etl_lib/requirements.txt": b"x==1",
        "src/glue/etl_lib/.DS_Store": b"",
        "src/glue/etl_lib/sub/data.json": b"{}",
    }
    first = extract_sources(repository_zip(extra=extra), params(), COMMIT, URI)
    names = zipfile.ZipFile(io.BytesIO(first.library_zip or b"")).namelist()
    assert "etl_lib/sub/data.json" in names
    assert not [n for n in names if "tests/" in n or n.endswith(("requirements.txt", ".DS_Store", ".pyc"))]
    assert names == sorted(names)
    reversed_zip = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(repository_zip(extra=extra))) as source, zipfile.ZipFile(reversed_zip, "w") as out:
        for info in reversed(source.infolist()):
            out.writestr(info.filename, source.read(info))  # another order, timestamps, compression
    second = extract_sources(reversed_zip.getvalue(), params(), COMMIT, URI)
    assert second.library_zip == first.library_zip


def test_a_provider_wrapping_the_repository_in_one_top_folder_is_understood() -> None:
    sources = extract_sources(repository_zip(top="orders-repo-3f78685"), params(), COMMIT, URI)
    assert sources.root == "orders-repo-3f78685/"
    assert sources.library_zip == zip_bytes(tree_entries(GLUE_SOURCES / "etl_lib", prefix="etl_lib/"))


def test_a_missing_script_names_the_path_and_the_python_files_nearby() -> None:
    artifact = repository_zip(drop=lambda name: name == SCRIPT_PATH)
    with pytest.raises(ConfigurationError) as raised:
        extract_sources(artifact, params(), COMMIT, URI)
    message = str(raised.value)
    assert message.startswith(f"script_path '{SCRIPT_PATH}' is not in the input artifact {URI} (commit {COMMIT});")
    assert "src/glue/jobs/hello_shell.py" in message and "Fix: set script_path in UserParameters" in message


def test_a_library_that_is_not_there_or_holds_only_excluded_files_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match=r"library_dir 'src/glue/nolib' is not a folder in the input"):
        extract_sources(repository_zip(), params(library_dir="src/glue/nolib"), COMMIT, URI)
    only_tests = repository_zip(
        drop=lambda name: name.startswith("src/glue/etl_lib/"), extra={"src/glue/etl_lib/tests/t.py": b""}
    )
    with pytest.raises(ConfigurationError, match=r"holds no file to ship"):
        extract_sources(only_tests, params(), COMMIT, URI)


def test_an_unsafe_path_or_a_non_zip_artifact_fails_the_job() -> None:
    with pytest.raises(JobFailed, match=r"unsafe path 'src/glue/etl_lib/../../evil.py'"):
        extract_sources(repository_zip(extra={"src/glue/etl_lib/../../evil.py": b""}), params(), COMMIT, URI)
    with pytest.raises(JobFailed, match=r"is not a zip file\. Fix: set the source action's output artifact format"):
        extract_sources(b'{"ref": "refs/heads/main"}', params(), COMMIT, URI)


def test_the_commit_id_is_the_revision_or_else_the_content_hash() -> None:
    def artifact(revision: str | None) -> InputArtifact:
        return InputArtifact("SourceArtifact", revision, "S3", "b", "k")

    assert commit_id_of(artifact(COMMIT), b"zip") == COMMIT
    content = "sha256-" + hashlib.sha256(b"zip").hexdigest()[:40]
    assert commit_id_of(artifact(None), b"zip") == content
    assert commit_id_of(artifact("v1/../x"), b"zip") == content  # not safe in a key


def test_deterministic_zip_fixes_time_mode_and_order() -> None:
    data = deterministic_zip({"b/2.py": b"2", "a/1.py": b"1"})
    assert data == deterministic_zip({"a/1.py": b"1", "b/2.py": b"2"})
    infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    assert [i.filename for i in infos] == ["a/1.py", "b/2.py"]
    fixed = {(i.date_time, i.external_attr >> 16, i.create_system) for i in infos}
    assert fixed == {((1980, 1, 1, 0, 0, 0), 0o100644, 3)}


# ---------------------------------------------------------------- JobUpdate


def get_job_answer(**changes: Any) -> dict[str, Any]:
    """A GetJob answer as AWS gives it for a worker-sized Spark job (computed capacities included)."""
    job: dict[str, Any] = {
        "Name": "orders",
        "JobMode": "SCRIPT",
        "JobRunQueuingEnabled": False,
        "Description": "orders",
        "Role": "arn:aws:iam::123456789012:role/glue",
        "CreatedOn": datetime(2025, 1, 1, tzinfo=UTC),
        "LastModifiedOn": datetime(2025, 1, 2, tzinfo=UTC),
        "ExecutionProperty": {"MaxConcurrentRuns": 1},
        "Command": {"Name": "glueetl", "ScriptLocation": "s3://a/old.py", "PythonVersion": "3"},
        "DefaultArguments": {"--job-language": "python", "--extra-py-files": "s3://a/old.zip", "--keep": "1"},
        "NonOverridableArguments": {"--fixed": "yes"},
        "MaxRetries": 0,
        "AllocatedCapacity": 2,
        "Timeout": 60,
        "MaxCapacity": 2.0,
        "WorkerType": "G.1X",
        "NumberOfWorkers": 2,
        "GlueVersion": "5.0",
        "ExecutionClass": "STANDARD",
    }
    job.update(changes)
    return {key: value for key, value in job.items() if value is not None}


UPDATABLE = updatable_fields(boto3.client("glue", region_name="us-east-1"))


def test_the_update_keeps_every_field_but_script_library_and_given_defaults_and_drops_read_only_ones() -> None:
    job = get_job_answer()
    update = build_job_update(job, UPDATABLE, "s3://a/new.py", "s3://a/c/etl_lib.zip", {"--keep": "2", "--new": "x"})
    assert set(job) - set(update) == {"Name", "CreatedOn", "LastModifiedOn", "AllocatedCapacity", "MaxCapacity"}
    assert update["Command"] == {"Name": "glueetl", "ScriptLocation": "s3://a/new.py", "PythonVersion": "3"}
    assert update["DefaultArguments"] == {
        "--job-language": "python",
        "--extra-py-files": "s3://a/c/etl_lib.zip",
        "--keep": "2",
        "--new": "x",
    }
    unchanged = {key: value for key, value in update.items() if key not in {"Command", "DefaultArguments"}}
    assert unchanged == {key: job[key] for key in unchanged}
    # botocore accepts it as an UpdateJob request (types, required members)
    client = boto3.client("glue", region_name="us-east-1")
    client.meta.events.register("before-call.glue.UpdateJob", lambda **_: (type("R", (), {"status_code": 200})(), {}))
    client.update_job(JobName="orders", JobUpdate=update)


def test_capacity_by_dpu_keeps_max_capacity_and_extra_py_files_appends_the_configured_ones() -> None:
    job = get_job_answer(WorkerType=None, NumberOfWorkers=None, MaxCapacity=None, AllocatedCapacity=10)
    update = build_job_update(job, UPDATABLE, "s3://a/new.py", "s3://a/lib.zip", {"--extra-py-files": "s3://w/x.whl"})
    assert ("AllocatedCapacity" in update, update.get("MaxCapacity")) == (False, 10.0)
    assert update["DefaultArguments"]["--extra-py-files"] == "s3://a/lib.zip,s3://w/x.whl"
    shell = get_job_answer(WorkerType=None, NumberOfWorkers=None, AllocatedCapacity=None, MaxCapacity=0.0625)
    update = build_job_update(shell, UPDATABLE, "s3://a/new.py", None, {})
    assert update["MaxCapacity"] == 0.0625
    assert update["DefaultArguments"]["--extra-py-files"] == "s3://a/old.zip"  # no library: left as it was
