"""The launcher's settings: read from the environment once, at cold start, each one checked and typed.

modules/batch_launcher renders every variable from typed, validated Terraform inputs, so a user never
writes them by hand; the checks here are the second line, and each failure names the variable, what
it must look like and what it was. All problems are reported together in one `SettingsError`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final, Literal

from .sql import S3_CLEARABLE_PREFIX_PATTERN, S3_LOCATION_PATTERN, TABLE_NAME_PATTERN

# ---------------------------------------------------------------- variable names

DEPENDENCY_QUEUE_ARNS: Final = "DEPENDENCY_QUEUE_ARNS"
GLUE_JOB_NAME: Final = "GLUE_JOB_NAME"
ATHENA_WORKGROUP: Final = "ATHENA_WORKGROUP"
ATHENA_DATABASE: Final = "ATHENA_DATABASE"
ATHENA_QUERY_TIMEOUT_SECONDS: Final = "ATHENA_QUERY_TIMEOUT_SECONDS"
RESULT_TABLES: Final = "RESULT_TABLES"
IMPORT_MANIFEST_LOCATION: Final = "IMPORT_MANIFEST_LOCATION"
EXPORT_MANIFEST_LOCATION: Final = "EXPORT_MANIFEST_LOCATION"
CUT_OFF_START: Final = "CUT_OFF_START"
CUT_OFF_END: Final = "CUT_OFF_END"
MARGIN_OF_ERROR_MINUTES: Final = "MARGIN_OF_ERROR_MINUTES"
SNAPSHOT_TYPE: Final = "SNAPSHOT_TYPE"
IMPORT_TYPE: Final = "IMPORT_TYPE"
MAX_DAILY_RUNS: Final = "MAX_DAILY_RUNS"
CLEAR_PREFIXES: Final = "CLEAR_PREFIXES"

# Defaults for the optional variables (the module always renders them all).
DEFAULT_MARGIN_OF_ERROR_MINUTES = 2
DEFAULT_MAX_DAILY_RUNS = 1
DEFAULT_ATHENA_QUERY_TIMEOUT_SECONDS = 60

# ---------------------------------------------------------------- allowed values

PREVIOUS_DAY_MIDNIGHT: Final = "PREVIOUS_DAY_MIDNIGHT"
TODAY_MIDNIGHT: Final = "TODAY_MIDNIGHT"
CUT_OFF_FORMAT: Final = "%Y-%m-%d %H:%M:%S"
SNAPSHOT_TYPES: Final = ("full", "incremental")
IMPORT_TYPES: Final = ("historic", "streaming_main", "streaming_equality")
TableKind = Literal["missing_imports", "missing_exports", "counts", "mismatched_timestamps"]
# The four tables, in the order they are rebuilt (and the keys of RESULT_TABLES).
TABLE_KINDS: Final[tuple[TableKind, ...]] = ("missing_imports", "missing_exports", "counts", "mismatched_timestamps")

_QUEUE_ARN = re.compile(r"^arn:aws[a-z-]*:batch:[a-z0-9-]+:[0-9]{12}:job-queue/[A-Za-z0-9_-]{1,128}$")
_GLUE_JOB_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$")
_WORKGROUP = re.compile(r"^[A-Za-z0-9._-]{1,128}$")
_EXPLICIT_TIME = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$")
MAX_MARGIN_MINUTES = 1440
MAX_DAILY_RUNS_LIMIT = 100
MAX_QUERY_TIMEOUT_SECONDS = 900
MAX_CLEAR_PREFIXES = 20
MAX_DEPENDENCY_QUEUES = 50


class SettingsError(ValueError):
    """One or more environment variables are missing or malformed; the message names each one."""


@dataclass(frozen=True)
class ResultTable:
    """One of the four result tables: its kind, Athena/Glue name and the S3 prefix of its Parquet files."""

    kind: TableKind
    name: str
    location: str


@dataclass(frozen=True)
class CutOffWindow:
    """The comparison window in UTC: records from `start` (inclusive) to `end` (exclusive), plus a margin."""

    start: datetime
    end: datetime
    margin: timedelta

    @staticmethod
    def epoch_ms(moment: datetime) -> int:
        return (moment - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(milliseconds=1)

    @property
    def start_ms(self) -> int:
        return self.epoch_ms(self.start)

    @property
    def end_ms(self) -> int:
        return self.epoch_ms(self.end)

    @property
    def margin_of_error_ms(self) -> int:
        """The end plus the margin, as the job's `--margin_of_error` expects it (an instant, not a duration)."""
        return self.epoch_ms(self.end + self.margin)


CutOff = datetime | Literal["PREVIOUS_DAY_MIDNIGHT", "TODAY_MIDNIGHT"]


