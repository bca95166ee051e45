"""The mapping compiled to DuckDB SQL: each record parsed once, converted as the Spark engine converts, with a reason.

A record's leaves are extracted in one `json_transform(record, structure)` call (one parse a record). Atomic
leaves are read as text, exactly what Spark's JSON reader gives a string field (a JSON string's content, a
number's or boolean's text, an object's compact JSON), then converted as Spark's ANSI `try_cast` converts text:

| type | a text converts when |
| --- | --- |
| tinyint ... bigint | it is an optionally signed whole number in range, surrounding blanks ignored ("1.5" does not) |
| float, double | a number (also `NaN`, `Infinity`, `-Infinity`, `inf`) |
| decimal(p,s) | a number that fits p digits once rounded half-up to s decimals |
| boolean | true/false, t/f, yes/no, y/n, 1/0 (any case) |
| date | `yyyy-[m]m-[d]d`, optionally followed by a time (ignored), or `yyyy` / `yyyy-[m]m` |
| timestamp | ISO-8601 `yyyy-mm-dd[Thh:mm[:ss[.ffffff]]][zone]` (or a space for T), zone `Z`, `+hh:mm`, `+hhmm`, |
| | `+hh` or `UTC`; no zone means UTC |
| with `format` | the pattern, translated from Spark's datetime pattern letters to strptime's |

Arrays, maps and structs are read strictly, as Spark reads them: every element must be of its type (an
integer element must be a JSON integer, a string element any value, a boolean true/false, a date or timestamp
a JSON string that converts), else the whole field is invalid. Differences from the Spark engine (documented
in src/glue/README.md): numbers into string targets keep DuckDB's rendering of floats (`1e20` ->
`100000000000000000000.0`, Spark: `1.0E20`); timestamps with region zone ids (`Europe/Paris`) or time-only
strings do not convert (Spark accepts them).
"""

from __future__ import annotations

import json
from typing import Any

from etl_lib.duckdb_engine.types import INTEGER_KINDS, DuckType, TypedField, quote
from etl_lib.errors import MappingError
from etl_lib.mapping import MALFORMED_JSON, FieldMapping

RAW = "__raw"
REASON = "__reason"
INPUT_REASON = "__input_reason"
MAPPED = "__mapped"
_LEAVES = "__l"

_TRUE = "('t', 'true', 'y', 'yes', '1')"
_FALSE = "('f', 'false', 'n', 'no', '0')"
# Spark trims blanks and ISO control characters around a number; DuckDB's trim() only spaces.
_BLANKS = "' \t\n\r\f\v'"
# Spark's string-to-timestamp forms: yyyy, yyyy-[m]m, yyyy-[m]m-[d]d[( |T)time], or a time alone (today), each
# with an optional zone; groups y, m, d (date) and t (time), z (zone).
_TIME = r"(\d{1,2}:\d{1,2}(?::\d{1,2}(?:\.\d{1,9})?)?)"
_ZONE = r"\s*(Z|UTC|[+-]\d{2}(?::?\d{2})?)?$"
_TIMESTAMP = r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2})(?:[T ]" + _TIME + r"?)?)?)?" + _ZONE
_TIME_ONLY = r"^()()()" + _TIME + _ZONE
# The forms nearly every value has, which DuckDB's own cast reads exactly as Spark does: tested with one regular
# expression, then cast, before the general forms' several (measured: the general path alone made timestamps
# most of the DuckDB engine's time on the benchmark).
_ISO_TIMESTAMP = r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})?"
_ISO_TIMESTAMP_NTZ = r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,6})?"
_ISO_DATE = r"\d{4}-\d{2}-\d{2}"
_DATE = r"^([+-]?\d{4})(?:-(\d{1,2})(?:-(\d{1,2})(?:[T ].*)?)?)?$"

# Spark datetime pattern letters -> strptime directives (DuckDB). Anything else is refused by name.
_PATTERN_LETTERS = {
    "yyyy": "%Y",
    "yy": "%y",
    "MMMM": "%B",
    "MMM": "%b",
    "MM": "%m",
    "M": "%-m",
    "dd": "%d",
    "d": "%-d",
    "HH": "%H",
    "H": "%-H",
    "hh": "%I",
    "h": "%-I",
    "mm": "%M",
    "m": "%-M",
    "ss": "%S",
    "s": "%-S",
    "SSSSSS": "%f",
    "SSS": "%g",
    "a": "%p",
    "EEEE": "%A",
    "EEE": "%a",
    "XXX": "%z",
    "XX": "%z",
    "Z": "%z",
}


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def json_path(path: tuple[str, ...]) -> str:
    return "$" + "".join("." + '"' + segment.replace('"', '\\"') + '"' for segment in path)


