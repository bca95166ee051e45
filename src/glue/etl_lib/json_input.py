"""JSON documents and --input_format, engine-free: how a file is decided, split into records, and diagnosed.

The Spark engine (`etl_lib.storage.read_json_documents`) does the same in Spark SQL; the DuckDB engine calls these
functions on each document (documents are read whole by both). Importable on Python 3.9.
"""

from __future__ import annotations

import json
import math
from decimal import Decimal
from typing import Any

# The reason a whole JSON-document file is quarantined starts with this; the parser's message is added when the
# quarantine is written (`document_error_message`).
DOCUMENT_ERROR = "invalid JSON document"
# A JSON document that does not parse is parsed again to get the parser's message, up to this size.
MAX_DIAGNOSED_DOCUMENT = 64 * 1024 * 1024
_BOM = "\ufeff"


def first_char(text: str) -> str:
    stripped = text.lstrip(_BOM).lstrip()
    return stripped[:1]


def decide_format(head: str, auto: bool) -> str | None:
    """`json` (a document), `jsonl` (lines) or None (no records) for a file starting with `head`.

    `--input_format json`: a file starting with `[` or `{` is a document; any other non-blank file is one too (and
    fails as such: `split_document` says what it starts with). `auto`: `[` is a document; `{` is JSON lines if the
    first non-blank line is a whole JSON object, else a document (a pretty-printed object); anything else lines."""
    first = first_char(head)
    if not first:
        return None
    if not auto:
        return "json"
    if first == "[":
        return "json"
    if first == "{":
        line = head.lstrip(_BOM).lstrip().splitlines()[0] if head.strip() else ""
        try:
            return "jsonl" if isinstance(json.loads(line), dict) else "json"
        except ValueError:
            return "json"
    return "jsonl"


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")  # Python accepts NaN/Infinity; Spark's JSON parser does not


def java_double(value: float) -> str:
    """A float as Java's Double.toString writes it (Spark re-serialises JSON numbers with it): positional with at
    least one decimal between 1e-3 and 1e7, else `d.dddE<n>`; the shortest digits that read back the same."""
    if math.isnan(value) or math.isinf(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if value == 0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    if 1e-3 <= abs(value) < 1e7:
        return repr(value)  # Python writes these positionally, with ".0" when whole, as Java does
    sign, digits, exponent = Decimal(repr(value)).normalize().as_tuple()
    assert isinstance(exponent, int)
    text = "".join(str(digit) for digit in digits)
    mantissa = text[0] + "." + (text[1:] or "0")
    return f"{'-' if sign else ''}{mantissa}E{exponent + len(text) - 1}"


def compact(value: Any) -> str:
    """A parsed JSON value written back compactly, numbers as Spark's parser writes them."""
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, float):
        return java_double(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ",".join(compact(item) for item in value) + "]"
    return (
        "{"
        + ",".join(json.dumps(str(key), ensure_ascii=False) + ":" + compact(item) for key, item in value.items())
        + "}"
    )


def split_document(text: str, uri: str, strict_first: bool) -> tuple[list[tuple[str, str | None]], str | None]:
    """The records of one JSON document: ([(record text, reason or None)], None), or ([], reason) when the whole
    file is quarantined (it does not parse, or under `json` does not start with `[` or `{`)."""
    body = text.lstrip(_BOM)
    first = first_char(body)
    if not first:
        return [], None
    if first not in ("[", "{"):
        return [], (
            f"{DOCUMENT_ERROR} {uri}: a JSON document is an array of records or one record; this file starts with "
            f"'{first}' (for JSON lines, use --input_format jsonl or auto)"
        )
    try:
        document = json.loads(body, parse_constant=_refuse_constant)
    except ValueError:
        return [], f"{DOCUMENT_ERROR} {uri}"
    if not isinstance(document, list):
        return [(compact(document), None)], None
    records: list[tuple[str, str | None]] = []
    for index, element in enumerate(document):
        reason = None if isinstance(element, dict) else f"record {index + 1} of {uri} is not a JSON object"
        records.append((compact(element), reason))
    return records, None


def document_error_message(reason: str, text: str | None) -> str:
    """A whole-file reason with the JSON parser's message (`None`: too large to parse again here)."""
    if text is None or len(text) > MAX_DIAGNOSED_DOCUMENT:
        detail = "too large to show the parser's message here"
    else:
        try:
            json.loads(text)
            detail = "not one JSON document"
        except json.JSONDecodeError as exc:
            detail = f"{exc.msg} at line {exc.lineno}, column {exc.colno}"
        except ValueError as exc:  # pragma: no cover - json raises JSONDecodeError for bad text
            detail = str(exc)
    return f"{reason}: {detail}"


def document_error_messages(texts: dict[str, str | None]) -> dict[str, str]:
    """Reason -> reason with the JSON parser's message, for files that did not parse (`None`: too large)."""
    return {reason: document_error_message(reason, text) for reason, text in texts.items()}
