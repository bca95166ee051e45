"""The launcher on the emulator: every branch of launch(), each with its clients pointed at moto server.

Each test gets fresh dependency queues, a workgroup, a Glue job (MaxConcurrentRuns 1) and prefixes
(`stack`). Active Batch jobs are held with the emulator's job-status control; Athena outcomes are preset
with its query-outcome control; a Glue run that stays RUNNING with the job-run outcome control.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from launcher_helpers import Stack, batch_event

from batch_launcher.launcher.athena import AthenaQueryError, AthenaQueryTimeout
from batch_launcher.launcher.core import Clients, launch
from batch_launcher.launcher.events import ACTIVE_STATUSES
from batch_launcher.launcher.queues import find_busy_queue
from batch_launcher.launcher.storage import clear_prefix
from platform_tools.emulator.fills.glue_job_runs import set_job_run_outcomes

pytestmark = pytest.mark.emulator

# Runs in these tests start "now" on the emulator's clock, so launches use the real time.
NOW = datetime.now(UTC)


def no_sleep(_: float) -> None:
    return None


def run(stack: Stack, event: dict[str, Any], **settings: Any) -> Any:
    return launch(event, stack.settings(**settings), stack.clients, now=datetime.now(UTC), sleep=no_sleep)


def test_a_status_other_than_succeeded_or_failed_is_skipped(stack: Stack) -> None:
    result = run(stack, batch_event(stack.queues[0], "RUNNING"))
    assert (result.outcome, result.reason) == ("skipped", "job status RUNNING is not SUCCEEDED or FAILED")
    assert stack.runs() == [] and stack.queries() == []


@pytest.mark.parametrize("status", ACTIVE_STATUSES)
def test_a_job_in_any_active_status_makes_the_launcher_wait(stack: Stack, status: str) -> None:
    job_id = stack.hold_job(stack.queues[1], status)
    stack.put_objects("scratch/", 1)
    result = run(stack, batch_event(stack.queues[0], "SUCCEEDED"))
    assert (result.outcome, result.busy_queue, result.busy_status) == ("waiting", stack.queues[1], status)
    assert job_id in result.reason
    assert stack.runs() == [] and stack.queries() == []


def test_finished_jobs_do_not_count_and_the_first_busy_queue_is_reported(stack: Stack) -> None:
    stack.hold_job(stack.queues[0], "SUCCEEDED")
    stack.hold_job(stack.queues[0], "FAILED")
    stack.hold_job(stack.queues[0], "RUNNABLE")
    stack.hold_job(stack.queues[1], "RUNNING")
    busy = find_busy_queue(stack.clients.batch, stack.queues)
    assert busy is not None and (busy.queue_arn, busy.status) == (stack.queues[0], "RUNNABLE")


def test_failed_dependency_jobs_still_let_the_comparison_start(stack: Stack) -> None:
    stack.hold_job(stack.queues[0], "FAILED")
    result = run(stack, batch_event(stack.queues[0], "FAILED"))
    assert result.outcome == "started"


def test_ignore_batch_checks_starts_despite_a_busy_queue(stack: Stack) -> None:
    stack.hold_job(stack.queues[1], "RUNNING")
    result = run(stack, batch_event(stack.queues[0], "SUCCEEDED", ignoreBatchChecks="true"))
    assert result.outcome == "started"


def test_started_clears_prefixes_rebuilds_tables_and_passes_the_window(stack: Stack) -> None:
    results_prefix = stack.clear_prefixes[0].split("/", 3)[3]
    scratch_prefix = stack.clear_prefixes[1].split("/", 3)[3]
    stack.put_objects(f"{results_prefix}counts/", 3)
    stack.put_objects(scratch_prefix, 2)
    stack.put_objects("manifests/import/streaming_main/", 2)  # not a prefix to clear
    now = datetime.now(UTC)

    result = launch(
        batch_event(stack.queues[0]),
        stack.settings(margin_of_error_minutes=5),
        stack.clients,
        now=now,
        sleep=no_sleep,
    )

    assert result.outcome == "started"
    assert result.objects_deleted == {stack.clear_prefixes[0]: 3, stack.clear_prefixes[1]: 2}
    assert stack.keys(results_prefix) == [] and stack.keys(scratch_prefix) == []
    assert len(stack.keys("manifests/")) == 2

    # Eight statements in order: per table, DROP then CREATE EXTERNAL TABLE at its location.
    queries = stack.queries()
    assert [q["Query"].split("(")[0].strip() for q in queries] == [
        line
        for table in stack.tables
        for line in (f"DROP TABLE IF EXISTS `{table.name}`", f"CREATE EXTERNAL TABLE `{table.name}`")
    ]
    for query, table in zip(queries[1::2], stack.tables, strict=True):
        assert f"LOCATION '{table.location}'" in query["Query"]
        assert "STORED AS PARQUET" in query["Query"]
    assert {q["QueryExecutionContext"]["Database"] for q in queries} == {"manifests"}
    assert {q["WorkGroup"] for q in queries} == {stack.workgroup}
    assert result.tables_rebuilt == [table.name for table in stack.tables]

    # The run's arguments, worked out from `now`: yesterday 00:00 UTC to today 00:00 UTC, plus 5 minutes.
    (glue_run,) = stack.runs()
    assert result.job_run_id == glue_run["Id"]
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    today_ms = int(today.timestamp()) * 1000
    assert glue_run["Arguments"] == {
        "--cut_off_time_start": str(today_ms - 86_400_000),
        "--cut_off_time_end": str(today_ms),
        "--margin_of_error": str(today_ms + 5 * 60_000),
        "--import_type": "streaming_main",
        "--snapshot_type": "incremental",
        "--import_prefix": f"s3://{stack.bucket}/manifests/import",
        "--export_prefix": f"s3://{stack.bucket}/manifests/export",
    }


def test_at_the_daily_cap_nothing_is_deleted_or_rebuilt(stack: Stack) -> None:
    stack.clients.glue.start_job_run(JobName=stack.glue_job)  # today's earlier run (SUCCEEDED at once)
    results_prefix = stack.clear_prefixes[0].split("/", 3)[3]
    stack.put_objects(f"{results_prefix}counts/", 2)  # that run's output

    result = run(stack, batch_event(stack.queues[0]))

    assert (result.outcome, result.runs_today) == ("capped", 1)
    assert "already ran 1 time(s) today (UTC); the cap is 1" in result.reason
    assert len(stack.keys(results_prefix)) == 2
    assert stack.queries() == [] and len(stack.runs()) == 1


def test_below_the_cap_a_further_run_starts(stack: Stack) -> None:
    stack.clients.glue.start_job_run(JobName=stack.glue_job)
    result = run(stack, batch_event(stack.queues[0]), max_daily_runs=2)
    assert (result.outcome, result.runs_today) == ("started", 1)
    assert len(stack.runs()) == 2


def test_runs_before_today_do_not_count(stack: Stack) -> None:
    stack.clients.glue.start_job_run(JobName=stack.glue_job)
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    result = launch(batch_event(stack.queues[0]), stack.settings(), stack.clients, now=tomorrow, sleep=no_sleep)
    assert (result.outcome, result.runs_today) == ("started", 0)


def test_a_duplicate_event_does_not_start_a_second_run(stack: Stack) -> None:
    set_job_run_outcomes(stack.emulator.endpoint, stack.glue_job, ["RUNNING"])  # the first run stays RUNNING
    event = batch_event(stack.queues[0])
    first = run(stack, event, max_daily_runs=5)
    stack.put_objects(stack.clear_prefixes[1].split("/", 3)[3], 1)  # what the running job writes
    second = run(stack, event, max_daily_runs=5)

    assert first.outcome == "started"
    assert (second.outcome, second.active_run_id) == ("already_running", first.job_run_id)
    assert [r["Id"] for r in stack.runs()] == [first.job_run_id]
    assert len(stack.queries()) == 8, "the second event must not rebuild the tables under the running job"
    assert len(stack.keys(stack.clear_prefixes[1].split("/", 3)[3])) == 1


def test_glue_refusing_a_concurrent_run_is_already_running(stack: Stack, aws: Callable[[str], Any]) -> None:
    """Two launches pass the run check together; the job's MaxConcurrentRuns = 1 makes Glue refuse the second."""
    set_job_run_outcomes(stack.emulator.endpoint, stack.glue_job, ["RUNNING"])
    other_launcher = aws("glue")
    racing: dict[str, str] = {}

    def start_the_other_run_first(**_: Any) -> None:
        if not racing:
            racing["run_id"] = other_launcher.start_job_run(JobName=stack.glue_job)["JobRunId"]

    glue = aws("glue")
    glue.meta.events.register("before-call.glue.StartJobRun", start_the_other_run_first)
    clients = Clients(batch=stack.clients.batch, s3=stack.clients.s3, athena=stack.clients.athena, glue=glue)

    result = launch(batch_event(stack.queues[0]), stack.settings(), clients, now=datetime.now(UTC), sleep=no_sleep)

    assert result.outcome == "already_running"
    assert "ConcurrentRunsExceededException" in result.reason
    assert [r["Id"] for r in stack.runs()] == [racing["run_id"]]


