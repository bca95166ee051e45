"""The Glue edge, shared by every job script: arguments, GlueContext, the job bookmark commit.

The only module of etl_lib that touches awsglue (imported lazily, so the rest of the library and its
tests never need it). A job script calls:

    check_library_version(REQUIRES_ETL_LIB)                                         # first, every job
    args = resolve_arguments(argv, "json_to_parquet", OWN_OPTIONS, required=...)   # Spark and Python-shell jobs
    with start_spark_job("json_to_parquet", args, argv) as run:                    # Spark jobs only
        ... run.spark, run.glue_context ...
    # leaving the block without an exception commits the job bookmark (job.commit()) on Glue

`check_library_version` refuses an etl_lib the script was not written for: each script declares the
release it needs (`REQUIRES_ETL_LIB`), and any installed 1.x.y at or above it will do (a semver caret;
under 0.x the minor must match too). modules/glue_job checks the same rule at plan time when the library
artifact's file name carries its version (`etl_lib-1.0.0.zip`, `etl_lib-1.0.0-py3-none-any.whl`).

`resolve_arguments` refuses an unknown argument (etl_lib.job_args) and asks `getResolvedOptions` for the
job's own names present in argv (it makes every name it is given required).

Glue or local, never guessed. On Glue, GlueContext must start: if it does not, the run fails with the
cause (carrying on with plain Spark would turn bookmarks off and silently reprocess what they skip).
Local mode, asked for explicitly with `--local_mode true` or `ETL_LOCAL_MODE=1` (the local runner, the
tests and the demo ask for it), runs on a plain SparkSession: no GlueContext, no bookmarks, no
job.commit(). A run that carries `--JOB_RUN_ID` (which Glue passes to every job run) refuses local mode.
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, NoReturn

from etl_lib import __version__
from etl_lib.errors import EtlError, JobArgumentError
from etl_lib.job_args import LOCAL_MODE_ENV, LOCAL_MODE_OPTION, check_arguments, local_mode_requested, present_options

log = logging.getLogger("etl_lib.edge")


class GlueRuntimeError(EtlError):
    """GlueContext could not start outside local mode: on Glue a real failure, off Glue a missing request."""


class LibraryVersionError(EtlError):
    """The installed etl_lib is not a release the job script was written for, or a version does not parse."""


_VERSION = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")


def _parse_version(text: str, what: str) -> tuple[int, int, int]:
    match = _VERSION.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise LibraryVersionError(
            f"{what} {text!r} is not an etl_lib version: write MAJOR.MINOR.PATCH, three whole numbers without "
            'leading zeros or suffixes (e.g. "1.0.0").'
        )
    major, minor, patch = (int(part) for part in match.groups())
    return major, minor, patch


def check_library_version(required: str, installed: str = __version__) -> None:
    """Refuse an installed etl_lib that does not satisfy the job script's `REQUIRES_ETL_LIB` (a semver caret).

    `installed` satisfies `required` when the majors are equal and (minor, patch) is at or above the
    required one; under major 0 the minors must be equal too (0.x minors are breaking). modules/glue_job
    applies the same rule at plan time. Raises `LibraryVersionError` naming both versions, also when
    either does not parse as MAJOR.MINOR.PATCH.
    """
    need = _parse_version(required, "REQUIRES_ETL_LIB")
    have = _parse_version(installed, "the installed etl_lib version")
    compatible = have[0] == need[0] and have[1:] >= need[1:] and (need[0] != 0 or have[1] == need[1])
    if not compatible:
        accepted = f"any {need[0]}.x" if need[0] != 0 else f"any 0.{need[1]}.x"
        raise LibraryVersionError(
            f"this job script needs etl_lib {required} (REQUIRES_ETL_LIB; {accepted} at or above it) but etl_lib "
            f"{installed} is installed: deploy the library artifact of the release the script came from "
            f"(etl_lib-{required}.zip for Spark jobs, etl_lib-{required}-py3-none-any.whl for Python-shell jobs)."
        )


def resolve_arguments(
    argv: Sequence[str] | None, job: str, own: Sequence[str], required: Sequence[str] = ()
) -> dict[str, Any]:
    """Refuse unknown arguments, then resolve the job's own (and --JOB_NAME) with getResolvedOptions.

    Raises `JobArgumentError` naming an unknown or missing argument; `required` names must be present.
    """
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
        from awsglue.utils import GlueArgumentError, getResolvedOptions
    except ImportError as exc:  # no AWS Glue library: etl_lib installed with pip, e.g. the DuckDB engine on a laptop
        if _run_id_passed(argv):
            raise JobArgumentError(
                f"{job}: AWS Glue's library (awsglue) cannot be imported in a Glue job run ({exc}): check the job's "
                "Glue version and --additional-python-modules."
            ) from exc
        return resolve_without_glue(argv, job, present_options(argv, names))
    try:
        return dict(getResolvedOptions(argv, present_options(argv, names)))
    except GlueArgumentError as exc:  # e.g. a name given without a value
        raise JobArgumentError(f"{job}: {exc}") from exc


class _ArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # raise, as awsglue's parser does, instead of exiting
        raise JobArgumentError(message)


def resolve_without_glue(argv: Sequence[str], job: str, names: Sequence[str]) -> dict[str, Any]:
    """getResolvedOptions' resolution of the given names (each required, `--name value` or `--name=value`, the last
    one wins, other arguments left alone), for where AWS Glue's library is not installed. Glue's own reserved
    arguments (bookmarks, run ids) mean nothing outside a Glue run and are not resolved."""
    parser = _ArgumentParser(prog=job, add_help=False)
    for name in names:
        parser.add_argument(f"--{name}", required=True)
    try:
        parsed, _ = parser.parse_known_args(list(argv)[1:])
    except JobArgumentError as exc:
        raise JobArgumentError(f"{job}: {exc}") from exc
    return dict(vars(parsed))


@dataclass
class SparkRun:
    """What a Spark job body needs: the session, and on Glue the GlueContext (None in local mode)."""

    spark: Any
    glue_context: Any
    job: Any
    local: bool


def _run_id_passed(argv: Sequence[str]) -> bool:
    """Whether argv carries `--JOB_RUN_ID`, which Glue passes to every job run."""
    flag = "--JOB_RUN_ID"
    return any(item == flag or item.startswith(flag + "=") for item in argv)


def _glue_run(args: dict[str, Any], argv: Sequence[str]) -> bool:
    return bool(args.get("JOB_RUN_ID")) or _run_id_passed(argv)


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
