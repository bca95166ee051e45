"""Manifest comparison: hand-made manifests whose answers are worked out here, the job end to end, bad input.

The window in every Spark test: start 1_000_000, end 2_000_000, a 120_000 ms margin (margin_of_error
2_120_000). Each record below says what it is there to show.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from etl_lib.errors import InputDataError, JobArgumentError
from etl_lib.manifests import (
    RESULT_KINDS,
    CutOffWindow,
    ManifestComparisonConfig,
    compare_manifests,
    pair_latest,
    summarize,
)

START, END, MARGIN = 1_000_000, 2_000_000, 120_000
WINDOW = CutOffWindow(START, END, END + MARGIN)

EXPORTS = [
    ("a", 1_100_000, "claim", "crm"),  # import 50_000 later: within the margin, matched
    ("b", 1_200_000, "claim", "crm"),  # no import: missing import
    ("c", 1_300_000, "person", "crm"),  # import 300_000 later: mismatched, export earlier
    ("d", 1_999_999, "person", "hr"),  # last ms of the window; import after the end but within the margin: matched
    ("e", 900_000, "claim", "crm"),  # before the start: ignored, so import e is a missing export
    ("f", 2_050_000, "claim", "crm"),  # after the end, no import: outside the window, not missing
    ("g", 1_400_000, "claim", "crm"),  # superseded by the next record (latest per id)
    ("g", 1_450_000, "claim", "hr"),  # import 10_000 later: matched
    ("h", 1_500_000, "person", "crm"),  # latest import 200_000 later: mismatched, export earlier
    ("i", 1_800_000, "person", "hr"),  # import 300_000 earlier: mismatched, import earlier
    ("l", 2_000_000, "claim", "crm"),  # exactly the end (exclusive): matches import l, not counted itself
    ("m", 1_900_000, "person", "hr"),  # its import is at margin_of_error (exclusive): missing import
]
IMPORTS = [
    ("a", 1_150_000, "claim", "kafka"),
    ("c", 1_600_000, "person", "kafka"),
    ("d", 2_100_000, "person", "kafka"),
    ("e", 1_100_000, "claim", "kafka"),
    ("g", 1_460_000, "claim", "kafka"),
    ("h", 1_200_000, "person", "kafka"),  # superseded by h at 1_700_000
    ("h", 1_700_000, "person", "kafka"),
    ("i", 1_500_000, "person", "batch"),
    ("j", 2_200_000, "claim", "kafka"),  # after margin_of_error: ignored
    ("k", 1_000_000, "claim", "batch"),  # exactly the start (inclusive), no export: missing export
    ("l", 1_950_000, "claim", "kafka"),
    ("m", 2_120_000, "person", "kafka"),
]

EXPECTED_MISSING_IMPORTS = [
    {"id": "b", "export_timestamp": 1_200_000, "export_type": "claim", "export_source": "crm"},
    {"id": "m", "export_timestamp": 1_900_000, "export_type": "person", "export_source": "hr"},
]
EXPECTED_MISSING_EXPORTS = [
    {"id": "e", "import_timestamp": 1_100_000, "import_type": "claim", "import_source": "kafka"},
    {"id": "k", "import_timestamp": 1_000_000, "import_type": "claim", "import_source": "batch"},
]
EXPECTED_MISMATCHED = [
    # id, import ts, export ts, |difference|, earlier side, import type/source, export type/source
    {
        "id": "c",
        "import_timestamp": 1_600_000,
        "export_timestamp": 1_300_000,
        "difference_ms": 300_000,
        "earlier_side": "export",
        "import_type": "person",
        "import_source": "kafka",
        "export_type": "person",
        "export_source": "crm",
    },
    {
        "id": "h",
        "import_timestamp": 1_700_000,
        "export_timestamp": 1_500_000,
        "difference_ms": 200_000,
        "earlier_side": "export",
        "import_type": "person",
        "import_source": "kafka",
        "export_type": "person",
        "export_source": "crm",
    },
    {
        "id": "i",
        "import_timestamp": 1_500_000,
        "export_timestamp": 1_800_000,
        "difference_ms": 300_000,
        "earlier_side": "import",
        "import_type": "person",
        "import_source": "batch",
        "export_type": "person",
        "export_source": "hr",
    },
]
# In the window: exports a b c d g h i m, imports a c e g h i k l (latest record of each id).
EXPECTED_COUNTS = [
    # side, type, source, records, missing on the other side, mismatched
    ("export", "claim", "crm", 2, 1, 0),  # a, b (b missing)
    ("export", "claim", "hr", 1, 0, 0),  # g
    ("export", "person", "crm", 2, 0, 2),  # c, h
    ("export", "person", "hr", 3, 1, 1),  # d, i (mismatched), m (missing)
    ("import", "claim", "batch", 1, 1, 0),  # k (missing)
    ("import", "claim", "kafka", 4, 1, 0),  # a, e (missing), g, l
    ("import", "person", "batch", 1, 0, 1),  # i
    ("import", "person", "kafka", 2, 0, 2),  # c, h
]
COUNT_COLUMNS = ("side", "type", "source", "record_count", "missing_count", "mismatched_count")


def frame(spark: Any, records: list[tuple[str, int, str, str]]) -> Any:
    return spark.createDataFrame(records, "id string, timestamp bigint, type string, source string")


def rows(df: Any, order: str = "id") -> list[dict[str, Any]]:
    return [row.asDict() for row in df.orderBy(order).collect()]


def counts(df: Any) -> list[tuple[Any, ...]]:
    return sorted(tuple(row[column] for column in COUNT_COLUMNS) for row in df.collect())


@pytest.mark.spark
def test_the_worked_example(spark: Any) -> None:
    result = compare_manifests(frame(spark, IMPORTS), frame(spark, EXPORTS), WINDOW)
    assert rows(result.missing_imports) == EXPECTED_MISSING_IMPORTS
    assert rows(result.missing_exports) == EXPECTED_MISSING_EXPORTS
    assert rows(result.mismatched_timestamps) == EXPECTED_MISMATCHED
    assert counts(result.counts) == EXPECTED_COUNTS
    totals = summarize(pair_latest(frame(spark, IMPORTS), frame(spark, EXPORTS), WINDOW))
    assert totals == {
        "import_records": 8,
        "export_records": 8,
        "missing_imports": 2,
        "missing_exports": 2,
        "mismatched_timestamps": 3,
    }


@pytest.mark.spark
def test_a_zero_margin_flags_every_difference_and_matches_nothing_late(spark: Any) -> None:
    window = CutOffWindow(START, END, END)
    result = compare_manifests(frame(spark, IMPORTS), frame(spark, EXPORTS), window)
    # d's import (2_100_000) is now out of range: d becomes a missing import. l's export (2_000_000) too:
    # l becomes a missing export. Every pair with any difference is mismatched: a, c, g, h, i.
    assert [r["id"] for r in rows(result.missing_imports)] == ["b", "d", "m"]
    assert [r["id"] for r in rows(result.missing_exports)] == ["e", "k", "l"]
    assert [r["id"] for r in rows(result.mismatched_timestamps)] == ["a", "c", "g", "h", "i"]


def write_manifest(folder: Path, lines: list[str], name: str = "part-0.csv") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def csv_lines(records: list[tuple[str, int, str, str]]) -> list[str]:
    return [f"{record_id},{timestamp},{kind},{source}" for record_id, timestamp, kind, source in records]


def job_argv(tmp_path: Path, **changes: str) -> list[str]:
    arguments = {
        "cut_off_time_start": str(START),
        "cut_off_time_end": str(END),
        "margin_of_error": str(END + MARGIN),
        "import_type": "streaming_main",
        "snapshot_type": "incremental",
        "import_prefix": str(tmp_path / "manifests" / "import"),
        "export_prefix": str(tmp_path / "manifests" / "export"),
        **{f"{kind}_location": str(tmp_path / "results" / kind) for kind in RESULT_KINDS},
        "JOB_NAME": "manifest-comparison",
        "local_mode": "true",
    }
    arguments.update(changes)
    return ["manifest_comparison.py", *[token for name, value in arguments.items() for token in (f"--{name}", value)]]


def sql_columns(kind: str) -> list[tuple[str, str]]:
    """(name, type) of each column in the launcher's CREATE EXTERNAL TABLE template for `kind`."""
    templates = Path(__file__).parents[2] / "src" / "lambdas" / "batch_launcher" / "launcher" / "sql_templates"
    template = templates / f"{kind}.sql"
    return re.findall(r"^\s*`(\w+)` (\w+),?$", template.read_text(), flags=re.MULTILINE)


