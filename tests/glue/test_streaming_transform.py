"""The per-batch transform of kinesis_to_parquet on local Spark: conversion, partitions, quarantine reasons and
conservation (every record is either a good row or a quarantined one), for each input shape."""

from __future__ import annotations

import base64
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from etl_lib.streaming import (
    ENVELOPE_SCHEMA,
    INGEST_COLUMNS,
    QUARANTINE_COLUMNS,
    StreamSchema,
    classify_batch,
    envelope_records,
    parse_field_schema,
    records_dataframe,
    transform_batch,
)

pytestmark = pytest.mark.spark

ARRIVAL = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
FIELDS = [
    {"name": "id", "type": "bigint", "comment": "order id"},
    {"name": "amount", "type": "decimal(12,2)"},
    {"name": "event_time", "type": "timestamp"},
    {"name": "paid", "type": "boolean"},
    {"name": "day", "type": "date"},
    {"name": "name", "type": "string"},
    {"name": "ratio", "type": "double"},
    {"name": "qty", "type": "int"},
]


def schema(event_time: str | None = "event_time", fields: list[dict[str, Any]] | None = None) -> StreamSchema:
    return StreamSchema(parse_field_schema(json.dumps(fields or FIELDS)), event_time)


def kinesis(spark: Any, payloads: list[bytes | str], arrival: datetime | None = ARRIVAL) -> Any:
    records = [
        {
            "Data": payload.encode() if isinstance(payload, str) else payload,
            "SequenceNumber": str(1000 + index),
            "PartitionKey": f"pk-{index}",
            "ApproximateArrivalTimestamp": arrival,
            "ShardId": "shardId-000000000001",
        }
        for index, payload in enumerate(payloads)
    ]
    return records_dataframe(spark, records, "orders")


def rows(frame: Any) -> list[dict[str, Any]]:
    return [row.asDict() for row in frame.collect()]


def run(spark: Any, payloads: list[bytes | str], batch_id: int = 3, **kwargs: Any) -> tuple[list[dict[str, Any]], ...]:
    """(good rows, quarantined rows) as `transform_batch` gives them, from one Spark job (`classify_batch`)."""
    stream_schema = schema(**kwargs)
    classified = rows(classify_batch(kinesis(spark, payloads), batch_id, stream_schema))
    good = [
        {name: row[name] for name in [*stream_schema.names, *INGEST_COLUMNS]} for row in classified if row["__good"]
    ]
    quarantined = [
        {**{name: row[name] for name in QUARANTINE_COLUMNS}, **{name: row[f"__q_{name}"] for name in INGEST_COLUMNS}}
        for row in classified
        if not row["__good"]
    ]
    return good, quarantined


