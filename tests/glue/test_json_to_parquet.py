"""json_to_parquet end to end on local Spark: outputs read back, quarantine, report, policies, bad input."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from glue_helpers import RunJob, read_parquet, read_quarantine, records, write_lines

from etl_lib.config import JsonToParquetConfig
from etl_lib.errors import DataQualityFailure, DqdlError, EtlError, InputDataError, JobArgumentError, MappingError
from etl_lib.pipeline import STATUS_FAILED, STATUS_SUCCEEDED, STATUS_WITH_FAILURES, run_json_to_parquet

pytestmark = pytest.mark.spark

MAPPING = [
    {"source": "id", "target": "id", "type": "bigint", "required": True},
    {"source": "name", "target": "name", "type": "string"},
    {"source": "data.value", "target": "value", "type": "decimal(12,2)"},
    {"source": "ts", "target": "ts", "type": "timestamp"},
    {"source": "tags", "target": "tags", "type": "array<string>"},
    {"source": "type", "target": "type", "type": "string"},
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
    from datetime import datetime

    value = record.get("data", {}).get("value")
    ts = record.get("ts")
    return {
        "id": record["id"],
        "name": record.get("name"),
        "value": None if value is None else Decimal(str(value)).quantize(Decimal("0.01")),
        "ts": None if ts is None else datetime.fromisoformat(ts.replace("Z", "+00:00")).replace(tzinfo=None),
        "tags": record.get("tags"),
        "type": record.get("type"),
    }


def no_staging_left(*paths: Path) -> bool:
    return not any((path / "_staging").exists() for path in paths)


def test_quarantine_policy_end_to_end(spark: Any, run_job: RunJob, job_paths: dict[str, Path]) -> None:
    lines = [*records(GOOD), "", *records(DQ_BAD), *MAPPING_BAD, "   "]
    write_lines(job_paths["input"], lines)
    result = run_job(MAPPING, RULES, "quarantine", "--max_quarantine_ratio", "1")  # 7 of 10 are quarantined

    # Parquet read back: types and values.
    frame = spark.read.parquet(str(job_paths["output"]))
    assert [(f.name, f.dataType.simpleString()) for f in frame.schema.fields] == [
        (m["target"], m["type"]) for m in MAPPING
    ]
    written = sorted(read_parquet(spark, job_paths["output"]), key=lambda row: row["id"])
    assert written == [expected_row(record) for record in GOOD]
    assert all(p.name.endswith(".snappy.parquet") for p in job_paths["output"].glob("part-*"))

    # Quarantine: every bad line, its raw text and a reason naming the field or rule.
    quarantined = {row["raw_record"]: row for row in read_quarantine(job_paths["quarantine"])}
    assert set(quarantined) == set(records(DQ_BAD)) | set(MAPPING_BAD)
    reasons = {raw: (row["stage"], row["reason"]) for raw, row in quarantined.items()}
    dup_1, dup_2, big, other = records(DQ_BAD)
    assert reasons[dup_1] == reasons[dup_2] == ("data_quality", 'IsUnique "id"')
    assert reasons[big] == ("data_quality", 'ColumnValues "value" between 0 and 1000')
    assert reasons[other] == ("data_quality", 'ColumnValues "type" in ["a","b"]')
    assert reasons[MAPPING_BAD[0]] == ("mapping", "malformed_json")
    assert reasons[MAPPING_BAD[1]] == ("mapping", "invalid value for 'id': not a valid bigint")
    assert reasons[MAPPING_BAD[2]] == ("mapping", "missing required field 'id'")
    assert {row["run_id"] for row in quarantined.values()} == {result.run_id}

    # Conservation: non-blank lines in = rows written + rows quarantined.
    rows_in = sum(1 for line in lines if line.strip())
    assert rows_in == len(written) + len(quarantined)
    assert (result.rows_in, result.rows_written, result.rows_quarantined) == (rows_in, len(written), len(quarantined))

    # The report, as written.
    report = json.loads(Path(result.report_path).read_text())
    assert Path(result.report_path).parent == job_paths["report"]
    assert report["status"] == STATUS_WITH_FAILURES and report["committed"] is True
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
    outcomes = {r["rule"]: (r["outcome"], r["value"], r["failed_rows"]) for r in report["data_quality"]["rules"]}
    assert outcomes == {
        "RowCount > 0": ("PASS", mapped_rows, None),
        'IsUnique "id"': ("FAIL", (mapped_rows - 2) / mapped_rows, 2),
        'ColumnValues "value" between 0 and 1000': ("FAIL", (mapped_rows - 1) / mapped_rows, 1),
        'ColumnValues "type" in ["a","b"]': ("FAIL", (mapped_rows - 1) / mapped_rows, 1),
        "ColumnCount = 6": ("PASS", len(MAPPING), None),
    }
    assert no_staging_left(job_paths["output"], job_paths["quarantine"])


def test_fail_policy_writes_nothing(run_job: RunJob, job_paths: dict[str, Path]) -> None:
    write_lines(job_paths["input"], records(GOOD + DQ_BAD))
    with pytest.raises(DataQualityFailure) as caught:
        run_job(MAPPING, RULES, "fail")
    message = str(caught.value)
    assert "3 data-quality rule(s) failed" in message and 'IsUnique "id"' in message
    assert not job_paths["output"].exists() and not job_paths["quarantine"].exists()
    assert no_staging_left(job_paths["output"], job_paths["quarantine"])
    (report_file,) = job_paths["report"].glob("*.json")
    report = json.loads(report_file.read_text())
    assert (report["status"], report["committed"], report["data_quality"]["outcome"]) == (STATUS_FAILED, False, "FAIL")


def test_fail_policy_with_passing_rules_commits_partitioned_output(
    spark: Any, run_job: RunJob, job_paths: dict[str, Path]
) -> None:
    write_lines(job_paths["input"], records(GOOD) + MAPPING_BAD[:1])
    result = run_job(MAPPING, RULES, "fail", "--partition_columns", "type")
    assert result.status == STATUS_SUCCEEDED
    types = sorted({record["type"] for record in GOOD})
    assert sorted(p.name for p in job_paths["output"].glob("type=*")) == [f"type={t}" for t in types]
    written = sorted(read_parquet(spark, job_paths["output"]), key=lambda row: row["id"])
    assert written == [expected_row(record) for record in GOOD]
    # Mapping failures are quarantined whatever the policy.
    assert [row["reason"] for row in read_quarantine(job_paths["quarantine"])] == ["malformed_json"]


def test_warn_policy_writes_every_mapped_row(spark: Any, run_job: RunJob, job_paths: dict[str, Path]) -> None:
    write_lines(job_paths["input"], records(GOOD + DQ_BAD) + MAPPING_BAD)
    result = run_job(MAPPING, RULES, "warn")
    assert result.status == STATUS_WITH_FAILURES
    assert result.report["data_quality"]["outcome"] == "FAIL"
    written = sorted(read_parquet(spark, job_paths["output"]), key=lambda row: (row["id"], row["name"]))
    assert written == sorted((expected_row(r) for r in GOOD + DQ_BAD), key=lambda row: (row["id"], row["name"]))
    assert sorted(row["raw_record"] for row in read_quarantine(job_paths["quarantine"])) == sorted(MAPPING_BAD)


def test_append_and_overwrite(spark: Any, run_job: RunJob, job_paths: dict[str, Path]) -> None:
    write_lines(job_paths["input"], records(GOOD))
    run_job(MAPPING, None, "fail", "--write_mode", "append")
    run_job(MAPPING, None, "fail", "--write_mode", "append")
    assert len(read_parquet(spark, job_paths["output"])) == 2 * len(GOOD)
    kept = job_paths["output"] / "_notes" / "kept.txt"  # names starting with '_' are not data: they stay
    kept.parent.mkdir()
    kept.write_text("x")
    run_job(MAPPING, None, "fail", "--write_mode", "overwrite")
    assert len(read_parquet(spark, job_paths["output"])) == len(GOOD)
    assert kept.read_text() == "x"
    assert no_staging_left(job_paths["output"], job_paths["quarantine"])


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        (
            {"rules": 'Rules = [ IsComplete "id", DetectAnomalies "RowCount" ]'},
            DqdlError,
            "rule type 'DetectAnomalies' is not supported yet: it needs the metrics of earlier runs",
        ),
        (
            {"rules": 'Rules = [ IsComplete "id" where "value >" ]'},
            DqdlError,
            'the where clause "value >" is not a valid Spark SQL condition',
        ),
        (
            {"rules": 'Rules = [ CustomSql "select name from primary" > 1 ]'},
            DqdlError,
            "CustomSql must return one number",
        ),
        ({"rules": 'Rules = [ IsComplete "nope" ]'}, DqdlError, "refers to column 'nope'"),
        ({"type": "integr"}, MappingError, "mapping for target 'value': unknown type 'integr'"),
        ({"type": "map<int,string>"}, MappingError, "Spark cannot convert JSON to 'map<int,string>'"),
        ({"drop": "--output_path"}, JobArgumentError, "missing required job argument --output_path"),
        ({"drop": "--mapping"}, JobArgumentError, "missing required job argument --mapping"),
        ({"input": "missing"}, InputDataError, "does not exist"),
    ],
)
def test_bad_input_fails_before_writing(
    spark: Any, job_paths: dict[str, Path], change: dict[str, Any], error: type[EtlError], message: str
) -> None:
    from jobs import json_to_parquet

    mapping = [dict(m, type=change["type"]) if m["target"] == "value" and "type" in change else m for m in MAPPING]
    write_lines(job_paths["input"], change.get("lines", records(GOOD)))
    input_path = job_paths["input"] / change["input"] if "input" in change else job_paths["input"]
    argv = {
        "--input_path": str(input_path),
        "--output_path": str(job_paths["output"]),
        "--quarantine_path": str(job_paths["quarantine"]),
        "--report_path": str(job_paths["report"]),
        "--mapping": json.dumps(mapping),
        "--dq_rules": change.get("rules", RULES),
        "--local_mode": "true",
    }
    argv.pop(change.get("drop", ""), None)
    with pytest.raises(error) as caught:
        json_to_parquet.main(["json_to_parquet.py", *[token for pair in argv.items() for token in pair]])
    assert message in str(caught.value)
    for path in (job_paths["output"], job_paths["quarantine"], job_paths["report"]):
        assert not path.exists()
    assert no_staging_left(job_paths["output"], job_paths["quarantine"])


def test_catalog_style_records(spark: Any, job_paths: dict[str, Path]) -> None:
    """A typed DataFrame (what a Glue catalog table gives) goes through the same mapping as JSON text."""
    table = spark.createDataFrame(
        [(1, "alice", {"value": "3.5"}), (2, None, {"value": "x"})], "id bigint, name string, data struct<value:string>"
    )
    from etl_lib.storage import records_from_dataframe

    config = JsonToParquetConfig.from_args(
        {
            "database": "raw",
            "table_name": "events",
            "output_path": str(job_paths["output"]),
            "quarantine_path": str(job_paths["quarantine"]),
            "mapping": json.dumps(MAPPING[:3]),
        }
    )
    result = run_json_to_parquet(spark, config, records=records_from_dataframe(table))
    assert read_parquet(spark, job_paths["output"]) == [{"id": 1, "name": "alice", "value": Decimal("3.50")}]
    (bad,) = read_quarantine(job_paths["quarantine"])
    assert bad["reason"] == "invalid value for 'value' (source 'data.value'): not a valid decimal(12,2)"
    assert json.loads(bad["raw_record"]) == {"id": 2, "data": {"value": "x"}}
    assert result.report["source"] == "glue catalog table raw.events"
    with pytest.raises(JobArgumentError, match="needs the Glue runtime"):
        run_json_to_parquet(spark, config)


def test_rules_cost_no_spark_jobs(spark: Any, tmp_path: Path) -> None:
    """All these rule metrics ride on the write: many more rules (statistics, types, freshness, where clauses,
    composites) run exactly as many Spark jobs as one."""
    write_lines(tmp_path / "in", records(GOOD))
    many = (
        'Rules = [ IsUnique "id", RowCount > 0, ColumnCount = 6, IsComplete "id", Completeness "name" > 0.5, '
        'ColumnValues "value" > 0, ColumnValues "type" in ["a","b"], ColumnLength "name" < 10, '
        'ColumnValues "name" matches "[a-z]+", Mean "value" > 0, Sum "id" > 0, StandardDeviation "value" >= 0, '
        'Variance "value" >= 0, ColumnCorrelation "id" and "value" > -2, ColumnDataType "name" = "STRING", '
        'ColumnExists "id", ColumnNamesMatchPattern "[a-z]+", DataFreshness "ts" < 36500 days, '
        'RowCount > 0 where "type = \'a\'", (IsComplete "id") and (ColumnValues "value" < 5000) ]'
    )
    counts = []
    for index, rules in enumerate(['Rules = [ IsUnique "id" ]', many]):
        config = JsonToParquetConfig.from_args(
            {
                "input_path": str(tmp_path / "in"),
                "output_path": str(tmp_path / f"out{index}"),
                "quarantine_path": str(tmp_path / f"q{index}"),
                "mapping": json.dumps(MAPPING),
                "dq_rules": rules,
                "dq_policy": "warn",
            }
        )
        group = f"rules-{index}"
        spark.sparkContext.setJobGroup(group, group)
        try:
            result = run_json_to_parquet(spark, config)
        finally:
            spark.sparkContext.setLocalProperty("spark.jobGroup.id", None)
        assert result.rows_written == len(GOOD)
        counts.append(len(spark.sparkContext.statusTracker().getJobIdsForGroup(group)))
    assert counts[0] == counts[1]


@pytest.mark.parametrize("join", ["broadcast", "planner"])
def test_rule_failures_are_quarantined_as_their_input_lines_verbatim(
    spark: Any, run_job: RunJob, job_paths: dict[str, Path], monkeypatch: pytest.MonkeyPatch, join: str
) -> None:
    """Rows failing a rule are found again by their text's hash: the exact line (spacing, key order, fields
    the mapping ignores), every copy of a repeated line, and lines in several files; with the failed rows
    broadcast, or past the limit with the join left to Spark's planner."""
    from etl_lib import pipeline

    if join == "planner":
        monkeypatch.setattr(pipeline, "BROADCAST_FAILED_ROWS", 0)
    odd_spacing = '{ "type":"z",  "id": 10, "extra": {"kept": [1, 2]}, "data": {"value": 1} }'
    repeated = json.dumps({"id": 11, "name": "twice", "data": {"value": 2}, "type": "a"})
    write_lines(job_paths["input"], [*records(GOOD), odd_spacing, repeated], name="part-0.json")
    write_lines(job_paths["input"], [repeated, MAPPING_BAD[1]], name="part-1.json")
    result = run_job(MAPPING, RULES, "quarantine", "--max_quarantine_ratio", "1")

    quarantined = sorted(
        (row["raw_record"], row["stage"], row["reason"]) for row in read_quarantine(job_paths["quarantine"])
    )
    assert quarantined == sorted(
        [
            (odd_spacing, "data_quality", 'ColumnValues "type" in ["a","b"]'),
            (repeated, "data_quality", 'IsUnique "id"'),
            (repeated, "data_quality", 'IsUnique "id"'),
            (MAPPING_BAD[1], "mapping", "invalid value for 'id': not a valid bigint"),
        ]
    )
    assert (result.rows_in, result.rows_written, result.rows_quarantined) == (len(GOOD) + 4, len(GOOD), 4)


