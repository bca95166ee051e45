"""Helpers for the Glue suite: input files, and reading outputs back without either engine.

Parquet is read with pyarrow (hive-partitioned folders included), the quarantine as plain JSON lines and the
report as the JSON file it is, so the json_to_parquet conformance suite reads what the Spark engine and the
DuckDB engine write the same way.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

RunJob = Callable[..., Any]  # run_job(mapping, rules=None, policy="quarantine", *extra) -> RunResult
JobMain = Callable[[list[str]], Any]  # an engine's main(args), args without the script name

# Report keys that differ between two runs of the same input (or two engines) by nature.
RUN_SPECIFIC_REPORT_KEYS = ("run_id", "started_at", "duration_seconds", "engine")


def paths_under(root: Path) -> dict[str, Path]:
    """A job's input, output, quarantine and report folders under `root`."""
    return {
        "input": root / "in",
        "output": root / "lake" / "out",
        "quarantine": root / "lake" / "quarantine",
        "report": root / "reports",
    }


def write_lines(folder: Path, lines: Sequence[str], name: str = "part-0.json") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return folder


def write_text(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder / name


def records(rows: Sequence[dict[str, Any]]) -> list[str]:
    return [json.dumps(row) for row in rows]


def read_parquet(spark: Any, path: Path) -> list[dict[str, Any]]:
    """Through Spark (for the Spark-only tests): timestamps come back naive, in the session's time zone."""
    return [row.asDict(recursive=True) for row in spark.read.parquet(str(path)).collect()]


def is_hidden(path: Path, root: Path) -> bool:
    """True if any part of `path` below `root` starts with '_' or '.' (staging, markers, reports, .crc files)."""
    return any(part.startswith(("_", ".")) for part in path.relative_to(root).parts)


def data_files(root: Path) -> list[Path]:
    """Every file under `root` that readers see (names starting with '_' or '.' skipped at any depth)."""
    return sorted(path for path in root.rglob("*") if path.is_file() and not is_hidden(path, root))


def read_table(path: Path) -> Any:
    """The Parquet output under `path` as one pyarrow Table; `key=value` folders become columns (hive)."""
    import pyarrow.dataset as ds

    files = data_files(path)
    assert files, f"no Parquet files under {path}"
    dataset = ds.dataset([str(f) for f in files], format="parquet", partitioning="hive", partition_base_dir=str(path))
    return dataset.to_table()


def read_rows(path: Path) -> list[dict[str, Any]]:
    """The output's rows as Python values: Decimal, tz-aware datetime for `timestamp`, naive for
    `timestamp_ntz`, date, lists, dicts for structs."""
    return read_table(path).to_pylist()


def normalised_type(data_type: Any) -> Any:
    """An Arrow type with the child names of lists and maps that Parquet writers choose differently
    (`element`/`item`, `key_value`/`entries`) replaced by Arrow's own; child nullability kept."""
    import pyarrow as pa

    if pa.types.is_list(data_type) or pa.types.is_large_list(data_type):
        child = data_type.value_field
        return pa.list_(pa.field("item", normalised_type(child.type), nullable=child.nullable))
    if pa.types.is_map(data_type):
        item = data_type.item_field
        return pa.map_(
            normalised_type(data_type.key_type), pa.field("value", normalised_type(item.type), nullable=item.nullable)
        )
    if pa.types.is_struct(data_type):
        return pa.struct(
            [
                pa.field(data_type.field(i).name, normalised_type(data_type.field(i).type), data_type.field(i).nullable)
                for i in range(data_type.num_fields)
            ]
        )
    return data_type


def parquet_schema(path: Path) -> list[tuple[str, str]]:
    """(name, Arrow type) of every column stored in the output's Parquet files (partition columns are folders,
    not stored), the same in every file; list and map child names normalised."""
    import pyarrow.parquet as pq

    schemas = {
        tuple((f.name, str(normalised_type(f.type))) for f in pq.read_schema(str(file))) for file in data_files(path)
    }
    assert len(schemas) == 1, f"the Parquet files under {path} have different schemas: {schemas}"
    return list(schemas.pop())


def parquet_compressions(path: Path) -> set[str]:
    """The compression codecs of every column chunk of every Parquet file under `path`."""
    import pyarrow.parquet as pq

    codecs = set()
    for file in data_files(path):
        metadata = pq.ParquetFile(str(file)).metadata
        for group in range(metadata.num_row_groups):
            row_group = metadata.row_group(group)
            codecs |= {row_group.column(column).compression for column in range(row_group.num_columns)}
    return codecs


def partition_folders(path: Path) -> list[str]:
    """The `key=value/...` folders holding Parquet files, relative to `path`."""
    return sorted({str(file.parent.relative_to(path)) for file in data_files(path)})


def read_quarantine(path: Path) -> list[dict[str, Any]]:
    """Every file the engine wrote under the quarantine prefix (names starting with '_' or '.' skipped), read as
    plain JSON lines (not through an engine), so the format itself is checked."""
    if not path.exists():
        return []
    rows = []
    for file in data_files(path):
        rows += [json.loads(line) for line in file.read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows


def quarantine_records(path: Path) -> list[tuple[str, str, str]]:
    """(raw_record, stage, reason) of every quarantined row, sorted."""
    return sorted((row["raw_record"], row["stage"], row["reason"]) for row in read_quarantine(path))


def read_report(result_or_folder: Any) -> dict[str, Any]:
    """The JSON report of a run: from its RunResult's report_path, or the only report in a folder."""
    if isinstance(result_or_folder, Path):
        (file,) = result_or_folder.glob("*.json")
    else:
        file = Path(result_or_folder.report_path)
    report: dict[str, Any] = json.loads(file.read_text(encoding="utf-8"))
    return report


def comparable_report(report: dict[str, Any], root: Path | None = None) -> dict[str, Any]:
    """The report without what differs between runs and engines by nature (run id, timings, engine); paths under
    `root` made relative to it."""
    kept = {key: value for key, value in report.items() if key not in RUN_SPECIFIC_REPORT_KEYS}
    if root is not None:
        for key in ("output_path", "quarantine_path", "source"):
            if isinstance(kept.get(key), str):
                kept[key] = kept[key].replace(str(root), "<root>")
    return kept


def rule_outcomes(report: dict[str, Any]) -> dict[str, tuple[Any, Any, Any]]:
    """{rule: (outcome, value, failed_rows)} from a report."""
    return {r["rule"]: (r["outcome"], r["value"], r["failed_rows"]) for r in report["data_quality"]["rules"]}
