"""Run a Glue job script on local Spark with Glue-style arguments.

    python -m platform_tools.run_job [runner options] SCRIPT [--name value ...]
    make run-job JOB=src/glue/jobs/json_to_parquet.py ARGS="--input_path ./data/in --output_path ./out ..."

The script runs in this process as `__main__` with `sys.argv = [SCRIPT, --name, value, ...]`, exactly
as Glue invokes it. `src/glue` is put on `sys.path` so `import etl_lib` finds the library source;
`--extra-py-files a.zip,b.py` puts those first instead (e.g. `build/glue/etl_lib.zip`, to run the
packaged library as Glue would). Spark is configured through `PYSPARK_SUBMIT_ARGS` before the script
creates its session: `local[2]`, UI off, UTC session time zone, few shuffle partitions. The runner
asks the job for local mode (`ETL_LOCAL_MODE=1`, see etl_lib.edge): GlueContext does not exist here, so
the job runs on a plain SparkSession without job bookmarks or `job.commit()`; without that request the
job's Glue edge refuses to start, as it must on Glue. Python-shell scripts that never touch Spark start
no JVM.

Local paths only. Reading or writing S3 from local Spark needs the `hadoop-aws` connector and the
AWS SDK bundle jars, which pyspark does not ship and which cannot be fetched offline (they come from
Maven Central, not a package registry this project can reach), so an argument that is an `s3://`,
`s3a://` or `s3n://` URI is refused with that explanation rather than failing halfway. Copy objects
from the emulator first (`aws --endpoint-url "$AWS_ENDPOINT_URL" s3 cp --recursive s3://bucket/prefix
./data/in`) and pass the local path.

Runner options (before SCRIPT): --master (default local[2]), --driver-memory (default 4g),
--shuffle-partitions (default 4), --conf key=value (repeatable), --extra-py-files.
An error raised by the job whose class sets `user_facing = True` (etl_lib's errors) is printed as
one line, `error: <message>`, with exit status 2; any other exception propagates with its traceback.
"""

from __future__ import annotations

import argparse
import os
import runpy
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from platform_tools import REPO_ROOT, ToolingError

GLUE_SRC = REPO_ROOT / "src" / "glue"
# The job's Glue edge runs on plain Spark only when asked to (src/glue/etl_lib/edge.py).
LOCAL_MODE_ENV = "ETL_LOCAL_MODE"
S3_SCHEMES = ("s3://", "s3a://", "s3n://")


def parse_args(argv: Sequence[str]) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(
        prog="python -m platform_tools.run_job",
        description="Run a Glue job script on local Spark with Glue-style --name value arguments.",
    )
    parser.add_argument("--master", default="local[2]", help="Spark master (default local[2])")
    parser.add_argument("--driver-memory", default="4g", help="driver JVM heap (default 4g)")
    parser.add_argument("--shuffle-partitions", type=int, default=4, help="spark.sql.shuffle.partitions (default 4)")
    parser.add_argument("--conf", action="append", default=[], metavar="KEY=VALUE", help="extra Spark setting")
    parser.add_argument("--extra-py-files", default="", help="comma-separated .zip/.py files to import first")
    parser.add_argument("script", help="the job script, e.g. src/glue/jobs/json_to_parquet.py")
    parser.add_argument("job_args", nargs=argparse.REMAINDER, help="the job's --name value arguments")
    options = parser.parse_args(argv)
    return options, list(options.job_args)


def check_local_only(job_args: Sequence[str]) -> None:
    """Refuse S3 URIs: local Spark here has no S3 connector (see the module docstring)."""
    for token in job_args:
        value = token.split("=", 1)[1] if token.startswith("--") and "=" in token else token
        if value.startswith(S3_SCHEMES):
            raise ToolingError(
                f"{value} is an S3 location, but local Spark has no S3 connector (the hadoop-aws and AWS SDK "
                "jars are not in pyspark and cannot be fetched offline); copy the data to a local folder "
                "(aws --endpoint-url $AWS_ENDPOINT_URL s3 cp --recursive ...) and pass that path."
            )


def spark_submit_args(options: argparse.Namespace) -> str:
    settings = {
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.shuffle.partitions": str(options.shuffle_partitions),
        "spark.driver.extraJavaOptions": "-Duser.timezone=UTC",
    }
    for item in options.conf:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ToolingError(f"--conf {item!r} is not KEY=VALUE; write e.g. --conf spark.sql.ansi.enabled=true.")
        settings[key] = value
    parts = ["--master", options.master, "--driver-memory", options.driver_memory]
    for key, value in settings.items():
        parts += ["--conf", f"{key}={value}"]
    return shlex.join([*parts, "pyspark-shell"])


def run(argv: Sequence[str]) -> int:
    options, job_args = parse_args(argv)
    script = Path(options.script).resolve()
    if not script.is_file():
        raise ToolingError(f"job script {options.script} not found; give a path such as src/glue/jobs/hello_shell.py.")
    check_local_only(job_args)
    extra = [Path(item).resolve() for item in options.extra_py_files.split(",") if item.strip()]
    for path in extra:
        if not path.exists():
            raise ToolingError(f"--extra-py-files: {path} not found (run `make build` for build/glue/etl_lib.zip).")
    saved_env = {key: os.environ.get(key) for key in ("PYSPARK_SUBMIT_ARGS", "PYSPARK_PYTHON", LOCAL_MODE_ENV)}
    saved_path, saved_argv = list(sys.path), sys.argv
    os.environ["PYSPARK_SUBMIT_ARGS"] = spark_submit_args(options)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ[LOCAL_MODE_ENV] = "1"
    sys.path[:0] = [str(path) for path in extra] + [str(script.parent)] + ([] if extra else [str(GLUE_SRC)])
    sys.argv = [str(script), *job_args]
    had_session = _active_session() is not None
    try:
        runpy.run_path(str(script), run_name="__main__")
    except Exception as exc:
        if getattr(exc, "user_facing", False):
            print(f"error: {exc}", file=sys.stderr)
            return 2
        raise
    finally:
        sys.argv, sys.path[:] = saved_argv, saved_path
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        session = _active_session()
        if session is not None and not had_session:
            session.stop()  # the script started it: stop it so the JVM exits with us
    return 0


def _active_session() -> Any:
    """The active SparkSession, without importing pyspark when the script never did (Python-shell jobs)."""
    module = sys.modules.get("pyspark.sql")
    return None if module is None else module.SparkSession.getActiveSession()


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return run(sys.argv[1:] if argv is None else argv)
    except ToolingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