def test_composite_and_where_rules_quarantine_their_rows(run_job: RunJob, job_paths: dict[str, Path]) -> None:
    rules = (
        'Rules = [ (ColumnValues "type" = "a") or (ColumnValues "value" > 100), '
        'ColumnValues "value" < 100 where "type = \'b\'" ]'
    )
    write_lines(job_paths["input"], records(GOOD + DQ_BAD[2:]))
    result = run_job(MAPPING, rules, "quarantine")
    quarantined = {
        json.loads(row["raw_record"])["id"]: row["reason"] for row in read_quarantine(job_paths["quarantine"])
    }
    # bob (type b, 999) fails the where rule only; the "z" row (value 1) fails both members of the or.
    assert quarantined == {
        2: 'ColumnValues "value" < 100 where "type = \'b\'"',
        6: '(ColumnValues "type" = "a") or (ColumnValues "value" > 100)',
    }
    assert (result.rows_written, result.rows_quarantined) == (3, 2)


def test_the_cache_keeps_text_only_for_rows_the_mapping_rejects(spark: Any) -> None:
    from etl_lib.mapping import RAW, parse_mapping
    from etl_lib.pipeline import TEXT_HASHES, mapped_rows
    from etl_lib.spark_mapping import resolve_types

    lines = [*records(GOOD[:2]), MAPPING_BAD[1]]
    frame = spark.createDataFrame([(line,) for line in lines], "value string")
    config = JsonToParquetConfig.from_args(
        {"input_path": "unused", "output_path": "o", "quarantine_path": "q", "mapping": json.dumps(MAPPING)}
        | {"dq_rules": RULES, "dq_policy": "quarantine"}
    )
    fields = resolve_types(spark, parse_mapping(json.dumps(MAPPING)))
    rows = mapped_rows(frame, fields, config).collect()
    assert [row[RAW] for row in rows] == [None, None, MAPPING_BAD[1]]
    hashes = spark.createDataFrame([(line,) for line in lines], "value string").selectExpr(
        "xxhash64(value) AS h1", "hash(value) AS h2"
    )
    assert [(row[TEXT_HASHES[0]], row[TEXT_HASHES[1]]) for row in rows] == [tuple(h) for h in hashes.collect()]

    # Without rules that can quarantine a mapped row, no hash is computed at all.
    warn = JsonToParquetConfig.from_args(
        {"input_path": "unused", "output_path": "o", "quarantine_path": "q", "mapping": json.dumps(MAPPING)}
        | {"dq_rules": RULES, "dq_policy": "warn"}
    )
    assert not set(TEXT_HASHES) & set(mapped_rows(frame, fields, warn).columns)


