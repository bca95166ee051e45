"""kinesis_to_parquet's arguments and field schema (pure Python: no Spark): every bad value refused by name,
the defaults, and the options handed to Glue's Kinesis source and forEachBatch."""

from __future__ import annotations

import json
from typing import Any

import pytest

from etl_lib.errors import JobArgumentError, MappingError
from etl_lib.streaming import (
    DEFAULT_MAX_FETCH_RECORDS_PER_SHARD,
    GLUE_TYPE_PATTERN,
    KINESIS_TO_PARQUET_OPTIONS,
    STARTING_TIMESTAMP_PATTERN,
    WINDOW_SIZE_PATTERN,
    StreamingConfig,
    StreamSchema,
    parse_field_schema,
    parse_starting_position,
    parse_window_size,
)
from jobs import kinesis_to_parquet

FIELDS = [
    {"name": "id", "type": "bigint", "comment": "order id"},
    {"name": "amount", "type": "decimal(12,2)", "comment": ""},
    {"name": "event_time", "type": "timestamp"},
]


def args(**overrides: Any) -> dict[str, str | None]:
    base: dict[str, str | None] = {
        "output_path": "s3://lake/orders",
        "quarantine_path": "s3://lake/quarantine/orders",
        "checkpoint_location": "s3://lake/_checkpoints/orders",
        "field_schema": json.dumps(FIELDS),
        "database_name": "streams",
        "table_name": "orders",
    }
    base.update(overrides)
    return base


def test_defaults_match_the_construct_and_glue() -> None:
    config = StreamingConfig.from_args(args())
    assert config.window_size == "100 seconds"  # the construct's sample
    assert config.starting_position == "trim_horizon"  # the construct's sample
    assert config.max_fetch_records_per_shard == DEFAULT_MAX_FETCH_RECORDS_PER_SHARD == 100_000  # Glue's
    assert config.batch_max_retries == 3  # Glue's
    assert config.emit_consumer_lag_metrics is True
    assert config.schema.event_time_field is None
    assert config.glue_source_options() == {
        "startingPosition": "trim_horizon",
        "maxFetchRecordsPerShard": "100000",
        "emitConsumerLagMetrics": "true",
        "addRecordTimestamp": "true",
        "inferSchema": "false",
    }
    assert config.for_each_batch_options() == {
        "windowSize": "100 seconds",
        "checkpointLocation": "s3://lake/_checkpoints/orders",
        "batchMaxRetries": 3,
    }


def test_every_option_is_passed_through() -> None:
    config = StreamingConfig.from_args(
        args(
            event_time_field="event_time",
            window_size="30  Seconds",
            starting_position="2024-04-04T08:00:00-04:00",
            max_fetch_records_per_shard="500",
            emit_consumer_lag_metrics="False",
            batch_max_retries="0",
        )
    )
    assert config.schema.event_time_field == "event_time"
    assert config.glue_source_options()["startingPosition"] == "2024-04-04T08:00:00-04:00"
    assert config.glue_source_options()["maxFetchRecordsPerShard"] == "500"
    assert config.glue_source_options()["emitConsumerLagMetrics"] == "false"
    assert config.for_each_batch_options() == {
        "windowSize": "30 seconds",
        "checkpointLocation": "s3://lake/_checkpoints/orders",
        "batchMaxRetries": 0,
    }


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"window_size": "100"}, r"--window_size must be 'N seconds'"),
        ({"window_size": "2 minutes"}, r"--window_size must be 'N seconds'"),
        ({"window_size": "0 seconds"}, r"--window_size must be 'N seconds' with N >= 1"),
        ({"starting_position": "earliest"}, r"--starting_position must be latest, trim_horizon, or a timestamp"),
        ({"starting_position": "2024-02-30T00:00:00Z"}, r"--starting_position"),
        ({"starting_position": "2024-04-04 08:00:00"}, r"--starting_position"),
        ({"max_fetch_records_per_shard": "0"}, r"--max_fetch_records_per_shard must be a whole number from 1"),
        ({"max_fetch_records_per_shard": "1e5"}, r"--max_fetch_records_per_shard"),
        ({"batch_max_retries": "101"}, r"--batch_max_retries must be a whole number from 0 to 100"),
        ({"emit_consumer_lag_metrics": "yes"}, r"--emit_consumer_lag_metrics must be true or false"),
        ({"event_time_field": "nope"}, r"--event_time_field 'nope' is not a field of --field_schema"),
        ({"event_time_field": "id"}, r"--event_time_field 'id' is declared bigint; the event time field must be a"),
        ({"output_path": None}, r"missing required job argument --output_path"),
        ({"field_schema": ""}, r"missing required job argument --field_schema"),
        ({"quarantine_path": "s3://lake/orders/bad"}, r"--output_path and --quarantine_path must not contain"),
        ({"checkpoint_location": "s3://lake/orders/_cp"}, r"--checkpoint_location and --output_path must not"),
        ({"output_path": "s3://lake"}, r"--output_path s3://lake is a bucket root"),
        ({"table_name": None}, r"give --database_name and --table_name together"),
        ({"database_name": None, "table_name": None}, r"missing required job arguments --database_name and"),
        ({"local_input_path": "/tmp/in"}, r"--local_input_path is for local runs only"),
    ],
)
def test_a_bad_argument_is_refused_by_name(overrides: dict[str, str | None], message: str) -> None:
    with pytest.raises((JobArgumentError, MappingError), match=message):
        StreamingConfig.from_args(args(**overrides))


