"""kinesis_to_parquet's body: Kinesis records in, typed Parquet partitioned by event time out, exactly once a batch.

Four parts, each usable alone:

1. The field schema and the job's arguments (`parse_field_schema`, `StreamingConfig`): pure Python,
   validated before Spark starts, every error naming the argument or field.
2. The per-batch transform, pure (no I/O, no clock): `transform_batch(batch, batch_id, schema)` returns
   `(good rows, quarantined rows)`. Each record's payload is parsed once against the declared schema
   (never inferred), converted strictly, and given `ingest_year/ingest_month/ingest_day/ingest_hour` from
   its event time (the schema's `event_time_field`) or else its Kinesis approximate arrival time. A record
   that is empty, not UTF-8, not JSON, a JSON array or scalar, or does not fit the schema is quarantined
   with its payload (base64 if not UTF-8), a reason code, a detail, its shard and sequence number.
3. The exactly-once write (`process_batch`): a batch is written into staging and committed into files
   named by the batch id, with a manifest per batch, so a batch replayed with the same id (Glue's
   forEachBatch retry, a restart from the checkpoint) replaces its own files instead of adding a copy.
   Before anything is committed, `rows_in = rows_written + rows_quarantined` is checked.
4. Local drivers, so the streaming path runs without AWS: Spark's file stream source over files of
   Kinesis records (`run_file_stream`, `trigger(availableNow=True)`), and records read off a Kinesis
   stream with boto3 GetShardIterator/GetRecords (`run_local_kinesis`, the emulator in tests), with an
   offset log of its own so that a restart replays an unfinished batch under its id.

Input shapes the transform accepts (`kinesis_records`):

- Kinesis records: a `data` column (binary, or text) with `shardId`, `sequenceNumber`, `partitionKey`,
  `approximateArrivalTimestamp` and `streamName` where present (names matched case-insensitively), the
  shape of Spark's Kinesis sources and of `records_dataframe` (boto3 records);
- rows a Glue catalog source already parsed with the table's columns (no `data` column): each row is
  turned back into a JSON object of the declared fields and goes through the same conversion; the arrival
  time is Glue's `__src_timestamp` (the job asks for it with `addRecordTimestamp`). What Glue could not
  parse never reaches the batch in this shape, so it cannot be quarantined here (see the README);
- `envelope_records`: lines of Kinesis records as JSON (`{"SequenceNumber", "ApproximateArrivalTimestamp",
  "Data" (base64), "PartitionKey", "ShardId"}`, as `aws kinesis get-records` prints them), read by the
  file stream source; a line that is not such a record is quarantined as `malformed_envelope`.
"""

from __future__ import annotations

import base64
import json
import logging
import re
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from pyspark.sql import Column, DataFrame, Observation, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from etl_lib.errors import EtlError, JobArgumentError, MappingError
from etl_lib.paths import is_uri, normalize_path

log = logging.getLogger("etl_lib.streaming")

# -- 1. The field schema ------------------------------------------------------------------------------

# The Glue (Hive) column types a field may have. The Terraform module validates the same list at plan time.
GLUE_TYPE_NAMES = ("string", "tinyint", "smallint", "int", "bigint", "float", "double", "boolean", "date", "timestamp")
GLUE_TYPE_PATTERN = r"^(string|tinyint|smallint|int|bigint|float|double|boolean|date|timestamp|decimal\((\d+),(\d+)\))$"
_TYPE_RE = re.compile(GLUE_TYPE_PATTERN)
FIELD_NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]{0,254}$"
_NAME_RE = re.compile(FIELD_NAME_PATTERN)
MAX_COMMENT_LENGTH = 255  # Glue's limit for a column comment
_FIELD_KEYS = {"name", "type", "comment"}

# Partition columns, in directory order, as the AWS Solutions Construct's sample writes them (zero-padded text).
INGEST_COLUMNS = ("ingest_year", "ingest_month", "ingest_day", "ingest_hour")

# Reason codes of a quarantined record (the `reason` column); `detail` says more in words.
EMPTY_PAYLOAD = "empty_payload"
BINARY_PAYLOAD = "binary_payload"
MALFORMED_JSON = "malformed_json"
JSON_ARRAY = "json_array"
JSON_SCALAR = "json_scalar"
SCHEMA_MISMATCH = "schema_mismatch"
MISSING_EVENT_TIME = "missing_event_time"
MISSING_ARRIVAL_TIME = "missing_arrival_time"
MALFORMED_ENVELOPE = "malformed_envelope"
REASON_CODES = (
    EMPTY_PAYLOAD,
    BINARY_PAYLOAD,
    MALFORMED_JSON,
    JSON_ARRAY,
    JSON_SCALAR,
    SCHEMA_MISMATCH,
    MISSING_EVENT_TIME,
    MISSING_ARRIVAL_TIME,
    MALFORMED_ENVELOPE,
)


@dataclass(frozen=True)
class StreamField:
    """One declared field of the records: a top-level JSON key, its Glue type and a comment."""

    name: str
    type: str
    comment: str = ""

    @property
    def decimal(self) -> tuple[int, int] | None:
        match = _TYPE_RE.match(self.type)
        if match and match.group(2) is not None:
            return int(match.group(2)), int(match.group(3))
        return None

    @property
    def spark_type(self) -> T.DataType:
        decimal = self.decimal
        if decimal is not None:
            return T.DecimalType(*decimal)
        return {
            "string": T.StringType(),
            "tinyint": T.ByteType(),
            "smallint": T.ShortType(),
            "int": T.IntegerType(),
            "bigint": T.LongType(),
            "float": T.FloatType(),
            "double": T.DoubleType(),
            "boolean": T.BooleanType(),
            "date": T.DateType(),
            "timestamp": T.TimestampType(),
        }[self.type]


def parse_field_schema(text: str) -> tuple[StreamField, ...]:
    """The field schema from its JSON text: `[{"name": ..., "type": ..., "comment": ...}, ...]`.

    Raises `MappingError` naming the entry for a document that is not such a list, an unknown key or type,
    a bad or reserved name, a name given twice (case-insensitively, as Glue and Athena compare them) or a
    comment longer than Glue allows.
    """
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MappingError(
            f"--field_schema: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})."
        ) from exc
    if not isinstance(document, list) or not document:
        raise MappingError('--field_schema: expected a non-empty JSON list of {"name", "type", "comment"} objects.')
    fields: list[StreamField] = []
    seen: dict[str, str] = {}
    for index, entry in enumerate(document):
        where = f"--field_schema entry {index}"
        if not isinstance(entry, dict):
            raise MappingError(
                f"{where}: expected an object with name, type and comment, found {type(entry).__name__}."
            )
        unknown = sorted(set(entry) - _FIELD_KEYS)
        if unknown:
            raise MappingError(f"{where}: unknown key(s) {', '.join(unknown)}; allowed: comment, name, type.")
        name, type_name, comment = entry.get("name"), entry.get("type"), entry.get("comment", "")
        if not isinstance(name, str) or not _NAME_RE.match(name):
            raise MappingError(
                f"{where}: 'name' must be letters, digits and underscores, not starting with a digit "
                f"(at most 255 characters), not {name!r}."
            )
        where = f"--field_schema field '{name}'"
        if name.startswith("__") or name.lower() in INGEST_COLUMNS:
            raise MappingError(f"{where}: the name is reserved (names starting with '__' and the ingest_* partitions).")
        if name.lower() in seen:
            raise MappingError(
                f"{where}: declared twice (with '{seen[name.lower()]}'; names compare case-insensitively)."
            )
        seen[name.lower()] = name
        if not isinstance(type_name, str):
            raise MappingError(f"{where}: 'type' must be a string such as bigint or decimal(12,2).")
        type_name = re.sub(r"\s+", "", type_name.lower())
        match = _TYPE_RE.match(type_name)
        if match is None:
            raise MappingError(
                f"{where}: unknown type {entry.get('type')!r}; a field is one of {', '.join(GLUE_TYPE_NAMES)} "
                "or decimal(p,s)."
            )
        if match.group(2) is not None:
            precision, scale = int(match.group(2)), int(match.group(3))
            if not 1 <= precision <= 38 or scale > precision:
                raise MappingError(
                    f"{where}: decimal({precision},{scale}) needs 1 <= precision <= 38 and scale <= precision."
                )
        if comment is None:
            comment = ""
        if not isinstance(comment, str) or len(comment) > MAX_COMMENT_LENGTH:
            raise MappingError(f"{where}: 'comment' must be a string of at most {MAX_COMMENT_LENGTH} characters.")
        fields.append(StreamField(name=name, type=type_name, comment=comment))
    return tuple(fields)


