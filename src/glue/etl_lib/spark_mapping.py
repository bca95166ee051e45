"""The Spark engine of the mapping (`etl_lib.mapping`): JSON records in, typed columns plus a per-row reason out.

How records are read: each record is one line of JSON text (`value`). It is parsed once with
`from_json` against a schema built from the mapping, in PERMISSIVE mode with the corrupt-record column
set; nothing is inferred. Atomic leaves are read as *strings* (Spark keeps the text of numbers and
booleans for a string field) and converted with ANSI `try_cast`: "1.5" is not a bigint, an
overflowing decimal is not a decimal(12,2), quoted numbers are numbers. Arrays, maps and structs are
read as their target type directly, strictly: one bad element makes Spark mark the record corrupt,
and only then is the record parsed again, field by field, to name the culprit. A value that is present
but does not convert, a missing required field (absent or JSON null), a line that is not a JSON object
(`malformed_json`), and an object whose nested path is not an object all give the row a reason; rows
with a reason go to quarantine.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from etl_lib.errors import MappingError
from etl_lib.mapping import CORRUPT, INPUT_REASON, MALFORMED_JSON, PARSED, RAW, REASON, VALUE, FieldMapping

_FORMAT_TYPES = (T.DateType, T.TimestampType, T.TimestampNTZType)


@dataclass(frozen=True)
class ResolvedField:
    """A mapping field with its type resolved by Spark's own parser."""

    mapping: FieldMapping
    data_type: T.DataType

    @property
    def is_complex(self) -> bool:
        return isinstance(self.data_type, T.ArrayType | T.MapType | T.StructType)


def _contains(data_type: T.DataType, kinds: tuple[type, ...]) -> bool:
    if isinstance(data_type, kinds):
        return True
    if isinstance(data_type, T.ArrayType):
        return _contains(data_type.elementType, kinds)
    if isinstance(data_type, T.MapType):
        return _contains(data_type.keyType, kinds) or _contains(data_type.valueType, kinds)
    if isinstance(data_type, T.StructType):
        return any(_contains(field.dataType, kinds) for field in data_type.fields)
    return False


def resolve_types(spark: SparkSession, fields: list[FieldMapping]) -> list[ResolvedField]:
    """Resolve each type string with Spark's parser and prove the conversion from JSON analyses.

    Runs no Spark job (analysis only). Raises `MappingError` naming the target for an unknown type
    string, a type Spark cannot read from JSON (e.g. `map<int,string>`: JSON object keys are
    strings), or a type Parquet cannot store (`void`).
    """
    probe = spark.range(0).select(F.lit(None).cast("string").alias("s"))
    resolved: list[ResolvedField] = []
    for declared in fields:
        where = f"mapping for target '{declared.target}'"
        try:
            data_type = probe.select(F.lit(None).cast(declared.type).alias("t")).schema["t"].dataType
        except Exception as exc:  # Spark raises ParseException, AssertionError or ArithmeticException here
            detail = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
            raise MappingError(
                f"{where}: unknown type '{declared.type}' (a Spark SQL type such as bigint, decimal(12,2), "
                f"timestamp, date, array<string>; Spark said: {detail})."
            ) from exc
        if _contains(data_type, (T.NullType,)):
            raise MappingError(f"{where}: type '{declared.type}' cannot be stored in Parquet; choose a concrete type.")
        if declared.format is not None and not isinstance(data_type, _FORMAT_TYPES):
            raise MappingError(f"{where}: 'format' applies only to date and timestamp types, not '{declared.type}'.")
        candidate = ResolvedField(declared, data_type)
        try:
            if candidate.is_complex:
                probe.select(F.from_json("s", _single_field_schema(candidate)).alias("t")).schema  # noqa: B018
            else:
                probe.select(convert("s", candidate).alias("t")).schema  # noqa: B018 - analysis is the check
        except Exception as exc:
            detail = str(exc).strip().splitlines()[0][:300]
            raise MappingError(f"{where}: Spark cannot convert JSON to '{declared.type}' ({detail}).") from exc
        resolved.append(candidate)
    return resolved


def _leaf_type(field: ResolvedField) -> T.DataType:
    """Complex targets are read as their type directly; atomic ones as text, converted afterwards."""
    return field.data_type if field.is_complex else T.StringType()


def _schema(tree: dict[str, Any]) -> T.StructType:
    return T.StructType(
        [
            T.StructField(name, child if isinstance(child, T.DataType) else _schema(child), nullable=True)
            for name, child in tree.items()
        ]
    )


def read_schema(fields: list[ResolvedField]) -> T.StructType:
    """The schema `from_json` reads with: nested structs along each source path, the corrupt-record column."""
    tree: dict[str, Any] = {}
    for field in fields:
        node = tree
        for segment in field.mapping.path[:-1]:
            node = node.setdefault(segment, {})
        node.setdefault(field.mapping.path[-1], _leaf_type(field))
    schema = _schema(tree)
    return T.StructType([*schema.fields, T.StructField(CORRUPT, T.StringType(), nullable=True)])


def _single_field_schema(field: ResolvedField) -> T.StructType:
    tree: dict[str, Any] = {}
    node = tree
    for segment in field.mapping.path[:-1]:
        node = node.setdefault(segment, {})
    node[field.mapping.path[-1]] = field.data_type
    return T.StructType([*_schema(tree).fields, T.StructField(CORRUPT, T.StringType(), nullable=True)])


