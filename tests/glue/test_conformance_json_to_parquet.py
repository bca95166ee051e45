"""json_to_parquet end to end on each engine (Spark, DuckDB): rows and Parquet schema read back with pyarrow,
quarantine records, the report, the policies, appends and overwrites, and bad input refused before writing.

Spark internals (the cache, Spark jobs per rule, session settings, the join that finds rule failures again, the
quarantine count guard) are tested in test_json_to_parquet.py."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from glue_helpers import (
    JobMain,
    RunJob,
    data_files,
    parquet_compressions,
    parquet_schema,
    partition_folders,
    quarantine_records,
    read_quarantine,
    read_report,
    read_rows,
    records,
    rule_outcomes,
    write_lines,
)

from etl_lib.errors import DataQualityFailure, DqdlError, EtlError, InputDataError, JobArgumentError, MappingError
from etl_lib.report import STATUS_FAILED, STATUS_SUCCEEDED, STATUS_WITH_FAILURES

# Every test runs on each engine: run_job and job_main run the `engine` parameter.
pytestmark = pytest.mark.usefixtures("engine")

MAPPING = [
    {"source": "id", "target": "id", "type": "bigint", "required": True},
    {"source": "name", "target": "name", "type": "string"},
    {"source": "data.value", "target": "value", "type": "decimal(12,2)"},
    {"source": "ts", "target": "ts", "type": "timestamp"},
    {"source": "tags", "target": "tags", "type": "array<string>"},
    {"source": "type", "target": "type", "type": "string"},
]
# The Parquet schema both engines write for MAPPING, as pyarrow reads it.
ARROW_SCHEMA = [
    ("id", pa.int64()),
    ("name", pa.string()),
    ("value", pa.decimal128(12, 2)),
    ("ts", pa.timestamp("us", tz="UTC")),
    ("tags", pa.list_(pa.string())),
    ("type", pa.string()),
]
RULES = (
    'Rules = [ RowCount > 0, IsUnique "id", ColumnValues "value" between 0 and 1000, '
    'ColumnValues "type" in ["a","b"], ColumnCount = 6 ]'
)

GOOD = [
    {"id": 1, "name": "alice", "data": {"value": "12.5"}, "ts": "2024-01-02T03:04:05Z", "tags": ["x"], "type": "a"},
    {"id": 2, "name": "bob", "data": {"value": 999}, "ts": "2024-01-03T00:00:00Z", "tags": [], "type": "b"},
    {"id": 3, "name": None, "data": {"value": 0.01}, "type": "a"},
]
DQ_BAD = [  # map cleanly, fail a row-level rule
    {"id": 4, "name": "dup-1", "data": {"value": 5}, "type": "a"},
    {"id": 4, "name": "dup-2", "data": {"value": 6}, "type": "b"},
    {"id": 5, "name": "big", "data": {"value": 1000}, "type": "a"},
    {"id": 6, "name": "other", "data": {"value": 1}, "type": "z"},
]
MAPPING_BAD = ['{"id": 7, "name": "cut', '{"id": "seven", "type": "a"}', '{"name": "no id", "type": "a"}']


def expected_row(record: dict[str, Any]) -> dict[str, Any]:
    value = record.get("data", {}).get("value")
    ts = record.get("ts")
    return {
        "id": record["id"],
        "name": record.get("name"),
        "value": None if value is None else Decimal(str(value)).quantize(Decimal("0.01")),
        "ts": None if ts is None else datetime.fromisoformat(ts.replace("Z", "+00:00")).astimezone(UTC),
        "tags": record.get("tags"),
        "type": record.get("type"),
    }


def by_id(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda row: (row["id"], row.get("name") or ""))


def hidden_folders_left(*paths: Path) -> list[Path]:
    """Folders named '_...' or '.…' under the output prefixes (staging, temporary files) that a run left."""
    return [
        folder
        for path in paths
        if path.exists()
        for folder in path.rglob("*")
        if folder.is_dir() and folder.name.startswith(("_", "."))
    ]


def test_quarantine_policy_end_to_end(engine: str, run_job: RunJob, job_paths: dict[str, Path]) -> None:
    lines = [*records(GOOD), "", *records(DQ_BAD), *MAPPING_BAD, "   "]
    write_lines(job_paths["input"], lines)
    result = run_job(MAPPING, RULES, "quarantine", "--max_quarantine_ratio", "1")  # 7 of 10 are quarantined

    # Parquet read back: schema, compression, values.
    assert parquet_schema(job_paths["output"]) == [(name, str(data_type)) for name, data_type in ARROW_SCHEMA]
    assert parquet_compressions(job_paths["output"]) == {"SNAPPY"}
    written = by_id(read_rows(job_paths["output"]))
    assert written == [expected_row(record) for record in GOOD]

    # Quarantine: every bad line, its raw text and a reason naming the field or rule.
    rows = read_quarantine(job_paths["quarantine"])
    assert all(set(row) == {"run_id", "stage", "reason", "raw_record"} for row in rows)
    assert {row["run_id"] for row in rows} == {result.run_id}
    dup_1, dup_2, big, other = records(DQ_BAD)
    assert quarantine_records(job_paths["quarantine"]) == sorted(
        [
            (dup_1, "data_quality", 'IsUnique "id"'),
            (dup_2, "data_quality", 'IsUnique "id"'),
            (big, "data_quality", 'ColumnValues "value" between 0 and 1000'),
            (other, "data_quality", 'ColumnValues "type" in ["a","b"]'),
            (MAPPING_BAD[0], "mapping", "malformed_json"),
            (MAPPING_BAD[1], "mapping", "invalid value for 'id': not a valid bigint"),
            (MAPPING_BAD[2], "mapping", "missing required field 'id'"),
        ]
    )

    # Conservation: non-blank lines in = rows written + rows quarantined.
    rows_in = sum(1 for line in lines if line.strip())
    assert rows_in == len(written) + len(rows)
    assert (result.status, result.rows_in, result.rows_written, result.rows_quarantined) == (
        STATUS_WITH_FAILURES,
        rows_in,
        len(written),
        len(rows),
    )

    # The report, as written.
    report = read_report(result)
    assert Path(result.report_path).parent == job_paths["report"]
    assert report == result.report
    assert (report["run_id"], report["engine"]) == (result.run_id, engine)
    assert (report["status"], report["committed"], report["dq_policy"], report["write_mode"]) == (
        STATUS_WITH_FAILURES,
        True,
        "quarantine",
        "overwrite",
    )
    assert report["output_path"] == str(job_paths["output"])
    assert report["quarantine_path"] == str(job_paths["quarantine"])
    mapped_rows = len(GOOD) + len(DQ_BAD)
    assert report["counts"] == {
        "rows_in": rows_in,
        "rows_written": len(GOOD),
        "rows_quarantined": len(DQ_BAD) + len(MAPPING_BAD),
        "rows_mapped": mapped_rows,
        "rows_malformed": 1,
        "rows_unparsed_documents": 0,
        "rows_invalid": len(MAPPING_BAD) - 1,
        "rows_dq_quarantined": len(DQ_BAD),
    }
    assert report["data_quality"]["outcome"] == "FAIL"
    assert rule_outcomes(report) == {
        "RowCount > 0": ("PASS", mapped_rows, None),
        'IsUnique "id"': ("FAIL", (mapped_rows - 2) / mapped_rows, 2),
        'ColumnValues "value" between 0 and 1000': ("FAIL", (mapped_rows - 1) / mapped_rows, 1),
        'ColumnValues "type" in ["a","b"]': ("FAIL", (mapped_rows - 1) / mapped_rows, 1),
        "ColumnCount = 6": ("PASS", len(MAPPING), None),
    }
    assert [o.as_dict() for o in result.outcomes] == report["data_quality"]["rules"]
    assert not hidden_folders_left(job_paths["output"], job_paths["quarantine"])


def test_timestamp_columns_are_int64_micros(run_job: RunJob, job_paths: dict[str, Path]) -> None:
    """`timestamp` is stored as an instant (UTC-adjusted microseconds), `timestamp_ntz` as a local date-time
    (microseconds, not adjusted): no INT96, so every reader sees the same type."""
    mapping = [
        {"source": "id", "target": "id", "type": "bigint"},
        {"source": "at", "target": "at", "type": "timestamp"},
        {"source": "local", "target": "local", "type": "timestamp_ntz"},
    ]
    write_lines(
        job_paths["input"],
        records([{"id": 1, "at": "2024-01-02T03:04:05.123456+02:00", "local": "2024-01-02T03:04:05.5"}, {"id": 2}]),
    )
    run_job(mapping, None, "fail")
    assert parquet_schema(job_paths["output"]) == [
        ("id", "int64"),
        ("at", str(pa.timestamp("us", tz="UTC"))),
        ("local", str(pa.timestamp("us"))),
    ]
    import pyarrow.parquet as pq

    for file in data_files(job_paths["output"]):
        physical = {column.name: column.physical_type for column in pq.ParquetFile(str(file)).schema}
        assert physical["at"] == physical["local"] == "INT64"
    assert by_id(read_rows(job_paths["output"])) == [
        {
            "id": 1,
            "at": datetime(2024, 1, 2, 1, 4, 5, 123456, tzinfo=UTC),
            "local": datetime(2024, 1, 2, 3, 4, 5, 500000),
        },
        {"id": 2, "at": None, "local": None},
    ]


def test_fail_policy_writes_nothing(run_job: RunJob, job_paths: dict[str, Path]) -> None:
    write_lines(job_paths["input"], records(GOOD + DQ_BAD))
    with pytest.raises(DataQualityFailure) as caught:
        run_job(MAPPING, RULES, "fail")
    message = str(caught.value)
    assert message.startswith(
        f"3 data-quality rule(s) failed with --dq_policy fail, so nothing was written to {job_paths['output']}: "
    )
    assert 'IsUnique "id" (' in message and f"Report: {job_paths['report']}" in message
    assert not job_paths["output"].exists() and not job_paths["quarantine"].exists()
    report = read_report(job_paths["report"])
    assert (report["status"], report["committed"], report["data_quality"]["outcome"]) == (STATUS_FAILED, False, "FAIL")
    mapped_rows = len(GOOD) + len(DQ_BAD)
    assert report["counts"]["rows_in"] == report["counts"]["rows_mapped"] == mapped_rows
    assert [rule for rule, (outcome, _, _) in rule_outcomes(report).items() if outcome == "FAIL"] == [
        'IsUnique "id"',
        'ColumnValues "value" between 0 and 1000',
        'ColumnValues "type" in ["a","b"]',
    ]


def test_fail_policy_with_passing_rules_commits_partitioned_output(run_job: RunJob, job_paths: dict[str, Path]) -> None:
    write_lines(job_paths["input"], records(GOOD) + MAPPING_BAD[:1])
    result = run_job(MAPPING, RULES, "fail", "--partition_columns", "type")
    assert result.status == STATUS_SUCCEEDED
    types = sorted({record["type"] for record in GOOD})
    assert partition_folders(job_paths["output"]) == [f"type={t}" for t in types]
    # The partition column is a folder, not stored in the files.
    assert [name for name, _ in parquet_schema(job_paths["output"])] == ["id", "name", "value", "ts", "tags"]
    assert by_id(read_rows(job_paths["output"])) == [expected_row(record) for record in GOOD]
    # Mapping failures are quarantined whatever the policy.
    assert quarantine_records(job_paths["quarantine"]) == [(MAPPING_BAD[0], "mapping", "malformed_json")]
    assert read_report(result)["counts"]["rows_written"] == len(GOOD)


def test_warn_policy_writes_every_mapped_row(run_job: RunJob, job_paths: dict[str, Path]) -> None:
    write_lines(job_paths["input"], records(GOOD + DQ_BAD) + MAPPING_BAD)
    result = run_job(MAPPING, RULES, "warn")
    assert result.status == STATUS_WITH_FAILURES
    report = read_report(result)
    assert (report["status"], report["committed"], report["data_quality"]["outcome"]) == (
        STATUS_WITH_FAILURES,
        True,
        "FAIL",
    )
    assert (report["counts"]["rows_written"], report["counts"]["rows_dq_quarantined"]) == (len(GOOD + DQ_BAD), 0)
    assert by_id(read_rows(job_paths["output"])) == by_id([expected_row(r) for r in GOOD + DQ_BAD])
    assert sorted(raw for raw, _, _ in quarantine_records(job_paths["quarantine"])) == sorted(MAPPING_BAD)


def test_append_and_overwrite(run_job: RunJob, job_paths: dict[str, Path]) -> None:
    write_lines(job_paths["input"], records(GOOD[:2]) + MAPPING_BAD[:1])
    first = run_job(MAPPING, None, "fail", "--write_mode", "append")
    second = run_job(MAPPING, None, "fail", "--write_mode", "append")
    assert by_id(read_rows(job_paths["output"])) == by_id([expected_row(r) for r in GOOD[:2] * 2])
    # The quarantine always appends: one record a run, each with its run's id.
    assert sorted(row["run_id"] for row in read_quarantine(job_paths["quarantine"])) == sorted(
        [first.run_id, second.run_id]
    )
    kept = job_paths["output"] / "_notes" / "kept.txt"  # names starting with '_' are not data: they stay
    kept.parent.mkdir()
    kept.write_text("x")
    write_lines(job_paths["input"], records(GOOD[2:]))
    run_job(MAPPING, None, "fail", "--write_mode", "overwrite")
    assert read_rows(job_paths["output"]) == [expected_row(GOOD[2])]
    assert kept.read_text() == "x"
    assert len(read_quarantine(job_paths["quarantine"])) == 2
    assert hidden_folders_left(job_paths["output"], job_paths["quarantine"]) == [kept.parent]


# (change, error, the fragments its message has on every engine). Where the wording names the engine's own
# dialect or reader, only the engine-neutral part is required.
BAD_INPUT = [
    pytest.param(
        {"rules": 'Rules = [ IsComplete "id", DetectAnomalies "RowCount" ]'},
        DqdlError,
        ["rule type 'DetectAnomalies' is not supported yet: it needs the metrics of earlier runs"],
        id="unsupported-rule",
    ),
    pytest.param(
        {"rules": 'Rules = [ IsComplete "id" where "value >" ]'},
        DqdlError,
        ['DQDL rule \'IsComplete "id" where "value >"\': the where clause "value >" is not a valid ', "SQL condition"],
        id="bad-where",
    ),
    pytest.param(
        {"rules": 'Rules = [ CustomSql "select name from primary" > 1 ]'},
        DqdlError,
        ["CustomSql must return one number"],
        id="custom-sql-not-a-number",
    ),
    pytest.param({"rules": 'Rules = [ IsComplete "nope" ]'}, DqdlError, ["refers to column 'nope'"], id="no-column"),
    pytest.param(
        {"type": "integr"}, MappingError, ["mapping for target 'value': unknown type 'integr'"], id="unknown-type"
    ),
    pytest.param(
        {"type": "map<int,string>"},
        MappingError,
        ["mapping for target 'value': ", "'map<int,string>'", "JSON"],
        id="map-int-keys",
    ),
    pytest.param(
        {"drop": "--output_path"},
        JobArgumentError,
        ["missing required job argument --output_path"],
        id="no-output-path",
    ),
    pytest.param({"drop": "--mapping"}, JobArgumentError, ["missing required job argument --mapping"], id="no-mapping"),
    pytest.param({"input": "missing"}, InputDataError, ["does not exist"], id="no-input"),
]


@pytest.mark.parametrize(("change", "error", "fragments"), BAD_INPUT)
def test_bad_input_fails_before_writing(
    job_main: JobMain, job_paths: dict[str, Path], change: dict[str, Any], error: type[EtlError], fragments: list[str]
) -> None:
    mapping = [dict(m, type=change["type"]) if m["target"] == "value" and "type" in change else m for m in MAPPING]
    write_lines(job_paths["input"], records(GOOD))
    input_path = job_paths["input"] / change["input"] if "input" in change else job_paths["input"]
    argv = {
        "--input_path": str(input_path),
        "--output_path": str(job_paths["output"]),
        "--quarantine_path": str(job_paths["quarantine"]),
        "--report_path": str(job_paths["report"]),
        "--mapping": json.dumps(mapping),
        "--dq_rules": change.get("rules", RULES),
    }
    argv.pop(change.get("drop", ""), None)
    with pytest.raises(error) as caught:
        job_main([token for pair in argv.items() for token in pair])
    assert [fragment for fragment in fragments if fragment not in str(caught.value)] == []
    for path in (job_paths["output"], job_paths["quarantine"], job_paths["report"]):
        assert not path.exists()


def test_rule_failures_are_quarantined_as_their_input_lines_verbatim(
    run_job: RunJob, job_paths: dict[str, Path]
) -> None:
    """Rows failing a rule are quarantined as their exact input line (spacing, key order, fields the mapping
    ignores), every copy of a repeated line, lines in several files."""
    odd_spacing = '{ "type":"z",  "id": 10, "extra": {"kept": [1, 2]}, "data": {"value": 1} }'
    repeated = json.dumps({"id": 11, "name": "twice", "data": {"value": 2}, "type": "a"})
    write_lines(job_paths["input"], [*records(GOOD), odd_spacing, repeated], name="part-0.json")
    write_lines(job_paths["input"], [repeated, MAPPING_BAD[1]], name="part-1.json")
    result = run_job(MAPPING, RULES, "quarantine", "--max_quarantine_ratio", "1")
    assert quarantine_records(job_paths["quarantine"]) == sorted(
        [
            (odd_spacing, "data_quality", 'ColumnValues "type" in ["a","b"]'),
            (repeated, "data_quality", 'IsUnique "id"'),
            (repeated, "data_quality", 'IsUnique "id"'),
            (MAPPING_BAD[1], "mapping", "invalid value for 'id': not a valid bigint"),
        ]
    )
    assert (result.rows_in, result.rows_written, result.rows_quarantined) == (len(GOOD) + 4, len(GOOD), 4)
    assert by_id(read_rows(job_paths["output"])) == [expected_row(record) for record in GOOD]


def test_row_rule_failures_are_quarantined_without_a_rule_that_reads_the_rows_twice(
    run_job: RunJob, job_paths: dict[str, Path]
) -> None:
    """Row-level rules only (no IsUnique, IsPrimaryKey, distinct-value rule or CustomSql): the Spark engine caches
    nothing and finds the quarantined rows by parsing the input again. The same records, reasons, lines and counts
    as a run that caches: a row failing two rules once with both, verbatim lines from two files, a repeated line
    twice, mapping failures beside rule failures."""
    from etl_lib.dqdl import parse_dqdl
    from etl_lib.pipeline import SECOND_READ_RULES

    rules = (
        'Rules = [ RowCount > 0, IsComplete "name", ColumnValues "value" between 0 and 1000, '
        'ColumnValues "type" in ["a","b"] ]'
    )
    assert not {rule.kind for rule in parse_dqdl(rules).leaves()} & SECOND_READ_RULES  # nothing to cache
    no_name = '{"id": 20,   "data": {"value": 3}, "type": "a", "unmapped": [1, {"x": null}]}'
    twice_bad = json.dumps({"id": 21, "name": None, "data": {"value": 1000.01}, "type": "b"})
    repeated = json.dumps({"id": 22, "name": "again", "data": {"value": 4}, "type": "q"})
    write_lines(job_paths["input"], [*records(GOOD), no_name, repeated, MAPPING_BAD[0]], name="part-0.json")
    write_lines(job_paths["input"], [twice_bad, repeated, MAPPING_BAD[1], *records(GOOD[:1])], name="part-1.json")
    result = run_job(MAPPING, rules, "quarantine", "--max_quarantine_ratio", "1")

    assert quarantine_records(job_paths["quarantine"]) == sorted(
        [
            (records(GOOD)[2], "data_quality", 'IsComplete "name"'),  # GOOD's third row has no name
            (no_name, "data_quality", 'IsComplete "name"'),
            (twice_bad, "data_quality", 'IsComplete "name"; ColumnValues "value" between 0 and 1000'),
            (repeated, "data_quality", 'ColumnValues "type" in ["a","b"]'),
            (repeated, "data_quality", 'ColumnValues "type" in ["a","b"]'),
            (MAPPING_BAD[0], "mapping", "malformed_json"),
            (MAPPING_BAD[1], "mapping", "invalid value for 'id': not a valid bigint"),
        ]
    )
    assert {row["run_id"] for row in read_quarantine(job_paths["quarantine"])} == {result.run_id}
    written = [GOOD[0], GOOD[1], GOOD[0]]
    assert by_id(read_rows(job_paths["output"])) == by_id([expected_row(record) for record in written])
    report = read_report(result)
    assert (result.status, report["status"], report["committed"]) == (STATUS_WITH_FAILURES, STATUS_WITH_FAILURES, True)
    assert report["counts"] == {
        "rows_in": 10,
        "rows_written": 3,
        "rows_quarantined": 7,
        "rows_mapped": 8,
        "rows_malformed": 1,
        "rows_unparsed_documents": 0,
        "rows_invalid": 1,
        "rows_dq_quarantined": 5,
    }
    assert (result.rows_in, result.rows_written, result.rows_quarantined) == (10, 3, 7)
    assert rule_outcomes(report) == {
        "RowCount > 0": ("PASS", 8, None),
        'IsComplete "name"': ("FAIL", 5 / 8, 3),
        'ColumnValues "value" between 0 and 1000': ("FAIL", 7 / 8, 1),
        'ColumnValues "type" in ["a","b"]': ("FAIL", 6 / 8, 2),
    }


def test_composite_and_where_rules_quarantine_their_rows(run_job: RunJob, job_paths: dict[str, Path]) -> None:
    rules = (
        'Rules = [ (ColumnValues "type" = "a") or (ColumnValues "value" > 100), '
        'ColumnValues "value" < 100 where "type = \'b\'" ]'
    )
    write_lines(job_paths["input"], records(GOOD + DQ_BAD[2:]))
    result = run_job(MAPPING, rules, "quarantine")
    quarantined = {
        json.loads(row["raw_record"])["id"]: (row["stage"], row["reason"])
        for row in read_quarantine(job_paths["quarantine"])
    }
    # bob (type b, 999) fails the where rule only; the "z" row (value 1) fails both members of the or.
    assert quarantined == {
        2: ("data_quality", 'ColumnValues "value" < 100 where "type = \'b\'"'),
        6: ("data_quality", '(ColumnValues "type" = "a") or (ColumnValues "value" > 100)'),
    }
    assert (result.rows_written, result.rows_quarantined) == (3, 2)
    assert sorted(row["id"] for row in read_rows(job_paths["output"])) == [1, 3, 5]
    assert rule_outcomes(read_report(result)) == {
        '(ColumnValues "type" = "a") or (ColumnValues "value" > 100)': ("FAIL", None, 1),  # no one metric
        'ColumnValues "value" < 100 where "type = \'b\'"': ("FAIL", 0.0, 1),
    }