@dataclass(frozen=True)
class StreamSchema:
    """The declared fields and, optionally, the one whose value is the record's event time."""

    fields: tuple[StreamField, ...]
    event_time_field: str | None = None

    def __post_init__(self) -> None:
        if not self.fields:
            raise MappingError("the field schema declares no field.")
        if self.event_time_field is not None:
            declared = {item.name: item for item in self.fields}
            item = declared.get(self.event_time_field)
            if item is None:
                raise JobArgumentError(
                    f"--event_time_field '{self.event_time_field}' is not a field of --field_schema "
                    f"({', '.join(declared)})."
                )
            if item.type != "timestamp":
                raise JobArgumentError(
                    f"--event_time_field '{self.event_time_field}' is declared {item.type}; the event time field "
                    "must be a timestamp (epoch seconds, epoch milliseconds and ISO-8601 all convert to one)."
                )

    @property
    def names(self) -> list[str]:
        return [item.name for item in self.fields]

    def output_schema(self) -> T.StructType:
        """The good rows' schema: the declared fields, then the ingest_* partition columns."""
        return T.StructType(
            [T.StructField(item.name, item.spark_type, True) for item in self.fields]
            + [T.StructField(name, T.StringType(), True) for name in INGEST_COLUMNS]
        )


# -- The job's arguments --------------------------------------------------------------------------------

KINESIS_TO_PARQUET_OPTIONS = (
    "database_name",
    "table_name",
    "output_path",
    "quarantine_path",
    "checkpoint_location",
    "field_schema",
    "event_time_field",
    "window_size",
    "starting_position",
    "max_fetch_records_per_shard",
    "emit_consumer_lag_metrics",
    "batch_max_retries",
    "local_input_path",
    "local_stream_name",
    "JOB_NAME",
)
REQUIRED_OPTIONS = ("output_path", "quarantine_path", "checkpoint_location", "field_schema")

DEFAULT_WINDOW_SIZE = "100 seconds"  # the construct's sample and Glue's default window
DEFAULT_STARTING_POSITION = "trim_horizon"  # the construct's sample (Glue's own default is latest)
DEFAULT_MAX_FETCH_RECORDS_PER_SHARD = 100_000  # Glue's default
DEFAULT_EMIT_CONSUMER_LAG_METRICS = True  # feeds the glue.driver.streaming.maxConsumerLagInMs alarm
DEFAULT_BATCH_MAX_RETRIES = 3  # Glue's default; Glue accepts 0..100
WINDOW_SIZE_PATTERN = r"^([1-9][0-9]{0,8}) seconds?$"
STARTING_TIMESTAMP_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$"
_WINDOW_RE = re.compile(WINDOW_SIZE_PATTERN)
_STARTING_TIMESTAMP_RE = re.compile(STARTING_TIMESTAMP_PATTERN)


def _arg(args: Mapping[str, str | None], name: str) -> str | None:
    value = args.get(name)
    if value is None:
        return None
    value = value.strip()
    return value or None


def parse_window_size(text: str | None) -> str:
    """`N seconds` (N >= 1), as Glue's forEachBatch takes it; returned normalized."""
    if text is None:
        return DEFAULT_WINDOW_SIZE
    match = _WINDOW_RE.match(" ".join(text.split()).lower())
    if match is None:
        raise JobArgumentError(
            f"--window_size must be 'N seconds' with N >= 1 (e.g. '{DEFAULT_WINDOW_SIZE}'), not {text!r}."
        )
    return f"{int(match.group(1))} seconds"


def parse_starting_position(text: str | None) -> str:
    """latest, trim_horizon, or a timestamp yyyy-mm-ddTHH:MM:SSZ (or with an offset, +HH:MM)."""
    if text is None:
        return DEFAULT_STARTING_POSITION
    lowered = text.strip().lower()
    if lowered in ("latest", "trim_horizon"):
        return lowered
    candidate = text.strip()
    if _STARTING_TIMESTAMP_RE.match(candidate):
        try:
            datetime.fromisoformat(candidate.replace("Z", "+00:00"))
        except ValueError:
            pass
        else:
            return candidate
    raise JobArgumentError(
        "--starting_position must be latest, trim_horizon, or a timestamp such as 2024-04-04T08:00:00Z "
        f"(or 2024-04-04T08:00:00-04:00), not {text!r}."
    )


def _int_arg(args: Mapping[str, str | None], name: str, default: int, low: int, high: int) -> int:
    text = _arg(args, name)
    if text is None:
        return default
    try:
        value = int(text)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise JobArgumentError(f"--{name} must be a whole number from {low} to {high}, not {text!r}.")
    return value


def _bool_arg(args: Mapping[str, str | None], name: str, default: bool) -> bool:
    text = _arg(args, name)
    if text is None:
        return default
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    raise JobArgumentError(f"--{name} must be true or false, not {text!r}.")


def _inside(child: str, parent: str) -> bool:
    a, b = child.rstrip("/") + "/", parent.rstrip("/") + "/"
    return a.startswith(b)


@dataclass(frozen=True)
class StreamingConfig:
    """kinesis_to_parquet's validated arguments (local paths made absolute)."""

    output_path: str
    quarantine_path: str
    checkpoint_location: str
    schema: StreamSchema
    database_name: str | None = None
    table_name: str | None = None
    window_size: str = DEFAULT_WINDOW_SIZE
    starting_position: str = DEFAULT_STARTING_POSITION
    max_fetch_records_per_shard: int = DEFAULT_MAX_FETCH_RECORDS_PER_SHARD
    emit_consumer_lag_metrics: bool = DEFAULT_EMIT_CONSUMER_LAG_METRICS
    batch_max_retries: int = DEFAULT_BATCH_MAX_RETRIES
    local_input_path: str | None = None
    local_stream_name: str | None = None
    job_name: str = "kinesis_to_parquet"

    @classmethod
    def from_args(cls, args: Mapping[str, str | None], local: bool = False) -> StreamingConfig:
        """Validate resolved job arguments; `local` says the run is in local mode (no GlueContext).

        On Glue the stream is the catalog table's (`--database_name`, `--table_name`, both required); locally
        the records come from `--local_input_path` (files of Kinesis records) or `--local_stream_name` (a
        Kinesis stream read with boto3, e.g. on the emulator), exactly one of them. Raises `JobArgumentError`
        or `MappingError` naming the argument.
        """
        for name in REQUIRED_OPTIONS:
            if _arg(args, name) is None:
                raise JobArgumentError(f"missing required job argument --{name}.")
        output = normalize_path(str(_arg(args, "output_path")))
        quarantine = normalize_path(str(_arg(args, "quarantine_path")))
        checkpoint = normalize_path(str(_arg(args, "checkpoint_location")))
        for name, value in (
            ("output_path", output),
            ("quarantine_path", quarantine),
            ("checkpoint_location", checkpoint),
        ):
            if is_uri(value) and value.split("://", 1)[1].count("/") == 0:
                raise JobArgumentError(f"--{name} {value} is a bucket root; give a prefix such as {value}/data.")
        if _inside(output, quarantine) or _inside(quarantine, output):
            raise JobArgumentError("--output_path and --quarantine_path must not contain one another.")
        for name, value in (("output_path", output), ("quarantine_path", quarantine)):
            if _inside(value, checkpoint) or _inside(checkpoint, value):
                raise JobArgumentError(f"--checkpoint_location and --{name} must not contain one another.")

        schema = StreamSchema(parse_field_schema(str(_arg(args, "field_schema"))), _arg(args, "event_time_field"))
        database, table = _arg(args, "database_name"), _arg(args, "table_name")
        if bool(database) != bool(table):
            raise JobArgumentError("give --database_name and --table_name together (the catalog table of the stream).")
        local_input, local_stream = _arg(args, "local_input_path"), _arg(args, "local_stream_name")
        if local:
            if bool(local_input) == bool(local_stream):
                raise JobArgumentError(
                    "in local mode, give exactly one of --local_input_path (files of Kinesis records as JSON lines) "
                    "or --local_stream_name (a Kinesis stream read with boto3, e.g. on the emulator)."
                )
        else:
            for option, given in (("local_input_path", local_input), ("local_stream_name", local_stream)):
                if given is not None:
                    raise JobArgumentError(
                        f"--{option} is for local runs only (--local_mode true); on Glue the job reads "
                        "the stream of --database_name/--table_name."
                    )
            if database is None:
                raise JobArgumentError(
                    "missing required job arguments --database_name and --table_name (the catalog table of the stream)."
                )
        return cls(
            output_path=output,
            quarantine_path=quarantine,
            checkpoint_location=checkpoint,
            schema=schema,
            database_name=database,
            table_name=table,
            window_size=parse_window_size(_arg(args, "window_size")),
            starting_position=parse_starting_position(_arg(args, "starting_position")),
            max_fetch_records_per_shard=_int_arg(
                args, "max_fetch_records_per_shard", DEFAULT_MAX_FETCH_RECORDS_PER_SHARD, 1, 10_000_000
            ),
            emit_consumer_lag_metrics=_bool_arg(args, "emit_consumer_lag_metrics", DEFAULT_EMIT_CONSUMER_LAG_METRICS),
            batch_max_retries=_int_arg(args, "batch_max_retries", DEFAULT_BATCH_MAX_RETRIES, 0, 100),
            local_input_path=normalize_path(local_input) if local_input else None,
            local_stream_name=local_stream,
            job_name=_arg(args, "JOB_NAME") or "kinesis_to_parquet",
        )

    def glue_source_options(self) -> dict[str, str]:
        """`additional_options` of `create_data_frame.from_catalog` on the stream's table."""
        return {
            "startingPosition": self.starting_position,
            "maxFetchRecordsPerShard": str(self.max_fetch_records_per_shard),
            "emitConsumerLagMetrics": "true" if self.emit_consumer_lag_metrics else "false",
            "addRecordTimestamp": "true",  # __src_timestamp: the arrival time, when Glue hands over parsed rows
            "inferSchema": "false",  # the table's declared columns; never inferred per batch
        }

    def for_each_batch_options(self) -> dict[str, Any]:
        """`options` of `GlueContext.forEachBatch`."""
        return {
            "windowSize": self.window_size,
            "checkpointLocation": self.checkpoint_location,
            "batchMaxRetries": self.batch_max_retries,
        }


