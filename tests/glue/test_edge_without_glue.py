"""etl_lib.edge where AWS Glue's library is not installed (etl_lib from pip, the DuckDB engine on a laptop): the
job's arguments resolve as getResolvedOptions resolves them; inside a Glue run, the missing library is an error."""

from __future__ import annotations

import sys

import pytest
from awsglue.utils import getResolvedOptions

from etl_lib.edge import resolve_arguments, resolve_without_glue
from etl_lib.errors import JobArgumentError

OWN = ["input_path", "output_path", "dq_policy"]


@pytest.mark.parametrize(
    "argv",
    [
        ["job.py", "--input_path", "s3://b/in/", "--output_path", "/tmp/out", "--JOB_NAME", "j"],
        ["job.py", "--input_path=s3://b/in/", "--output_path", "-1", "--JOB_NAME", "j", "--dq_policy", "warn"],
        ["job.py", "--input_path", "a", "--input_path", "b", "--output_path", "o", "--JOB_NAME", "j"],
        [
            "job.py",
            "--TempDir",
            "s3://t/",
            "--job-bookmark-option",
            "job-bookmark-disable",
            "--input_path",
            "a",
            "--output_path",
            "o",
            "--JOB_NAME",
            "j",
            "--enable-metrics",
            "",
        ],
    ],
)
def test_resolves_the_job_arguments_as_get_resolved_options_does(argv: list[str]) -> None:
    names = [name for name in [*OWN, "JOB_NAME"] if f"--{name}" in " ".join(argv).replace("=", " ").split()]
    expected = getResolvedOptions(argv, names)
    assert resolve_without_glue(argv, "job", names) == {name: expected[name] for name in names}


def test_a_name_without_a_value_is_refused_naming_it() -> None:
    with pytest.raises(JobArgumentError, match="job: argument --output_path: expected one argument"):
        resolve_without_glue(["job.py", "--input_path", "a", "--output_path"], "job", ["input_path", "output_path"])


def test_resolve_arguments_runs_without_awsglue_and_refuses_to_inside_a_glue_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "awsglue.utils", None)  # `from awsglue.utils import ...` raises ImportError
    argv = ["job.py", "--input_path", "in/", "--output_path", "out/", "--JOB_NAME", "j"]
    assert resolve_arguments(argv, "job", OWN) == {"input_path": "in/", "output_path": "out/", "JOB_NAME": "j"}
    with pytest.raises(JobArgumentError, match=r"job: unknown job argument|--nope"):
        resolve_arguments([*argv, "--nope", "x"], "job", OWN)
    with pytest.raises(JobArgumentError, match=r"AWS Glue's library \(awsglue\) cannot be imported in a Glue job run"):
        resolve_arguments([*argv, "--JOB_RUN_ID", "jr_1"], "job", OWN)
