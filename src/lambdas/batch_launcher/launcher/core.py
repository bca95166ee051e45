"""`launch()`: the launcher's steps in order, each a plain function with its clients passed in.

1. validate the event (InvalidEventError for anything but a Batch Job State Change)
2. a status other than SUCCEEDED/FAILED -> "skipped"
3. unless detail.ignoreBatchChecks = "true": a dependency queue with an active job -> "waiting"
4. the job's runs: one still active -> "already_running"; today's runs at the daily cap -> "capped"
5. clear the configured S3 prefixes
6. rebuild the four Athena tables (DROP, then CREATE EXTERNAL TABLE)
7. start the Glue job; Glue refusing a concurrent run -> "already_running"; else "started"

Step 4 comes before the destructive steps 5 and 6 on purpose: a launch that will not start a run must not
delete the outputs of today's earlier run or of the run still writing them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from . import logger
from .athena import QueryRunner, rebuild_tables
from .events import parse_event
from .glue_runs import start_run, summarize_runs
from .queues import find_busy_queue
from .settings import CutOffWindow, Settings
from .storage import clear_prefixes

if TYPE_CHECKING:
    from mypy_boto3_athena import AthenaClient
    from mypy_boto3_batch import BatchClient
    from mypy_boto3_glue import GlueClient
    from mypy_boto3_s3 import S3Client

Outcome = Literal["skipped", "waiting", "already_running", "capped", "started"]


@dataclass(frozen=True)
class Clients:
    batch: BatchClient
    s3: S3Client
    athena: AthenaClient
    glue: GlueClient


@dataclass(frozen=True)
class LaunchResult:
    """What one event led to. `outcome` names it; the other fields say why, or what was started."""

    outcome: Outcome
    reason: str
    job_name: str
    job_queue: str
    job_status: str
    busy_queue: str | None = None
    busy_status: str | None = None
    runs_today: int | None = None
    active_run_id: str | None = None
    objects_deleted: dict[str, int] = field(default_factory=dict)
    tables_rebuilt: list[str] = field(default_factory=list)
    job_run_id: str | None = None
    arguments: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, without the fields this outcome leaves empty."""
        return {key: value for key, value in asdict(self).items() if value not in (None, {}, [])}


def job_arguments(settings: Settings, window: CutOffWindow) -> dict[str, str]:
    """The run's arguments: the window as epoch milliseconds (UTC), the types and the prefixes without a
    trailing slash (the job appends "/<import_type>/" and "/<snapshot_type>/")."""
    return {
        "--cut_off_time_start": str(window.start_ms),
        "--cut_off_time_end": str(window.end_ms),
        "--margin_of_error": str(window.margin_of_error_ms),
        "--import_type": settings.import_type,
        "--snapshot_type": settings.snapshot_type,
        "--import_prefix": settings.import_manifest_location.rstrip("/"),
        "--export_prefix": settings.export_manifest_location.rstrip("/"),
    }


def launch(
    event: object,
    settings: Settings,
    clients: Clients,
    now: datetime,
    *,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> LaunchResult:
    """Handle one event; `now` (aware) fixes the cut-off window and what counts as today (UTC)."""
    change = parse_event(event)

    def result(outcome: Outcome, reason: str, **details: Any) -> LaunchResult:
        return LaunchResult(outcome, reason, change.job_name, change.job_queue, change.status, **details)

    logger.info(
        "batch job state change",
        extra={"batch_job": change.job_name, "batch_queue": change.job_queue, "status": change.status},
    )

    if not change.finished:
        return result("skipped", f"job status {change.status} is not SUCCEEDED or FAILED")

    if change.ignore_batch_checks:
        logger.info("queue checks skipped: the event carries ignoreBatchChecks = true")
    else:
        busy = find_busy_queue(clients.batch, settings.dependency_queue_arns)
        if busy is not None:
            return result(
                "waiting",
                f"queue {busy.queue_arn} still has job {busy.job_name} ({busy.job_id}) in {busy.status}",
                busy_queue=busy.queue_arn,
                busy_status=busy.status,
            )
        logger.info("dependency queues drained", extra={"queues": list(settings.dependency_queue_arns)})

    # A window that cannot be formed fails here, before anything is deleted.
    window = settings.cut_off_window(now)
    today = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    runs = summarize_runs(clients.glue, settings.glue_job_name, since=today)
    if runs.active_run_id is not None:
        return result(
            "already_running",
            f"run {runs.active_run_id} of {settings.glue_job_name} is still active",
            runs_today=runs.runs_today,
            active_run_id=runs.active_run_id,
        )
    if runs.runs_today >= settings.max_daily_runs:
        return result(
            "capped",
            f"{settings.glue_job_name} already ran {runs.runs_today} time(s) today (UTC); "
            f"the cap is {settings.max_daily_runs}",
            runs_today=runs.runs_today,
        )

    deleted = clear_prefixes(clients.s3, settings.clear_prefixes)
    logger.info("prefixes cleared", extra={"objects_deleted": deleted})
    runner = QueryRunner(
        clients.athena,
        workgroup=settings.athena_workgroup,
        database=settings.athena_database,
        timeout_seconds=settings.athena_query_timeout_seconds,
        sleep=sleep,
        clock=clock,
    )
    rebuilt = rebuild_tables(runner, settings.result_tables)
    logger.info("tables rebuilt", extra={"tables": rebuilt})

    arguments = job_arguments(settings, window)
    run_id = start_run(clients.glue, settings.glue_job_name, arguments)
    details: dict[str, Any] = {
        "runs_today": runs.runs_today,
        "objects_deleted": deleted,
        "tables_rebuilt": rebuilt,
        "arguments": arguments,
    }
    if run_id is None:
        return result(
            "already_running",
            f"Glue refused a second concurrent run of {settings.glue_job_name} (ConcurrentRunsExceededException)",
            **details,
        )
    return result("started", f"started run {run_id} of {settings.glue_job_name}", job_run_id=run_id, **details)