# -- 2a. Input shapes: Kinesis records, rows Glue parsed, files of records ---------------------------------

# The canonical record columns the transform reads.
DATA = "__data"
SHARD_ID = "__shard_id"
SEQUENCE_NUMBER = "__sequence_number"
PARTITION_KEY = "__partition_key"
ARRIVAL = "__arrival"
STREAM_NAME = "__stream_name"
INPUT_REASON = "__input_reason"
INPUT_DETAIL = "__input_detail"
RECORD_COLUMNS = (DATA, SHARD_ID, SEQUENCE_NUMBER, PARTITION_KEY, ARRIVAL, STREAM_NAME, INPUT_REASON, INPUT_DETAIL)
GLUE_RECORD_TIMESTAMP = "__src_timestamp"

# Files of Kinesis records, one JSON object a line, as GetRecords returns a record (plus its shard).
ENVELOPE_CORRUPT = "_corrupt_record"
ENVELOPE_SCHEMA = T.StructType(
    [
        T.StructField("SequenceNumber", T.StringType()),
        T.StructField("ApproximateArrivalTimestamp", T.StringType()),
        T.StructField("Data", T.StringType()),
        T.StructField("PartitionKey", T.StringType()),
        T.StructField("ShardId", T.StringType()),
        T.StructField("StreamName", T.StringType()),
        T.StructField(ENVELOPE_CORRUPT, T.StringType()),
    ]
)
KINESIS_RECORD_SCHEMA = T.StructType(
    [
        T.StructField("data", T.BinaryType()),
        T.StructField("shardId", T.StringType()),
        T.StructField("sequenceNumber", T.StringType()),
        T.StructField("partitionKey", T.StringType()),
        T.StructField("approximateArrivalTimestamp", T.TimestampType()),
        T.StructField("streamName", T.StringType()),
    ]
)

# Epoch numbers at or above this magnitude are milliseconds, below it seconds: 1e11 seconds is the year 5138,
# 1e11 milliseconds is March 1973, so every plausible event time of either kind is read right.
EPOCH_MILLIS_THRESHOLD = 100_000_000_000
# Spark's timestamp range, 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z, in epoch seconds.
MIN_EPOCH_SECONDS = -62_135_596_800
MAX_EPOCH_SECONDS = 253_402_300_799
_NUMBER_PATTERN = r"^-?[0-9]+([.][0-9]+)?([eE][+-]?[0-9]+)?$"
# A date alone, or a date and a time (hours and minutes at least) with an optional offset.
_ISO_PATTERN = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,9})?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?)?$"
)
_DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def _epoch_to_timestamp(number: Column) -> Column:
    """A decimal epoch value (seconds below the threshold, milliseconds at or above it) as a timestamp."""
    seconds = F.when(F.abs(number) >= F.lit(EPOCH_MILLIS_THRESHOLD), number / F.lit(1000)).otherwise(number)
    in_range = seconds.between(F.lit(MIN_EPOCH_SECONDS), F.lit(MAX_EPOCH_SECONDS))
    return F.when(in_range, F.timestamp_seconds(seconds))


def _iso_text(text: Column) -> Column:
    """ISO-8601 text made complete for Spark's cast, or null if it is not ISO-8601: upper case, `T00:00:00Z`
    after a date alone, `:00` seconds after hours and minutes, `Z` where there is no offset. One regex (the
    gate), then plain string functions: this runs for every timestamp value."""
    upper = F.upper(text)
    tail = F.substring(upper, 17, 1000)  # after yyyy-MM-ddTHH:mm: seconds, fraction, offset
    has_zone = (F.instr(tail, "Z") > 0) | (F.instr(tail, "+") > 0) | (F.instr(tail, "-") > 0)
    complete = F.concat(
        F.substring(upper, 1, 16),
        F.when(F.substring(upper, 17, 1) == F.lit(":"), F.lit("")).otherwise(F.lit(":00")),
        tail,
        F.when(has_zone, F.lit("")).otherwise(F.lit("Z")),
    )
    return F.when(
        upper.rlike(_ISO_PATTERN),
        F.when(F.length(upper) == F.lit(10), F.concat(upper, F.lit("T00:00:00Z"))).otherwise(complete),
    )


def _try_cast(name: str, sql_type: str) -> Column:
    # pyspark 3.5 has no Column.try_cast; the SQL form on a named column is the same expression.
    return F.expr(f"try_cast(`{name}` AS {sql_type})")


def timestamp_inputs(text: Column, number: Column, prefix: str) -> list[Column]:
    """The helper columns `timestamp_from_inputs` reads: the text as a decimal (`try_cast`, see `_try_cast`)
    and the text in complete ISO-8601 form."""
    return [number.alias(f"{prefix}_num"), _iso_text(text).alias(f"{prefix}_iso")]


def timestamp_from_inputs(prefix: str) -> Column:
    """Timestamp text as a timestamp, or null: epoch seconds or milliseconds (a JSON
    number or a numeric string), or ISO-8601 (`2024-01-02T03:04:05Z`, `+02:00`/`+0200`/`+02` offsets,
    fractions to nanoseconds, a space for the `T`, no seconds, or a date alone). Text without an offset is
    UTC. Independent of the session time zone. Reads the columns `timestamp_inputs(..., prefix)` made."""
    return (
        F.when(F.col(f"{prefix}_num").isNotNull(), _epoch_to_timestamp(F.col(f"{prefix}_num")))
        .when(F.col(f"{prefix}_iso").isNotNull(), _try_cast(f"{prefix}_iso", "TIMESTAMP"))
        .otherwise(F.lit(None).cast("timestamp"))
    )


def with_timestamp(frame: DataFrame, text: str, name: str) -> DataFrame:
    """`frame` with a timestamp column `name` converted from its text column `text` (`timestamp_from_inputs`)."""
    prefix = f"__ts_{name.strip('_')}"
    number = F.expr(f"CASE WHEN `{text}` RLIKE '{_NUMBER_PATTERN}' THEN try_cast(`{text}` AS DECIMAL(38,9)) END")
    staged = frame.select("*", *timestamp_inputs(F.col(text), number, prefix))
    return staged.select(*[F.col(f"`{c}`") for c in frame.columns], timestamp_from_inputs(prefix).alias(name))


def _arrival(frame: DataFrame, name: str | None) -> tuple[Column, Column | None]:
    """(the arrival time as a timestamp when the source column's type allows it directly, else the text to
    convert with `with_timestamp`)."""
    if name is None:
        return F.lit(None).cast("timestamp"), None
    column = F.col(f"`{name}`")
    data_type = frame.schema[name].dataType
    if isinstance(data_type, T.TimestampType | T.DateType) or type(data_type).__name__ == "TimestampNTZType":
        return column.cast("timestamp"), None
    if isinstance(data_type, T.NumericType):
        return _epoch_to_timestamp(column.cast("decimal(38,9)")), None
    return F.lit(None).cast("timestamp"), F.trim(column.cast("string"))


