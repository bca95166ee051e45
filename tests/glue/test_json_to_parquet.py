"""json_to_parquet's Spark engine internals: a Glue catalog table's records (Spark only), the rule metrics riding
on the write (no extra Spark jobs), the join that finds rule-failing rows' lines again past the broadcast limit,
what the cache keeps, the quarantine count guard, and the session settings a run puts back.

What a run writes, quarantines and reports is the engines' shared contract: test_conformance_*.py runs it on
Spark and DuckDB alike."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from glue_helpers import RunJob, quarantine_records, read_parquet, read_quarantine, records, write_lines
from test_conformance_json_to_parquet import DQ_BAD, GOOD, MAPPING, MAPPING_BAD, RULES

from etl_lib.config import JsonToParquetConfig
from etl_lib.errors import JobArgumentError
from etl_lib.pipeline import run_json_to_parquet

pytestmark = pytest.mark.spark


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


def test_rule_failures_found_again_past_the_broadcast_limit(
    run_job: RunJob, job_paths: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows failing a rule are found again by their text's hash; past the broadcast limit the join is left to
    Spark's planner, with the same result (the broadcast join runs in the conformance suite's Spark cases)."""
    from etl_lib import pipeline

    monkeypatch.setattr(pipeline, "BROADCAST_FAILED_ROWS", 0)
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
