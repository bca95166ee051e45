"""The mapping on each engine (Spark, DuckDB), end to end over JSON-lines files: nested paths, numbers, decimals,
booleans, timestamps and dates (with formats), arrays and structs converted strictly, malformed JSON, required
fields, a path through something that is not an object, and types refused before anything is read. Written rows
and their Parquet types are read back with pyarrow; rejected lines from the quarantine."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from glue_helpers import RunJob, parquet_schema, quarantine_records, read_report, read_rows, write_lines

from etl_lib.errors import MappingError
from etl_lib.mapping import MALFORMED_JSON

# Every test runs on each engine: run_job runs the `engine` parameter.
pytestmark = pytest.mark.usefixtures("engine")


def run_lines(run_job: RunJob, job_paths: dict[str, Path], mapping: list[dict[str, Any]], lines: list[str]) -> Any:
    write_lines(job_paths["input"], lines)
    return run_job(mapping, None, "quarantine", "--max_quarantine_ratio", "1")


def written(job_paths: dict[str, Path], key: str) -> list[dict[str, Any]]:
    return sorted(read_rows(job_paths["output"]), key=lambda row: row[key])


def rejected(job_paths: dict[str, Path]) -> dict[str, str]:
    """{raw line: reason} of the quarantine, every row at stage mapping."""
    rows = quarantine_records(job_paths["quarantine"])
    assert {stage for _, stage, _ in rows} <= {"mapping"}
    reasons = {raw: reason for raw, _, reason in rows}
    assert len(reasons) == len(rows)
    return reasons


@pytest.mark.parametrize(
    ("type_name", "message"),
    [
        ("integr", "unknown type 'integr'"),
        ("decimal(40,2)", "unknown type 'decimal(40,2)'"),
        ("map<int,string>", "'map<int,string>'"),  # worded by each engine: its JSON reader's keys are strings
        ("void", "cannot be stored in Parquet"),
        ("array<void>", "cannot be stored in Parquet"),
    ],
)
def test_unknown_or_unconvertible_types_are_named(
    run_job: RunJob, job_paths: dict[str, Path], type_name: str, message: str
) -> None:
    mapping = [{"source": "a", "target": "good", "type": "int"}, {"source": "b", "target": "bad", "type": type_name}]
    write_lines(job_paths["input"], ['{"a": 1, "b": 2}'])
    with pytest.raises(MappingError) as caught:
        run_job(mapping)
    assert "mapping for target 'bad'" in str(caught.value)
    assert message in str(caught.value)
    for path in (job_paths["output"], job_paths["quarantine"], job_paths["report"]):
        assert not path.exists()


def test_format_only_for_datetimes(run_job: RunJob, job_paths: dict[str, Path]) -> None:
    write_lines(job_paths["input"], ['{"a": 1}'])
    with pytest.raises(MappingError, match="'format' applies only to date and timestamp types"):
        run_job([{"source": "a", "target": "a", "type": "int", "format": "yyyy"}])
    assert not job_paths["output"].exists()


def test_nested_numbers_decimals_and_booleans(run_job: RunJob, job_paths: dict[str, Path]) -> None:
    mapping = [
        {"source": "id", "target": "id", "type": "bigint"},
        {"source": "order.total.amount", "target": "amount", "type": "decimal(12,2)"},
        {"source": "order.total.currency", "target": "currency", "type": "string"},
        {"source": "flag", "target": "flag", "type": "boolean"},
        {"source": "ratio", "target": "ratio", "type": "double"},
        {"source": "small", "target": "small", "type": "smallint"},
        {"source": "real", "target": "real", "type": "float"},
    ]
    amounts = ["12.345", "7", "-0.005"]
    lines = [
        json.dumps(
            {"id": 1, "order": {"total": {"amount": amounts[0], "currency": "EUR"}}, "flag": True, "ratio": 0.5}
            | {"small": -32768, "real": 0.25}
        ),
        json.dumps({"id": "2", "order": {"total": {"amount": int(amounts[1])}}, "flag": "false", "ratio": "1e-3"}),
        json.dumps({"id": 3, "order": {"total": {"amount": float(amounts[2])}}, "order_extra": 1, "small": "12"}),
    ]
    result = run_lines(run_job, job_paths, mapping, lines)
    assert parquet_schema(job_paths["output"]) == [
        ("id", "int64"),
        ("amount", str(pa.decimal128(12, 2))),
        ("currency", "string"),
        ("flag", "bool"),
        ("ratio", "double"),
        ("small", "int16"),
        ("real", "float"),
    ]
    # Decimals round half up to their scale; a quoted number is a number.
    amount = [Decimal(a).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) for a in amounts]
    assert written(job_paths, "id") == [
        {"id": 1, "amount": amount[0], "currency": "EUR", "flag": True, "ratio": 0.5, "small": -32768, "real": 0.25},
        {"id": 2, "amount": amount[1], "currency": None, "flag": False, "ratio": 1e-3, "small": None, "real": None},
        {"id": 3, "amount": amount[2], "currency": None, "flag": None, "ratio": None, "small": 12, "real": None},
    ]
    assert (result.rows_written, result.rows_quarantined) == (3, 0)


def test_values_that_do_not_convert_name_the_field(run_job: RunJob, job_paths: dict[str, Path]) -> None:
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
    result = run_lines(run_job, job_paths, mapping, lines)
    id_bad = "invalid value for 'id': not a valid int"
    value_bad = "invalid value for 'value' (source 'data.value'): not a valid decimal(5,2)"
    assert rejected(job_paths) == {
        lines[0]: id_bad,
        lines[1]: id_bad,
        lines[2]: value_bad,
        lines[3]: f"{id_bad}; {value_bad}",
    }
    assert read_rows(job_paths["output"]) == [{"id": 5, "value": Decimal("999.99")}]
    assert parquet_schema(job_paths["output"]) == [("id", "int32"), ("value", str(pa.decimal128(5, 2)))]
    report = read_report(result)
    assert (report["counts"]["rows_invalid"], report["counts"]["rows_malformed"]) == (4, 0)


def test_timestamps_dates_and_formats(run_job: RunJob, job_paths: dict[str, Path]) -> None:
    mapping = [
        {"source": "n", "target": "n", "type": "int"},
        {"source": "ts", "target": "ts", "type": "timestamp"},
        {"source": "day", "target": "day", "type": "date"},
        {"source": "eu", "target": "eu", "type": "timestamp", "format": "dd/MM/yyyy HH:mm"},
        {"source": "eu_day", "target": "eu_day", "type": "date", "format": "dd/MM/yyyy"},
    ]
    lines = [
        json.dumps({"n": 0, "ts": "2024-01-02T03:04:05Z", "day": "2024-02-29", "eu": "31/12/2023 23:59"}),
        json.dumps({"n": 1, "ts": "2024-01-02T03:04:05.250+02:00", "day": "2024-03-01", "eu_day": "05/06/2024"}),
        json.dumps({"n": 2, "ts": "2024-01-02 03:04:05"}),  # no offset: UTC (the session's time zone)
        json.dumps({"n": 3, "ts": "yesterday"}),
        json.dumps({"n": 4, "day": "2023-02-29"}),  # not a date
        json.dumps({"n": 5, "eu": "2023-12-31"}),  # does not match the format
        json.dumps({"n": 6, "eu_day": "2024-06-05"}),  # does not match the format
    ]
    run_lines(run_job, job_paths, mapping, lines)
    assert parquet_schema(job_paths["output"]) == [
        ("n", "int32"),
        ("ts", str(pa.timestamp("us", tz="UTC"))),
        ("day", "date32[day]"),
        ("eu", str(pa.timestamp("us", tz="UTC"))),
        ("eu_day", "date32[day]"),
    ]
    plus_two = datetime(2024, 1, 2, 3, 4, 5, 250000, tzinfo=timezone(timedelta(hours=2)))
    assert written(job_paths, "n") == [
        {
            "n": 0,
            "ts": datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
            "day": date(2024, 2, 29),
            "eu": datetime(2023, 12, 31, 23, 59, tzinfo=UTC),
            "eu_day": None,
        },
        {"n": 1, "ts": plus_two.astimezone(UTC), "day": date(2024, 3, 1), "eu": None, "eu_day": date(2024, 6, 5)},
        {"n": 2, "ts": datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC), "day": None, "eu": None, "eu_day": None},
    ]
    assert rejected(job_paths) == {
        lines[3]: "invalid value for 'ts': not a valid timestamp",
        lines[4]: "invalid value for 'day': not a valid date",
        lines[5]: "invalid value for 'eu': not a valid timestamp",
        lines[6]: "invalid value for 'eu_day': not a valid date",
    }


def test_arrays_and_structs_are_strict(run_job: RunJob, job_paths: dict[str, Path]) -> None:
    mapping = [
        {"source": "n", "target": "n", "type": "int"},
        {"source": "tags", "target": "tags", "type": "array<string>"},
        {"source": "scores", "target": "scores", "type": "array<int>"},
        {"source": "geo", "target": "geo", "type": "struct<lat:double,lon:double>"},
    ]
    lines = [
        json.dumps({"n": 0, "tags": ["a", 2, True], "scores": [1, 2], "geo": {"lat": 1.5, "lon": -2}}),
        json.dumps({"n": 1, "tags": [], "scores": [1, "x"]}),  # one bad element fails the field
        json.dumps({"n": 2, "tags": "not-a-list"}),
        json.dumps({"n": 3, "geo": {"lat": "north"}}),
        json.dumps({"n": 4, "tags": [], "scores": [3, None]}),
    ]
    run_lines(run_job, job_paths, mapping, lines)
    assert parquet_schema(job_paths["output"]) == [
        ("n", "int32"),
        ("tags", str(pa.list_(pa.string()))),
        ("scores", str(pa.list_(pa.int32()))),
        ("geo", str(pa.struct([("lat", pa.float64()), ("lon", pa.float64())]))),
    ]
    assert written(job_paths, "n") == [
        # array<string> keeps each element's text
        {"n": 0, "tags": ["a", "2", "true"], "scores": [1, 2], "geo": {"lat": 1.5, "lon": -2.0}},
        {"n": 4, "tags": [], "scores": [3, None], "geo": None},
    ]
    assert rejected(job_paths) == {
        lines[1]: "invalid value for 'scores': not a valid array<int>",
        lines[2]: "invalid value for 'tags': not a valid array<string>",
        lines[3]: "invalid value for 'geo': not a valid struct<lat:double,lon:double>",
    }


def test_malformed_json_required_fields_and_shape_mismatch(run_job: RunJob, job_paths: dict[str, Path]) -> None:
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
    result = run_lines(run_job, job_paths, mapping, lines)
    assert written(job_paths, "id") == [
        {"id": 1, "city": "Oslo", "lat": 59.9},
        {"id": 9, "city": None, "lat": None},
    ]
    assert rejected(job_paths) == {
        lines[1]: MALFORMED_JSON,
        lines[2]: MALFORMED_JSON,
        lines[3]: MALFORMED_JSON,
        lines[4]: "missing required field 'id'",
        lines[5]: "missing required field 'id'",
        lines[6]: "field 'address' is not an object (the mapping reads address.city, address.geo.lat)",
        lines[7]: "field 'address.geo' is not an object (the mapping reads address.geo.lat)",
    }
    counts = read_report(result)["counts"]
    assert (counts["rows_in"], counts["rows_mapped"], counts["rows_malformed"], counts["rows_invalid"]) == (9, 2, 3, 4)