def kinesis_records(frame: DataFrame, schema: StreamSchema) -> DataFrame:
    """The batch in the canonical record columns the transform reads (see the module docstring for shapes).

    A frame already in the canonical columns is returned as it is.
    """
    if DATA in frame.columns:
        return frame
    by_name = {name.lower(): name for name in frame.columns}

    def pick(*names: str) -> str | None:
        for name in names:
            if name.lower() in by_name:
                return by_name[name.lower()]
        return None

    def text(*names: str) -> Column:
        found = pick(*names)
        return F.col(f"`{found}`").cast("string") if found else F.lit(None).cast("string")

    data_name = pick("data")
    metadata = pick("sequenceNumber", "approximateArrivalTimestamp", "partitionKey", "shardId", "streamName")
    if data_name is not None and not (
        isinstance(frame.schema[data_name].dataType, T.BinaryType) or metadata or "data" not in schema.names
    ):
        data_name = None  # a declared field called data, in rows Glue parsed: not the record's payload
    if data_name is not None:
        data = F.col(f"`{data_name}`")
        if not isinstance(frame.schema[data_name].dataType, T.BinaryType):
            data = F.encode(data.cast("string"), "UTF-8")
        arrival_name = pick("approximateArrivalTimestamp", GLUE_RECORD_TIMESTAMP)
    else:
        present = [name for name in schema.names if name.lower() in by_name]
        if not present:
            raise EtlError(
                "the batch has neither a 'data' column (Kinesis records) nor any declared field (rows a Glue "
                f"catalog source parsed); its columns are {', '.join(frame.columns)}."
            )
        payload = F.to_json(F.struct(*[F.col(f"`{by_name[name.lower()]}`").alias(name) for name in present]))
        data = F.encode(payload, "UTF-8")
        arrival_name = pick(GLUE_RECORD_TIMESTAMP, "approximateArrivalTimestamp")
    arrival, arrival_text = _arrival(frame, arrival_name)
    records = frame.select(
        data.alias(DATA),
        text("shardId", "shard_id").alias(SHARD_ID),
        text("sequenceNumber", "sequence_number").alias(SEQUENCE_NUMBER),
        text("partitionKey", "partition_key").alias(PARTITION_KEY),
        arrival.alias(ARRIVAL),
        text("streamName", "stream").alias(STREAM_NAME),
        F.lit(None).cast("string").alias(INPUT_REASON),
        F.lit(None).cast("string").alias(INPUT_DETAIL),
        (arrival_text if arrival_text is not None else F.lit(None).cast("string")).alias("__arrival_text"),
    )
    if arrival_text is None:
        return records.drop("__arrival_text")
    converted = with_timestamp(records.drop(ARRIVAL), "__arrival_text", ARRIVAL)
    return converted.select(*RECORD_COLUMNS)


_BASE64_PATTERN = r"^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"


def envelope_records(frame: DataFrame) -> DataFrame:
    """Lines of Kinesis records as JSON (read with `ENVELOPE_SCHEMA`) in the canonical record columns.

    A line that is not such a record (not JSON, no `Data`, `Data` not base64) keeps its text as the payload
    and is quarantined as `malformed_envelope`; the arrival time is epoch seconds (as the AWS CLI prints
    it), epoch milliseconds or ISO-8601.
    """
    corrupt = F.col(ENVELOPE_CORRUPT) if ENVELOPE_CORRUPT in frame.columns else F.lit(None).cast("string")
    encoded = F.regexp_replace(F.col("Data"), r"\s", "")
    valid = corrupt.isNull() & F.col("Data").isNotNull() & encoded.rlike(_BASE64_PATTERN)
    detail = (
        F.when(corrupt.isNotNull(), F.lit("the line is not a JSON object"))
        .when(F.col("Data").isNull(), F.lit("the record has no Data"))
        .otherwise(F.lit("Data is not base64"))
    )
    fields = [F.col(name) for name in frame.columns if name != ENVELOPE_CORRUPT]
    line = F.coalesce(corrupt, F.to_json(F.struct(*fields)))
    records = frame.select(
        F.when(valid, F.unbase64(encoded)).otherwise(F.encode(line, "UTF-8")).alias(DATA),
        F.col("ShardId").alias(SHARD_ID),
        F.col("SequenceNumber").alias(SEQUENCE_NUMBER),
        F.col("PartitionKey").alias(PARTITION_KEY),
        F.col("StreamName").alias(STREAM_NAME),
        F.when(~valid, F.lit(MALFORMED_ENVELOPE)).alias(INPUT_REASON),
        F.when(~valid, detail).alias(INPUT_DETAIL),
        F.trim(F.col("ApproximateArrivalTimestamp")).alias("__arrival_text"),
    )
    return with_timestamp(records, "__arrival_text", ARRIVAL).select(*RECORD_COLUMNS)


def records_dataframe(
    spark: SparkSession, records: Sequence[Mapping[str, Any]], stream_name: str | None = None
) -> DataFrame:
    """Kinesis records as boto3's GetRecords returns them (plus `ShardId`) as a batch DataFrame."""
    rows = [
        (
            bytes(record["Data"]),
            record.get("ShardId"),
            str(record["SequenceNumber"]),
            record.get("PartitionKey"),
            record.get("ApproximateArrivalTimestamp"),
            stream_name,
        )
        for record in records
    ]
    return spark.createDataFrame(rows, KINESIS_RECORD_SCHEMA)


def envelope_line(record: Mapping[str, Any], shard_id: str | None = None) -> str:
    """One boto3 record as a line of a file the local file source reads (`envelope_records`)."""
    arrival = record.get("ApproximateArrivalTimestamp")
    return json.dumps(
        {
            "SequenceNumber": str(record["SequenceNumber"]),
            "ApproximateArrivalTimestamp": arrival.timestamp() if isinstance(arrival, datetime) else arrival,
            "Data": base64.b64encode(bytes(record["Data"])).decode("ascii"),
            "PartitionKey": record.get("PartitionKey"),
            "ShardId": shard_id or record.get("ShardId"),
        },
        separators=(",", ":"),
    )


# -- 2b. The per-batch transform ----------------------------------------------------------------------------

BATCH_ID = "batch_id"
BATCH_ID_DIGITS = 20  # a Spark batch id is a long: at most 19 digits
REASON = "reason"
DETAIL = "detail"
PAYLOAD = "payload"
PAYLOAD_ENCODING = "payload_encoding"
QUARANTINE_COLUMNS = (
    BATCH_ID,
    REASON,
    DETAIL,
    PAYLOAD,
    PAYLOAD_ENCODING,
    "shard_id",
    "sequence_number",
    "partition_key",
    "stream_name",
    "approximate_arrival_timestamp",
)
_GOOD = "__good"
_TEXT = "__text"
_PARSED = "__parsed"
_SINGLE = "__single"
_QUARANTINE_PARTS = tuple(f"__q_{name}" for name in INGEST_COLUMNS)
VALUE_SHOWN = 80  # characters of an offending value shown in a quarantine detail


def _read_type(item: StreamField) -> T.DataType:
    # Decimals are read as decimals: exact, where Spark's JSON text of a non-integer number goes through a
    # double. Every other field is read as text and converted strictly afterwards.
    return item.spark_type if item.decimal is not None else T.StringType()


def _read_schema(schema: StreamSchema) -> T.ArrayType:
    return T.ArrayType(T.StructType([T.StructField(item.name, _read_type(item), True) for item in schema.fields]))


def _json_kind(first: Column) -> Column:
    return (
        F.when(first == F.lit('"'), F.lit("string"))
        .when(first.isin("t", "f"), F.lit("boolean"))
        .when(first == F.lit("n"), F.lit("null"))
        .otherwise(F.lit("number"))
    )


def _convert(item: StreamField, leaf: Column, leaf_sql: str) -> Column:
    """The typed value of a field from its JSON text (`leaf`, `leaf_sql` in SQL), or null if it does not convert.

    Strict: an integer is a whole number in range (`1.5` and `1e3` are not ints), a boolean is `true` or
    `false` (any case), a date is `yyyy-MM-dd`, a decimal must fit its precision (it is rounded half up to
    its scale); quoted numbers are numbers. A string field takes the text of any JSON value. (Timestamps:
    `timestamp_from_inputs`.)
    """
    if item.type == "string" or item.decimal is not None:
        return leaf
    if item.type == "boolean":
        lowered = F.lower(leaf)
        return F.when(lowered == F.lit("true"), F.lit(True)).when(lowered == F.lit("false"), F.lit(False))
    if item.type == "date":
        return F.when(leaf.rlike(_DATE_PATTERN), F.expr(f"try_cast({leaf_sql} AS DATE)"))
    # pyspark 3.5 has no Column.try_cast; the SQL form is the same expression.
    return F.expr(f"try_cast({leaf_sql} AS {item.spark_type.simpleString().upper()})")