@pytest.mark.spark
def test_the_job_end_to_end_writes_what_the_athena_tables_declare(spark: Any, tmp_path: Path) -> None:
    from jobs import manifest_comparison

    imports = tmp_path / "manifests" / "import" / "streaming_main"
    exports = tmp_path / "manifests" / "export" / "incremental"
    write_manifest(imports, csv_lines(IMPORTS[:6]))
    write_manifest(imports / "2024" / "03", csv_lines(IMPORTS[6:]), "part-1.csv")  # read recursively
    write_manifest(exports, csv_lines(EXPORTS))
    # Other types and snapshots are not read.
    write_manifest(tmp_path / "manifests" / "import" / "historic", ["z,1500000,claim,old"])
    write_manifest(tmp_path / "manifests" / "export" / "full", ["z,1500000,claim,old"])
    results = tmp_path / "results"
    write_manifest(results / "counts", ["stale output"], "old.txt")  # overwritten

    totals = manifest_comparison.main(job_argv(tmp_path))

    assert totals["missing_imports"] == 2 and totals["mismatched_timestamps"] == 3
    assert not (results / "counts" / "old.txt").exists()
    assert rows(spark.read.parquet(str(results / "missing_imports"))) == EXPECTED_MISSING_IMPORTS
    assert rows(spark.read.parquet(str(results / "missing_exports"))) == EXPECTED_MISSING_EXPORTS
    assert rows(spark.read.parquet(str(results / "mismatched_timestamps"))) == EXPECTED_MISMATCHED
    assert counts(spark.read.parquet(str(results / "counts"))) == EXPECTED_COUNTS
    assert len(list((results / "counts").glob("part-*.parquet"))) == 1

    spark_to_athena = {"string": "string", "bigint": "bigint"}
    for kind in RESULT_KINDS:
        written = [
            (f.name, spark_to_athena[f.dataType.simpleString()]) for f in spark.read.parquet(str(results / kind)).schema
        ]
        assert written == sql_columns(kind), kind