@dataclass(frozen=True)
class Settings:
    dependency_queue_arns: tuple[str, ...]
    glue_job_name: str
    athena_workgroup: str
    athena_database: str
    result_tables: tuple[ResultTable, ...]
    import_manifest_location: str
    export_manifest_location: str
    snapshot_type: str
    import_type: str
    cut_off_start: CutOff = PREVIOUS_DAY_MIDNIGHT
    cut_off_end: CutOff = TODAY_MIDNIGHT
    margin_of_error_minutes: int = DEFAULT_MARGIN_OF_ERROR_MINUTES
    max_daily_runs: int = DEFAULT_MAX_DAILY_RUNS
    clear_prefixes: tuple[str, ...] = ()
    athena_query_timeout_seconds: float = DEFAULT_ATHENA_QUERY_TIMEOUT_SECONDS

    def cut_off_window(self, now: datetime) -> CutOffWindow:
        """The window for a run started at `now` (an aware datetime); midnights are UTC."""
        today = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        start = today - timedelta(days=1) if self.cut_off_start == PREVIOUS_DAY_MIDNIGHT else self.cut_off_start
        end = today if self.cut_off_end == TODAY_MIDNIGHT else self.cut_off_end
        assert isinstance(start, datetime) and isinstance(end, datetime)
        if start >= end:
            raise SettingsError(
                f"the cut-off window is empty on {today:%Y-%m-%d}: {CUT_OFF_START} gives {start:{CUT_OFF_FORMAT}} "
                f"and {CUT_OFF_END} gives {end:{CUT_OFF_FORMAT}} (UTC); the start must be before the end."
            )
        return CutOffWindow(start=start, end=end, margin=timedelta(minutes=self.margin_of_error_minutes))

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> Settings:
        """Read and check every variable; raise SettingsError listing each missing or malformed one."""
        reader = _Reader(environ)
        queues = reader.json_list(DEPENDENCY_QUEUE_ARNS, _QUEUE_ARN, "a Batch job queue ARN", 1, MAX_DEPENDENCY_QUEUES)
        settings = cls(
            dependency_queue_arns=queues,
            glue_job_name=reader.matching(GLUE_JOB_NAME, _GLUE_JOB_NAME, "a Glue job name"),
            athena_workgroup=reader.matching(ATHENA_WORKGROUP, _WORKGROUP, "an Athena workgroup name"),
            athena_database=reader.matching(ATHENA_DATABASE, TABLE_NAME_PATTERN, _NAME_RULE),
            result_tables=reader.result_tables(),
            import_manifest_location=reader.matching(IMPORT_MANIFEST_LOCATION, S3_LOCATION_PATTERN, _S3_RULE),
            export_manifest_location=reader.matching(EXPORT_MANIFEST_LOCATION, S3_LOCATION_PATTERN, _S3_RULE),
            snapshot_type=reader.choice(SNAPSHOT_TYPE, SNAPSHOT_TYPES),
            import_type=reader.choice(IMPORT_TYPE, IMPORT_TYPES),
            cut_off_start=reader.cut_off(CUT_OFF_START, PREVIOUS_DAY_MIDNIGHT),
            cut_off_end=reader.cut_off(CUT_OFF_END, TODAY_MIDNIGHT),
            margin_of_error_minutes=reader.whole(
                MARGIN_OF_ERROR_MINUTES, 0, MAX_MARGIN_MINUTES, DEFAULT_MARGIN_OF_ERROR_MINUTES
            ),
            max_daily_runs=reader.whole(MAX_DAILY_RUNS, 1, MAX_DAILY_RUNS_LIMIT, DEFAULT_MAX_DAILY_RUNS),
            clear_prefixes=reader.json_list(
                CLEAR_PREFIXES, S3_CLEARABLE_PREFIX_PATTERN, _CLEAR_RULE, 0, MAX_CLEAR_PREFIXES, "[]"
            ),
            athena_query_timeout_seconds=reader.whole(
                ATHENA_QUERY_TIMEOUT_SECONDS, 1, MAX_QUERY_TIMEOUT_SECONDS, DEFAULT_ATHENA_QUERY_TIMEOUT_SECONDS
            ),
        )
        start, end = settings.cut_off_start, settings.cut_off_end
        if isinstance(start, datetime) and isinstance(end, datetime) and start >= end:
            reader.errors.append(
                f"{CUT_OFF_START} ({start:{CUT_OFF_FORMAT}}) must be before {CUT_OFF_END} ({end:{CUT_OFF_FORMAT}})."
            )
        if reader.errors:
            raise SettingsError("invalid launcher environment:\n- " + "\n- ".join(reader.errors))
        return settings


# ---------------------------------------------------------------- reading, with every error collected

