"""json_to_parquet's input formats and outcomes on each engine (Spark, DuckDB): JSON documents (--input_format
json/auto), a JSON-lines run over documents, the quarantine ceiling, and an empty input."""

from __future__ import annotations

import bz2
import gzip
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from glue_helpers import (
    JobMain,
    RunJob,
    quarantine_records,
    read_quarantine,
    read_report,
    read_rows,
    records,
    rule_outcomes,
    write_lines,
)
from glue_helpers import write_text as write

from etl_lib.errors import DataQualityFailure, InputDataError, QuarantineCeilingExceeded
from etl_lib.report import STATUS_CEILING, STATUS_EMPTY, STATUS_FAILED, STATUS_SUCCEEDED

# Every test runs on each engine: run_job runs the `engine` parameter.
pytestmark = pytest.mark.usefixtures("engine")

MAPPING = [
    {"source": "id", "target": "id", "type": "bigint", "required": True},
    {"source": "name", "target": "name", "type": "string"},
    {"source": "amount", "target": "amount", "type": "decimal(12,2)"},
]
NO_CEILING = ("--max_quarantine_ratio", "1")


def pretty(document: Any) -> str:
    return json.dumps(document, indent=2) + "\n"


def compact(record: dict[str, Any]) -> str:
    return json.dumps(record, separators=(",", ":"))


def rows_by_id(path: Path) -> dict[int, dict[str, Any]]:
    rows = read_rows(path)
    by_id = {row["id"]: row for row in rows}
    assert len(by_id) == len(rows), f"duplicate ids written: {rows}"
    return dict(sorted(by_id.items()))


def test_json_documents_every_record_written_or_quarantined(run_job: RunJob, job_paths: dict[str, Path]) -> None:
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
    write(folder, "_ignored.json", pretty([{"id": 98}]))  # names starting with '_' or '.' are not input
    write(folder, ".hidden.json", pretty([{"id": 99}]))
    broken = '[\n  {"id": 5},\n  {"id": 6}\n'  # the closing bracket is missing
    write(folder, "broken.json", broken)
    result = run_job(MAPPING, None, "quarantine", "--input_format", "json", *NO_CEILING)

    assert rows_by_id(job_paths["output"]) == {
        1: {"id": 1, "name": "a", "amount": Decimal("1.50")},
        2: {"id": 2, "name": "b", "amount": None},
        3: {"id": 3, "name": "single", "amount": Decimal("2.00")},
        4: {"id": 4, "name": None, "amount": None},
    }
    quarantine = quarantine_records(job_paths["quarantine"])
    scalars = [row for row in quarantine if row[2].endswith("scalars.json is not a JSON object")]
    assert [(raw, stage) for raw, stage, _ in scalars] == [('"two"', "mapping"), ("1", "mapping"), ("null", "mapping")]
    assert sorted(reason.split(" of ")[0] for _, _, reason in scalars) == ["record 1", "record 2", "record 3"]
    (broken_row,) = [row for row in quarantine if row[1] == "input"]
    raw, _, reason = broken_row
    assert raw == broken
    assert reason.startswith("invalid JSON document file:") and reason.split(": ")[0].endswith("/broken.json")
    assert reason.endswith("broken.json: Expecting ',' delimiter at line 4, column 1")  # the parser's message
    assert (compact(array[2]), "mapping", "invalid value for 'id': not a valid bigint") in quarantine
    assert len(quarantine) == 5
    # Conservation: 3 + 1 + 1 + 3 scalars + 1 broken file records in; each written or quarantined.
    assert (result.rows_in, result.rows_written, result.rows_quarantined) == (9, 4, 5)
    report = read_report(result)
    assert report["counts"] == {
        "rows_in": 9,
        "rows_written": 4,
        "rows_quarantined": 5,
        "rows_mapped": 4,
        "rows_malformed": 0,
        "rows_unparsed_documents": 1,
        "rows_invalid": 4,
        "rows_dq_quarantined": 0,
    }
    assert (report["status"], report["committed"]) == (STATUS_SUCCEEDED, True)