def test_good_malformed_and_schema_violating_records_are_all_accounted_for(spark: Any) -> None:
    good_payloads = [
        {"id": 1, "amount": 12.5, "event_time": "2024-01-02T03:04:05Z", "paid": True, "name": "a", "qty": 2},
        {"id": 2, "amount": "3.10", "event_time": 1704164645, "paid": "FALSE", "day": "2024-01-02", "ratio": 0.5},
        {"id": 3, "event_time": 1704164645123, "name": "Zoë ✓", "extra": {"unknown keys": "are ignored"}},
    ]
    malformed = ['{"id": 4, "event_time": 1', '{"id": 5} trailing']
    violating = [
        {"id": "five", "event_time": 1},
        {"id": 6, "event_time": 1, "qty": 1.5},
        {"id": 7, "event_time": 1, "amount": 12345678901.5},
        {"id": 8, "event_time": "yesterday"},
        {"id": 9, "event_time": 1, "paid": "yes"},
        {"id": 10, "event_time": 1, "day": "2024-1-2"},
    ]
    payloads = [json.dumps(p) for p in good_payloads] + malformed + [json.dumps(p) for p in violating]
    good_frame, quarantined_frame = transform_batch(kinesis(spark, payloads), 3, schema())
    good, quarantined = rows(good_frame), rows(quarantined_frame)

    assert len(good) + len(quarantined) == len(payloads)  # conservation
    assert [row["id"] for row in good] == [1, 2, 3]
    assert good[0] == {
        "id": 1,
        "amount": Decimal("12.50"),
        "event_time": datetime(2024, 1, 2, 3, 4, 5),
        "paid": True,
        "day": None,
        "name": "a",
        "ratio": None,
        "qty": 2,
        "ingest_year": "2024",
        "ingest_month": "01",
        "ingest_day": "02",
        "ingest_hour": "03",
    }
    assert good[1]["paid"] is False and good[1]["amount"] == Decimal("3.10") and good[1]["day"] == date(2024, 1, 2)
    assert good[2]["event_time"] == datetime(2024, 1, 2, 3, 4, 5, 123000) and good[2]["name"] == "Zoë ✓"

    by_sequence = {row["sequence_number"]: row for row in quarantined}
    assert {row["reason"] for row in quarantined[:2]} == {"malformed_json"}
    assert [by_sequence[str(1000 + i)]["reason"] for i in range(5, 11)] == ["schema_mismatch"] * 6
    details = [by_sequence[str(1000 + i)]["detail"] for i in range(5, 11)]
    assert details == [
        "invalid value for 'id' (bigint): five",
        "invalid value for 'qty' (int): 1.5",
        "invalid value for 'amount' (decimal(12,2)): 1.23456789015E10",
        "invalid value for 'event_time' (timestamp): yesterday",
        "invalid value for 'paid' (boolean): yes",
        "invalid value for 'day' (date): 2024-1-2",
    ]
    sample = by_sequence["1003"]
    assert sample == {
        "batch_id": 3,
        "reason": "malformed_json",
        "detail": "not one JSON object",
        "payload": '{"id": 4, "event_time": 1',
        "payload_encoding": "utf-8",
        "shard_id": "shardId-000000000001",
        "sequence_number": "1003",
        "partition_key": "pk-3",
        "stream_name": "orders",
        "approximate_arrival_timestamp": datetime(2024, 5, 6, 7, 8, 9),
        "ingest_year": "2024",
        "ingest_month": "05",
        "ingest_day": "06",
        "ingest_hour": "07",
    }
    assert list(sample) == [*QUARANTINE_COLUMNS, *INGEST_COLUMNS]


TIMESTAMPS = [
    (1704164645, datetime(2024, 1, 2, 3, 4, 5)),  # epoch seconds
    (1704164645.25, datetime(2024, 1, 2, 3, 4, 5, 250000)),  # fractional seconds
    ("1704164645", datetime(2024, 1, 2, 3, 4, 5)),  # a quoted number is a number
    (1704164645123, datetime(2024, 1, 2, 3, 4, 5, 123000)),  # epoch milliseconds
    (99_999_999_999, datetime(5138, 11, 16, 9, 46, 39)),  # the largest value read as seconds
    (100_000_000_000, datetime(1973, 3, 3, 9, 46, 40)),  # the smallest value read as milliseconds
    (0, datetime(1970, 1, 1)),
    ("2024-01-02T03:04:05Z", datetime(2024, 1, 2, 3, 4, 5)),
    ("2024-01-02T03:04:05.123456789Z", datetime(2024, 1, 2, 3, 4, 5, 123456)),
    ("2024-01-02T05:04:05+02:00", datetime(2024, 1, 2, 3, 4, 5)),
    ("2024-01-02T05:04:05+0200", datetime(2024, 1, 2, 3, 4, 5)),
    ("2024-01-01T22:04:05-05", datetime(2024, 1, 2, 3, 4, 5)),
    ("2024-01-02 03:04:05", datetime(2024, 1, 2, 3, 4, 5)),  # no offset: UTC
    ("2024-01-02t03:04z", datetime(2024, 1, 2, 3, 4)),
    ("2024-01-02T03:04", datetime(2024, 1, 2, 3, 4)),
    ("2024-01-02", datetime(2024, 1, 2)),
]
NOT_TIMESTAMPS = ["2024-13-01T00:00:00Z", "2024-02-30", "02/01/2024", "1e400", -99_999_999_999_999, True, "now", ""]


def test_epoch_seconds_milliseconds_and_iso_8601_convert_to_the_same_instant(spark: Any) -> None:
    values = [value for value, _ in TIMESTAMPS] + NOT_TIMESTAMPS
    good, quarantined = run(spark, [json.dumps({"id": index, "event_time": v}) for index, v in enumerate(values)])
    assert [(row["id"], row["event_time"]) for row in good] == [
        (index, expected) for index, (_, expected) in enumerate(TIMESTAMPS)
    ]
    for row, (_, expected) in zip(good, TIMESTAMPS, strict=True):
        assert [row[name] for name in INGEST_COLUMNS] == [
            f"{expected.year:04d}",
            f"{expected.month:02d}",
            f"{expected.day:02d}",
            f"{expected.hour:02d}",
        ]
    assert [row["reason"] for row in quarantined] == ["schema_mismatch"] * len(NOT_TIMESTAMPS)
    assert quarantined[0]["detail"] == "invalid value for 'event_time' (timestamp): 2024-13-01T00:00:00Z"


def test_partitions_come_from_the_arrival_time_when_no_event_time_field_is_named(spark: Any) -> None:
    payload = json.dumps({"id": 1, "event_time": "2020-02-03T04:05:06Z"})
    good, _ = run(spark, [payload], event_time=None)
    assert [good[0][name] for name in INGEST_COLUMNS] == ["2024", "05", "06", "07"]  # ARRIVAL, not event_time
    assert good[0]["event_time"] == datetime(2020, 2, 3, 4, 5, 6)
    with_event, _ = run(spark, [payload])
    assert [with_event[0][name] for name in INGEST_COLUMNS] == ["2020", "02", "03", "04"]


def test_partitions_do_not_depend_on_the_session_time_zone(spark: Any) -> None:
    payload = json.dumps({"id": 1, "event_time": "2024-01-01T23:30:00Z"})
    before = spark.conf.get("spark.sql.session.timeZone")
    spark.conf.set("spark.sql.session.timeZone", "Asia/Tokyo")
    try:
        good, _ = transform_batch(kinesis(spark, [payload]), 0, schema())
        parts = [row.asDict() for row in good.select(*INGEST_COLUMNS).collect()]
    finally:
        spark.conf.set("spark.sql.session.timeZone", before)
    assert parts == [{"ingest_year": "2024", "ingest_month": "01", "ingest_day": "01", "ingest_hour": "23"}]


def test_a_record_without_its_partition_time_is_quarantined(spark: Any) -> None:
    _, missing_event = run(spark, [json.dumps({"id": 1}), json.dumps({"id": 2, "event_time": None})])
    assert [row["reason"] for row in missing_event] == ["missing_event_time"] * 2
    assert missing_event[0]["detail"] == "the event time field 'event_time' is missing or null"
    good, quarantined = transform_batch(kinesis(spark, ['{"id": 1}'], arrival=None), 0, schema(event_time=None))
    assert rows(good) == []
    assert [row["reason"] for row in rows(quarantined)] == ["missing_arrival_time"]


def test_empty_binary_array_and_scalar_payloads_are_quarantined_with_their_reason(spark: Any) -> None:
    binary = b"\xff\xfe\x00\x81{"
    payloads: list[bytes | str] = [b"", b"  \n", binary, "[1, 2]", '[{"id": 1}]', "42", '"text"', "true", "null", "{x"]
    good, quarantined = run(spark, payloads)
    assert good == []
    assert [(row["reason"], row["detail"]) for row in quarantined] == [
        ("empty_payload", "the record's data is empty"),
        ("empty_payload", "the record's data is only whitespace"),
        ("binary_payload", "the record's data is not UTF-8 text; the payload is in base64"),
        ("json_array", "a JSON array, not an object"),
        ("json_array", "a JSON array, not an object"),
        ("json_scalar", "a JSON number, not an object"),
        ("json_scalar", "a JSON string, not an object"),
        ("json_scalar", "a JSON boolean, not an object"),
        ("json_scalar", "a JSON null, not an object"),
        ("malformed_json", "not one JSON object"),
    ]
    assert quarantined[2]["payload"] == base64.b64encode(binary).decode()
    assert quarantined[2]["payload_encoding"] == "base64"
    assert [row["payload"] for row in quarantined[3:]] == [p for p in payloads[3:]]
    assert {row["payload_encoding"] for row in quarantined if row["reason"] != "binary_payload"} == {"utf-8"}