def strptime_format(target: str, pattern: str) -> str:
    """A Spark datetime pattern as a strptime format, or `MappingError` naming the letters it cannot take."""
    out: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "'":
            end = pattern.find("'", index + 1)
            if end < 0:
                raise MappingError(f"mapping for target '{target}': format '{pattern}' has an unclosed quote.")
            out.append(pattern[index + 1 : end].replace("%", "%%") or "'")
            index = end + 1
            continue
        if char.isalpha():
            run = index
            while run < len(pattern) and pattern[run] == char:
                run += 1
            letters = pattern[index:run]
            if letters not in _PATTERN_LETTERS:
                raise MappingError(
                    f"mapping for target '{target}': format '{pattern}': the DuckDB engine does not read the "
                    f"pattern letters '{letters}' (it reads {', '.join(sorted(_PATTERN_LETTERS))}); use those, or "
                    "engine spark."
                )
            out.append(_PATTERN_LETTERS[letters])
            index = run
            continue
        out.append("%%" if char == "%" else char)
        index += 1
    return "".join(out)


def convert_text(text: str, data_type: DuckType, fmt: str | None, target: str) -> str:
    """SQL: the typed value of the text expression `text` (an atomic leaf), NULL if it does not convert."""
    kind = data_type.kind
    trimmed = f"trim({text}, {_BLANKS})"  # only where a value is compared as text (booleans, datetimes)
    if kind == "string":
        return text
    if kind == "binary":
        return f"encode({text})"
    if kind in INTEGER_KINDS:
        # DuckDB's cast ignores surrounding whitespace as Spark's does, but rounds "1.5": only whole numbers cast.
        return (
            f"CASE WHEN regexp_full_match({text}, '\\s*[+-]?[0-9]+\\s*') THEN TRY_CAST({text} AS {data_type.sql}) END"
        )
    if kind in ("float", "double"):
        # Java's parser (Spark's) also takes a type suffix: "1.5d", "2f".
        suffixed = r"\s*([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)[dDfF]\s*"
        return (
            f"CASE WHEN regexp_full_match({text}, '{suffixed}') THEN TRY_CAST(regexp_extract({text}, '{suffixed}', 1) "
            f"AS {data_type.sql}) ELSE TRY_CAST({text} AS {data_type.sql}) END"
        )
    if kind == "decimal":
        # A plain or scientific number; DuckDB's cast rounds half away from zero, as Spark's HALF_UP does.
        number = r"\s*[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?\s*"
        return f"CASE WHEN regexp_full_match({text}, '{number}') THEN TRY_CAST({text} AS {data_type.sql}) END"
    if kind == "boolean":
        return f"CASE WHEN lower({trimmed}) IN {_TRUE} THEN true WHEN lower({trimmed}) IN {_FALSE} THEN false END"
    if fmt is not None:
        parsed = f"try_strptime({trimmed}, {literal(strptime_format(target, fmt))})"
        if kind == "date":
            return f"CAST({parsed} AS DATE)"
        return f"CAST({parsed} AS {data_type.sql})"
    if kind == "date":
        parts = f"regexp_extract({trimmed}, {literal(_DATE)}, ['y', 'm', 'd'])"
        return (
            f"CASE WHEN regexp_full_match({text}, {literal(_ISO_DATE)}) THEN TRY_CAST({text} AS DATE) "
            f"WHEN regexp_full_match({trimmed}, {literal(_DATE)}) THEN TRY_CAST("
            f"{parts}.y || '-' || coalesce(nullif({parts}.m, ''), '1') || '-' || coalesce(nullif({parts}.d, ''), '1')"
            " AS DATE) END"
        )
    # timestamp / timestamp_ntz: Spark's forms (above); a missing zone is UTC (the session time zone of both
    # engines); a time alone is on today's date, as in Spark.
    fast = _ISO_TIMESTAMP_NTZ if kind == "timestamp_ntz" else _ISO_TIMESTAMP
    return (
        f"CASE WHEN regexp_full_match({text}, {literal(fast)}) THEN TRY_CAST({text} AS {data_type.sql}) "
        f"WHEN regexp_full_match({trimmed}, {literal(_TIMESTAMP)}) THEN {_stamp(trimmed, _TIMESTAMP, kind)} "
        f"WHEN regexp_full_match({trimmed}, {literal(_TIME_ONLY)}) THEN {_stamp(trimmed, _TIME_ONLY, kind)} END"
    )


