"""One local SparkSession for the whole Glue suite (2 cores, 2 shuffle partitions, UI off, UTC).

Tuned for many tiny queries rather than throughput: the JIT stops at C1 and whole-stage code
generation is off, which halves the JVM's CPU time for this suite (the job's own settings are Spark's
defaults; results do not depend on either setting).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from glue_helpers import RunJob

# Timestamps come back from Spark as naive local datetimes: make "local" UTC before the JVM starts.
os.environ["TZ"] = "UTC"
time.tzset()


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("glue-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.extraJavaOptions", "-Duser.timezone=UTC -XX:TieredStopAtLevel=1")
        .config("spark.sql.codegen.wholeStage", "false")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture
def job_paths(tmp_path: Path) -> dict[str, Path]:
    return {
        "input": tmp_path / "in",
        "output": tmp_path / "lake" / "out",
        "quarantine": tmp_path / "lake" / "quarantine",
        "report": tmp_path / "reports",
    }


@pytest.fixture
def run_job(spark: Any, job_paths: dict[str, Path]) -> RunJob:
    """`run_job(mapping, rules=None, policy="quarantine", *extra)` runs json_to_parquet's main() on job_paths,
    in local mode (plain Spark, as the local runner asks for)."""
    from jobs import json_to_parquet

    def run(mapping: Any, rules: str | None = None, policy: str = "quarantine", *extra: str) -> Any:
        argv = [
            "json_to_parquet.py",
            "--input_path",
            str(job_paths["input"]),
            "--output_path",
            str(job_paths["output"]),
            "--quarantine_path",
            str(job_paths["quarantine"]),
            "--report_path",
            str(job_paths["report"]),
            "--mapping",
            mapping if isinstance(mapping, str) else json.dumps(mapping),
            "--dq_policy",
            policy,
            "--local_mode",
            "true",
        ]
        if rules is not None:
            argv += ["--dq_rules", rules]
        return json_to_parquet.main([*argv, *extra])

    return run