def test_rows_a_glue_catalog_source_already_parsed_go_through_the_same_conversion(spark: Any) -> None:
    from pyspark.sql import types as T

    frame = spark.createDataFrame(
        [
            (1, Decimal("1.50"), datetime(2024, 1, 2, 3, 4, 5), datetime(2024, 5, 6, 7, 8, 9)),
            (2, None, None, datetime(2024, 5, 6, 7, 8, 9)),
        ],
        T.StructType(
            [
                T.StructField("id", T.LongType()),
                T.StructField("amount", T.DecimalType(12, 2)),
                T.StructField("event_time", T.TimestampType()),
                T.StructField("__src_timestamp", T.TimestampType()),
            ]
        ),
    )
    good, quarantined = transform_batch(frame, 0, schema())
    assert [(r["id"], r["amount"], r["event_time"], r["ingest_hour"]) for r in rows(good)] == [
        (1, Decimal("1.50"), datetime(2024, 1, 2, 3, 4, 5), "03")
    ]
    assert [(r["reason"], r["payload"], r["ingest_hour"]) for r in rows(quarantined)] == [
        ("missing_event_time", '{"id":2}', "07")
    ]


def test_kinesis_source_shapes_with_text_data_and_epoch_arrival(spark: Any) -> None:
    frame = spark.createDataFrame(
        [('{"id": 1}', "49590338271490256608559692538361571095921575989136588898", 1714979289.5)],
        "data string, sequenceNumber string, approximateArrivalTimestamp double",
    )
    good, _ = transform_batch(frame, 0, schema(event_time=None))
    assert [(r["id"], r["ingest_day"], r["ingest_hour"]) for r in rows(good)] == [(1, "06", "07")]


def test_file_records_with_a_broken_line_are_quarantined_as_malformed_envelopes(spark: Any, tmp_path: Any) -> None:
    lines = [
        json.dumps(
            {
                "SequenceNumber": "1",
                "ApproximateArrivalTimestamp": 1714979289.5,
                "Data": base64.b64encode(b'{"id": 1}').decode(),
                "PartitionKey": "a",
                "ShardId": "shardId-000000000000",
            }
        ),
        json.dumps({"SequenceNumber": "2", "ApproximateArrivalTimestamp": "2024-05-06T07:08:09Z", "Data": "***"}),
        json.dumps({"SequenceNumber": "3", "ApproximateArrivalTimestamp": 1714979289123}),
        "not json at all",
    ]
    (tmp_path / "part.json").write_text("\n".join(lines) + "\n")
    frame = (
        spark.read.schema(ENVELOPE_SCHEMA).option("columnNameOfCorruptRecord", "_corrupt_record").json(str(tmp_path))
    )
    good, quarantined = transform_batch(envelope_records(frame), 0, schema(event_time=None))
    assert [(r["id"], r["ingest_hour"]) for r in rows(good)] == [(1, "07")]
    assert [(r["reason"], r["detail"], r["ingest_hour"]) for r in rows(quarantined)] == [
        ("malformed_envelope", "Data is not base64", "07"),
        ("malformed_envelope", "the record has no Data", "07"),
        ("malformed_envelope", "the line is not a JSON object", None),
    ]
    assert rows(quarantined)[2]["payload"] == "not json at all"


def test_without_partial_json_results_a_decimal_that_does_not_fit_is_still_a_schema_mismatch(spark: Any) -> None:
    """Spark before 3.5 (Glue 4.0) nulls the whole typed read when one decimal does not fit."""
    setting = "spark.sql.json.enablePartialResults"
    before = spark.conf.get(setting)
    spark.conf.set(setting, "false")
    try:
        good, quarantined = run(spark, [json.dumps({"id": 1, "event_time": 0, "amount": "ten"}), '{"id": 2,'])
    finally:
        spark.conf.set(setting, before)
    assert good == []
    assert [(row["reason"], row["detail"]) for row in quarantined] == [
        ("schema_mismatch", "a value does not fit its field: 'amount' (decimal(12,2))"),
        ("malformed_json", "not one JSON object"),
    ]
