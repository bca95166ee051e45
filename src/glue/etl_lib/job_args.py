"""Which `--name` arguments a job accepts, and the refusal of every other one (pure Python, no awsglue).

A job run's argv holds the job's own arguments and the ones AWS Glue itself consumes or passes. Glue
ignores nothing on the job's behalf, and `getResolvedOptions` ignores every name it is not asked for, so
a misspelt argument (`--dq_polcy quarantine`) would run with the default and no word. `check_arguments`
refuses any name that is neither the job's own nor one of Glue's, naming the closest known name.

Glue's names, from AWS's documentation:

- the job parameter reference, "Using job parameters in AWS Glue jobs"
  (https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-etl-glue-arguments.html): the
  parameters Glue recognises, the ones it uses internally (`--conf`, `--debug`, `--mode`, `--JOB_NAME`,
  `--endpoint`) and the legacy `--encryption-type`;
- the names AWS's Glue library (aws-glue-libs, `awsglue.utils.getResolvedOptions` and `awsglue.job.Job`)
  reserves because Glue passes them to every run: `--JOB_ID`, `--JOB_RUN_ID`, `--SECURITY_CONFIGURATION`,
  `--continuation-option`, `--job-bookmark-from`, `--job-bookmark-to` (the bookmark range sub-options the
  reference describes under `--job-bookmark-option`), `--RedshiftTempDir`, `--enable-data-lineage`.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterable, Sequence

from etl_lib.errors import JobArgumentError

# "Using job parameters in AWS Glue jobs": the job parameter reference, in the order the page lists them.
GLUE_DOCUMENTED_PARAMETERS = (
    "additional-python-modules",
    "auto-scale-within-microbatch",
    "class",
    "continuous-log-conversionPattern",
    "continuous-log-logGroup",
    "continuous-log-logStreamPrefix",
    "customer-driver-env-vars",
    "customer-executor-env-vars",
    "datalake-formats",
    "disable-proxy-v2",
    "enable-auto-scaling",
    "enable-continuous-cloudwatch-log",
    "enable-continuous-log-filter",
    "enable-glue-datacatalog",
    "enable-job-insights",
    "enable-lakeformation-fine-grained-access",
    "enable-metrics",
    "enable-observability-metrics",
    "enable-rename-algorithm-v2",
    "enable-s3-parquet-optimized-committer",
    "enable-spark-ui",
    "executor-cores",
    "extra-files",
    "extra-jars",
    "extra-py-files",
    "job-bookmark-option",
    "job-language",
    "python-modules-installer-option",
    "scriptLocation",
    "spark-event-logs-path",
    "TempDir",
    "use-postgres-driver",
    "user-jars-first",
    "conf",
    "encryption-type",
    # "AWS Glue uses the following arguments internally and you should never use them"
    "debug",
    "mode",
    "JOB_NAME",
    "endpoint",
)

# Reserved by AWS's Glue library because Glue passes them to job runs (awsglue.job.Job and getResolvedOptions).
GLUE_RUNTIME_PARAMETERS = (
    "JOB_ID",
    "JOB_RUN_ID",
    "SECURITY_CONFIGURATION",
    "continuation-option",
    "job-bookmark-from",
    "job-bookmark-to",
    "RedshiftTempDir",
    "enable-data-lineage",
)

# Passed by this platform's own callers to every job they start, whatever the job: the CodePipeline deployer
# (src/lambdas/glue_deployer) tags each run with the pipeline job id, so a retried invocation finds its run.
PLATFORM_PARAMETERS = ("codepipeline_job_id",)

GLUE_PARAMETERS = frozenset(GLUE_DOCUMENTED_PARAMETERS + GLUE_RUNTIME_PARAMETERS + PLATFORM_PARAMETERS)

# Local mode: run on plain Spark without GlueContext, bookmarks or job.commit(). Asked for by this argument
# (`--local_mode true`) or this environment variable (`ETL_LOCAL_MODE=1`); never assumed.
LOCAL_MODE_OPTION = "local_mode"
LOCAL_MODE_ENV = "ETL_LOCAL_MODE"
_TRUE = ("1", "true", "yes")
_FALSE = ("", "0", "false", "no")

_NAME_RE = re.compile(r"^--([A-Za-z][A-Za-z0-9_.-]*)(=.*)?$", re.DOTALL)
# Glue parameters whose value is itself pip's or Spark's options, so it may start with "--": the token after
# them is always their value (modules/glue_job passes `--python-modules-installer-option --no-index`).
VALUE_OPTIONS = ("python-modules-installer-option", "conf")


def present_options(argv: Sequence[str], names: Iterable[str]) -> list[str]:
    """The names among `names` that argv carries as `--name value` or `--name=value`."""
    present = []
    for name in names:
        flag = f"--{name}"
        if any(token == flag or token.startswith(flag + "=") for token in argv[1:]):
            present.append(name)
    return present


def argument_names(argv: Sequence[str]) -> list[str]:
    """The `--name` of every argument in argv (after the script), for both `--name value` and `--name=value`.

    A token that follows a name without `=` is that name's value, unless it is itself a `--name` (Glue
    passes flags such as `--enable-metrics` with an empty value, which the shell may drop).
    """
    names: list[str] = []
    tokens = list(argv[1:])
    index = 0
    while index < len(tokens):
        match = _NAME_RE.match(tokens[index])
        if match is None:
            raise JobArgumentError(
                f"unexpected job argument {tokens[index]!r}: arguments are '--name value' pairs "
                "(or --name=value); check the quoting of the value before it."
            )
        names.append(match.group(1))
        index += 1
        takes_any_value = match.group(1) in VALUE_OPTIONS
        if (
            match.group(2) is None
            and index < len(tokens)
            and (takes_any_value or _NAME_RE.match(tokens[index]) is None)
        ):
            index += 1  # the value
    return names


def check_arguments(argv: Sequence[str], job: str, own: Iterable[str]) -> None:
    """Refuse any argument that is neither the job's own nor one of Glue's, naming the closest known one."""
    own_names = set(own) | {LOCAL_MODE_OPTION}
    known = own_names | GLUE_PARAMETERS
    seen: set[str] = set()
    for name in argument_names(argv):
        if name in own_names and name in seen:
            raise JobArgumentError(f"{job}: job argument --{name} is given twice; keep one.")
        seen.add(name)
        if name in known:
            continue
        lowered = {candidate.lower(): candidate for candidate in known}
        closest = [lowered[name.lower()]] if name.lower() in lowered else []
        closest = closest or difflib.get_close_matches(name, sorted(own_names), n=1, cutoff=0.6)
        closest = closest or difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
        hint = f"did you mean --{closest[0]}?" if closest else f"the job's arguments are --{', --'.join(sorted(own))}."
        raise JobArgumentError(
            f"{job}: unknown job argument --{name}; {hint} (An argument that is neither the job's own nor one of "
            "AWS Glue's documented job parameters is refused, so that a typo cannot silently run with a default.)"
        )


def local_mode_requested(args: dict[str, str | None] | None = None) -> bool:
    """True if `--local_mode true` was passed or ETL_LOCAL_MODE=1 is set; a value that is neither is an error."""
    for source, value in (
        (f"--{LOCAL_MODE_OPTION}", (args or {}).get(LOCAL_MODE_OPTION)),
        (LOCAL_MODE_ENV, os.environ.get(LOCAL_MODE_ENV)),
    ):
        if value is None:
            continue
        if value.strip().lower() in _TRUE:
            return True
        if value.strip().lower() not in _FALSE:
            raise JobArgumentError(f"{source} must be true or false (1 or 0), not {value!r}.")
    return False