def _partition_parts(name: str) -> list[Column]:
    """ingest_year/month/day/hour of the timestamp column `name`, in UTC whatever the session time zone, as
    zero-padded text. (SQL functions rather than their pyspark 3.5 wrappers: Glue 4.0 runs pyspark 3.3.)"""
    seconds = f"CAST(`{name}` AS BIGINT)"  # epoch seconds, rounded down
    day = F.expr(f"date_from_unix_date(CAST(floor({seconds} / 86400) AS INT))")
    return [
        F.lpad(F.year(day).cast("string"), 4, "0"),
        F.lpad(F.month(day).cast("string"), 2, "0"),
        F.lpad(F.dayofmonth(day).cast("string"), 2, "0"),
        F.lpad(F.expr(f"CAST(pmod({seconds}, 86400) DIV 3600 AS STRING)"), 2, "0"),
    ]


@dataclass(frozen=True)
class _Classification:
    """The projections `classify_batch` applies, built once per schema: every expression names its input columns,
    so the same Column objects serve every batch (building them costs over a thousand calls into the JVM)."""

    stages: tuple[tuple[Column, ...], ...]
    before_batch_id: tuple[Column, ...]
    after_batch_id: tuple[Column, ...]


_CLASSIFICATIONS: dict[tuple[StreamSchema, int], _Classification] = {}


def _classification(schema: StreamSchema) -> _Classification:
    from pyspark import SparkContext

    key = (schema, id(SparkContext._gateway))
    if key not in _CLASSIFICATIONS:
        _CLASSIFICATIONS.clear()  # one schema a job; never let the cache grow
        _CLASSIFICATIONS[key] = _build_classification(schema)
    return _CLASSIFICATIONS[key]


def _build_classification(schema: StreamSchema) -> _Classification:
    fields = schema.fields
    records = [F.col(name) for name in RECORD_COLUMNS]
    stages: list[tuple[Column, ...]] = []
    stages.append((*records, F.decode(F.col(DATA), "UTF-8").alias("__decoded")))
    # Decoding replaces invalid bytes with U+FFFD, so the text of a payload that is not UTF-8 does not encode
    # back to the same bytes.
    utf8 = F.encode(F.col("__decoded"), "UTF-8") == F.col(DATA)
    stages.append((*records, F.when(utf8, F.col("__decoded")).alias(_TEXT)))
    # Wrapped in [ ] and read as an array of one object: anything after the object (a second value, garbage),
    # an array or a scalar fails this, where Spark's parser alone would ignore trailing text.
    wrapped = F.concat(F.lit("["), F.col(_TEXT), F.lit("]"))
    stages.append((*records, F.col(_TEXT), F.from_json(wrapped, _read_schema(schema)).alias(_PARSED)))

    # Each field's JSON text (a decimal field: its value) and, but for timestamps, its typed value.
    parsed = F.col(_PARSED)
    row = F.element_at(parsed, 1)
    leaves: list[Column] = []
    for index, item in enumerate(fields):
        leaf = row.getField(item.name)
        leaf_sql = f"element_at(`{_PARSED}`, 1).`{item.name}`"
        leaves.append(leaf.alias(f"__s{index}"))
        if item.type == "timestamp":
            number = F.expr(
                f"CASE WHEN {leaf_sql} RLIKE '{_NUMBER_PATTERN}' THEN try_cast({leaf_sql} AS DECIMAL(38,9)) END"
            )
            leaves += timestamp_inputs(leaf, number, f"__t{index}")
        else:
            leaves.append(_convert(item, leaf, leaf_sql).alias(f"__v{index}"))
    single = parsed.isNotNull() & (F.size(parsed) == F.lit(1)) & row.isNotNull()
    stages.append((*records, F.col(_TEXT), single.alias(_SINGLE), *leaves))
    sources = [F.col(f"__s{index}") for index in range(len(fields))]
    values = [F.col(f"__v{index}") for index in range(len(fields))]
    stages.append(
        (
            *records,
            F.col(_TEXT),
            F.col(_SINGLE),
            *sources,
            *[
                (timestamp_from_inputs(f"__t{i}") if item.type == "timestamp" else values[i]).alias(f"__v{i}")
                for i, item in enumerate(fields)
            ],
        )
    )

    # Flags: which fields do not fit, and for a record that is not one object, what it is instead.
    text = F.col(_TEXT)
    flags: list[Column] = []
    for index, item in enumerate(fields):
        leaf, value = sources[index], values[index]
        if item.decimal is not None:  # read as a decimal: null if the JSON value is there but does not fit
            shown = F.when(F.col(_SINGLE) & value.isNull(), F.get_json_object(text, f"$.{item.name}"))
        else:
            shown = F.when(F.col(_SINGLE) & leaf.isNotNull() & value.isNull(), leaf)
        flags.append(shown.alias(f"__bad{index}"))
    one_value = F.from_json(F.concat(F.lit("["), text, F.lit("]")), "array<string>")
    event_index = schema.names.index(schema.event_time_field) if schema.event_time_field else None
    partition_time = values[event_index] if event_index is not None else F.col(ARRIVAL)
    stages.append(
        (
            *records,
            text,
            F.col(_SINGLE),
            *values,
            *flags,
            # Only looked at for records that are not one object (CASE evaluates a branch only when it is taken).
            F.when(~F.col(_SINGLE), F.size(one_value) == F.lit(1)).alias("__one_value"),
            F.when(~F.col(_SINGLE), F.regexp_extract(text, r"^\s*(\S)", 1)).alias("__first"),
            (F.col(DATA).isNull() | (F.length(F.col(DATA)) == F.lit(0))).alias("__empty"),
            partition_time.alias("__partition_time"),
        )
    )
    bad = [F.col(f"__bad{index}") for index in range(len(fields))]
    any_bad: Column = F.lit(False)
    for flag in bad:
        any_bad = any_bad | flag.isNotNull()
    not_object = ~F.col(_SINGLE)
    one = F.coalesce(F.col("__one_value"), F.lit(False))
    first = F.col("__first")
    missing = MISSING_EVENT_TIME if event_index is not None else MISSING_ARRIVAL_TIME
    reason = (
        F.when(F.col(INPUT_REASON).isNotNull(), F.col(INPUT_REASON))
        .when(F.col("__empty"), F.lit(EMPTY_PAYLOAD))
        .when(text.isNull(), F.lit(BINARY_PAYLOAD))
        .when(not_object & text.rlike(r"^\s*$"), F.lit(EMPTY_PAYLOAD))
        .when(not_object & one & (first == F.lit("[")), F.lit(JSON_ARRAY))
        .when(not_object & one & (first != F.lit("{")), F.lit(JSON_SCALAR))
        # One JSON object that the typed read still rejected: a decimal that does not fit, where Spark does not
        # give partial results (spark.sql.json.enablePartialResults, off before Spark 3.5: Glue 4.0).
        .when(not_object & one & (first == F.lit("{")), F.lit(SCHEMA_MISMATCH))
        .when(not_object, F.lit(MALFORMED_JSON))
        .when(any_bad, F.lit(SCHEMA_MISMATCH))
        .when(F.col("__partition_time").isNull(), F.lit(missing))
    )
    stages.append((F.col("*"), reason.alias(REASON)))

    code = F.col(REASON)
    mismatch = F.concat_ws(
        "; ",
        *[
            F.when(
                flag.isNotNull(),
                F.concat(F.lit(f"invalid value for '{item.name}' ({item.type}): "), F.substring(flag, 1, VALUE_SHOWN)),
            )
            for flag, item in zip(bad, fields, strict=True)
        ],
    )
    decimals = ", ".join(f"'{item.name}' ({item.type})" for item in fields if item.decimal is not None) or "none"
    missing_detail = (
        f"the event time field '{schema.event_time_field}' is missing or null"
        if event_index is not None
        else "no event time field is declared and the record has no arrival time"
    )
    detail = (
        F.when(F.col(INPUT_REASON).isNotNull(), F.col(INPUT_DETAIL))
        .when(code.isNull(), F.lit(None).cast("string"))
        .when(F.col("__empty"), F.lit("the record's data is empty"))
        .when(code == F.lit(EMPTY_PAYLOAD), F.lit("the record's data is only whitespace"))
        .when(code == F.lit(BINARY_PAYLOAD), F.lit("the record's data is not UTF-8 text; the payload is in base64"))
        .when(code == F.lit(JSON_ARRAY), F.lit("a JSON array, not an object"))
        .when(code == F.lit(JSON_SCALAR), F.concat(F.lit("a JSON "), _json_kind(first), F.lit(", not an object")))
        .when(code == F.lit(MALFORMED_JSON), F.lit("not one JSON object"))
        .when((code == F.lit(SCHEMA_MISMATCH)) & F.col(_SINGLE), mismatch)
        .when(code == F.lit(SCHEMA_MISMATCH), F.lit(f"a value does not fit its field: {decimals}"))
        .otherwise(F.lit(missing_detail))
    )
    good = code.isNull()
    # __good carries a (trivially true) nondeterministic term so that the optimizer cannot push split_batch's
    # filter on it down through these projections: pushed down, the filter would repeat every expression
    # above it (the parse, the conversions, the reason), many times over, and compile for seconds.
    barrier = F.spark_partition_id() >= F.lit(0)
    arrival = F.col(ARRIVAL)
    before = (
        *[F.when(good, F.col(f"__v{index}")).alias(item.name) for index, item in enumerate(fields)],
        *[
            F.when(good, part).alias(name)
            for part, name in zip(_partition_parts("__partition_time"), INGEST_COLUMNS, strict=True)
        ],
        (good & barrier).alias(_GOOD),
    )
    after = (
        code.alias(REASON),
        detail.alias(DETAIL),
        F.when(~good, F.coalesce(text, F.base64(F.col(DATA)), F.lit(""))).alias(PAYLOAD),
        F.when(~good, F.when(text.isNull() & ~F.col("__empty"), F.lit("base64")).otherwise(F.lit("utf-8"))).alias(
            PAYLOAD_ENCODING
        ),
        F.col(SHARD_ID).alias("shard_id"),
        F.col(SEQUENCE_NUMBER).alias("sequence_number"),
        F.col(PARTITION_KEY).alias("partition_key"),
        F.col(STREAM_NAME).alias("stream_name"),
        arrival.alias("approximate_arrival_timestamp"),
        *[part.alias(name) for part, name in zip(_partition_parts(ARRIVAL), _QUARANTINE_PARTS, strict=True)],
    )
    return _Classification(tuple(stages), before, after)