def test_a_quarantine_that_does_not_add_up_commits_nothing(
    run_job: RunJob, job_paths: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the lines found again are not the rows that failed (the input changed under the run), the run fails
    and neither the output nor the quarantine is committed."""
    from etl_lib import pipeline

    original = pipeline.rule_failed_lines
    monkeypatch.setattr(
        pipeline,
        "rule_failed_lines",
        lambda *args: original(*args).limit(1),
    )
    write_lines(job_paths["input"], records(GOOD + DQ_BAD))
    with pytest.raises(RuntimeError, match=r"4 rows failed but 1 input lines were found to quarantine"):
        run_job(MAPPING, RULES, "quarantine", "--max_quarantine_ratio", "1")
    assert not job_paths["output"].exists() or not any(job_paths["output"].rglob("*.parquet"))
    assert not job_paths["quarantine"].exists() or not any(job_paths["quarantine"].rglob("*.json"))


def test_the_run_puts_the_session_settings_it_changes_back(
    spark: Any, run_job: RunJob, job_paths: dict[str, Path]
) -> None:
    from etl_lib.pipeline import CACHE_COMPRESSED, HUGE_METHOD_LIMIT

    spark.conf.set(HUGE_METHOD_LIMIT, "60000")
    spark.conf.unset(CACHE_COMPRESSED)
    write_lines(job_paths["input"], records(GOOD))
    run_job(MAPPING, RULES, "quarantine")
    assert spark.conf.get(HUGE_METHOD_LIMIT) == "60000"
    assert spark.conf.get(CACHE_COMPRESSED) == "true"  # unset again: Spark's default
    spark.conf.unset(HUGE_METHOD_LIMIT)
