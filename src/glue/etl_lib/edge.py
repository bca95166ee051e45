"""The Glue edge, shared by every job script: arguments, GlueContext, the job bookmark commit.

The only module of etl_lib that touches awsglue (imported lazily, so the rest of the library and its
tests never need it). A job script calls:

    args = resolve_arguments(argv, "json_to_parquet", OWN_OPTIONS, required=...)   # Spark and Python-shell jobs
    with start_spark_job("json_to_parquet", args, argv) as run:                    # Spark jobs only
        ... run.spark, run.glue_context ...
    # leaving the block without an exception commits the job bookmark (job.commit()) on Glue

`resolve_arguments` refuses an unknown argument (etl_lib.job_args) and asks `getResolvedOptions` for the
job's own names present in argv (it makes every name it is given required).

Glue or local, never guessed. On Glue, GlueContext must start: if it does not, the run fails with the
cause (carrying on with plain Spark would turn bookmarks off and silently reprocess what they skip).
Local mode, asked for explicitly with `--local_mode true` or `ETL_LOCAL_MODE=1` (the local runner, the
tests and the demo ask for it), runs on a plain SparkSession: no GlueContext, no bookmarks, no
job.commit(). A run that carries `--JOB_RUN_ID` (which Glue passes to every job run) refuses local mode.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from etl_lib.errors import EtlError, JobArgumentError
from etl_lib.job_args import LOCAL_MODE_ENV, LOCAL_MODE_OPTION, check_arguments, local_mode_requested, present_options

log = logging.getLogger("etl_lib.edge")


class GlueRuntimeError(EtlError):
    """GlueContext could not start outside local mode: on Glue a real failure, off Glue a missing request."""


def resolve_arguments(
    argv: Sequence[str] | None, job: str, own: Sequence[str], required: Sequence[str] = ()
) -> dict[str, Any]:
    """Refuse unknown arguments, then resolve the job's own (and --JOB_NAME) with getResolvedOptions.

    Raises `JobArgumentError` naming an unknown or missing argument; `required` names must be present.
    """
    from awsglue.utils import GlueArgumentError, getResolvedOptions

    argv = list(sys.argv if argv is None else argv)
    names = list(dict.fromkeys([*own, "JOB_NAME", LOCAL_MODE_OPTION]))  # getResolvedOptions refuses a name twice
    check_arguments(argv, job, [*own, "JOB_NAME"])
    missing = [name for name in required if name not in present_options(argv, [name])]
    if missing:
        raise JobArgumentError(
            f"{job}: missing required job argument{'s' if len(missing) > 1 else ''} "
            + ", ".join(f"--{name}" for name in missing)
            + f"; pass {'them' if len(missing) > 1 else 'it'} as '--name value'."
        )
    try:
        return dict(getResolvedOptions(argv, present_options(argv, names)))
    except GlueArgumentError as exc:  # e.g. a name given without a value
        raise JobArgumentError(f"{job}: {exc}") from exc


@dataclass
class SparkRun:
    """What a Spark job body needs: the session, and on Glue the GlueContext (None in local mode)."""

    spark: Any
    glue_context: Any
    job: Any
    local: bool


def _glue_run(args: dict[str, Any], argv: Sequence[str]) -> bool:
    flag = "--JOB_RUN_ID"
    return bool(args.get("JOB_RUN_ID")) or any(item == flag or item.startswith(flag + "=") for item in argv)


@contextmanager
def start_spark_job(job: str, args: dict[str, Any], argv: Sequence[str] | None = None) -> Iterator[SparkRun]:
    """Start the run (GlueContext and Job on Glue, plain Spark in local mode); commit the bookmark on success."""
    argv = list(sys.argv if argv is None else argv)
    if local_mode_requested(args):
        if _glue_run(args, argv):
            raise JobArgumentError(
                f"{job}: local mode (--{LOCAL_MODE_OPTION} or {LOCAL_MODE_ENV}) was asked for in a Glue job run "
                "(--JOB_RUN_ID is set); remove it, so the run uses GlueContext and its job bookmarks."
            )
        from pyspark.sql import SparkSession

        log.info("local mode: plain Spark; no GlueContext, job bookmarks or job.commit().")
        yield SparkRun(SparkSession.builder.getOrCreate(), None, None, True)
        return

    from pyspark.context import SparkContext

    try:
        from awsglue.context import GlueContext
        from awsglue.job import Job

        glue_context = GlueContext(SparkContext.getOrCreate())
        glue_job = Job(glue_context)
        glue_job.init(args.get("JOB_NAME") or job, args)
    except Exception as exc:
        detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
        raise GlueRuntimeError(
            f"{job}: GlueContext could not start ({type(exc).__name__}: {detail}). On AWS Glue this fails the run "
            "rather than carry on without job bookmarks. To run on local Spark, ask for local mode: "
            f"--{LOCAL_MODE_OPTION} true or {LOCAL_MODE_ENV}=1 (the local runner sets it)."
        ) from exc
    yield SparkRun(glue_context.spark_session, glue_context, glue_job, False)
    glue_job.commit()