def classify_batch(batch: DataFrame, batch_id: int, schema: StreamSchema) -> DataFrame:
    """Every record of the batch with its typed fields, its partitions, and a reason if it is to be quarantined.

    Columns: the declared fields and `ingest_*` (null on rows to quarantine), `__good`, the quarantine
    columns (`batch_id`, `reason`, `detail`, `payload` and `payload_encoding` (on rows to quarantine only),
    the Kinesis metadata) and the arrival-time partitions the quarantine is written under. Pure: a function
    of the batch alone (no clock, no I/O), so a replayed batch gives the same rows.

    Built as a few projections, each expensive expression computed once in its own column and read by name
    after: the parse (one `from_json` a record), the conversions, the flags, the reason, the detail.
    """
    plan = _classification(schema)
    frame = kinesis_records(batch, schema)
    for stage in plan.stages:
        frame = frame.select(*stage)
    # The batch id as a decimal literal: Spark's generated code holds a decimal by reference where it writes a
    # bigint into the code, so each new batch id would compile the whole transform again.
    batch_column = F.lit(Decimal(batch_id)).cast(T.DecimalType(BATCH_ID_DIGITS, 0))
    return frame.select(*plan.before_batch_id, batch_column.alias(BATCH_ID), *plan.after_batch_id)


def split_batch(classified: DataFrame, schema: StreamSchema) -> tuple[DataFrame, DataFrame]:
    """(good rows: the declared fields and ingest_*; quarantined rows: the quarantine columns and ingest_*
    of the arrival time) of a `classify_batch` result."""
    good = classified.where(F.col(_GOOD)).select(*[F.col(f"`{name}`") for name in schema.names], *INGEST_COLUMNS)
    quarantined = classified.where(~F.col(_GOOD)).select(
        *QUARANTINE_COLUMNS,
        *[F.col(part).alias(name) for part, name in zip(_QUARANTINE_PARTS, INGEST_COLUMNS, strict=True)],
    )
    return good, quarantined


def transform_batch(batch: DataFrame, batch_id: int, schema: StreamSchema) -> tuple[DataFrame, DataFrame]:
    """The per-batch transform: `(batch, batch_id) -> (good rows, quarantined rows)`, pure and lazy.

    Every record of the batch is in exactly one of the two.
    """
    return split_batch(classify_batch(batch, batch_id, schema), schema)


# -- 3. The exactly-once write ----------------------------------------------------------------------------

STAGING_DIR = "_staging"
MANIFEST_DIR = "_batches"
SUCCESS_MARKER = "_SUCCESS"
# The transform compiles into wide generated methods; HotSpot does not JIT-compile a method over 8000 bytes of
# bytecode, and Spark's default limit (65535) lets such code run interpreted. At 8000 Spark splits it instead
# (as etl_lib.pipeline does); set for the batch only.
HUGE_METHOD_LIMIT = "spark.sql.codegen.hugeMethodLimit"
JIT_METHOD_LIMIT = 8000
# Only the newest batch can be replayed (Spark reruns the last batch of its offset log whose commit is missing),
# so a few manifests are enough; older ones are deleted as batches go by.
MANIFESTS_KEPT = 10
RUN_ID_LENGTH = 12


@dataclass
class BatchResult:
    """What one batch did."""

    batch_id: int
    rows_in: int
    rows_written: int
    rows_quarantined: int
    files_written: list[str] = field(default_factory=list)
    files_quarantined: list[str] = field(default_factory=list)
    replaced_files: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "batch_id": self.batch_id,
            "rows_in": self.rows_in,
            "rows_written": self.rows_written,
            "rows_quarantined": self.rows_quarantined,
            "files_written": len(self.files_written),
            "files_quarantined": len(self.files_quarantined),
            "replaced_files": self.replaced_files,
            "seconds": round(self.seconds, 3),
        }


class _Fs:
    """The few Hadoop FileSystem calls the commit needs, on local paths and (on Glue) S3 alike."""

    def __init__(self, spark: SparkSession, root: str) -> None:
        jvm = spark.sparkContext._jvm
        assert jvm is not None, "the SparkContext has no JVM gateway"
        self._path = jvm.org.apache.hadoop.fs.Path
        self._io = jvm.org.apache.commons.io.IOUtils  # on Spark's classpath, as on Glue's
        self._fs = self._path(root).getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())

    def path(self, location: str) -> Any:
        return self._path(location)

    def exists(self, location: str) -> bool:
        return bool(self._fs.exists(self._path(location)))

    def delete(self, location: str, recursive: bool = False) -> None:
        path = self._path(location)
        if self._fs.exists(path):
            self._fs.delete(path, recursive)

    def files(self, root: str) -> list[str]:
        """Relative paths of every file under `root`, sorted."""
        path = self._path(root)
        if not self._fs.exists(path):
            return []
        base = self._fs.makeQualified(path).toString().rstrip("/")
        found = []
        iterator = self._fs.listFiles(path, True)
        while iterator.hasNext():
            uri = self._fs.makeQualified(iterator.next().getPath()).toString()
            found.append(uri[len(base) + 1 :])
        return sorted(found)

    def move(self, source: str, target: str) -> None:
        destination = self._path(target)
        if self._fs.exists(destination):
            self._fs.delete(destination, False)
        self._fs.mkdirs(destination.getParent())
        if not self._fs.rename(self._path(source), destination):
            raise OSError(f"could not move {source} to {target}.")

    def read_text(self, location: str) -> str | None:
        path = self._path(location)
        if not self._fs.exists(path):
            return None
        stream = self._fs.open(path)
        try:
            return str(self._io.toString(stream, "UTF-8"))
        finally:
            stream.close()

    def write_text(self, location: str, text: str) -> None:
        stream = self._fs.create(self._path(location), True)
        try:
            stream.write(bytearray(text.encode("utf-8")))
        finally:
            stream.close()


def checkpoint_run_id(spark: SparkSession, checkpoint_location: str) -> str:
    """The id of the streaming query that owns the checkpoint (its `metadata` file), shortened.

    Output files and manifests carry it, so that a checkpoint deleted to reprocess the stream (whose batch
    ids start again at 0) never replaces the files an earlier checkpoint's batches committed. Read for every
    batch (one small file), so that a checkpoint replaced while the process lives is noticed.
    """
    location = checkpoint_location.rstrip("/")
    text = _Fs(spark, location).read_text(f"{location}/metadata")
    if text is None:
        raise EtlError(
            f"no streaming checkpoint at {location} (its 'metadata' file is missing): process_batch runs inside "
            "a streaming query, or is given run_id."
        )
    return _short_id(json.loads(text)["id"])


def _short_id(value: str) -> str:
    cleaned = re.sub(r"[^0-9a-zA-Z]", "", value).lower()
    if not cleaned:
        raise EtlError(f"run id {value!r} has no letters or digits.")
    return cleaned[:RUN_ID_LENGTH]


def batch_file_name(batch_id: int, index: int, run_id: str, suffix: str) -> str:
    """`batch-<batch id, 12 digits>-<n, 5 digits>-<run id>.<suffix>`: named by the batch, so a replay rewrites it."""
    return f"batch-{batch_id:012d}-{index:05d}-{run_id}{suffix}"


