"""The shared Glue edge (etl_lib.edge, etl_lib.job_args): unknown arguments refused with the closest known
name, Glue's own job parameters accepted, and no plain-Spark run unless local mode is asked for."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from glue_helpers import records, write_lines

from etl_lib.config import JSON_TO_PARQUET_OPTIONS
from etl_lib.duckdb_engine.pipeline import DUCKDB_OPTIONS
from etl_lib.edge import GlueRuntimeError, resolve_arguments
from etl_lib.errors import JobArgumentError
from etl_lib.job_args import (
    GLUE_DOCUMENTED_PARAMETERS,
    GLUE_PARAMETERS,
    LOCAL_MODE_ENV,
    argument_names,
    check_arguments,
    local_mode_requested,
)
from etl_lib.manifests import MANIFEST_COMPARISON_OPTIONS
from etl_lib.streaming import KINESIS_TO_PARQUET_OPTIONS
from glue_deployer.deployer.parameters import PIPELINE_JOB_ID_ARGUMENT
from jobs import hello_shell
from platform_tools import REPO_ROOT

OWN = {
    "json_to_parquet": set(JSON_TO_PARQUET_OPTIONS),
    "json_to_parquet_duckdb": {*JSON_TO_PARQUET_OPTIONS, *DUCKDB_OPTIONS},
    "manifest_comparison": {*MANIFEST_COMPARISON_OPTIONS, "JOB_NAME"},
    "hello_shell": {"message", "JOB_NAME"},
    "kinesis_to_parquet": {*KINESIS_TO_PARQUET_OPTIONS, "JOB_NAME"},
}


def test_argument_names_reads_both_spellings_and_valueless_flags() -> None:
    argv = ["job.py", "--input_path", "in", "--dq_policy=warn", "--enable-metrics", "--TempDir", "s3://b/t/"]
    assert argument_names(argv) == ["input_path", "dq_policy", "enable-metrics", "TempDir"]
    assert argument_names(["job.py", "--conf", "spark.a=1 --conf spark.b=2"]) == ["conf"]


def test_pip_options_as_a_value_are_not_taken_for_arguments() -> None:
    """modules/glue_job passes dependency wheels with `--python-modules-installer-option --no-index`, and Glue
    passes every job argument to the script: the DuckDB job must accept its own configuration."""
    argv = ["job.py", "--python-modules-installer-option", "--no-index", "--memory_limit", "640MB"]
    assert argument_names(argv) == ["python-modules-installer-option", "memory_limit"]
    check_arguments(argv, "json_to_parquet_duckdb", OWN["json_to_parquet_duckdb"])
    with pytest.raises(JobArgumentError, match=r"unexpected job argument 'stray'.*'--name value' pairs"):
        argument_names(["job.py", "--input_path", "in", "stray"])


@pytest.mark.parametrize(
    ("job", "typo", "closest"),
    [
        ("json_to_parquet", "dq_polcy", "dq_policy"),
        ("json_to_parquet", "input-path", "input_path"),
        ("json_to_parquet", "max_quarantine_ration", "max_quarantine_ratio"),
        ("json_to_parquet", "tempdir", "TempDir"),
        ("json_to_parquet", "enable-metric", "enable-metrics"),
        ("manifest_comparison", "import_typ", "import_type"),
        ("hello_shell", "mesage", "message"),
    ],
)
def test_a_misspelt_argument_is_refused_with_its_closest_name(job: str, typo: str, closest: str) -> None:
    with pytest.raises(JobArgumentError, match=rf"{job}: unknown job argument --{typo}; did you mean --{closest}\?"):
        check_arguments(["job.py", f"--{typo}", "x"], job, OWN[job])


def test_an_argument_like_nothing_known_lists_the_jobs_arguments() -> None:
    with pytest.raises(
        JobArgumentError, match=r"unknown job argument --zzz; the job's arguments are --JOB_NAME, --message"
    ):
        check_arguments(["job.py", "--zzz", "1"], "hello_shell", OWN["hello_shell"])


def test_an_own_argument_given_twice_is_refused() -> None:
    with pytest.raises(JobArgumentError, match=r"--dq_policy is given twice"):
        check_arguments(
            ["job.py", "--dq_policy", "warn", "--dq_policy=fail"], "json_to_parquet", OWN["json_to_parquet"]
        )


@pytest.mark.parametrize("job", sorted(OWN))
def test_every_glue_job_parameter_is_accepted(job: str) -> None:
    argv = ["job.py"]
    for name in sorted(GLUE_PARAMETERS):
        argv += [f"--{name}", "x"]
    check_arguments(argv, job, OWN[job])
    # The reference's own examples: a bookmark option, an empty-valued flag, Spark settings in --conf.
    check_arguments(
        ["job.py", "--job-bookmark-option", "job-bookmark-enable", "--enable-metrics", "", "--conf", "a=b --conf c=d"],
        job,
        OWN[job],
    )


def test_the_list_holds_the_reference_parameters_glue_job_relies_on() -> None:
    for name in ("JOB_NAME", "TempDir", "job-bookmark-option", "enable-metrics", "extra-py-files", "JOB_RUN_ID"):
        assert name in GLUE_PARAMETERS
    assert len(GLUE_DOCUMENTED_PARAMETERS) == len(set(GLUE_DOCUMENTED_PARAMETERS))


def _argument_keys(path: Path) -> set[str]:
    """Argument names as keys (`"--name" = value` in HCL, `"--name": value` in Python), not pip options as values."""
    return set(re.findall(r'"--([A-Za-z][A-Za-z0-9_.-]*)"\s*[=:]', path.read_text(encoding="utf-8")))


def test_every_argument_the_modules_and_envs_pass_is_accepted() -> None:
    """modules/glue_job's default arguments, the job arguments the stacks pass, and the launcher's run arguments:
    each is one of the job's own or one of Glue's, so no deployed job refuses its own configuration."""
    accepted = GLUE_PARAMETERS | set().union(*OWN.values())
    sources = [REPO_ROOT / "modules" / "glue_job" / "main.tf", REPO_ROOT / "modules" / "batch_launcher" / "glue.tf"]
    sources += [path for folder in ("envs", "stacks") for path in sorted((REPO_ROOT / folder).rglob("*.tf"))]
    sources += [REPO_ROOT / "src" / "lambdas" / "batch_launcher" / "launcher" / "core.py"]
    sources += [REPO_ROOT / "modules" / "kinesis_glue" / "main.tf"]
    found: dict[str, set[str]] = {}
    # The CodePipeline deployer tags every run it starts with the pipeline job id.
    deployer_argument = PIPELINE_JOB_ID_ARGUMENT.removeprefix("--")
    if deployer_argument not in accepted:
        found[deployer_argument] = {"src/lambdas/glue_deployer/deployer/parameters.py"}
    for path in sources:
        if path.exists():
            for key in _argument_keys(path):
                found.setdefault(key, set()).add(str(path.relative_to(REPO_ROOT)))
    assert {"TempDir", "job-bookmark-option", "extra-py-files", "mapping", "message", "import_type"} <= set(found)
    unknown = {key: files for key, files in found.items() if key not in accepted}
    assert unknown == {}


def test_local_mode_is_asked_for_by_argument_or_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(LOCAL_MODE_ENV, raising=False)
    assert local_mode_requested({}) is False
    assert local_mode_requested({"local_mode": "true"}) is True
    assert local_mode_requested({"local_mode": "false"}) is False
    monkeypatch.setenv(LOCAL_MODE_ENV, "1")
    assert local_mode_requested({}) is True
    monkeypatch.setenv(LOCAL_MODE_ENV, "maybe")
    with pytest.raises(JobArgumentError, match=r"ETL_LOCAL_MODE must be true or false \(1 or 0\), not 'maybe'"):
        local_mode_requested({})


def test_resolve_arguments_names_what_is_missing() -> None:
    with pytest.raises(JobArgumentError, match=r"hello_shell: missing required job argument --message"):
        hello_shell.main(["hello_shell.py", "--JOB_NAME", "hello"])
    resolved = resolve_arguments(["job.py", "--message", "hi", "--JOB_RUN_ID", "jr_1"], "hello_shell", ["message"])
    assert resolved["message"] == "hi"


@pytest.mark.spark
def test_the_edge_refuses_plain_spark_unless_local_mode_is_asked_for(
    spark: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the Glue runtime GlueContext cannot start: the run fails (naming how to ask for local mode)
    instead of carrying on without bookmarks; asked for, the same arguments run on plain Spark."""
    from jobs import json_to_parquet

    monkeypatch.delenv(LOCAL_MODE_ENV, raising=False)
    write_lines(tmp_path / "in", records([{"id": 1}]))
    argv = ["json_to_parquet.py", "--input_path", str(tmp_path / "in"), "--output_path", str(tmp_path / "out")]
    argv += [
        "--quarantine_path",
        str(tmp_path / "q"),
        "--mapping",
        json.dumps([{"source": "id", "target": "id", "type": "int"}]),
    ]
    with pytest.raises(GlueRuntimeError, match=r"GlueContext could not start .*--local_mode true or ETL_LOCAL_MODE=1"):
        json_to_parquet.main(argv)
    assert not (tmp_path / "out").exists()

    # Local mode inside a Glue job run (Glue passes --JOB_RUN_ID) is refused too.
    with pytest.raises(JobArgumentError, match=r"local mode .* was asked for in a Glue job run"):
        json_to_parquet.main([*argv, "--local_mode", "true", "--JOB_RUN_ID", "jr_123"])

    monkeypatch.setenv(LOCAL_MODE_ENV, "1")
    result = json_to_parquet.main([*argv, "--JOB_NAME", "orders", "--TempDir", "s3://b/t/", "--enable-metrics", ""])
    assert (result.rows_written, result.report["job"]) == (1, "orders")


@pytest.mark.spark
def test_a_typo_in_a_job_run_fails_before_anything_is_read(spark: Any, tmp_path: Path) -> None:
    from jobs import json_to_parquet, manifest_comparison

    argv = ["json_to_parquet.py", "--input_path", str(tmp_path / "missing"), "--output_path", str(tmp_path / "o")]
    argv += [
        "--quarantine_path",
        str(tmp_path / "q"),
        "--mapping",
        "[]",
        "--dq_polcy",
        "quarantine",
        "--local_mode",
        "true",
    ]
    with pytest.raises(JobArgumentError, match=r"unknown job argument --dq_polcy; did you mean --dq_policy\?"):
        json_to_parquet.main(argv)
    with pytest.raises(JobArgumentError, match=r"unknown job argument --cut_off_time_strat; did you mean"):
        manifest_comparison.main(["manifest_comparison.py", "--cut_off_time_strat", "1"])
    assert not (tmp_path / "o").exists()
