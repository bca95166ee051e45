"""json_to_parquet's run contract, engine-free: counts, statuses, the report, and the errors that stop a run.

Both engines (Spark: `etl_lib.pipeline`; DuckDB: `etl_lib.duckdb_engine.pipeline`) measure the same counts,
then hand them here, so a run is decided, reported and worded the same way whichever engine ran it:

- `counts_from(measured)` completes the counts (`rows_invalid`, `rows_dq_quarantined`) and checks conservation
  (every input row is written or quarantined);
- `check_json_lines` stops a JSON-lines run none of whose lines parses;
- `decide` applies the quarantine ceiling, then the data-quality policy: it returns the status of a run that
  may commit, or raises `QuarantineCeilingExceeded` / `DataQualityFailure` (after the engine wrote the report
  `failure_report` gives it) with the message the user sees;
- `build_report` is the JSON document written to `<report_prefix>/<run_id>.json`.

Importable on Python 3.9 (the Glue Python-shell runtime): no engine, no 3.10+ syntax at run time.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from etl_lib.config import JsonToParquetConfig
from etl_lib.errors import DataQualityFailure, InputDataError, QuarantineCeilingExceeded
from etl_lib.outcomes import FAIL, RuleOutcome, evaluate

STATUS_SUCCEEDED = "SUCCEEDED"
STATUS_WITH_FAILURES = "SUCCEEDED_WITH_DQ_FAILURES"
STATUS_FAILED = "FAILED_DATA_QUALITY"
STATUS_CEILING = "FAILED_QUARANTINE_CEILING"
STATUS_EMPTY = "EMPTY_INPUT"

# What a quarantined row's `stage` says: a JSON document that does not parse, a record the mapping rejects,
# a mapped row that fails a row-level rule.
STAGE_INPUT = "input"
STAGE_MAPPING = "mapping"
STAGE_DATA_QUALITY = "data_quality"

# How many (stage, reason) pairs the report of a run over the quarantine ceiling lists, most frequent first.
TOP_REASONS = 5

# The counts every engine measures (`counts_from` derives the last two).
MEASURED_COUNTS = (
    "rows_in",
    "rows_written",
    "rows_quarantined",
    "rows_mapped",
    "rows_malformed",
    "rows_unparsed_documents",
)
COUNT_NAMES = (*MEASURED_COUNTS, "rows_invalid", "rows_dq_quarantined")


@dataclass
class RunResult:
    """What a run did; `report` is the JSON document written to `report_path`."""

    run_id: str
    status: str
    rows_in: int
    rows_written: int
    rows_quarantined: int
    outcomes: list[RuleOutcome]
    report_path: str
    report: dict[str, Any] = field(default_factory=dict)


def new_run_id() -> str:
    """Sortable and unique: UTC time, then 8 random hex digits."""
    return f"{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"


def quarantines_rule_failures(config: JsonToParquetConfig) -> bool:
    """Policy quarantine with at least one row-level rule: rows that map cleanly may still be quarantined."""
    return config.dq_policy == "quarantine" and any(rule.row_level for rule in config.ruleset.rules)


def counts_from(measured: dict[str, Any]) -> dict[str, int]:
    """The run's counts from what the engine measured; raises if they do not add up (nothing is committed)."""
    counts = {name: int(measured[name] or 0) for name in MEASURED_COUNTS}
    counts["rows_invalid"] = (
        counts["rows_in"] - counts["rows_mapped"] - counts["rows_malformed"] - counts["rows_unparsed_documents"]
    )
    counts["rows_dq_quarantined"] = counts["rows_mapped"] - counts["rows_written"]
    if counts["rows_in"] != counts["rows_written"] + counts["rows_quarantined"]:
        raise RuntimeError(f"internal error: row counts do not add up ({counts}); nothing was committed.")
    return counts


def check_json_lines(config: JsonToParquetConfig, counts: dict[str, int]) -> None:
    """A JSON-lines run in which no line parses is JSON documents read with the wrong --input_format."""
    if config.input_format == "jsonl" and config.input_path and counts["rows_malformed"] == counts["rows_in"]:
        raise InputDataError(
            f"none of the {counts['rows_in']} non-blank lines of {config.input_path} parses as a JSON object, so "
            "the input is not JSON lines. If its files are JSON documents (an array of records, or one record, "
            "over many lines), pass --input_format json (or auto to decide per file). Nothing was written."
        )


def quarantine_ratio(counts: dict[str, int]) -> float:
    return counts["rows_quarantined"] / counts["rows_in"] if counts["rows_in"] else 0.0


def over_ceiling(config: JsonToParquetConfig, counts: dict[str, int]) -> bool:
    return quarantine_ratio(counts) > config.max_quarantine_ratio


