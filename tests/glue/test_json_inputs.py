"""json_to_parquet's input formats and outcomes on local Spark: JSON documents (--input_format json/auto),
a JSON-lines run over documents, the quarantine ceiling, and an empty input."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from glue_helpers import RunJob, read_parquet, read_quarantine, records, write_lines

from etl_lib.errors import DataQualityFailure, InputDataError, QuarantineCeilingExceeded
from etl_lib.pipeline import STATUS_CEILING, STATUS_EMPTY, STATUS_SUCCEEDED

pytestmark = pytest.mark.spark

MAPPING = [
    {"source": "id", "target": "id", "type": "bigint", "required": True},
    {"source": "name", "target": "name", "type": "string"},
    {"source": "amount", "target": "amount", "type": "decimal(12,2)"},
]
NO_CEILING = ("--max_quarantine_ratio", "1")


def write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def pretty(document: Any) -> str:
    return json.dumps(document, indent=2) + "\n"


def compact(record: dict[str, Any]) -> str:
    return json.dumps(record, separators=(",", ":"))


def ids(spark: Any, path: Path) -> list[int]:
    return sorted(row["id"] for row in read_parquet(spark, path))


def test_json_documents_every_record_written_or_quarantined(
    spark: Any, run_job: RunJob, job_paths: dict[str, Path]
) -> None:
    """Arrays and single objects over many lines, nested folders, empty files and arrays; bad records, a file
    that does not parse and an array of scalars are quarantined, each with its reason, nothing lost."""
    folder = job_paths["input"]
    array = [{"id": 1, "name": "a", "amount": "1.50"}, {"id": 2, "name": "b"}, {"id": "x", "name": "bad id"}]
    write(folder, "array.json", pretty(array))
    write(folder, "one.json", pretty({"id": 3, "name": "single", "amount": 2}))
    write(folder / "2024" / "01", "deep.json", pretty([{"id": 4, "extra": {"kept": True}}]))
    write(folder, "empty.json", "")
    write(folder, "blank.json", "\n  \n")
    write(folder, "none.json", "[ ]\n")
    write(folder, "scalars.json", '[1, "two", null]\n')
    broken = '[\n  {"id": 5},\n  {"id": 6}\n'  # the closing bracket is missing
    write(folder, "broken.json", broken)
    result = run_job(MAPPING, None, "quarantine", "--input_format", "json", *NO_CEILING)

    assert ids(spark, job_paths["output"]) == [1, 2, 3, 4]
    assert {row["id"]: row["amount"] for row in read_parquet(spark, job_paths["output"])}[1] == Decimal("1.50")
    quarantine = {row["raw_record"]: (row["stage"], row["reason"]) for row in read_quarantine(job_paths["quarantine"])}
    assert quarantine[compact(array[2])] == ("mapping", "invalid value for 'id': not a valid bigint")
    scalars = {raw: reason for raw, (_, reason) in quarantine.items() if "scalars.json" in reason}
    assert sorted(scalars) == ['"two"', "1", "null"]
    assert all(reason.endswith("scalars.json is not a JSON object") for reason in scalars.values())
    stage, reason = quarantine[broken]
    assert stage == "input"
    assert reason.startswith("invalid JSON document file:") and "broken.json: " in reason
    assert reason.endswith("line 4, column 1")  # the parser's message: where the text ends unclosed
    # Conservation: 3 + 1 + 1 + 3 scalars + 1 broken file records in; each written or quarantined.
    assert (result.rows_in, result.rows_written, result.rows_quarantined) == (9, 4, 5)
    assert result.report["counts"]["rows_unparsed_documents"] == 1


def test_auto_decides_per_file(spark: Any, run_job: RunJob, job_paths: dict[str, Path]) -> None:
    """JSON lines and JSON documents side by side: each file read as what it is."""
    folder = job_paths["input"]
    write_lines(folder, records([{"id": 1}, {"id": 2, "name": "lines"}]), name="lines.jsonl")
    write_lines(folder, ['{"id": 3}'], name="one-line.jsonl")  # a one-line file: lines or document, same record
    write(folder, "array.json", pretty([{"id": 4}, {"id": 5}]))
    write(folder, "object.json", pretty({"id": 6, "name": "pretty"}))
    write(folder, "garbage.txt", "id,name\n7,csv\n")  # not JSON at all: each line quarantined as malformed
    result = run_job(MAPPING, None, "quarantine", "--input_format", "auto")
    assert ids(spark, job_paths["output"]) == [1, 2, 3, 4, 5, 6]
    quarantine = sorted((row["raw_record"], row["reason"]) for row in read_quarantine(job_paths["quarantine"]))
    assert quarantine == [("7,csv", "malformed_json"), ("id,name", "malformed_json")]
    assert (result.rows_in, result.rows_written, result.rows_quarantined) == (8, 6, 2)


def test_json_lines_over_json_documents_stops_naming_the_input_format(
    run_job: RunJob, job_paths: dict[str, Path]
) -> None:
    write(job_paths["input"], "export.json", pretty([{"id": 1, "name": "a"}, {"id": 2, "name": "b"}]))
    with pytest.raises(InputDataError, match=r"none of the 10 non-blank lines .* pass --input_format json"):
        run_job(MAPPING, None, "quarantine", *NO_CEILING)
    for path in (job_paths["output"], job_paths["quarantine"], job_paths["report"]):
        assert not path.exists()


@pytest.mark.parametrize(
    ("ceiling", "fails"),
    [("0.5", False), ("0.4999", True), ("0.5001", False)],
)
def test_the_quarantine_ceiling(
    spark: Any, run_job: RunJob, job_paths: dict[str, Path], ceiling: str, fails: bool
) -> None:
    """Half the rows are bad: at the ceiling and just over it the run commits; just under it, nothing."""
    write_lines(job_paths["input"], [*records([{"id": 1}, {"id": 2}, {"id": "x"}]), "not json"])
    if not fails:
        result = run_job(MAPPING, None, "quarantine", "--max_quarantine_ratio", ceiling)
        assert result.status == STATUS_SUCCEEDED and ids(spark, job_paths["output"]) == [1, 2]
        assert len(read_quarantine(job_paths["quarantine"])) == 2
        return
    with pytest.raises(QuarantineCeilingExceeded) as raised:
        run_job(MAPPING, None, "quarantine", "--max_quarantine_ratio", ceiling)
    message = str(raised.value)
    assert f"2 of 4 rows (50.0%) would be quarantined, more than --max_quarantine_ratio {float(ceiling):g}" in message
    assert "Most rows fail at stage 'mapping'" in message
    assert not job_paths["output"].exists() and not job_paths["quarantine"].exists()
    (report_file,) = job_paths["report"].glob("*.json")
    report = json.loads(report_file.read_text())
    assert (report["status"], report["committed"]) == (STATUS_CEILING, False)
    assert report["quarantine_ceiling"]["rows_by_stage"] == {"mapping": 2}
    assert sorted((r["reason"], r["rows"]) for r in report["quarantine_ceiling"]["top_reasons"]) == [
        ("invalid value for 'id': not a valid bigint", 1),
        ("malformed_json", 1),
    ]


def test_the_ceiling_counts_rule_failures_under_policy_quarantine(run_job: RunJob, job_paths: dict[str, Path]) -> None:
    write_lines(job_paths["input"], records([{"id": 1}, {"id": 1}, {"id": 2}]))
    with pytest.raises(QuarantineCeilingExceeded, match=r"stage 'data_quality': IsUnique \"id\" \(2 rows\)"):
        run_job(MAPPING, 'Rules = [ IsUnique "id" ]', "quarantine")


@pytest.mark.parametrize("input_format", ["jsonl", "json"])
def test_an_empty_input_is_its_own_outcome(run_job: RunJob, job_paths: dict[str, Path], input_format: str) -> None:
    """No record at all: nothing written, the report says EMPTY_INPUT, and a RowCount rule decides."""
    write(job_paths["input"], "empty.json", "\n \n" if input_format == "jsonl" else "[]")
    result = run_job(MAPPING, 'Rules = [ RowCount >= 0, IsComplete "id" ]', "fail", "--input_format", input_format)
    assert (result.status, result.rows_in) == (STATUS_EMPTY, 0)
    assert [(o.outcome, o.message) for o in result.outcomes] == [
        ("PASS", "0 rows"),
        ("SKIP", "the input holds no records"),
    ]
    assert not job_paths["output"].exists() and not job_paths["quarantine"].exists()
    assert len(list(job_paths["report"].glob("*.json"))) == 1
    with pytest.raises(
        DataQualityFailure, match=r"holds no records and 1 data-quality rule\(s\) failed .*RowCount > 0"
    ):
        run_job(MAPPING, "Rules = [ RowCount > 0 ]", "fail", "--input_format", input_format)