def _manifest_path(destination: str, run_id: str, batch_id: int) -> str:
    return f"{destination}/{MANIFEST_DIR}/{run_id}/{batch_id:012d}.json"


def _data_files(fs: _Fs, staged: str) -> list[str]:
    return [name for name in fs.files(staged) if not name.rsplit("/", 1)[-1].startswith(("_", "."))]


def commit_batch_files(
    spark: SparkSession, staged: str, destination: str, run_id: str, batch_id: int, suffix: str, rows: int
) -> tuple[list[str], int]:
    """Move a batch's staged files into `destination` under names keyed by the batch; returns (files, replaced).

    The batch's manifest (`<destination>/_batches/<run id>/<batch id>.json`) lists the files the batch
    committed. A replay first records, in the manifest, every file the batch may have left (the previous
    commit's and this one's), then deletes the previous ones this commit does not rewrite, moves the new
    files in (replacing those of the same name) and records the final list. A crash at any point leaves a
    manifest naming every file of the batch that may exist, so the next replay removes them all: the
    destination ends with exactly one copy of the batch. Each move is a rename locally; on S3 a copy and a
    delete (not atomic: a reader may see a batch half committed, never twice committed once it is done).
    """
    fs = _Fs(spark, destination)
    manifest = _manifest_path(destination, run_id, batch_id)
    previous_text = fs.read_text(manifest)
    previous: list[str] = json.loads(previous_text)["files"] if previous_text else []
    moves = []
    for index, relative in enumerate(_data_files(fs, staged)):
        folder = relative.rsplit("/", 1)[0] if "/" in relative else ""
        name = batch_file_name(batch_id, index, run_id, _suffix(relative, suffix))
        moves.append((f"{staged}/{relative}", f"{folder}/{name}" if folder else name))
    new = [target for _, target in moves]
    record = {"batch_id": batch_id, "run_id": run_id, "rows": rows}
    fs.write_text(manifest, json.dumps({**record, "state": "committing", "files": sorted(set(previous) | set(new))}))
    replaced = 0
    for stale in sorted(set(previous) - set(new)):
        if fs.exists(f"{destination}/{stale}"):
            fs.delete(f"{destination}/{stale}")
            replaced += 1
    for source, target in moves:
        if target in previous and fs.exists(f"{destination}/{target}"):
            replaced += 1
        fs.move(source, f"{destination}/{target}")
    fs.write_text(manifest, json.dumps({**record, "state": "committed", "files": new}))
    if batch_id >= MANIFESTS_KEPT:
        fs.delete(_manifest_path(destination, run_id, batch_id - MANIFESTS_KEPT))
    return new, replaced


def _suffix(relative: str, default: str) -> str:
    name = relative.rsplit("/", 1)[-1]
    for known in (".snappy.parquet", ".parquet", ".json.gz", ".json"):
        if name.endswith(known):
            return known
    return default


def process_batch(
    spark: SparkSession, batch: DataFrame, batch_id: int, config: StreamingConfig, run_id: str | None = None
) -> BatchResult:
    """Transform one batch and commit it exactly once: the body of the job's forEachBatch.

    `run_id` defaults to the streaming query's id read from `config.checkpoint_location`. Good rows are
    written as snappy Parquet partitioned by ingest_year/month/day/hour under `output_path`, quarantined
    rows as JSON lines partitioned by their arrival time under `quarantine_path`, both through staging
    (`<path>/_staging/`) and `commit_batch_files`. Raises before committing anything if the counts do not
    add up (`rows_in = rows_written + rows_quarantined`).
    """
    previous = spark.conf.get(HUGE_METHOD_LIMIT, None)
    spark.conf.set(HUGE_METHOD_LIMIT, str(JIT_METHOD_LIMIT))
    try:
        return _process_batch(spark, batch, batch_id, config, run_id)
    finally:
        if previous is None:
            spark.conf.unset(HUGE_METHOD_LIMIT)
        else:
            spark.conf.set(HUGE_METHOD_LIMIT, previous)


# A batch with at most this many rows to quarantine finds them again by their keys (shard and sequence number)
# instead of classifying every record again.
QUARANTINE_BY_KEY_MAX = 50_000
_KEY_SEPARATOR = "\u0001"


def _record_key(shard: Column, sequence: Column) -> Column:
    return F.concat_ws(_KEY_SEPARATOR, shard, sequence)


def _records_with_keys(spark: SparkSession, records: DataFrame, keys: set[str]) -> DataFrame:
    """The records whose key is one of `keys`: a broadcast semi-join (a filter with the keys as literals would
    cost a call into the JVM for each key, and a scan of the list for each record)."""
    wanted = spark.createDataFrame(
        [(key,) for key in sorted(keys)], T.StructType([T.StructField("__key", T.StringType())])
    )
    keyed = records.select("*", _record_key(F.col(SHARD_ID), F.col(SEQUENCE_NUMBER)).alias("__key"))
    return keyed.join(F.broadcast(wanted), "__key", "left_semi").select(*RECORD_COLUMNS)


def _process_batch(
    spark: SparkSession, batch: DataFrame, batch_id: int, config: StreamingConfig, run_id: str | None
) -> BatchResult:
    started = time.monotonic()
    run = _short_id(run_id) if run_id else checkpoint_run_id(spark, config.checkpoint_location)
    schema = config.schema
    key = f"{run}-{batch_id:012d}"
    staged_output = f"{config.output_path}/{STAGING_DIR}/{key}"
    staged_quarantine = f"{config.quarantine_path}/{STAGING_DIR}/{key}"
    fs = _Fs(spark, config.output_path)
    quarantine_fs = _Fs(spark, config.quarantine_path)
    fs.delete(staged_output, True)  # left by an attempt of this batch that crashed
    quarantine_fs.delete(staged_quarantine, True)
    # One pass writes the good rows and observes the counts and the keys (shard and sequence number) of the rows
    # to quarantine. Only a batch with rows to quarantine reads its records again: those with these keys alone
    # are classified again and written (a batch whose quarantined rows lack keys, or has very many, is
    # classified again whole). Nothing is cached: caching the classified batch cost more than this on the
    # benchmark, and Glue's forEachBatch has cached the input already.
    records = kinesis_records(batch, schema)
    classified = classify_batch(records, batch_id, schema)
    quarantine = ~F.col(_GOOD)
    keyed = F.col("shard_id").isNotNull() & F.col("sequence_number").isNotNull()
    try:
        observation = Observation(f"batch_{key}_{uuid.uuid4().hex[:6]}")
        observed = classified.observe(
            observation,
            F.count(F.lit(1)).alias("rows_in"),
            F.count(F.when(F.col(_GOOD), 1)).alias("rows_written"),
            F.count(F.when(quarantine, 1)).alias("rows_quarantined"),
            F.count(F.when(quarantine & ~keyed, 1)).alias("unkeyed"),
            F.concat_ws(
                "\n",
                F.collect_list(F.when(quarantine & keyed, _record_key(F.col("shard_id"), F.col("sequence_number")))),
            ).alias("keys"),
        )
        good, _ = split_batch(observed, schema)
        good.write.mode("overwrite").partitionBy(*INGEST_COLUMNS).option("compression", "snappy").parquet(staged_output)
        metrics = observation.get
        counts = {name: int(metrics[name]) for name in ("rows_in", "rows_written", "rows_quarantined")}
        if counts["rows_in"] != counts["rows_written"] + counts["rows_quarantined"]:
            raise RuntimeError(f"internal error: batch {batch_id} counts do not add up ({counts}); nothing committed.")
        quarantined_count = 0
        if counts["rows_quarantined"]:
            keys = set(str(metrics["keys"]).split("\n")) if metrics["keys"] else set()
            if int(metrics["unkeyed"]) == 0 and len(keys) == counts["rows_quarantined"] <= QUARANTINE_BY_KEY_MAX:
                classified = classify_batch(_records_with_keys(spark, records, keys), batch_id, schema)
            check = Observation(f"quarantine_{key}_{uuid.uuid4().hex[:6]}")
            _, quarantined = split_batch(classified, schema)
            writer = quarantined.observe(check, F.count(F.lit(1)).alias("rows")).write.mode("overwrite")
            # Every key on every line, nulls included, so a reader never has to guess a missing one.
            writer.partitionBy(*INGEST_COLUMNS).option("ignoreNullFields", "false").json(staged_quarantine)
            quarantined_count = int(check.get["rows"])
        if quarantined_count != counts["rows_quarantined"]:
            raise RuntimeError(
                f"internal error: batch {batch_id}: {counts['rows_quarantined']} rows to quarantine but "
                f"{quarantined_count} written; nothing committed."
            )
        written, replaced = commit_batch_files(
            spark, staged_output, config.output_path, run, batch_id, ".snappy.parquet", counts["rows_written"]
        )
        quarantined_files, replaced_q = commit_batch_files(
            spark, staged_quarantine, config.quarantine_path, run, batch_id, ".json", counts["rows_quarantined"]
        )
    finally:
        fs.delete(staged_output, True)
        quarantine_fs.delete(staged_quarantine, True)
    result = BatchResult(
        batch_id=batch_id,
        rows_in=counts["rows_in"],
        rows_written=counts["rows_written"],
        rows_quarantined=counts["rows_quarantined"],
        files_written=written,
        files_quarantined=quarantined_files,
        replaced_files=replaced + replaced_q,
        seconds=time.monotonic() - started,
    )
    log.info("batch %s: %s", batch_id, json.dumps(result.as_dict(), sort_keys=True))
    return result