def _stamp(text: str, pattern: str, kind: str) -> str:
    parts = f"regexp_extract({text}, {literal(pattern)}, ['y', 'm', 'd', 't', 'z'])"
    date = (
        f"CASE WHEN {parts}.y = '' THEN CAST(current_date AS VARCHAR) ELSE {parts}.y || '-' || "
        f"coalesce(nullif({parts}.m, ''), '1') || '-' || coalesce(nullif({parts}.d, ''), '1') END"
    )
    zone = f"CASE {parts}.z WHEN '' THEN '+00:00' WHEN 'Z' THEN '+00:00' WHEN 'UTC' THEN '+00:00' ELSE {parts}.z END"
    # DuckDB's cast needs the seconds; Spark's "hh:mm" means hh:mm:00.
    clock = f"{parts}.t"
    time = f"CASE WHEN {clock} = '' THEN '00:00:00' WHEN {clock} LIKE '%:%:%' THEN {clock} ELSE {clock} || ':00' END"
    stamp = f"{date} || ' ' || {time}"
    if kind == "timestamp_ntz":
        return f"TRY_CAST({stamp} AS TIMESTAMP)"
    return f"TRY_CAST({stamp} || {zone} AS TIMESTAMPTZ)"


def _key_path(element: str, key: str) -> str:
    return f"json_extract({element}, '$.\"' || replace({key}, '\"', '\\\"') || '\"')"


def _element_ok(element: str, data_type: DuckType, target: str, depth: int = 0) -> str:
    """SQL: whether the JSON value `element` reads strictly as `data_type` (JSON null always does)."""
    kind = data_type.kind
    var = f"__e{depth}"
    json_kind = f"json_type({element})"
    if depth == 0:
        # A leaf is the compact JSON text json_transform gives: its kind from its first character where that
        # tells it, without parsing it again (json_type for anything else, which gives the same answer).
        json_kind = (
            f"(CASE WHEN {element} = 'null' THEN 'NULL' WHEN starts_with({element}, '[') THEN 'ARRAY' "
            f"WHEN starts_with({element}, '{{') THEN 'OBJECT' ELSE json_type({element}) END)"
        )
    if kind == "string":
        return "true"
    if kind == "array" and data_type.children[0].kind == "string":
        return f"({json_kind} IN ('NULL', 'ARRAY'))"  # any JSON value reads as a string element
    if kind == "array":
        inner = _element_ok(var, data_type.children[0], target, depth + 1)
        return (
            f"({json_kind} = 'NULL' OR ({json_kind} = 'ARRAY' AND "
            f"list_bool_and(list_transform(CAST(json_extract({element}, '$[*]') AS JSON[]), {var} -> {inner}))"
            f" IS NOT false))"
        )
    if kind == "map":
        inner = _element_ok(var, data_type.children[1], target, depth + 1)
        return (
            f"({json_kind} = 'NULL' OR ({json_kind} = 'OBJECT' AND "
            f"list_bool_and(list_transform(CAST(json_extract({element}, '$.*') AS JSON[]), {var} -> {inner}))"
            f" IS NOT false))"
        )
    if kind == "struct":
        checks = " AND ".join(
            _element_ok(f"json_extract({element}, {literal(json_path((name,)))})", child, target, depth + 1)
            for name, child in zip(data_type.names, data_type.children)
        )
        return f"({json_kind} = 'NULL' OR ({json_kind} = 'OBJECT' AND coalesce({checks}, true)))"
    text = f"json_extract_string({element}, '$')"
    if kind in INTEGER_KINDS:
        converts = convert_text(text, data_type, None, target)
        return f"({json_kind} = 'NULL' OR ({json_kind} IN ('BIGINT', 'UBIGINT') AND {converts} IS NOT NULL))"
    if kind in ("float", "double", "decimal"):
        return (
            f"({json_kind} = 'NULL' OR ({json_kind} IN ('BIGINT', 'UBIGINT', 'DOUBLE', 'VARCHAR') AND "
            f"{convert_text(text, data_type, None, target)} IS NOT NULL))"
        )
    if kind == "boolean":
        return f"({json_kind} IN ('NULL', 'BOOLEAN'))"
    converts = convert_text(text, data_type, None, target)
    return f"({json_kind} = 'NULL' OR ({json_kind} = 'VARCHAR' AND {converts} IS NOT NULL))"