def test_json_documents_quarantine_their_records_compactly(run_job: RunJob, job_paths: dict[str, Path]) -> None:
    """A record of a JSON document is quarantined as its JSON text re-serialised compactly, numbers as the parser
    reads them (README: `1.50` becomes `1.5`), key order kept."""
    document = '[\n  {"name": "b",  "id": "x", "amount": 1.50, "nested": {"b": [1, 2.0], "a": null}}\n]\n'
    write(job_paths["input"], "export.json", document)
    write(job_paths["input"], "ok.json", pretty([{"id": 1}]))
    run_job(MAPPING, None, "quarantine", "--input_format", "json", *NO_CEILING)
    assert quarantine_records(job_paths["quarantine"]) == [
        (
            '{"name":"b","id":"x","amount":1.5,"nested":{"b":[1,2.0],"a":null}}',
            "mapping",
            "invalid value for 'id': not a valid bigint",
        )
    ]


def test_auto_decides_per_file(run_job: RunJob, job_paths: dict[str, Path]) -> None:
    """JSON lines and JSON documents side by side: each file read as what it is."""
    folder = job_paths["input"]
    write_lines(folder, records([{"id": 1}, {"id": 2, "name": "lines"}]), name="lines.jsonl")
    write_lines(folder, ['{"id": 3}'], name="one-line.jsonl")  # a one-line file: lines or document, same record
    write(folder, "array.json", pretty([{"id": 4}, {"id": 5}]))
    write(folder, "object.json", pretty({"id": 6, "name": "pretty"}))
    write(folder, "garbage.txt", "id,name\n7,csv\n")  # not JSON at all: each line quarantined as malformed
    result = run_job(MAPPING, None, "quarantine", "--input_format", "auto")
    assert list(rows_by_id(job_paths["output"])) == [1, 2, 3, 4, 5, 6]
    assert rows_by_id(job_paths["output"])[6] == {"id": 6, "name": "pretty", "amount": None}
    assert quarantine_records(job_paths["quarantine"]) == [
        ("7,csv", "mapping", "malformed_json"),
        ("id,name", "mapping", "malformed_json"),
    ]
    assert (result.rows_in, result.rows_written, result.rows_quarantined) == (8, 6, 2)
    assert read_report(result)["counts"]["rows_malformed"] == 2


def test_json_lines_over_json_documents_stops_naming_the_input_format(
    run_job: RunJob, job_paths: dict[str, Path]
) -> None:
    write(job_paths["input"], "export.json", pretty([{"id": 1, "name": "a"}, {"id": 2, "name": "b"}]))
    with pytest.raises(InputDataError) as raised:
        run_job(MAPPING, None, "quarantine", *NO_CEILING)
    assert str(raised.value).startswith(
        f"none of the 10 non-blank lines of {job_paths['input']} parses as a JSON object, so the input is not JSON "
        "lines. If its files are JSON documents"
    )
    assert "pass --input_format json (or auto to decide per file). Nothing was written." in str(raised.value)
    for path in (job_paths["output"], job_paths["quarantine"], job_paths["report"]):
        assert not path.exists()


@pytest.mark.parametrize(("ceiling", "fails"), [("0.5", False), ("0.4999", True), ("0.5001", False)])
def test_the_quarantine_ceiling(run_job: RunJob, job_paths: dict[str, Path], ceiling: str, fails: bool) -> None:
    """Half the rows are bad: at the ceiling and just over it the run commits; just under it, nothing."""
    write_lines(job_paths["input"], [*records([{"id": 1}, {"id": 2}, {"id": "x"}]), "not json"])
    if not fails:
        result = run_job(MAPPING, None, "quarantine", "--max_quarantine_ratio", ceiling)
        assert result.status == STATUS_SUCCEEDED and list(rows_by_id(job_paths["output"])) == [1, 2]
        assert len(read_quarantine(job_paths["quarantine"])) == 2
        assert "quarantine_ceiling" not in read_report(result)
        return
    with pytest.raises(QuarantineCeilingExceeded) as raised:
        run_job(MAPPING, None, "quarantine", "--max_quarantine_ratio", ceiling)
    message = str(raised.value)
    assert message.startswith(
        f"2 of 4 rows (50.0%) would be quarantined, more than --max_quarantine_ratio {float(ceiling):g}, so nothing "
        f"was written to {job_paths['output']} or {job_paths['quarantine']}. Most rows fail at stage 'mapping': "
    )
    assert not job_paths["output"].exists() and not job_paths["quarantine"].exists()
    report = read_report(job_paths["report"])
    assert (report["status"], report["committed"]) == (STATUS_CEILING, False)
    assert report["quarantine_ceiling"] == {
        "max_quarantine_ratio": float(ceiling),
        "quarantine_ratio": 0.5,
        "rows_by_stage": {"mapping": 2},
        "top_reasons": [
            {"stage": "mapping", "reason": "invalid value for 'id': not a valid bigint", "rows": 1},
            {"stage": "mapping", "reason": "malformed_json", "rows": 1},
        ],
    }


def test_the_ceiling_counts_rule_failures_under_policy_quarantine(run_job: RunJob, job_paths: dict[str, Path]) -> None:
    write_lines(job_paths["input"], records([{"id": 1}, {"id": 1}, {"id": 2}]))
    with pytest.raises(QuarantineCeilingExceeded, match=r"stage 'data_quality': IsUnique \"id\" \(2 rows\)"):
        run_job(MAPPING, 'Rules = [ IsUnique "id" ]', "quarantine")
    report = read_report(job_paths["report"])
    assert report["quarantine_ceiling"]["rows_by_stage"] == {"data_quality": 2}
    assert report["counts"]["rows_dq_quarantined"] == 2
    assert not job_paths["output"].exists() and not job_paths["quarantine"].exists()


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
    report = read_report(job_paths["report"])
    assert (report["status"], report["committed"], set(report["counts"].values())) == (STATUS_EMPTY, False, {0})
    assert rule_outcomes(report) == {"RowCount >= 0": ("PASS", 0, None), 'IsComplete "id"': ("SKIP", None, None)}
    with pytest.raises(
        DataQualityFailure, match=r"holds no records and 1 data-quality rule\(s\) failed .*RowCount > 0"
    ):
        run_job(MAPPING, "Rules = [ RowCount > 0 ]", "fail", "--input_format", input_format)
    failed = [json.loads(file.read_text()) for file in job_paths["report"].glob("*.json")]
    assert sorted(r["status"] for r in failed) == [STATUS_EMPTY, STATUS_FAILED]


def test_compressed_inputs_files_for_arguments_and_the_default_report(
    job_main: JobMain, job_paths: dict[str, Path]
) -> None:
    """`.gz` and `.bz2` files are read as their text; the mapping and rules come from files; with no
    --report_path the report goes to `<output_path>/_dq_report/`, which readers skip."""
    folder = job_paths["input"]
    folder.mkdir(parents=True)
    (folder / "a.json.gz").write_bytes(gzip.compress(b'{"id": 1, "name": "gz"}\n{"id": "x"}\n'))
    (folder / "b.json.bz2").write_bytes(bz2.compress(b'{"id": 2, "name": "bz2", "amount": 3}\n'))
    mapping_file = write(job_paths["input"].parent / "config", "mapping.json", json.dumps(MAPPING))
    rules_file = write(job_paths["input"].parent / "config", "rules.dqdl", 'Rules = [ IsComplete "name" ]')
    result = job_main(
        [
            "--input_path",
            str(folder),
            "--output_path",
            str(job_paths["output"]),
            "--quarantine_path",
            str(job_paths["quarantine"]),
            "--mapping_path",
            str(mapping_file),
            "--dq_rules_path",
            str(rules_file),
            "--dq_policy",
            "warn",
            *NO_CEILING,
        ]
    )
    assert rows_by_id(job_paths["output"]) == {
        1: {"id": 1, "name": "gz", "amount": None},
        2: {"id": 2, "name": "bz2", "amount": Decimal("3.00")},
    }
    assert quarantine_records(job_paths["quarantine"]) == [
        ('{"id": "x"}', "mapping", "invalid value for 'id': not a valid bigint")
    ]
    report_folder = job_paths["output"] / "_dq_report"
    assert Path(result.report_path) == report_folder / f"{result.run_id}.json"
    assert read_report(report_folder)["data_quality"]["rules"][0]["rule"] == 'IsComplete "name"'


def test_an_empty_overwrite_keeps_the_previous_output(run_job: RunJob, job_paths: dict[str, Path]) -> None:
    write_lines(job_paths["input"], records([{"id": 1}]))
    run_job(MAPPING, None, "fail")
    write(job_paths["input"], "part-0.json", "\n")
    result = run_job(MAPPING, None, "fail", "--write_mode", "overwrite")
    assert result.status == STATUS_EMPTY
    assert rows_by_id(job_paths["output"]) == {1: {"id": 1, "name": None, "amount": None}}