# -- 4. Local drivers -----------------------------------------------------------------------------------


def run_file_stream(
    spark: SparkSession,
    config: StreamingConfig,
    input_path: str | None = None,
    max_files_per_trigger: int | None = None,
) -> list[BatchResult]:
    """Run the job's batches over files of Kinesis records with Spark's file stream source, until caught up.

    `trigger(availableNow=True)`: every file present when the query starts is processed (in batches of
    `max_files_per_trigger` files, if given), then the query stops; the checkpoint at
    `config.checkpoint_location` remembers which files were done, so a rerun processes only new files and a
    batch that failed is replayed under its id.
    """
    source = input_path or config.local_input_path
    if source is None:
        raise JobArgumentError("no input: give --local_input_path.")
    if not is_uri(source):
        Path(source).mkdir(parents=True, exist_ok=True)
    reader = (
        spark.readStream.schema(ENVELOPE_SCHEMA)
        .option("mode", "PERMISSIVE")
        .option("columnNameOfCorruptRecord", ENVELOPE_CORRUPT)
    )
    if max_files_per_trigger is not None:
        reader = reader.option("maxFilesPerTrigger", max_files_per_trigger)
    results: list[BatchResult] = []

    def handle(frame: DataFrame, batch_id: int) -> None:
        results.append(process_batch(spark, envelope_records(frame), batch_id, config))

    query = (
        reader.json(source)
        .writeStream.foreachBatch(handle)
        .option("checkpointLocation", config.checkpoint_location)
        .trigger(availableNow=True)
        .start()
    )
    query.awaitTermination()
    return results


class LocalKinesisCheckpoint:
    """The local Kinesis driver's own offset log, shaped like Spark's: `offsets/<id>` is written before a batch
    runs (the shard ranges it reads and every shard's position after it), `commits/<id>` after it is committed.
    A batch with offsets but no commit is replayed under its id, over the same ranges."""

    def __init__(self, location: str) -> None:
        self.root = Path(location)
        (self.root / "offsets").mkdir(parents=True, exist_ok=True)
        (self.root / "commits").mkdir(parents=True, exist_ok=True)

    def run_id(self) -> str:
        metadata = self.root / "metadata"
        if not metadata.exists():
            metadata.write_text(json.dumps({"id": str(uuid.uuid4())}))
        return _short_id(json.loads(metadata.read_text())["id"])

    def latest(self) -> int | None:
        ids = [int(path.name) for path in (self.root / "offsets").iterdir() if path.name.isdigit()]
        return max(ids) if ids else None

    def offsets(self, batch_id: int) -> dict[str, Any]:
        result: dict[str, Any] = json.loads((self.root / "offsets" / str(batch_id)).read_text())
        return result

    def committed(self, batch_id: int) -> bool:
        return (self.root / "commits" / str(batch_id)).exists()

    def write_offsets(self, batch_id: int, entry: dict[str, Any]) -> None:
        (self.root / "offsets" / str(batch_id)).write_text(json.dumps(entry, sort_keys=True))

    def commit(self, batch_id: int) -> None:
        (self.root / "commits" / str(batch_id)).write_text("{}")


# GetRecords returns at most 10,000 records a call; an empty answer with records still behind is retried a few times.
GET_RECORDS_LIMIT = 10_000
REPLAY_LIMIT = 10**12  # a replayed range ends at its last sequence number, not at a count
EMPTY_POLLS = 3


def _iterator_request(starting_position: str, after: str | None) -> dict[str, Any]:
    if after is not None:
        return {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "StartingSequenceNumber": after}
    if starting_position == "latest":
        return {"ShardIteratorType": "LATEST"}
    if starting_position == "trim_horizon":
        return {"ShardIteratorType": "TRIM_HORIZON"}
    return {
        "ShardIteratorType": "AT_TIMESTAMP",
        "Timestamp": datetime.fromisoformat(starting_position.replace("Z", "+00:00")),
    }


def _shard_ids(client: Any, stream_name: str) -> list[str]:
    shards: list[str] = []
    request: dict[str, Any] = {"StreamName": stream_name}
    while True:
        answer = client.list_shards(**request)
        shards += [shard["ShardId"] for shard in answer.get("Shards", [])]
        token = answer.get("NextToken")
        if not token:
            return sorted(shards)
        request = {"NextToken": token}


def read_shard(
    client: Any, stream_name: str, shard_id: str, request: dict[str, Any], limit: int, last: str | None = None
) -> list[dict[str, Any]]:
    """Up to `limit` records of a shard from a GetShardIterator request (or through sequence number `last`)."""
    iterator = client.get_shard_iterator(StreamName=stream_name, ShardId=shard_id, **request).get("ShardIterator")
    records: list[dict[str, Any]] = []
    empty = 0
    while iterator and len(records) < limit:
        answer = client.get_records(ShardIterator=iterator, Limit=min(GET_RECORDS_LIMIT, limit - len(records)))
        batch = answer.get("Records", [])
        for record in batch:
            if last is not None and int(record["SequenceNumber"]) > int(last):
                return records
            records.append({**record, "ShardId": shard_id})
            if last is not None and int(record["SequenceNumber"]) == int(last):
                return records
        iterator = answer.get("NextShardIterator")
        if not batch:
            empty += 1
            if answer.get("MillisBehindLatest", 0) == 0 or empty >= EMPTY_POLLS:
                break
        else:
            empty = 0
    return records


def run_local_kinesis(
    spark: SparkSession, config: StreamingConfig, stream_name: str | None = None, client: Any = None
) -> list[BatchResult]:
    """Run the job's batches over a Kinesis stream read with boto3 (the emulator, locally), until caught up.

    Each batch is up to `max_fetch_records_per_shard` records of every shard, turned into a batch DataFrame
    (`records_dataframe`) and given to `process_batch`, as Glue's forEachBatch would. The position in each
    shard is kept in `LocalKinesisCheckpoint` under the checkpoint location: a rerun goes on after the last
    committed batch, and replays a batch that was read but not committed, under its id.
    """
    name = stream_name or config.local_stream_name
    if name is None:
        raise JobArgumentError("no stream: give --local_stream_name.")
    if client is None:
        import boto3

        client = boto3.client("kinesis")
    checkpoint = LocalKinesisCheckpoint(config.checkpoint_location)
    run_id = checkpoint.run_id()
    results: list[BatchResult] = []
    positions: dict[str, str] = {}
    batch_id = 0
    last = checkpoint.latest()
    if last is not None:
        entry = checkpoint.offsets(last)
        if not checkpoint.committed(last):
            records: list[dict[str, Any]] = []
            for shard_id, (first, final) in sorted(entry["ranges"].items()):
                request = {"ShardIteratorType": "AT_SEQUENCE_NUMBER", "StartingSequenceNumber": first}
                records += read_shard(client, name, shard_id, request, REPLAY_LIMIT, final)
            log.info("replaying local batch %s (%d records)", last, len(records))
            results.append(process_batch(spark, records_dataframe(spark, records, name), last, config, run_id=run_id))
            checkpoint.commit(last)
        positions = dict(entry["positions"])
        batch_id = last + 1
    while True:
        records = []
        ranges: dict[str, list[str]] = {}
        for shard_id in _shard_ids(client, name):
            request = _iterator_request(config.starting_position, positions.get(shard_id))
            shard_records = read_shard(client, name, shard_id, request, config.max_fetch_records_per_shard)
            if shard_records:
                ranges[shard_id] = [shard_records[0]["SequenceNumber"], shard_records[-1]["SequenceNumber"]]
                records += shard_records
        if not records:
            return results
        positions = {**positions, **{shard_id: bounds[1] for shard_id, bounds in ranges.items()}}
        checkpoint.write_offsets(batch_id, {"ranges": ranges, "positions": positions})
        results.append(process_batch(spark, records_dataframe(spark, records, name), batch_id, config, run_id=run_id))
        checkpoint.commit(batch_id)
        batch_id += 1
