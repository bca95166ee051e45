"""The declared target mapping: JSON records in, typed columns plus a per-row failure reason out.

A mapping is a JSON list of fields:

    [{"source": "id", "target": "id", "type": "bigint", "required": true},
     {"source": "address.city", "target": "city", "type": "string"},
     {"source": "amount", "target": "amount", "type": "decimal(12,2)"},
     {"source": "seen", "target": "seen_at", "type": "timestamp", "format": "dd/MM/yyyy HH:mm"},
     {"source": "tags", "target": "tags", "type": "array<string>"}]

`source` is a dot-separated path into nested objects; `type` is a Spark SQL type string; `required`
(default false) sends rows without the field (or with JSON null) to quarantine; `format` (date and
timestamp types only) is a Spark datetime pattern used instead of the ISO-8601 cast.

Each engine compiles a mapping: `etl_lib.spark_mapping` (Spark column expressions) and
`etl_lib.duckdb_engine.mapping` (DuckDB SQL); this module is engine-free (and importable on Python 3.9).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from etl_lib.errors import MappingError

VALUE = "value"  # the raw record text column of the input DataFrame
# Optional column of the input DataFrame: why a record cannot be mapped at all (a JSON document that does not
# parse, an array element that is not an object); it becomes the record's quarantine reason.
INPUT_REASON = "__input_reason"
RAW = "__raw"
REASON = "__reason"
PARSED = "__parsed"
CORRUPT = "__corrupt"
MALFORMED_JSON = "malformed_json"

_TARGET_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SEGMENT_FORBIDDEN = re.compile(r"['\[\]`]")
_MAPPING_KEYS = {"source", "target", "type", "required", "format"}


@dataclass(frozen=True)
class FieldMapping:
    """One declared field: where it is in the record, what it is called and typed as in the output."""

    source: str
    target: str
    type: str
    required: bool = False
    format: str | None = None

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(self.source.split("."))

    def describe(self) -> str:
        return f"'{self.target}'" if self.target == self.source else f"'{self.target}' (source '{self.source}')"


def parse_mapping(text: str) -> list[FieldMapping]:
    """Validate the mapping's JSON structure (no Spark needed); raises `MappingError` naming the field."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MappingError(f"mapping: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}).") from exc
    if not isinstance(document, list) or not document:
        raise MappingError("mapping: expected a non-empty JSON list of {source, target, type} objects.")
    fields: list[FieldMapping] = []
    for index, entry in enumerate(document):
        fields.append(_parse_entry(index, entry))
    _check_unique_targets(fields)
    _check_paths(fields)
    return fields


def _parse_entry(index: int, entry: Any) -> FieldMapping:
    where = f"mapping entry {index}"
    if not isinstance(entry, dict):
        raise MappingError(f"{where}: expected an object with source, target and type, found {type(entry).__name__}.")
    unknown = sorted(set(entry) - _MAPPING_KEYS)
    if unknown:
        raise MappingError(
            f"{where}: unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(_MAPPING_KEYS))}."
        )
    for key in ("source", "target", "type"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise MappingError(f"{where}: '{key}' is missing or not a non-empty string.")
    source, target, type_name = entry["source"].strip(), entry["target"].strip(), entry["type"].strip()
    where = f"mapping for target '{target}'"
    if not _TARGET_RE.match(target) or target.startswith("__"):
        raise MappingError(
            f"{where}: a target name is letters, digits and underscores, not starting with a digit or '__'."
        )
    segments = source.split(".")
    if any(not segment or _SEGMENT_FORBIDDEN.search(segment) for segment in segments):
        raise MappingError(f"{where}: source '{source}' must be dot-separated names without quotes or brackets.")
    required = entry.get("required", False)
    if not isinstance(required, bool):
        raise MappingError(f"{where}: 'required' must be true or false.")
    fmt = entry.get("format")
    if fmt is not None and (not isinstance(fmt, str) or not fmt):
        raise MappingError(f"{where}: 'format' must be a non-empty datetime pattern string.")
    return FieldMapping(source=source, target=target, type=type_name, required=required, format=fmt)


def _check_unique_targets(fields: list[FieldMapping]) -> None:
    seen: set[str] = set()
    for field in fields:
        if field.target.lower() in seen:
            raise MappingError(f"mapping: target '{field.target}' is declared twice (names are case-insensitive).")
        seen.add(field.target.lower())


def _check_paths(fields: list[FieldMapping]) -> None:
    leaves = {field.path for field in fields}
    for field in fields:
        for length in range(1, len(field.path)):
            prefix = field.path[:length]
            if prefix in leaves:
                raise MappingError(
                    f"mapping: source '{'.'.join(prefix)}' is mapped as a value and is also the parent of "
                    f"'{field.source}'; map the nested fields one by one, "
                    f"or '{'.'.join(prefix)}' alone as a struct type."
                )