@pytest.mark.spark
def test_quoted_ids_with_commas_are_one_field(spark: Any, tmp_path: Path) -> None:
    from jobs import manifest_comparison

    write_manifest(tmp_path / "manifests" / "import" / "streaming_main", ['"{""id"": ""1,2""}",1500000,claim,kafka'])
    write_manifest(tmp_path / "manifests" / "export" / "incremental", [])
    manifest_comparison.main(job_argv(tmp_path))
    (row,) = rows(spark.read.parquet(str(tmp_path / "results" / "missing_exports")))
    assert row["id"] == '{"id": "1,2"}'


@pytest.mark.spark
def test_malformed_records_fail_the_run_with_examples(tmp_path: Path) -> None:
    from jobs import manifest_comparison

    write_manifest(
        tmp_path / "manifests" / "import" / "streaming_main",
        ["a,1500000,claim,kafka", ",1500000,claim,kafka", "c,yesterday,claim,kafka", "d,1.5e6,claim,kafka"],
    )
    write_manifest(tmp_path / "manifests" / "export" / "incremental", ["a,1500000,claim,crm"])
    with pytest.raises(InputDataError) as raised:
        manifest_comparison.main(job_argv(tmp_path))
    message = str(raised.value)
    assert message.startswith("malformed import manifest records under ")
    assert "missing id" in message and "id='c'" in message and "id='d'" in message
    assert not (tmp_path / "results").exists()


@pytest.mark.spark
def test_a_missing_manifest_folder_is_named(tmp_path: Path) -> None:
    from jobs import manifest_comparison

    write_manifest(tmp_path / "manifests" / "export" / "incremental", ["a,1500000,claim,crm"])
    with pytest.raises(InputDataError, match=r"no manifests at .*/manifests/import/streaming_main"):
        manifest_comparison.main(job_argv(tmp_path))


def config_args(tmp_path: Path, **changes: str) -> dict[str, str]:
    argv = job_argv(tmp_path, **changes)[1:]
    return {name.removeprefix("--"): value for name, value in zip(argv[::2], argv[1::2], strict=True)}


def test_the_config_reads_the_paths_the_launcher_composes(tmp_path: Path) -> None:
    config = ManifestComparisonConfig.from_args(config_args(tmp_path, import_prefix=f"{tmp_path}/manifests/import/"))
    assert config.window == WINDOW and config.window.margin_ms == MARGIN
    assert config.import_path == f"{tmp_path}/manifests/import/streaming_main"
    assert config.export_path == f"{tmp_path}/manifests/export/incremental"
    assert config.outputs["counts"] == f"{tmp_path}/results/counts"
    assert config.job_name == "manifest-comparison"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"cut_off_time_start": ""}, "missing required job argument --cut_off_time_start"),
        ({"cut_off_time_end": "2024-03-15"}, "--cut_off_time_end must be epoch milliseconds"),
        ({"cut_off_time_start": str(END)}, "--cut_off_time_start < --cut_off_time_end <= --margin_of_error"),
        ({"margin_of_error": str(END - 1)}, "--cut_off_time_start < --cut_off_time_end <= --margin_of_error"),
        ({"import_type": "streaming"}, "--import_type must be one of historic, streaming_main, streaming_equality"),
        ({"snapshot_type": "daily"}, "--snapshot_type must be one of full, incremental"),
        ({"counts_location": "{tmp}/manifests/import/streaming_main/counts"}, "overlaps the import manifests"),
        ({"counts_location": "{tmp}/manifests"}, "overlaps the import manifests"),
        ({"counts_location": "{tmp}/results/missing_imports/"}, "the four result locations must differ"),
    ],
)
def test_bad_arguments_are_named(tmp_path: Path, changes: dict[str, str], message: str) -> None:
    changes = {name: value.replace("{tmp}", str(tmp_path)) for name, value in changes.items()}
    with pytest.raises(JobArgumentError, match=re.escape(message)):
        ManifestComparisonConfig.from_args(config_args(tmp_path, **changes))
