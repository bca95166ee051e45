"""Settings: the environment the module renders parses; each bad variable is named; the window is worked out."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from batch_launcher.launcher.settings import (
    PREVIOUS_DAY_MIDNIGHT,
    TODAY_MIDNIGHT,
    CutOffWindow,
    ResultTable,
    Settings,
    SettingsError,
)

QUEUES = [
    "arn:aws:batch:eu-west-2:123456789012:job-queue/imports",
    "arn:aws:batch:eu-west-2:123456789012:job-queue/exports",
]
TABLES = {
    kind: {"name": f"manifest_{kind}", "location": f"s3://lake-results/manifests/{kind}/"}
    for kind in ("missing_imports", "missing_exports", "counts", "mismatched_timestamps")
}


def environment(**changes: str | None) -> dict[str, str]:
    """A complete, valid environment as modules/batch_launcher renders it, with `changes` applied (None removes)."""
    env = {
        "DEPENDENCY_QUEUE_ARNS": json.dumps(QUEUES),
        "GLUE_JOB_NAME": "manifest-comparison",
        "ATHENA_WORKGROUP": "manifest-comparison",
        "ATHENA_DATABASE": "manifest_comparison",
        "ATHENA_QUERY_TIMEOUT_SECONDS": "60",
        "RESULT_TABLES": json.dumps(TABLES),
        "IMPORT_MANIFEST_LOCATION": "s3://lake-manifests/import/",
        "EXPORT_MANIFEST_LOCATION": "s3://lake-manifests/export/",
        "CUT_OFF_START": "PREVIOUS_DAY_MIDNIGHT",
        "CUT_OFF_END": "TODAY_MIDNIGHT",
        "MARGIN_OF_ERROR_MINUTES": "2",
        "SNAPSHOT_TYPE": "full",
        "IMPORT_TYPE": "historic",
        "MAX_DAILY_RUNS": "1",
        "CLEAR_PREFIXES": json.dumps(["s3://lake-results/manifests/"]),
    }
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def test_the_rendered_environment_parses() -> None:
    settings = Settings.from_environ(environment())
    assert settings.dependency_queue_arns == tuple(QUEUES)
    assert settings.result_tables[0] == ResultTable(
        "missing_imports", "manifest_missing_imports", "s3://lake-results/manifests/missing_imports/"
    )
    assert [table.kind for table in settings.result_tables] == list(TABLES)
    assert (settings.cut_off_start, settings.cut_off_end) == (PREVIOUS_DAY_MIDNIGHT, TODAY_MIDNIGHT)
    assert (settings.margin_of_error_minutes, settings.max_daily_runs) == (2, 1)
    assert settings.clear_prefixes == ("s3://lake-results/manifests/",)


def test_optional_variables_take_their_defaults() -> None:
    optional = [
        "CUT_OFF_START",
        "CUT_OFF_END",
        "MARGIN_OF_ERROR_MINUTES",
        "MAX_DAILY_RUNS",
        "CLEAR_PREFIXES",
        "ATHENA_QUERY_TIMEOUT_SECONDS",
    ]
    settings = Settings.from_environ(environment(**dict.fromkeys(optional)))
    assert (settings.cut_off_start, settings.cut_off_end) == (PREVIOUS_DAY_MIDNIGHT, TODAY_MIDNIGHT)
    assert (settings.margin_of_error_minutes, settings.max_daily_runs, settings.clear_prefixes) == (2, 1, ())
    assert settings.athena_query_timeout_seconds == 60


def test_the_default_window_is_yesterday_in_utc_with_the_margin_after_its_end() -> None:
    settings = Settings.from_environ(environment())
    # 2024-03-15 06:30 in UTC+2 is 04:30 UTC, so "today" is still 2024-03-15 in UTC.
    now = datetime(2024, 3, 15, 4, 30, tzinfo=UTC).astimezone(timezone(timedelta(hours=2)))
    window = settings.cut_off_window(now)
    assert window == CutOffWindow(
        start=datetime(2024, 3, 14, tzinfo=UTC), end=datetime(2024, 3, 15, tzinfo=UTC), margin=timedelta(minutes=2)
    )
    # 2024-03-14T00:00Z = 19796 days after the epoch; 19796 * 86400 s = 1710374400 s.
    assert window.start_ms == 1_710_374_400_000
    assert window.end_ms == 1_710_374_400_000 + 86_400_000
    assert window.margin_of_error_ms == window.end_ms + 2 * 60_000


def test_explicit_times_are_utc() -> None:
    settings = Settings.from_environ(
        environment(CUT_OFF_START="2024-01-01 00:00:00", CUT_OFF_END="2024-01-01 12:30:00", MARGIN_OF_ERROR_MINUTES="0")
    )
    window = settings.cut_off_window(datetime(2030, 1, 1, tzinfo=UTC))
    assert window.start_ms == 1_704_067_200_000  # 2024-01-01T00:00:00Z
    assert window.end_ms == 1_704_067_200_000 + (12 * 60 + 30) * 60_000
    assert window.margin_of_error_ms == window.end_ms


def test_an_explicit_start_after_today_midnight_fails_at_launch_not_before() -> None:
    settings = Settings.from_environ(environment(CUT_OFF_START="2024-03-15 08:00:00"))
    assert settings.cut_off_window(datetime(2024, 3, 16, 9, tzinfo=UTC)).start == datetime(2024, 3, 15, 8, tzinfo=UTC)
    with pytest.raises(SettingsError, match="cut-off window is empty on 2024-03-15"):
        settings.cut_off_window(datetime(2024, 3, 15, 9, tzinfo=UTC))


def _tables(**changes: Any) -> str:
    tables = json.loads(json.dumps(TABLES))
    for kind, entry in changes.items():
        if entry is None:
            del tables[kind]
        else:
            tables[kind] = entry
    return json.dumps(tables)


BAD = [
    ("DEPENDENCY_QUEUE_ARNS", None, "DEPENDENCY_QUEUE_ARNS is not set"),
    ("DEPENDENCY_QUEUE_ARNS", "arn:aws:batch:eu-west-2:123456789012:job-queue/a", "DEPENDENCY_QUEUE_ARNS must be JSON"),
    ("DEPENDENCY_QUEUE_ARNS", "[]", "DEPENDENCY_QUEUE_ARNS must be a JSON list of 1 to 50 items"),
    ("DEPENDENCY_QUEUE_ARNS", '{"a": 1}', "DEPENDENCY_QUEUE_ARNS must be a JSON list"),
    ("DEPENDENCY_QUEUE_ARNS", '["imports"]', "DEPENDENCY_QUEUE_ARNS items must each be a Batch job queue ARN"),
    ("DEPENDENCY_QUEUE_ARNS", json.dumps(QUEUES[:1] * 2), "DEPENDENCY_QUEUE_ARNS must not repeat"),
    ("GLUE_JOB_NAME", "", "GLUE_JOB_NAME is not set"),
    ("ATHENA_WORKGROUP", "work group", "ATHENA_WORKGROUP must be an Athena workgroup name"),
    ("ATHENA_DATABASE", "Manifests", "ATHENA_DATABASE must be a lowercase Athena name"),
    ("ATHENA_QUERY_TIMEOUT_SECONDS", "0", "ATHENA_QUERY_TIMEOUT_SECONDS must be a whole number from 1 to 900"),
    ("RESULT_TABLES", None, "RESULT_TABLES is not set"),
    ("RESULT_TABLES", _tables(counts=None), "RESULT_TABLES must be a JSON object with exactly the keys"),
    (
        "RESULT_TABLES",
        _tables(counts={"name": "counts`; DROP DATABASE x; --", "location": "s3://b/counts/"}),
        "RESULT_TABLES.counts.name must be a lowercase Athena name",
    ),
    (
        "RESULT_TABLES",
        _tables(counts={"name": "counts", "location": "s3://b/counts' OR '1'='1/"}),
        "RESULT_TABLES.counts.location must be an S3 prefix",
    ),
    (
        "RESULT_TABLES",
        _tables(counts={"name": "counts", "location": "s3://b/counts"}),
        "RESULT_TABLES.counts.location must be an S3 prefix",
    ),
    (
        "RESULT_TABLES",
        _tables(counts={"name": "manifest_missing_imports", "location": "s3://b/counts/"}),
        "RESULT_TABLES names must differ",
    ),
    ("IMPORT_MANIFEST_LOCATION", "lake-manifests/import/", "IMPORT_MANIFEST_LOCATION must be an S3 prefix"),
    ("EXPORT_MANIFEST_LOCATION", "s3://Lake/export/", "EXPORT_MANIFEST_LOCATION must be an S3 prefix"),
    ("CUT_OFF_START", "YESTERDAY", 'CUT_OFF_START must be PREVIOUS_DAY_MIDNIGHT or a UTC time "YYYY-MM-DD HH:MM:SS"'),
    ("CUT_OFF_START", "TODAY_MIDNIGHT", "CUT_OFF_START must be PREVIOUS_DAY_MIDNIGHT or a UTC time"),
    ("CUT_OFF_END", "2024-02-30 00:00:00", "CUT_OFF_END must be TODAY_MIDNIGHT or a UTC time"),
    ("CUT_OFF_END", "2024-03-01T00:00:00", "CUT_OFF_END must be TODAY_MIDNIGHT or a UTC time"),
    ("MARGIN_OF_ERROR_MINUTES", "-1", "MARGIN_OF_ERROR_MINUTES must be a whole number from 0 to 1440"),
    ("MARGIN_OF_ERROR_MINUTES", "2.5", "MARGIN_OF_ERROR_MINUTES must be a whole number"),
    ("SNAPSHOT_TYPE", "daily", "SNAPSHOT_TYPE must be one of full, incremental; got 'daily'"),
    ("SNAPSHOT_TYPE", None, "SNAPSHOT_TYPE is not set"),
    ("IMPORT_TYPE", "streaming", "IMPORT_TYPE must be one of historic, streaming_main, streaming_equality"),
    ("MAX_DAILY_RUNS", "0", "MAX_DAILY_RUNS must be a whole number from 1 to 100"),
    ("CLEAR_PREFIXES", '["s3://lake-results/"]', "CLEAR_PREFIXES items must each be an S3 prefix"),
    ("CLEAR_PREFIXES", '"s3://lake-results/x/"', "CLEAR_PREFIXES must be a JSON list"),
]


@pytest.mark.parametrize(("name", "value", "message"), BAD, ids=[f"{n}={v}"[:60] for n, v, _ in BAD])
def test_each_bad_variable_is_named(name: str, value: str | None, message: str) -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_environ(environment(**{name: value}))
    assert message in str(raised.value)


def test_explicit_start_must_be_before_explicit_end() -> None:
    with pytest.raises(SettingsError, match=r"CUT_OFF_START \(2024-01-02 00:00:00\) must be before CUT_OFF_END"):
        Settings.from_environ(environment(CUT_OFF_START="2024-01-02 00:00:00", CUT_OFF_END="2024-01-01 00:00:00"))


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_environ(environment(GLUE_JOB_NAME=None, SNAPSHOT_TYPE="daily", MAX_DAILY_RUNS="many"))
    lines = str(raised.value).splitlines()
    assert lines[0] == "invalid launcher environment:"
    assert [line.split()[1] for line in lines[1:]] == ["GLUE_JOB_NAME", "SNAPSHOT_TYPE", "MAX_DAILY_RUNS"]
