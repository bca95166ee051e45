"""The comparison job's runs: how many started today, whether one is active, and starting one."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mypy_boto3_glue import GlueClient

# States in which a run still occupies the job (and may still write its output).
ACTIVE_RUN_STATES = frozenset({"STARTING", "RUNNING", "STOPPING", "WAITING"})
# GetJobRuns' maximum page size.
PAGE_SIZE = 200


@dataclass(frozen=True)
class RunsSummary:
    runs_today: int
    active_run_id: str | None


def summarize_runs(glue: GlueClient, job_name: str, since: datetime, page_size: int = PAGE_SIZE) -> RunsSummary:
    """Count the runs started at or after `since` and find an active run, over every page of GetJobRuns.

    GetJobRuns documents no order, so every page is read (Glue keeps 90 days of runs: a few pages at
    most at any daily cap) rather than stopping at the first run older than `since`.
    """
    runs_today = 0
    active_run_id = None
    for page in glue.get_paginator("get_job_runs").paginate(JobName=job_name, PaginationConfig={"PageSize": page_size}):
        for run in page.get("JobRuns", []):
            started = run.get("StartedOn")
            if started is not None and started >= since:
                runs_today += 1
            if run.get("JobRunState") in ACTIVE_RUN_STATES and active_run_id is None:
                active_run_id = run.get("Id")
    return RunsSummary(runs_today=runs_today, active_run_id=active_run_id)


def start_run(glue: GlueClient, job_name: str, arguments: Mapping[str, str]) -> str | None:
    """Start a run; return its id, or None when Glue refuses because a run is already active.

    The job allows one concurrent run (max_concurrent_runs = 1), so Glue itself refuses a second with
    ConcurrentRunsExceededException: the guard holds even if two launches pass the earlier checks.
    """
    try:
        return glue.start_job_run(JobName=job_name, Arguments=dict(arguments))["JobRunId"]
    except glue.exceptions.ConcurrentRunsExceededException:
        return None