def _element_value(element: str, data_type: DuckType, target: str, depth: int = 0) -> str:
    """SQL: the typed value of the JSON value `element` (checked by `_element_ok`)."""
    kind = data_type.kind
    var = f"__e{depth}"
    if kind == "array" and data_type.children[0].kind == "string":
        # One call: a string element's content, any other element's compact JSON (what Spark's reader gives).
        return f"json_transform({element}, '[\"VARCHAR\"]')"
    if kind == "array":
        inner = _element_value(var, data_type.children[0], target, depth + 1)
        return f"list_transform(CAST(json_extract({element}, '$[*]') AS JSON[]), {var} -> {inner})"
    if kind == "map":
        inner = _element_value(_key_path(element, var), data_type.children[1], target, depth + 1)
        return f"map_from_entries(list_transform(json_keys({element}), {var} -> {{'key': {var}, 'value': {inner}}}))"
    if kind == "struct":
        members = ", ".join(
            f"{quote(name)} := "
            f"{_element_value(f'json_extract({element}, {literal(json_path((name,)))})', child, target, depth + 1)}"
            for name, child in zip(data_type.names, data_type.children)
        )
        return f"struct_pack({members})"
    value = convert_text(f"json_extract_string({element}, '$')", data_type, None, target)
    return f"CAST({value} AS {data_type.sql})"


def _parents(fields: list[FieldMapping]) -> list[tuple[str, ...]]:
    return sorted({field.path[:length] for field in fields for length in range(1, len(field.path))})


def _leaf(path: tuple[str, ...]) -> str:
    return _LEAVES + "".join("." + quote(segment) for segment in path)


def _shape_mismatch(fields: list[FieldMapping]) -> str:
    """SQL: the nested paths the mapping reads into that are present but not objects (NULL if none). Looked at only
    for a record whose leaves under the path are all null (a path that is not an object reads as nulls)."""
    mismatches = []
    for parent in _parents(fields):
        children = sorted(field.source for field in fields if field.path[: len(parent)] == parent)
        under = " AND ".join(f"{_leaf(field.path)} IS NULL" for field in fields if field.path[: len(parent)] == parent)
        kind = f"json_type({RAW}, {literal(json_path(parent))})"
        message = f"field '{'.'.join(parent)}' is not an object (the mapping reads {', '.join(children)})"
        mismatches.append(
            f"CASE WHEN __is_object AND {under} THEN CASE WHEN {kind} NOT IN ('OBJECT', 'NULL') "
            f"THEN {literal(message)} END END"
        )
    if not mismatches:
        return "CAST(NULL AS VARCHAR)"
    return f"nullif(concat_ws('; ', {', '.join(mismatches)}), '')"


def _spec(fields: list[TypedField]) -> str:
    """The json_transform structure: every leaf path, text for atomic leaves, JSON for arrays/maps/structs."""
    tree: dict[str, Any] = {}
    for field in fields:
        node = tree
        for segment in field.mapping.path[:-1]:
            node = node.setdefault(segment, {})
        node[field.mapping.path[-1]] = "JSON" if field.is_complex else "VARCHAR"
    return json.dumps(tree)