def ceiling_summary(
    config: JsonToParquetConfig, counts: dict[str, int], reasons: Iterable[tuple[str, str, int]]
) -> dict[str, Any]:
    """For the report of a run over the ceiling: rows quarantined per stage and the most frequent reasons,
    from (stage, reason, rows) triples."""
    rows = [(stage, reason, int(count)) for stage, reason, count in reasons]
    stages: dict[str, int] = {}
    for stage, _, count in rows:
        stages[stage] = stages.get(stage, 0) + count
    ranked = sorted(rows, key=lambda row: (-row[2], row[0], row[1]))
    return {
        "max_quarantine_ratio": config.max_quarantine_ratio,
        "quarantine_ratio": round(quarantine_ratio(counts), 6),
        "rows_by_stage": dict(sorted(stages.items(), key=lambda item: -item[1])),
        "top_reasons": [
            {"stage": stage, "reason": reason, "rows": count} for stage, reason, count in ranked[:TOP_REASONS]
        ],
    }


def ceiling_error(
    config: JsonToParquetConfig, counts: dict[str, int], ceiling: dict[str, Any], report_path: str
) -> QuarantineCeilingExceeded:
    top = ceiling["top_reasons"][0]
    return QuarantineCeilingExceeded(
        f"{counts['rows_quarantined']} of {counts['rows_in']} rows ({quarantine_ratio(counts):.1%}) would be "
        f"quarantined, more than --max_quarantine_ratio {config.max_quarantine_ratio:g}, so nothing was written to "
        f"{config.output_path} or {config.quarantine_path}. Most rows fail at stage '{top['stage']}': "
        f"{top['reason']} ({top['rows']} rows). Report: {report_path}"
    )


def failed_rules(outcomes: list[RuleOutcome]) -> list[RuleOutcome]:
    return [outcome for outcome in outcomes if outcome.outcome == FAIL]


def dq_failure_error(config: JsonToParquetConfig, outcomes: list[RuleOutcome], report_path: str) -> DataQualityFailure:
    failed = failed_rules(outcomes)
    return DataQualityFailure(
        f"{len(failed)} data-quality rule(s) failed with --dq_policy fail, so nothing was written to "
        f"{config.output_path}: " + "; ".join(f"{o.rule} ({o.message})" for o in failed) + f". Report: {report_path}"
    )


def commit_status(config: JsonToParquetConfig, outcomes: list[RuleOutcome]) -> str | None:
    """The status of a run that may commit, or None if policy `fail` forbids it (a rule failed)."""
    failed = failed_rules(outcomes)
    if failed and config.dq_policy == "fail":
        return None
    return STATUS_WITH_FAILURES if failed else STATUS_SUCCEEDED


def empty_run(config: JsonToParquetConfig, targets: list[str]) -> tuple[str, list[RuleOutcome]]:
    """No record at all: nothing is written (an overwrite keeps the previous output); the rules that describe the
    dataset's shape (RowCount, ColumnCount, ...) are evaluated, the others are skipped: a RowCount rule decides."""
    outcomes = evaluate(config.ruleset, {}, 0, targets, empty=True)
    failed = failed_rules(outcomes)
    status = (
        STATUS_FAILED if failed and config.dq_policy == "fail" else STATUS_WITH_FAILURES if failed else STATUS_EMPTY
    )
    return status, outcomes


def empty_run_error(config: JsonToParquetConfig, outcomes: list[RuleOutcome], report_path: str) -> DataQualityFailure:
    failed = failed_rules(outcomes)
    return DataQualityFailure(
        f"the input {config.source} holds no records and {len(failed)} data-quality rule(s) failed with "
        "--dq_policy fail: " + "; ".join(f"{o.rule} ({o.message})" for o in failed) + f". Report: {report_path}"
    )


def build_report(
    config: JsonToParquetConfig,
    run_id: str,
    status: str,
    counts: dict[str, int],
    outcomes: list[RuleOutcome],
    committed: bool,
    started: float,
    engine: str,
) -> dict[str, Any]:
    return {
        "job": config.job_name,
        "run_id": run_id,
        "status": status,
        "engine": engine,
        "started_at": datetime.fromtimestamp(started, timezone.utc).isoformat(),
        "duration_seconds": round(time.time() - started, 3),
        "source": config.source,
        "output_path": config.output_path,
        "quarantine_path": config.quarantine_path,
        "dq_policy": config.dq_policy,
        "write_mode": config.write_mode,
        "committed": committed,
        "counts": counts,
        "data_quality": {
            "outcome": FAIL if any(o.outcome == FAIL for o in outcomes) else "PASS",
            "rules": [outcome.as_dict() for outcome in outcomes],
        },
    }


def report_location(config: JsonToParquetConfig, run_id: str) -> str:
    return f"{config.report_prefix}/{run_id}.json"
