"""modules/glue_job on the emulator: the json_to_parquet example with engine = "duckdb", a Python-shell job, applied
once, checked with boto3, re-planned clean.

It needs src/glue/jobs/json_to_parquet_duckdb.py, the etl_lib wheel and build/glue/pythonshell-wheels/ (`make build`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_glue_job_apply import EXAMPLE, POLICY_NAME, as_list, policy_document, s3_location, statements_by_sid

from platform_tools import REPO_ROOT
from platform_tools.terraform import TerraformRoot

pytestmark = [pytest.mark.emulator, pytest.mark.terraform]

DUCKDB_SCRIPT = REPO_ROOT / "src/glue/jobs/json_to_parquet_duckdb.py"
PYTHONSHELL_WHEELS = REPO_ROOT / "build/glue/pythonshell-wheels"
# Its own name, so it never meets the Spark example's resources.
DUCKDB_VARIABLES = {"engine": "duckdb", "name": "json-to-parquet-duckdb"}


def _library_wheels() -> list[Path]:
    return sorted((REPO_ROOT / "build/glue").glob("etl_lib-*-py3-none-any.whl"))


def _dependency_wheels() -> list[Path]:
    return sorted(PYTHONSHELL_WHEELS.glob("*.whl"))


@pytest.fixture(scope="module")
def duckdb_example(applied_root: Any) -> tuple[TerraformRoot, dict[str, Any]]:
    missing = [str(path.relative_to(REPO_ROOT)) for path in (DUCKDB_SCRIPT,) if not path.exists()]
    if not _library_wheels():
        missing.append("build/glue/etl_lib-<version>-py3-none-any.whl")
    if not [wheel for wheel in _dependency_wheels() if wheel.name.startswith("duckdb-")]:
        missing.append("build/glue/pythonshell-wheels/duckdb-*.whl")
    if missing:
        pytest.fail(f"the duckdb example uploads {', '.join(missing)}, which is missing: run `make build` first.")
    root, outputs = applied_root(EXAMPLE, DUCKDB_VARIABLES)
    return root, outputs


@pytest.fixture(scope="module")
def duckdb_outputs(duckdb_example: tuple[TerraformRoot, dict[str, Any]]) -> dict[str, Any]:
    return duckdb_example[1]


@pytest.fixture(scope="module")
def duckdb_job(aws: Any, duckdb_outputs: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = aws("glue").get_job(JobName=duckdb_outputs["job_name"])["Job"]
    return result


def test_duckdb_engine_is_a_python_39_shell_job_at_one_sixteenth_dpu(
    duckdb_job: dict[str, Any], duckdb_outputs: dict[str, Any]
) -> None:
    assert duckdb_outputs["engine"] == "duckdb"
    assert duckdb_job["Command"]["Name"] == "pythonshell"
    assert duckdb_job["Command"]["PythonVersion"] == "3.9"
    assert duckdb_job["Command"]["ScriptLocation"] == duckdb_outputs["script_s3_uri"]
    assert duckdb_outputs["script_s3_uri"].endswith("/scripts/json_to_parquet_duckdb.py")
    assert duckdb_job["GlueVersion"] == "3.0"
    assert duckdb_job["MaxCapacity"] == 0.0625
    assert "WorkerType" not in duckdb_job and "NumberOfWorkers" not in duckdb_job
    assert duckdb_job["SecurityConfiguration"] == duckdb_outputs["security_configuration_name"]
    # No continuous-logging group for a Python-shell job: the output is null, which `terraform output` leaves out.
    assert duckdb_outputs.get("log_group_name") is None


def test_duckdb_engine_arguments_install_the_uploaded_wheels_and_size_duckdb(
    duckdb_job: dict[str, Any], duckdb_outputs: dict[str, Any]
) -> None:
    arguments = duckdb_job["DefaultArguments"]
    bucket = duckdb_outputs["script_bucket"]
    wheels = duckdb_outputs["dependency_wheel_s3_uris"]
    assert [uri.rsplit("/", 1)[1] for uri in wheels] == [wheel.name for wheel in _dependency_wheels()]
    assert all(uri.startswith(f"s3://{bucket}/") for uri in wheels)
    assert arguments["--additional-python-modules"] == ",".join(wheels)
    assert arguments["--python-modules-installer-option"] == "--no-index"
    (library,) = _library_wheels()
    assert arguments["--extra-py-files"] == duckdb_outputs["library_s3_uri"]
    assert (
        duckdb_outputs["library_s3_uri"] == f"s3://{bucket}/glue-jobs/json-to-parquet-duckdb/libraries/{library.name}"
    )
    assert (arguments["--memory_limit"], arguments["--temp_directory"]) == ("640MB", "/tmp/duckdb")
    # The script's own arguments are the Spark job's; Spark-only ones are not sent to a Python-shell job.
    data = f"s3://{duckdb_outputs['data_bucket']}"
    assert arguments["--input_path"] == f"{data}/raw/orders/"
    assert arguments["--output_path"] == f"{data}/curated/orders/"
    assert arguments["--dq_rules"] == duckdb_outputs["data_quality_rules"]
    spark_only = {"--TempDir", "--job-bookmark-option", "--enable-metrics", "--enable-continuous-cloudwatch-log"}
    assert not spark_only & set(arguments)


def test_duckdb_engine_code_and_wheels_are_in_s3_and_only_they_are_readable(
    aws: Any, duckdb_outputs: dict[str, Any]
) -> None:
    s3 = aws("s3")
    local_files = {
        duckdb_outputs["script_s3_uri"]: DUCKDB_SCRIPT,
        duckdb_outputs["library_s3_uri"]: _library_wheels()[0],
        **{uri: PYTHONSHELL_WHEELS / uri.rsplit("/", 1)[1] for uri in duckdb_outputs["dependency_wheel_s3_uris"]},
    }
    for uri, local_file in local_files.items():
        bucket, key = s3_location(uri)
        head = s3.head_object(Bucket=bucket, Key=key)
        assert (head["ServerSideEncryption"], head["SSEKMSKeyId"]) == ("aws:kms", duckdb_outputs["kms_key_arn"])
        assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == local_file.read_bytes(), uri

    iam = aws("iam")
    document = policy_document(
        iam.get_role_policy(RoleName=duckdb_outputs["role_name"], PolicyName=POLICY_NAME)["PolicyDocument"]
    )
    statements = statements_by_sid(document)
    assert set(as_list(statements["ReadJobCode"]["Resource"])) == {
        f"arn:aws:s3:::{'/'.join(s3_location(uri))}" for uri in local_files
    }
    logs = as_list(statements["WriteGlueLogs"]["Resource"])
    assert all(":log-group:/aws-glue/python-jobs/" in arn for arn in logs), logs
    # A Python-shell job has no Spark scratch space: the role writes only the declared data prefixes.
    assert not [
        arn
        for arn in as_list(statements["WriteDeclaredPrefixes"]["Resource"])
        if duckdb_outputs["script_bucket"] in arn
    ]


def test_duckdb_engine_second_plan_shows_no_changes(duckdb_example: tuple[TerraformRoot, dict[str, Any]]) -> None:
    root, _ = duckdb_example
    changes, plan = root.plan_has_changes()
    assert not changes, plan
