"""One local SparkSession for the whole Glue suite (2 cores, 2 shuffle partitions, UI off, UTC).

Tuned for many tiny queries rather than throughput: the JIT stops at C1 and whole-stage code
generation is off, which halves the JVM's CPU time for this suite (the job's own settings are Spark's
defaults; results do not depend on either setting).

json_to_parquet runs on two engines, Spark (jobs/json_to_parquet.py) and DuckDB (jobs/json_to_parquet_duckdb.py).
A test that asks for the `engine` fixture (test_conformance_*.py: `pytestmark = pytest.mark.usefixtures("engine")`)
runs once on each, and `run_job`/`job_main` then run that engine; other tests get Spark. The DuckDB cases start no
JVM: the Spark session is requested only for the Spark parameter (marked `spark`, so `-m "not spark"` runs DuckDB
alone).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from glue_helpers import JobMain, RunJob, paths_under

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


# The json_to_parquet engines: every conformance test runs on each. The Spark parameter carries the `spark` marker;
# the DuckDB one starts no JVM (the Spark session is requested only for the Spark parameter).
ENGINES = [pytest.param("spark", marks=pytest.mark.spark), "duckdb"]


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture
def job_paths(tmp_path: Path) -> dict[str, Path]:
    return paths_under(tmp_path)


def engine_main(request: pytest.FixtureRequest, engine: str, temp: Path) -> JobMain:
    """`main(args)` of json_to_parquet on `engine`, args without the script name. Spark runs in local mode on the
    suite's session; DuckDB gets a temp directory of its own (`temp`). The job module is imported here, so an
    engine whose script is missing fails the test that asks for it."""
    if engine == "spark":
        request.getfixturevalue("spark")
        from jobs import json_to_parquet

        return lambda args: json_to_parquet.main(["json_to_parquet.py", *args, "--local_mode", "true"])
    if engine == "duckdb":
        from jobs import json_to_parquet_duckdb

        def run(args: list[str]) -> Any:
            return json_to_parquet_duckdb.main(["json_to_parquet_duckdb.py", *args, "--temp_directory", str(temp)])

        return run
    raise ValueError(f"unknown engine {engine!r}")


def job_argv(
    paths: dict[str, Path], mapping: Any, rules: str | None = None, policy: str = "quarantine", *extra: str
) -> list[str]:
    argv = [
        "--input_path",
        str(paths["input"]),
        "--output_path",
        str(paths["output"]),
        "--quarantine_path",
        str(paths["quarantine"]),
        "--report_path",
        str(paths["report"]),
        "--mapping",
        mapping if isinstance(mapping, str) else json.dumps(mapping),
        "--dq_policy",
        policy,
    ]
    if rules is not None:
        argv += ["--dq_rules", rules]
    return [*argv, *extra]


@pytest.fixture
def job_main(request: pytest.FixtureRequest, tmp_path: Path) -> JobMain:
    """main(args) of the engine under test: the `engine` parameter if the test asks for it, else Spark."""
    name = request.getfixturevalue("engine") if "engine" in request.fixturenames else "spark"
    return engine_main(request, name, tmp_path / f"{name}-temp")


@pytest.fixture
def run_job(job_main: JobMain, job_paths: dict[str, Path]) -> RunJob:
    """`run_job(mapping, rules=None, policy="quarantine", *extra)` runs json_to_parquet's main() on job_paths: on
    the `engine` parameter if the test asks for it, else on Spark in local mode (as the local runner asks)."""

    def run(mapping: Any, rules: str | None = None, policy: str = "quarantine", *extra: str) -> Any:
        return job_main(job_argv(job_paths, mapping, rules, policy, *extra))

    return run


@pytest.fixture
def run_job_on(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[str, dict[str, Path]], RunJob]:
    """`run_job_on(engine, paths)` is `run_job` on a given engine and paths: several engines in one test."""

    def runner(engine: str, paths: dict[str, Path]) -> RunJob:
        main = engine_main(request, engine, tmp_path / f"{engine}-temp")

        def run(mapping: Any, rules: str | None = None, policy: str = "quarantine", *extra: str) -> Any:
            return main(job_argv(paths, mapping, rules, policy, *extra))

        return run

    return runner
