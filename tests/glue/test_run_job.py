"""platform_tools.run_job: argument handling, the S3 refusal, and a Spark job run in-process."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from glue_helpers import read_parquet, records, write_lines

from platform_tools import REPO_ROOT, ToolingError
from platform_tools.run_job import check_local_only, main, parse_args, run, spark_submit_args

JOB = str(REPO_ROOT / "src" / "glue" / "jobs" / "json_to_parquet.py")


def test_runner_options_come_before_the_script() -> None:
    options, job_args = parse_args(["--master", "local[1]", "--conf", "a=b", JOB, "--master", "job's own", "--x", "1"])
    assert (options.master, options.conf, options.script) == ("local[1]", ["a=b"], JOB)
    assert job_args == ["--master", "job's own", "--x", "1"]
    submit = spark_submit_args(options)
    assert submit.startswith("--master 'local[1]' --driver-memory 4g")
    assert "--conf spark.ui.enabled=false" in submit and "--conf a=b" in submit
    assert submit.endswith("pyspark-shell")
    with pytest.raises(ToolingError, match="is not KEY=VALUE"):
        spark_submit_args(parse_args(["--conf", "novalue", JOB])[0])


@pytest.mark.parametrize("value", ["s3://bucket/in", "s3a://bucket/in", "--input_path=s3n://b/k"])
def test_s3_locations_are_refused_with_the_reason(value: str) -> None:
    with pytest.raises(ToolingError, match=r"no S3 connector .*hadoop-aws"):
        check_local_only(["--input_path", value] if not value.startswith("--") else [value])
    check_local_only(["--input_path", "./data/s3-copy"])


def test_missing_script(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["src/glue/jobs/nope.py"]) == 2
    assert "job script src/glue/jobs/nope.py not found" in capsys.readouterr().err


@pytest.mark.spark
def test_runs_a_spark_job_in_process(spark: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_lines(tmp_path / "in", records([{"id": 1, "v": "2.5"}, {"id": 2, "v": "x"}]))
    mapping = json.dumps(
        [{"source": "id", "target": "id", "type": "int"}, {"source": "v", "target": "v", "type": "double"}]
    )
    common = ["--input_path", str(tmp_path / "in"), "--output_path", str(tmp_path / "out")]
    common += ["--quarantine_path", str(tmp_path / "q"), "--mapping", mapping]
    argv, path, env = list(sys.argv), list(sys.path), os.environ.get("PYSPARK_SUBMIT_ARGS")

    assert run([JOB, *common, "--dq_rules", 'Rules = [ IsComplete "v" ]', "--dq_policy", "quarantine"]) == 0
    assert read_parquet(spark, tmp_path / "out") == [{"id": 1, "v": 2.5}]
    assert (sys.argv, sys.path, os.environ.get("PYSPARK_SUBMIT_ARGS")) == (argv, path, env)
    assert spark.sparkContext._jsc is not None  # the suite's session was not stopped

    assert run([JOB, *common, "--dq_rules", 'Rules = [ RowCountMatch "reference" = 1.0 ]']) == 2
    assert capsys.readouterr().err.startswith(
        "error: DQDL line 1, column 11: rule type 'RowCountMatch' is not supported"
    )
    assert run([JOB, *common, "--dq_polcy", "warn"]) == 2
    assert "unknown job argument --dq_polcy; did you mean --dq_policy?" in capsys.readouterr().err
