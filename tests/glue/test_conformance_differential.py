"""One rich input run by both engines in one test: the two outputs must be identical once what differs by nature
(run ids, timings, the engine's name, the output folder) is set aside."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from glue_helpers import (
    RunJob,
    comparable_report,
    parquet_compressions,
    parquet_schema,
    partition_folders,
    paths_under,
    quarantine_records,
    read_report,
    read_rows,
    records,
    write_lines,
    write_text,
)

from etl_lib.report import STATUS_WITH_FAILURES

pytestmark = pytest.mark.spark  # the Spark engine is one of the two

MAPPING = [
    {"source": "id", "target": "id", "type": "bigint", "required": True},
    {"source": "name", "target": "name", "type": "string"},
    {"source": "order.amount", "target": "amount", "type": "decimal(10,2)"},
    {"source": "order.ratio", "target": "ratio", "type": "double"},
    {"source": "at", "target": "at", "type": "timestamp"},
    {"source": "day", "target": "day", "type": "date", "format": "dd/MM/yyyy"},
    {"source": "tags", "target": "tags", "type": "array<string>"},
    {"source": "geo", "target": "geo", "type": "struct<lat:double,lon:double>"},
    {"source": "ok", "target": "ok", "type": "boolean"},
    {"source": "type", "target": "type", "type": "string"},
]
RULES = (
    'Rules = [ RowCount > 0, IsComplete "name", IsUnique "id", ColumnValues "amount" between 0 and 1000, '
    'ColumnValues "type" in ["a", "b", NULL], Completeness "ratio" >= 0.5, Mean "amount" > 1, '
    'DistinctValuesCount "type" >= 2, ColumnCount = 10, Uniqueness "name" > 0.5, '
    'ColumnValues "ratio" <= 1 where "type = \'a\' and ratio is not null", '
    'CustomSql "select count(*) from primary where ok" >= 1 ]'
)

LINES = [
    # good rows
    *records(
        [
            {
                "id": 1,
                "name": "alice",
                "order": {"amount": "12.345", "ratio": 0.5},
                "at": "2024-01-02T03:04:05.123456Z",
                "day": "29/02/2024",
                "tags": ["x", 1, False],
                "geo": {"lat": 59.9, "lon": 10.75},
                "ok": True,
                "type": "a",
            },
            {"id": 2, "name": 'bøb "q" \\ ✓', "order": {"amount": 999}, "at": "2024-01-02 03:04:05", "type": "b"},
            {
                "id": "3",
                "name": "carol",
                "order": {"amount": "0.10", "ratio": "1e-3"},
                "at": "2024-01-02T05:04:05+02:00",
                "ok": "false",
            },
            {"id": 4, "name": "dave", "order": {"amount": 0.005}, "tags": [], "type": "a", "extra": {"k": [1]}},
        ]
    ),
    "",
    # mapping failures
    '{"id": 10, "name": "cut',
    "plain text",
    "[1, 2]",
    '{"id": "ten", "name": "bad id"}',
    '{"name": "no id"}',
    '{"id": 11, "name": "bad day", "day": "2024-02-29"}',
    '{"id": 12, "name": "bad tags", "tags": [1, {"a": 1}], "geo": "north"}',
    '{"id": 13, "name": "bad order", "order": "none"}',
    # data-quality failures (row-level rules)
    '{ "id": 20, "name": "dup",  "order": {"amount": 5}, "type": "a" }',
    '{"id": 20, "name": "dup-again", "order": {"amount": 6}, "type": "b"}',
    '{"id": 21, "order": {"amount": 7}, "type": "b"}',
    '{"id": 22, "name": "too much", "order": {"amount": 1000.5}, "type": "a"}',
    '{"id": 23, "name": "odd type", "order": {"amount": 1}, "type": "z"}',
    '{"id": 24, "name": "high ratio", "order": {"amount": 1, "ratio": 2}, "type": "a"}',
]
DOCUMENT = [
    {"id": 30, "name": "from array", "order": {"amount": 1.50, "ratio": 0.25}, "type": "b", "ok": True},
    {"id": "thirty-one", "name": "bad id in array", "order": {"amount": 2}},
    {"id": 32, "name": "dup in array", "type": "a"},
    {"id": 32, "name": "dup in array again", "type": "a"},
    "not an object",
]


def sort_key(row: dict[str, Any]) -> str:
    return json.dumps(row, sort_keys=True, default=str)


def run_engine(
    run_job_on: Callable[[str, dict[str, Path]], RunJob], engine: str, root: Path, input_path: Path
) -> dict[str, Any]:
    paths = paths_under(root) | {"input": input_path}
    result = run_job_on(engine, paths)(
        MAPPING,
        RULES,
        "quarantine",
        "--input_format",
        "auto",
        "--partition_columns",
        "type",
        "--max_quarantine_ratio",
        "1",
        "--JOB_NAME",
        "orders",
    )
    report = read_report(result)
    assert report["engine"] == engine and report["run_id"] == result.run_id
    return {
        "result": (result.status, result.rows_in, result.rows_written, result.rows_quarantined),
        "outcomes": [outcome.as_dict() for outcome in result.outcomes],
        "report": comparable_report(report, root),
        "quarantine": quarantine_records(paths["quarantine"]),
        "schema": parquet_schema(paths["output"]),
        "folders": partition_folders(paths["output"]),
        "rows": sorted(read_rows(paths["output"]), key=sort_key),
        "compression": parquet_compressions(paths["output"]),
    }


def test_both_engines_write_the_same(run_job_on: Callable[[str, dict[str, Path]], RunJob], tmp_path: Path) -> None:
    input_path = tmp_path / "in"
    write_lines(input_path, LINES, name="events.jsonl")
    write_text(input_path / "2024", "export.json", json.dumps(DOCUMENT, indent=2) + "\n")
    write_text(input_path / "2024", "broken.json", '[\n  {"id": 40},\n  {"id": 41}\n')  # quarantined whole
    write_text(input_path, "pretty.json", json.dumps({"id": 42, "name": "pretty", "type": "b"}, indent=2))
    spark = run_engine(run_job_on, "spark", tmp_path / "spark", input_path)
    duckdb = run_engine(run_job_on, "duckdb", tmp_path / "duckdb", input_path)

    # The Spark run itself is what the other tests pin down; checked here only enough to know the input is rich:
    # every stage quarantines something, several partitions (a null one too) are written.
    assert spark["result"][0] == STATUS_WITH_FAILURES
    assert {stage for _, stage, _ in spark["quarantine"]} == {"input", "mapping", "data_quality"}
    assert "type=__HIVE_DEFAULT_PARTITION__" in spark["folders"] and len(spark["folders"]) == 3
    assert spark["report"]["counts"]["rows_in"] == len([line for line in LINES if line.strip()]) + len(DOCUMENT) + 2

    for part in ("result", "report", "outcomes", "quarantine", "schema", "folders", "rows", "compression"):
        assert duckdb[part] == spark[part], f"the engines differ in {part}"