_NAME_RULE = "a lowercase Athena name: a letter or underscore, then letters, digits and underscores (at most 255)"
_S3_RULE = (
    'an S3 prefix like "s3://bucket/some/prefix/": starting with s3://, ending with /, '
    "each key segment of letters, digits and _ . = -"
)
_CLEAR_RULE = _S3_RULE + ", with at least one key segment (never a whole bucket)"


class _Reader:
    def __init__(self, environ: Mapping[str, str]) -> None:
        self.environ = environ
        self.errors: list[str] = []

    def _raw(self, name: str, default: str | None = None) -> str | None:
        value = self.environ.get(name)
        if value is None or not value.strip():
            if default is None:
                self.errors.append(f"{name} is not set.")
            return default
        return value.strip()

    def matching(self, name: str, pattern: re.Pattern[str], rule: str) -> str:
        value = self._raw(name)
        if value is not None and not pattern.match(value):
            self.errors.append(f"{name} must be {rule}; got {value!r}.")
        return value or ""

    def choice(self, name: str, choices: tuple[str, ...]) -> str:
        value = self._raw(name)
        if value is not None and value not in choices:
            self.errors.append(f"{name} must be one of {', '.join(choices)}; got {value!r}.")
        return value or ""

    def whole(self, name: str, low: int, high: int, default: int) -> int:
        value = self._raw(name, str(default))
        assert value is not None
        if not re.fullmatch(r"[0-9]+", value) or not low <= int(value) <= high:
            self.errors.append(f"{name} must be a whole number from {low} to {high}; got {value!r}.")
            return default
        return int(value)

    def cut_off(self, name: str, keyword: Literal["PREVIOUS_DAY_MIDNIGHT", "TODAY_MIDNIGHT"]) -> CutOff:
        value = self._raw(name, keyword)
        assert value is not None
        if value == keyword:
            return keyword
        try:
            if not _EXPLICIT_TIME.match(value):
                raise ValueError(value)
            return datetime.strptime(value, CUT_OFF_FORMAT).replace(tzinfo=UTC)
        except ValueError:
            self.errors.append(f'{name} must be {keyword} or a UTC time "YYYY-MM-DD HH:MM:SS"; got {value!r}.')
            return keyword

    def _json(self, name: str, default: str | None = None) -> object:
        value = self._raw(name, default)
        if value is None:
            return None
        try:
            parsed: object = json.loads(value)
        except json.JSONDecodeError as exc:
            self.errors.append(f"{name} must be JSON ({exc.msg} at position {exc.pos}); got {value!r}.")
            return None
        return parsed

    def json_list(
        self,
        name: str,
        pattern: re.Pattern[str],
        rule: str,
        minimum: int,
        maximum: int,
        default: str | None = None,
    ) -> tuple[str, ...]:
        parsed = self._json(name, default)
        if parsed is None:
            return ()
        if not isinstance(parsed, list) or not minimum <= len(parsed) <= maximum:
            self.errors.append(f"{name} must be a JSON list of {minimum} to {maximum} items; got {parsed!r}.")
            return ()
        bad = [item for item in parsed if not isinstance(item, str) or not pattern.match(item)]
        if bad:
            self.errors.append(f"{name} items must each be {rule}; these are not: {bad!r}.")
        if len(set(map(str, parsed))) != len(parsed):
            self.errors.append(f"{name} must not repeat an item; got {parsed!r}.")
        return tuple(str(item) for item in parsed)

    def result_tables(self) -> tuple[ResultTable, ...]:
        parsed = self._json(RESULT_TABLES)
        if parsed is None:
            return ()
        expected = ", ".join(TABLE_KINDS)
        if not isinstance(parsed, dict) or sorted(parsed) != sorted(TABLE_KINDS):
            keys = sorted(parsed) if isinstance(parsed, dict) else type(parsed).__name__
            self.errors.append(
                f'{RESULT_TABLES} must be a JSON object with exactly the keys {expected}, each {{"name": ..., '
                f'"location": ...}}; got {keys}.'
            )
            return ()
        tables = []
        for kind in TABLE_KINDS:
            entry = parsed[kind]
            name = entry.get("name") if isinstance(entry, dict) else None
            location = entry.get("location") if isinstance(entry, dict) else None
            if not isinstance(name, str) or not TABLE_NAME_PATTERN.match(name):
                self.errors.append(f"{RESULT_TABLES}.{kind}.name must be {_NAME_RULE}; got {name!r}.")
            if not isinstance(location, str) or not S3_LOCATION_PATTERN.match(location):
                self.errors.append(f"{RESULT_TABLES}.{kind}.location must be {_S3_RULE}; got {location!r}.")
            tables.append(ResultTable(kind=kind, name=str(name), location=str(location)))
        names = [table.name for table in tables]
        if len(set(names)) != len(names):
            self.errors.append(f"{RESULT_TABLES} names must differ; got {names}.")
        return tuple(tables)