def convert(name: str, field: ResolvedField) -> Column:
    """The typed value of the text column `name` (one atomic leaf), or null if the text does not convert."""
    text = F.col(name)
    data_type = field.data_type
    if isinstance(data_type, T.StringType):
        return text
    if field.mapping.format is not None:
        stamp = F.try_to_timestamp(text, F.lit(field.mapping.format))
        return stamp if isinstance(data_type, T.TimestampType) else stamp.cast(data_type)
    # pyspark 3.5 has no Column.try_cast; the SQL form is the same expression.
    return F.expr(f"try_cast(`{name}` AS {data_type.simpleString()})")


def _json_path(path: tuple[str, ...]) -> str:
    return "$" + "".join(f"['{segment}']" for segment in path)


def map_records(records: DataFrame, fields: list[ResolvedField]) -> DataFrame:
    """Parse and convert each record; output: the target columns, `__reason` (null if clean), `__raw`.

    `records` has one string column `value` holding a JSON object per row. One `from_json` parses each
    record; only rows Spark marks corrupt are looked at again, to say which field made them corrupt.
    """
    given = F.col(INPUT_REASON) if INPUT_REASON in records.columns else F.lit(None).cast("string")
    parsed = records.select(
        F.col(VALUE).alias(RAW),
        given.alias(INPUT_REASON),
        F.from_json(
            F.col(VALUE), read_schema(fields), {"mode": "PERMISSIVE", "columnNameOfCorruptRecord": CORRUPT}
        ).alias(PARSED),
    )
    leaves = []
    for index, field in enumerate(fields):
        column = F.col(PARSED)
        for segment in field.mapping.path:
            column = column.getField(segment)
        leaves.append(column.alias(f"__s{index}"))
    staged = parsed.select(F.col(RAW), F.col(INPUT_REASON), F.col(PARSED).getField(CORRUPT).alias(CORRUPT), *leaves)

    # Step 1: typed values next to their text (a separate projection, so each conversion runs once).
    typed = staged.select(
        F.col(RAW),
        F.col(INPUT_REASON),
        F.col(CORRUPT),
        *[F.col(f"__s{index}") for index in range(len(fields))],
        *[
            (F.col(f"__s{index}") if field.is_complex else convert(f"__s{index}", field)).alias(f"__v{index}")
            for index, field in enumerate(fields)
        ],
    )
    corrupt = F.col(CORRUPT).isNotNull()
    # Step 2: the reason, built as text only for rows that have one.
    flags: list[tuple[Column, str]] = []
    for index, field in enumerate(fields):
        leaf, value, mapping = F.col(f"__s{index}"), F.col(f"__v{index}"), field.mapping
        if field.is_complex:
            # A bad array/struct makes Spark mark the whole record corrupt; re-parse just this field to tell.
            strict = F.from_json(
                F.col(RAW), _single_field_schema(field), {"mode": "PERMISSIVE", "columnNameOfCorruptRecord": CORRUPT}
            )
            bad = corrupt & strict.getField(CORRUPT).isNotNull()
        else:
            bad = leaf.isNotNull() & value.isNull()
        flags.append((bad, f"invalid value for {mapping.describe()}: not a valid {field.data_type.simpleString()}"))
        if mapping.required:
            flags.append((leaf.isNull() & ~bad, f"missing required field {mapping.describe()}"))
    any_problem: Column = F.lit(False)
    for bad, _ in flags:
        any_problem = any_problem | bad
    detail = F.when(any_problem, F.concat_ws("; ", *[F.when(bad, F.lit(text)) for bad, text in flags]))
    raw = F.col(RAW)
    is_object = F.ltrim(raw).startswith("{") & F.get_json_object(raw, "$").isNotNull()
    mismatch = _shape_mismatch([field.mapping for field in fields])
    reason = (
        F.when(F.col(INPUT_REASON).isNotNull(), F.col(INPUT_REASON))
        .when(~corrupt, detail)
        .when(~is_object, F.lit(MALFORMED_JSON))
        .otherwise(F.coalesce(mismatch, F.nullif(detail, F.lit("")), F.lit(MALFORMED_JSON)))
    )
    return typed.select(
        *[F.col(f"__v{index}").alias(field.mapping.target) for index, field in enumerate(fields)],
        reason.alias(REASON),
        F.col(RAW),
    )


def _shape_mismatch(fields: list[FieldMapping]) -> Column:
    """For a corrupt record: the nested paths the mapping reads into that are not objects (null if none)."""
    raw = F.col(RAW)
    parents = sorted({field.path[:length] for field in fields for length in range(1, len(field.path))})
    mismatches = []
    for parent in parents:
        value = F.get_json_object(raw, _json_path(parent))
        children = sorted(field.source for field in fields if field.path[: len(parent)] == parent)
        mismatches.append(
            F.when(
                value.isNotNull() & ~F.ltrim(value).startswith("{"),
                F.lit(f"field '{'.'.join(parent)}' is not an object (the mapping reads {', '.join(children)})"),
            )
        )
    if not mismatches:
        return F.lit(None).cast("string")
    return F.nullif(F.concat_ws("; ", *mismatches), F.lit(""))