def test_local_mode_needs_exactly_one_local_source() -> None:
    local = StreamingConfig.from_args(args(database_name=None, table_name=None, local_stream_name="orders"), local=True)
    assert local.local_stream_name == "orders"
    with pytest.raises(JobArgumentError, match="in local mode, give exactly one of --local_input_path"):
        StreamingConfig.from_args(args(), local=True)
    with pytest.raises(JobArgumentError, match="exactly one"):
        StreamingConfig.from_args(args(local_input_path="/tmp/in", local_stream_name="s"), local=True)


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        ("[", r"--field_schema: not valid JSON"),
        ("{}", r"expected a non-empty JSON list"),
        ("[]", r"expected a non-empty JSON list"),
        ('["id"]', r"entry 0: expected an object"),
        ('[{"name": "id", "type": "integr"}]', r"field 'id': unknown type 'integr'; a field is one of string, tinyint"),
        ('[{"name": "id", "type": "array<string>"}]', r"unknown type 'array<string>'"),
        ('[{"name": "id", "type": "decimal"}]', r"unknown type 'decimal'"),
        ('[{"name": "x", "type": "decimal(39,2)"}]', r"decimal\(39,2\) needs 1 <= precision <= 38"),
        ('[{"name": "x", "type": "decimal(5,6)"}]', r"scale <= precision"),
        ('[{"name": "id", "type": "int"}, {"name": "ID", "type": "string"}]', r"field 'ID': declared twice"),
        ('[{"name": "1st", "type": "int"}]', r"'name' must be letters, digits and underscores"),
        ('[{"name": "a-b", "type": "int"}]', r"'name' must be letters"),
        ('[{"name": "ingest_hour", "type": "int"}]', r"the name is reserved"),
        ('[{"name": "__x", "type": "int"}]', r"the name is reserved"),
        ('[{"name": "id", "type": "int", "required": true}]', r"unknown key\(s\) required"),
        ('[{"name": "id", "type": "int", "comment": 5}]', r"'comment' must be a string of at most 255"),
        ('[{"name": "id", "type": "int", "comment": "' + "x" * 256 + '"}]', r"at most 255"),
    ],
)
def test_a_bad_field_schema_is_refused_naming_the_field(schema: str, message: str) -> None:
    with pytest.raises(MappingError, match=message):
        parse_field_schema(schema)


def test_field_schema_types_are_normalized_and_listed() -> None:
    fields = parse_field_schema(
        json.dumps([{"name": "A", "type": "DECIMAL(10, 2)"}, {"name": "b", "type": "Timestamp", "comment": None}])
    )
    assert [(f.name, f.type, f.comment) for f in fields] == [("A", "decimal(10,2)", ""), ("b", "timestamp", "")]
    assert fields[0].decimal == (10, 2)
    import re

    for name in ("string", "tinyint", "smallint", "int", "bigint", "float", "double", "boolean", "date", "timestamp"):
        assert re.match(GLUE_TYPE_PATTERN, name)
    assert re.match(GLUE_TYPE_PATTERN, "decimal(38,0)")
    with pytest.raises(MappingError, match="declares no field"):
        StreamSchema(())


def test_the_patterns_the_terraform_module_reuses() -> None:
    import re

    assert parse_window_size("1 second") == "1 seconds"
    assert re.match(WINDOW_SIZE_PATTERN, "100 seconds")
    assert not re.match(WINDOW_SIZE_PATTERN, "100seconds")
    assert parse_starting_position("LATEST") == "latest"
    assert parse_starting_position("2024-04-04T08:00:00Z") == "2024-04-04T08:00:00Z"
    assert re.match(STARTING_TIMESTAMP_PATTERN, "2024-04-04T08:00:00+05:30")


def test_the_job_refuses_an_unknown_argument_before_spark_starts() -> None:
    argv = ["kinesis_to_parquet.py", *[item for k, v in args().items() for item in (f"--{k}", str(v))]]
    with pytest.raises(JobArgumentError, match=r"unknown job argument --window; did you mean --window_size\?"):
        kinesis_to_parquet.main([*argv, "--window", "10 seconds"])
    with pytest.raises(JobArgumentError, match=r"missing required job argument --checkpoint_location"):
        kinesis_to_parquet.main([a for a in argv if not a.startswith("--checkpoint") and "_checkpoints" not in a])
    assert "JOB_NAME" in KINESIS_TO_PARQUET_OPTIONS