def test_a_failed_athena_query_raises_athenas_reason_and_starts_nothing(
    stack: Stack, athena_outcomes: Callable[[list[Any]], None]
) -> None:
    reason = "line 1:8: mismatched input 'EXTERNAL'. Expecting: 'MATERIALIZED', 'OR'"
    athena_outcomes(["SUCCEEDED", "SUCCEEDED", "SUCCEEDED", {"state": "FAILED", "reason": reason}])
    with pytest.raises(AthenaQueryError) as raised:
        run(stack, batch_event(stack.queues[0]))
    assert raised.value.state == "FAILED"
    assert reason in str(raised.value)
    assert f"CREATE EXTERNAL TABLE `{stack.tables[1].name}`" in str(raised.value)
    assert len(stack.queries()) == 4 and stack.runs() == []


def test_a_cancelled_athena_query_raises(stack: Stack, athena_outcomes: Callable[[list[Any]], None]) -> None:
    athena_outcomes([{"state": "CANCELLED", "reason": "cancelled by an operator"}])
    with pytest.raises(AthenaQueryError, match="ended CANCELLED: cancelled by an operator"):
        run(stack, batch_event(stack.queues[0]))
    assert stack.runs() == []


def test_a_query_that_never_finishes_times_out_and_is_stopped(
    stack: Stack, athena_outcomes: Callable[[list[Any]], None]
) -> None:
    athena_outcomes(["RUNNING"])
    sleeps: list[float] = []  # a fake clock that only sleeping advances

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    settings = replace(stack.settings(), athena_query_timeout_seconds=10)

    with pytest.raises(AthenaQueryTimeout) as raised:
        launch(
            batch_event(stack.queues[0]),
            settings,
            stack.clients,
            now=datetime.now(UTC),
            sleep=sleep,
            clock=lambda: sum(sleeps),
        )

    assert "still RUNNING after 10 s and was stopped" in str(raised.value)
    # Backoff: 0.25 s doubling (at most 5 s), the last sleep cut to the time left: 0.25+0.5+1+2+4+2.25 = 10.
    assert sleeps == [0.25, 0.5, 1.0, 2.0, 4.0, 2.25]
    status = stack.clients.athena.get_query_execution(QueryExecutionId=raised.value.query_execution_id)
    assert status["QueryExecution"]["Status"]["State"] == "CANCELLED"
    assert stack.runs() == []


def test_a_real_timeout_with_the_real_clock(stack: Stack, athena_outcomes: Callable[[list[Any]], None]) -> None:
    athena_outcomes(["QUEUED"])
    settings = replace(stack.settings(), athena_query_timeout_seconds=0.6)
    with pytest.raises(AthenaQueryTimeout, match=r"still QUEUED after 0\.6 s"):
        launch(batch_event(stack.queues[0]), settings, stack.clients, now=datetime.now(UTC))


def test_clearing_deletes_in_batches_over_every_page(stack: Stack) -> None:
    keys = stack.put_objects("batched/", 7)
    stack.put_objects("batched-sibling/", 1)  # shares the text prefix "batched" but not the folder
    calls: list[str] = []
    s3 = stack.clients.s3
    s3.meta.events.register("before-call.s3.*", lambda model, **_: calls.append(model.name))
    try:
        deleted = clear_prefix(s3, f"s3://{stack.bucket}/batched/", batch_size=3, page_size=2)
    finally:
        s3.meta.events.unregister("before-call.s3.*")
    assert deleted == len(keys) == 7
    assert calls.count("ListObjectsV2") == 4 and calls.count("DeleteObjects") == 3
    assert stack.keys("batched") == ["batched-sibling/part-00000.parquet"]
