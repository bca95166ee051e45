"""Mapping and type conversion on local Spark: nested paths, decimals, timestamps, arrays, bad values."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest

from etl_lib.errors import MappingError
from etl_lib.mapping import MALFORMED_JSON, RAW, REASON, parse_mapping
from etl_lib.spark_mapping import map_records, resolve_types

pytestmark = pytest.mark.spark


def mapped(spark: Any, mapping: list[dict[str, Any]], lines: list[str]) -> list[dict[str, Any]]:
    """Map lines (in order) and return each row as a dict, with __reason and __raw."""
    fields = resolve_types(spark, parse_mapping(json.dumps(mapping)))
    frame = spark.createDataFrame([(index, line) for index, line in enumerate(lines)], "n int, value string")
    result = map_records(frame.orderBy("n").select("value"), fields)
    rows = [row.asDict(recursive=True) for row in result.collect()]
    by_raw = {row[RAW]: row for row in rows}
    return [by_raw[line] for line in lines]


@pytest.mark.parametrize(
    ("type_name", "message"),
    [
        ("integr", "unknown type 'integr'"),
        ("decimal(40,2)", "unknown type 'decimal(40,2)'"),
        ("map<int,string>", "Spark cannot convert JSON to 'map<int,string>'"),
        ("void", "cannot be stored in Parquet"),
        ("array<void>", "cannot be stored in Parquet"),
    ],
)
def test_unknown_or_unconvertible_types_are_named(spark: Any, type_name: str, message: str) -> None:
    mapping = [{"source": "a", "target": "good", "type": "int"}, {"source": "b", "target": "bad", "type": type_name}]
    with pytest.raises(MappingError) as caught:
        resolve_types(spark, parse_mapping(json.dumps(mapping)))
    assert "mapping for target 'bad'" in str(caught.value)
    assert message in str(caught.value)


def test_format_only_for_datetimes(spark: Any) -> None:
    mapping = [{"source": "a", "target": "a", "type": "int", "format": "yyyy"}]
    with pytest.raises(MappingError, match="'format' applies only to date and timestamp types"):
        resolve_types(spark, parse_mapping(json.dumps(mapping)))


def test_nested_numbers_decimals_and_booleans(spark: Any) -> None:
    mapping = [
        {"source": "id", "target": "id", "type": "bigint"},
        {"source": "order.total.amount", "target": "amount", "type": "decimal(12,2)"},
        {"source": "order.total.currency", "target": "currency", "type": "string"},
        {"source": "flag", "target": "flag", "type": "boolean"},
        {"source": "ratio", "target": "ratio", "type": "double"},
    ]
    amounts = ["12.345", "7", "-0.005"]
    lines = [
        json.dumps(
            {"id": 1, "order": {"total": {"amount": amounts[0], "currency": "EUR"}}, "flag": True, "ratio": 0.5}
        ),
        json.dumps({"id": "2", "order": {"total": {"amount": int(amounts[1])}}, "flag": "false", "ratio": "1e-3"}),
        json.dumps({"id": 3, "order": {"total": {"amount": float(amounts[2])}}, "order_extra": 1}),
    ]
    rows = mapped(spark, mapping, lines)
    expected_amounts = [Decimal(a).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) for a in amounts]
    assert [row["amount"] for row in rows] == expected_amounts
    assert [row["id"] for row in rows] == [1, 2, 3]  # a quoted number is a number
    assert [row["currency"] for row in rows] == ["EUR", None, None]
    assert [row["flag"] for row in rows] == [True, False, None]
    assert [row["ratio"] for row in rows] == [0.5, 1e-3, None]
    assert [row[REASON] for row in rows] == [None, None, None]


def test_values_that_do_not_convert_name_the_field(spark: Any) -> None:
    mapping = [
        {"source": "id", "target": "id", "type": "int"},
        {"source": "data.value", "target": "value", "type": "decimal(5,2)"},
    ]
    lines = [
        json.dumps({"id": 1.5, "data": {"value": 1}}),  # not an int: no silent truncation
        json.dumps({"id": 2**40, "data": {"value": 1}}),  # int overflow
        json.dumps({"id": 3, "data": {"value": 1000.0}}),  # 1000.00 needs precision 6
        json.dumps({"id": "x", "data": {"value": "abc"}}),  # both fields bad
        json.dumps({"id": 5, "data": {"value": 999.99}}),  # fits
    ]
    rows = mapped(spark, mapping, lines)
    id_bad = "invalid value for 'id': not a valid int"
    value_bad = "invalid value for 'value' (source 'data.value'): not a valid decimal(5,2)"
    assert [row[REASON] for row in rows] == [id_bad, id_bad, value_bad, f"{id_bad}; {value_bad}", None]
    assert rows[4]["value"] == Decimal("999.99")


def test_timestamps_dates_and_formats(spark: Any) -> None:
    mapping = [
        {"source": "ts", "target": "ts", "type": "timestamp"},
        {"source": "day", "target": "day", "type": "date"},
        {"source": "eu", "target": "eu", "type": "timestamp", "format": "dd/MM/yyyy HH:mm"},
    ]
    lines = [
        json.dumps({"ts": "2024-01-02T03:04:05Z", "day": "2024-02-29", "eu": "31/12/2023 23:59"}),
        json.dumps({"ts": "2024-01-02T03:04:05.250+02:00", "day": "2024-03-01"}),
        json.dumps({"ts": "2024-01-02 03:04:05"}),
        json.dumps({"ts": "yesterday"}),
        json.dumps({"day": "2023-02-29"}),  # not a date
        json.dumps({"eu": "2023-12-31"}),  # does not match the format
    ]
    rows = mapped(spark, mapping, lines)
    utc = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    plus_two = datetime(2024, 1, 2, 3, 4, 5, 250000, tzinfo=timezone(timedelta(hours=2)))
    # Spark hands timestamps back as naive local (here UTC) datetimes.
    assert rows[0]["ts"] == utc.replace(tzinfo=None)
    assert rows[1]["ts"] == plus_two.astimezone(UTC).replace(tzinfo=None)
    assert rows[2]["ts"] == datetime(2024, 1, 2, 3, 4, 5)
    assert (rows[0]["day"], rows[1]["day"]) == (date(2024, 2, 29), date(2024, 3, 1))
    assert rows[0]["eu"] == datetime(2023, 12, 31, 23, 59)
    assert [row[REASON] for row in rows[:3]] == [None, None, None]
    assert rows[3][REASON] == "invalid value for 'ts': not a valid timestamp"
    assert rows[4][REASON] == "invalid value for 'day': not a valid date"
    assert rows[5][REASON] == "invalid value for 'eu': not a valid timestamp"


def test_arrays_and_structs_are_strict(spark: Any) -> None:
    mapping = [
        {"source": "tags", "target": "tags", "type": "array<string>"},
        {"source": "scores", "target": "scores", "type": "array<int>"},
        {"source": "geo", "target": "geo", "type": "struct<lat:double,lon:double>"},
    ]
    lines = [
        json.dumps({"tags": ["a", 2, True], "scores": [1, 2], "geo": {"lat": 1.5, "lon": -2}}),
        json.dumps({"tags": [], "scores": [1, "x"]}),  # one bad element fails the field
        json.dumps({"tags": "not-a-list"}),
        json.dumps({"geo": {"lat": "north"}}),
    ]
    rows = mapped(spark, mapping, lines)
    assert rows[0]["tags"] == ["a", "2", "true"]  # array<string> keeps each element's text
    assert rows[0]["scores"] == [1, 2]
    assert rows[0]["geo"] == {"lat": 1.5, "lon": -2.0}
    assert rows[0][REASON] is None
    assert rows[1][REASON] == "invalid value for 'scores': not a valid array<int>"
    assert rows[1]["tags"] == []
    assert rows[2][REASON] == "invalid value for 'tags': not a valid array<string>"
    assert rows[3][REASON] == "invalid value for 'geo': not a valid struct<lat:double,lon:double>"


def test_malformed_json_required_fields_and_shape_mismatch(spark: Any) -> None:
    mapping = [
        {"source": "id", "target": "id", "type": "bigint", "required": True},
        {"source": "address.city", "target": "city", "type": "string"},
        {"source": "address.geo.lat", "target": "lat", "type": "double"},
    ]
    lines = [
        '{"id": 1, "address": {"city": "Oslo", "geo": {"lat": 59.9}}}',
        '{"id": 2, "address": {"city": "Oslo"',  # truncated
        "just text",
        "[1, 2, 3]",  # JSON, but not an object
        '{"address": {"city": "Rome"}}',  # required id missing
        '{"id": null}',  # explicit null counts as missing
        '{"id": 7, "address": "Main Street 1"}',  # address is not an object
        '{"id": 8, "address": {"city": "Bergen", "geo": [1, 2]}}',  # address.geo is not an object
        '{"id": 9}',  # optional fields absent: fine
    ]
    rows = mapped(spark, mapping, lines)
    assert rows[0] == {"id": 1, "city": "Oslo", "lat": 59.9, REASON: None, RAW: lines[0]}
    assert [row[REASON] for row in rows[1:4]] == [MALFORMED_JSON] * 3
    assert rows[4][REASON] == rows[5][REASON] == "missing required field 'id'"
    assert rows[6][REASON] == "field 'address' is not an object (the mapping reads address.city, address.geo.lat)"
    assert rows[7][REASON] == "field 'address.geo' is not an object (the mapping reads address.geo.lat)"
    assert rows[8][REASON] is None and rows[8]["city"] is None
