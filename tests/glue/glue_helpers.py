"""Helpers for the Glue suite: input files, reading outputs back."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

RunJob = Callable[..., Any]


def write_lines(folder: Path, lines: Sequence[str], name: str = "part-0.json") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return folder


def records(rows: Sequence[dict[str, Any]]) -> list[str]:
    return [json.dumps(row) for row in rows]


def read_parquet(spark: Any, path: Path) -> list[dict[str, Any]]:
    return [row.asDict(recursive=True) for row in spark.read.parquet(str(path)).collect()]


def read_quarantine(path: Path) -> list[dict[str, Any]]:
    """Quarantine files read as plain JSON lines (not through Spark), so the format itself is checked."""
    rows = []
    for file in sorted(path.glob("part-*.json")):
        rows += [json.loads(line) for line in file.read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows
