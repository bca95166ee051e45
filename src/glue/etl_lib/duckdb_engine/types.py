"""The mapping's type strings (Spark SQL's syntax, the contract's) parsed without Spark, as DuckDB types.

Accepted, case-insensitive, as Spark spells them: boolean; tinyint/byte, smallint/short, int/integer,
bigint/long; float/real, double; decimal/dec/numeric[(p[,s])] (default (10,0), p <= 38); string; binary; date;
timestamp/timestamp_ltz (an instant: Parquet TIMESTAMP(isAdjustedToUTC=true, MICROS)); timestamp_ntz (a
wall-clock time: isAdjustedToUTC=false); array<T>; map<string,V> (JSON object keys are strings); and
struct<name:T,...>. Refused with the reason and the fix: void (Parquet cannot store it), interval types, char/
varchar (Spark refuses them in a cast too), map keys that are not strings, unknown names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from etl_lib.errors import MappingError
from etl_lib.mapping import FieldMapping

_ALIASES = {
    "boolean": "boolean",
    "tinyint": "tinyint",
    "byte": "tinyint",
    "smallint": "smallint",
    "short": "smallint",
    "int": "int",
    "integer": "int",
    "bigint": "bigint",
    "long": "bigint",
    "float": "float",
    "real": "float",
    "double": "double",
    "string": "string",
    "binary": "binary",
    "date": "date",
    "timestamp": "timestamp",
    "timestamp_ltz": "timestamp",
    "timestamp_ntz": "timestamp_ntz",
}
_SQL = {
    "boolean": "BOOLEAN",
    "tinyint": "TINYINT",
    "smallint": "SMALLINT",
    "int": "INTEGER",
    "bigint": "BIGINT",
    "float": "FLOAT",
    "double": "DOUBLE",
    "string": "VARCHAR",
    "binary": "BLOB",
    "date": "DATE",
    "timestamp": "TIMESTAMPTZ",
    "timestamp_ntz": "TIMESTAMP",
}
INTEGER_KINDS = ("tinyint", "smallint", "int", "bigint")
NUMERIC_KINDS = (*INTEGER_KINDS, "float", "double", "decimal")
DATETIME_KINDS = ("date", "timestamp", "timestamp_ntz")
_TOKEN = re.compile(r"\s*(`[^`]*`|[A-Za-z_][A-Za-z0-9_]*|\d+|[<>(),:])")


@dataclass(frozen=True)
class DuckType:
    """A mapping type: `kind` as Spark names it, with precision/scale (decimal) and children (complex types)."""

    kind: str
    precision: int = 0
    scale: int = 0
    children: tuple[DuckType, ...] = ()
    names: tuple[str, ...] = field(default=())  # struct field names

    @property
    def is_complex(self) -> bool:
        return self.kind in ("array", "map", "struct")

    @property
    def is_numeric(self) -> bool:
        return self.kind in NUMERIC_KINDS

    @property
    def spark_name(self) -> str:
        """Spark's `simpleString` of the type (what reports and messages show)."""
        if self.kind == "decimal":
            return f"decimal({self.precision},{self.scale})"
        if self.kind == "array":
            return f"array<{self.children[0].spark_name}>"
        if self.kind == "map":
            return f"map<{self.children[0].spark_name},{self.children[1].spark_name}>"
        if self.kind == "struct":
            return "struct<" + ",".join(f"{n}:{c.spark_name}" for n, c in zip(self.names, self.children)) + ">"
        return self.kind

    @property
    def sql(self) -> str:
        """The DuckDB type."""
        if self.kind == "decimal":
            return f"DECIMAL({self.precision},{self.scale})"
        if self.kind == "array":
            return f"{self.children[0].sql}[]"
        if self.kind == "map":
            return f"MAP({self.children[0].sql}, {self.children[1].sql})"
        if self.kind == "struct":
            return "STRUCT(" + ", ".join(f"{quote(n)} {c.sql}" for n, c in zip(self.names, self.children)) + ")"
        return _SQL[self.kind]


@dataclass(frozen=True)
class TypedField:
    """A mapping field with its type resolved."""

    mapping: FieldMapping
    type: DuckType

    @property
    def is_complex(self) -> bool:
        return self.type.is_complex


def quote(name: str) -> str:
    """A DuckDB identifier."""
    return '"' + name.replace('"', '""') + '"'


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[str] = []
        position = 0
        stripped = text.rstrip()
        while position < len(stripped):
            match = _TOKEN.match(stripped, position)
            if match is None:
                raise ValueError(f"unexpected character {stripped[position:].strip()[:1]!r}")
            self.tokens.append(match.group(1))
            position = match.end()
        self.index = 0

    def peek(self) -> str | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        token = self.peek()
        if token is None:
            raise ValueError("the type ends too early")
        if expected is not None and token.lower() != expected:
            raise ValueError(f"expected '{expected}', found '{token}'")
        self.index += 1
        return token

    def number(self) -> int:
        token = self.take()
        if not token.isdigit():
            raise ValueError(f"expected a number, found '{token}'")
        return int(token)

    def parse(self) -> DuckType:
        result = self.type()
        if self.peek() is not None:
            raise ValueError(f"unexpected '{self.peek()}' after the type")
        return result

    def type(self) -> DuckType:
        name = self.take().lower()
        if name == "array":
            self.take("<")
            element = self.type()
            self.take(">")
            return DuckType("array", children=(element,))
        if name == "map":
            self.take("<")
            key = self.type()
            self.take(",")
            value = self.type()
            self.take(">")
            if key.kind != "string":
                raise _Refused(f"map keys must be string (JSON object keys are strings), not {key.spark_name}")
            return DuckType("map", children=(key, value))
        if name == "struct":
            self.take("<")
            names: list[str] = []
            children: list[DuckType] = []
            while True:
                field_name = self.take().strip("`")
                self.take(":")
                names.append(field_name)
                children.append(self.type())
                if self.peek() == ",":
                    self.take(",")
                    continue
                self.take(">")
                break
            if len({n.lower() for n in names}) != len(names):
                raise ValueError("a struct field is declared twice")
            return DuckType("struct", children=tuple(children), names=tuple(names))
        if name in ("decimal", "dec", "numeric"):
            precision, scale = 10, 0
            if self.peek() == "(":
                self.take("(")
                precision = self.number()
                if self.peek() == ",":
                    self.take(",")
                    scale = self.number()
                self.take(")")
            if not 1 <= precision <= 38 or scale > precision:
                raise ValueError(f"decimal({precision},{scale}) needs 1 <= precision <= 38 and scale <= precision")
            return DuckType("decimal", precision, scale)
        if name == "void":
            raise _Refused("cannot be stored in Parquet; choose a concrete type")
        if name in ("interval", "char", "varchar", "character"):
            raise _Refused(
                f"'{name}' is not a type the DuckDB engine reads from JSON (use string, or engine spark for "
                "Spark's interval semantics)"
                if name == "interval"
                else f"'{name}(n)' is not supported; use string"
            )
        if name not in _ALIASES:
            raise ValueError(f"unknown type name '{name}'")
        return DuckType(_ALIASES[name])


class _Refused(ValueError):
    """A type that parses but the engine cannot store or read."""


def parse_type(text: str) -> DuckType:
    """A Spark SQL type string as a DuckType; raises ValueError with the reason."""
    return _Parser(text).parse()


def resolve_types(fields: list[FieldMapping]) -> list[TypedField]:
    """Every mapping type resolved, or `MappingError` naming the target (the Spark engine's messages' shape)."""
    resolved: list[TypedField] = []
    for declared in fields:
        where = f"mapping for target '{declared.target}'"
        try:
            data_type = parse_type(declared.type)
        except _Refused as exc:
            raise MappingError(f"{where}: type '{declared.type}' {exc}.") from exc
        except ValueError as exc:
            raise MappingError(
                f"{where}: unknown type '{declared.type}' (a Spark SQL type such as bigint, decimal(12,2), "
                f"timestamp, date, array<string>; {exc})."
            ) from exc
        if declared.format is not None and data_type.kind not in DATETIME_KINDS:
            raise MappingError(f"{where}: 'format' applies only to date and timestamp types, not '{declared.type}'.")
        resolved.append(TypedField(declared, data_type))
    return resolved