def parse_select(fields: list[TypedField], records: str) -> str:
    """The pass's first part, SQL over `records` (columns value, __input_reason): each record parsed once, by
    json_transform into a struct of its leaves (`__l`): text for atomic leaves (what Spark's reader gives a string
    field: a string's content, a number's or boolean's text, an object's compact JSON), JSON for complex ones. Also
    its text (`__raw`) and whether it is a JSON object.

    Not materialised: selected with `typed_select` and `mapped_select` in one statement; DuckDB's optimizer
    computes `__l` once in a projection of its own however often the parts above read it (checked with EXPLAIN)."""
    # A JSON object starts with '{' after blanks (one anchored regex: ltrim() of a character set is slow) and parses;
    # json_transform would raise on text that does not.
    is_object = f"({INPUT_REASON} IS NULL AND regexp_matches(value, '^\\s*\\{{') AND json_valid(value))"
    return (
        f"SELECT value AS {RAW}, {INPUT_REASON}, __is_object, "
        f"CASE WHEN __is_object THEN json_transform(value, {literal(_spec(fields))}) END "
        f"AS {_LEAVES} FROM (SELECT *, {is_object} AS __is_object FROM {records})"
    )


def typed_select(fields: list[TypedField], parsed: str) -> str:
    """The pass's second part, SQL over `parsed` (the query of `parse_select`): each leaf converted once (`__v<i>`,
    its type), with `__p<i>` (the leaf is present, not JSON null) and, for arrays/maps/structs, `__ok<i>` (it reads
    strictly); the record's text (`__raw`), which a quarantined record keeps."""
    columns = [
        RAW,
        INPUT_REASON,
        "__is_object",
        f"{_shape_mismatch([field.mapping for field in fields])} AS __mismatch",
    ]
    for index, field in enumerate(fields):
        mapping, data_type = field.mapping, field.type
        leaf = _leaf(mapping.path)
        if field.is_complex:
            # json_transform gives a JSON null as SQL NULL (the text 'null' is compared too, without a parse)
            present = f"({leaf} IS NOT NULL AND {leaf} <> 'null')"
            ok = f"coalesce({_element_ok(leaf, data_type, mapping.target)}, false)"
            value = _element_value(leaf, data_type, mapping.target)
            columns.append(f"{present} AS __p{index}")
            columns.append(f"{ok} AS __ok{index}")
            columns.append(f"CAST(CASE WHEN {present} AND {ok} THEN {value} END AS {data_type.sql}) AS __v{index}")
        else:
            columns.append(f"({leaf} IS NOT NULL) AS __p{index}")
            value = convert_text(leaf, data_type, mapping.format, mapping.target)
            columns.append(f"CAST({value} AS {data_type.sql}) AS __v{index}")
    return f"SELECT {', '.join(columns)} FROM {parsed}"


def mapped_select(fields: list[TypedField], typed: str) -> str:
    """The pass's last part, SQL over `typed` (the query of `typed_select`): the typed target columns, `__mapped`,
    `__reason` (NULL when the record maps cleanly) and `__raw` (the record's text)."""
    flags: list[tuple[str, str]] = []
    for index, field in enumerate(fields):
        mapping = field.mapping
        bad = f"(__p{index} AND NOT __ok{index})" if field.is_complex else f"(__p{index} AND __v{index} IS NULL)"
        flags.append((bad, f"invalid value for {mapping.describe()}: not a valid {field.type.spark_name}"))
        if mapping.required:
            flags.append((f"NOT __p{index}", f"missing required field {mapping.describe()}"))
    problems = ", ".join(f"CASE WHEN {condition} THEN {literal(text)} END" for condition, text in flags)
    any_problem = " OR ".join(condition for condition, _ in flags) or "false"
    # The reason's text is built only for the rows that have one (CASE evaluates a branch for its rows alone; measured
    # at 2M rows: building it for every row, to find it empty, cost 0.6 s).
    reason = (
        f"CASE WHEN {INPUT_REASON} IS NOT NULL THEN {INPUT_REASON} "
        f"WHEN NOT __is_object THEN {literal(MALFORMED_JSON)} "
        f"WHEN __mismatch IS NOT NULL THEN __mismatch "
        f"WHEN {any_problem} THEN concat_ws('; ', {problems}) END"
    )
    # `__mapped` is `__reason IS NULL` without the reason's text.
    mapped = (
        f"({INPUT_REASON} IS NULL AND __is_object IS NOT false AND __mismatch IS NULL AND ({any_problem}) IS NOT true)"
    )
    targets = ", ".join(f"__v{index} AS {quote(field.mapping.target)}" for index, field in enumerate(fields))
    return f"SELECT {targets}, {reason} AS {REASON}, {mapped} AS {MAPPED}, {RAW} FROM {typed}"
