"""UserParameters: the documented schema is accepted as written, and every rule refuses with the field named."""

from __future__ import annotations

import json
from typing import Any

import pytest

from glue_deployer.deployer.parameters import (
    EXAMPLE,
    MAX_USER_PARAMETERS_CHARS,
    DeployParameters,
    ParameterError,
    parse_user_parameters,
)

FULL = {
    "job_name": "orders-json-to-parquet",
    "script_path": "src/glue/jobs/json_to_parquet.py",
    "library_dir": "src/glue/etl_lib",
    "default_arguments": {"--dq_policy": "quarantine", "--extra-py-files": "s3://wheels/pydantic.whl"},
    "script_bucket": "orders-glue-assets",
    "script_prefix": "deploy/orders/",
    "wait_for_run": False,
    "input_artifact": "SourceArtifact",
    "use_artifact_credentials": True,
}


def test_the_full_schema_parses_into_typed_parameters_and_keys() -> None:
    params = parse_user_parameters(json.dumps(FULL))
    assert params == DeployParameters(
        job_name="orders-json-to-parquet",
        script_path="src/glue/jobs/json_to_parquet.py",
        script_bucket="orders-glue-assets",
        script_prefix="deploy/orders/",
        library_dir="src/glue/etl_lib",
        default_arguments={"--dq_policy": "quarantine", "--extra-py-files": "s3://wheels/pydantic.whl"},
        wait_for_run=False,
        input_artifact="SourceArtifact",
        use_artifact_credentials=True,
    )
    assert params.script_uri("abc123") == "s3://orders-glue-assets/deploy/orders/abc123/json_to_parquet.py"
    assert params.library_uri("abc123") == "s3://orders-glue-assets/deploy/orders/abc123/etl_lib.zip"
    assert len(json.dumps(FULL)) < MAX_USER_PARAMETERS_CHARS


def test_the_readme_example_parses_with_the_defaults() -> None:
    params = parse_user_parameters(EXAMPLE)
    assert (params.wait_for_run, params.use_artifact_credentials, params.input_artifact) == (True, False, None)
    assert params.default_arguments == {}
    minimal = {key: FULL[key] for key in ("job_name", "script_path", "script_bucket", "script_prefix")}
    params = parse_user_parameters(json.dumps(minimal))
    assert (params.library_dir, params.library_uri("c")) == (None, None)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, "UserParameters is missing or empty"),
        ("  ", "UserParameters is missing or empty"),
        (
            "{job_name: x}",
            "UserParameters is not JSON (Expecting property name enclosed in double quotes at position 1",
        ),
        ('["a"]', "UserParameters must be a JSON object, not a list"),
    ],
)
def test_missing_or_malformed_text_is_refused_with_the_fix(raw: str | None, expected: str) -> None:
    with pytest.raises(ParameterError) as raised:
        parse_user_parameters(raw)
    assert str(raised.value).startswith(expected)
    assert "Fix: set the action's UserParameters to a JSON object such as {" in str(raised.value)
    assert raised.value.failure_type == "ConfigurationError"


def bad(**changes: Any) -> str:
    values = dict(FULL)
    for key, value in changes.items():
        if value is KeyError:
            values.pop(key)
        else:
            values[key] = value
    return json.dumps(values)


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        (bad(job_name=KeyError), "job_name is required"),
        (bad(script_bucket=KeyError, script_prefix=KeyError), "script_bucket is required"),
        (bad(job_name="has space"), "job_name must be a Glue job name"),
        (bad(script_path="/abs/job.py"), "script_path must be the script's path inside the artifact"),
        (bad(script_path="src/../job.py"), "script_path must be"),
        (bad(script_path="src/glue/jobs/job.scala"), "ending in .py"),
        (bad(library_dir="src/glue/etl_lib/"), "library_dir must be a folder inside the artifact"),
        (bad(library_dir="src/glue/etl-lib"), "library_dir must end in a folder whose name is a Python package name"),
        (bad(script_bucket="Bad_Bucket"), "script_bucket must be an S3 bucket name"),
        (bad(script_prefix="deploy/orders"), "script_prefix must be an S3 key prefix"),
        (bad(script_prefix="/deploy/"), "script_prefix must be"),
        (bad(wait_for_run="yes"), "wait_for_run must be true or false (a JSON boolean); got 'yes'"),
        (bad(use_artifact_credentials=1), "use_artifact_credentials must be true or false"),
        (bad(default_arguments=["--a"]), 'default_arguments must be a JSON object of "--name": "value" strings'),
        (bad(default_arguments={"dq_policy": "x"}), "default_arguments key 'dq_policy' must be a Glue argument name"),
        (bad(default_arguments={"--workers": 5}), "default_arguments['--workers'] must be a string"),
        (bad(default_arguments={"--codepipeline_job_id": "x"}), "must not set --codepipeline_job_id"),
        (bad(input_artifact="Source Artifact"), "input_artifact must be an artifact name"),
        (bad(wait_for_runs=True), "unknown keys ['wait_for_runs'] (allowed: job_name, script_path"),
    ],
)
def test_each_rule_names_its_field(raw: str, problem: str) -> None:
    with pytest.raises(ParameterError) as raised:
        parse_user_parameters(raw)
    assert str(raised.value).startswith("UserParameters is invalid: ")
    assert problem in str(raised.value)


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(ParameterError) as raised:
        parse_user_parameters(json.dumps({"job_name": "", "wait_for_run": "no", "extra": 1}))
    message = str(raised.value)
    for problem in (
        "unknown keys ['extra']",
        "job_name must be a Glue job name",
        "script_path is required",
        "script_bucket is required",
        "script_prefix is required",
        "wait_for_run must be true or false",
    ):
        assert problem in message
