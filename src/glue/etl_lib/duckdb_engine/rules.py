"""DQDL compiled to DuckDB SQL: the DuckDB engine of the rules, with the Spark engine's (etl_lib.dq) contract.

The rows live in a DuckDB table or relation whose columns are the mapping targets plus `__mapped` (the row
converted cleanly); rules see the mapped rows only. Each row-level rule (and composite member) is a boolean
SQL expression, TRUE on a mapped row that fails it (`flag_sql`; IsUnique/IsPrimaryKey count the key over the
selected rows with a window, or, in the job, semi-join a table of the repeated keys); every number
`etl_lib.outcomes.evaluate` needs is an aggregate over the flagged rows (`metric_sql`); the distinct-value rules
and CustomSql are one query each (`extra_metrics`). The metric names and meanings are those of
`etl_lib.outcomes`, so both engines decide and word every rule the same way.

Semantics are dq.py's: a null fails every ColumnValues/ColumnLength condition but the negated ones; `= NULL`,
`EMPTY` (""), `WHITESPACES_ONLY` (Java's \\s: space, \\t, \\n, \\x0B, \\f, \\r); `between` excludes its bounds;
DataFreshness fails a null; times, dates and now() are taken in UTC (Spark's session time zone on Glue).

Where the engines differ (the rule text is the same; what it is run by is not):
- `matches` runs RE2 (DuckDB's regex engine), not Java regex: no look-around, no backreferences, no possessive
  quantifiers, no Java classes such as `\\p{Alpha}` (write `[A-Za-z]`; `\\p{L}` reads the same in both); a
  pattern RE2 cannot compile is refused before anything is read, with the rule named (`check_sql`). RE2's `.`
  excludes only `\\n` (Java's also `\\r` and the Unicode line separators).
- `where` clauses and CustomSql statements are DuckDB SQL (close to Spark SQL for conditions; backtick-quoted
  names are accepted and become "quoted" ones; `primary`, a reserved word in DuckDB, is quoted for you).
- A non-string column compared with `matches`/`EMPTY` is first cast to text, and DuckDB's text of a double
  can differ from Java's (`10000000000.0` vs `1.0E10`), as can that of arrays, maps and structs (strings,
  decimals, booleans, dates and UTC timestamps read the same); a string column compared with a number is cast with
  TRY_CAST to DOUBLE (Spark 3's non-ANSI comparison), a string literal compared with a typed column with
  TRY_CAST to the column's type (not-a-value compares as null and fails).
- ColumnDataType converts text with the mapping's own conversion (`mapping.convert_text`), which reads fewer
  forms than Spark's cast (see tests/glue/test_dq_rules_engines.py for the ones that still differ).
Mean of a decimal column is Spark's (a decimal of scale s+4, rounded half up), not DuckDB's double average.
Importable on Python 3.9 (the Glue Python-shell runtime).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Collection, Sequence
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, Union

import duckdb

from etl_lib.dqdl import Composite, Condition, Date, Duration, Keyword, Now, Rule, Ruleset, TimeOfDay, Value
from etl_lib.duckdb_engine.mapping import convert_text
from etl_lib.duckdb_engine.types import DuckType, TypedField, parse_type, quote
from etl_lib.errors import DqdlError
from etl_lib.outcomes import (
    COLUMN_DATA_TYPES,
    FREQUENCY_RULES,
    KEY_RULES,
    NUMERIC_RULES,
    PRIMARY,
    RuleOutcome,
    evaluate,
    flag_name,
    nodes,
)

MAPPED = "__mapped"
_WHITESPACES = r"'[ \t\n\x0B\f\r]+'"  # Java's \s, which dq.py's \A\s+\z uses
_LENGTH = DuckType("int")  # what length() compares as
_MAPPED_SQL = quote(MAPPED)
# DuckDB result types a CustomSql statement may return (one number; a boolean counts as 0/1, as in dq.py).
_NUMERIC_IDS = {
    "boolean",
    "tinyint",
    "smallint",
    "integer",
    "bigint",
    "hugeint",
    "utinyint",
    "usmallint",
    "uinteger",
    "ubigint",
    "uhugeint",
    "float",
    "double",
    "decimal",
}
_SOURCE_NAMES = itertools.count()

Source = Union[str, "duckdb.DuckDBPyRelation"]


# -- SQL text helpers ------------------------------------------------------------------------------------


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _number(value: Decimal) -> str:
    text = format(value, "f")
    return f"CAST({_literal(text)} AS DOUBLE)" if len(text.replace("-", "").replace(".", "")) > 18 else text


# A single-quoted string, a double-quoted name, a comment, a backtick-quoted name, or the word primary.
_SQL_TOKENS = re.compile(
    r"('(?:[^']|'')*')|(\"(?:[^\"]|\"\")*\")|(--[^\n]*|/\*.*?\*/)|(`(?:[^`]|``)*`)|\b(primary)\b",
    re.IGNORECASE | re.DOTALL,
)


def duckdb_sql(text: str) -> str:
    """A user's Spark-flavoured SQL (a where clause, a CustomSql statement) as DuckDB reads it: `name` becomes
    "name", and a bare `primary` (reserved in DuckDB, not in Spark) becomes "primary"; strings untouched."""

    def replace(match: re.Match[str]) -> str:
        if match.group(4) is not None:
            return quote(match.group(4)[1:-1].replace("``", "`"))
        if match.group(5) is not None:
            return quote(PRIMARY)
        return match.group(0)

    return _SQL_TOKENS.sub(replace, text)


def _detail(exc: Exception) -> str:
    text = str(exc).strip()
    return (text.splitlines() or [type(exc).__name__])[0][:300]


def _regex_detail(exc: Exception) -> str:
    """RE2's own words, without DuckDB's "Invalid Input Error: " in front."""
    return re.sub(r"^[A-Za-z ]+ Error: ", "", _detail(exc))


def _utc(now: datetime) -> datetime:
    """`now` as a naive UTC wall-clock time (a naive `now` is taken as UTC already)."""
    return now.astimezone(timezone.utc).replace(tzinfo=None) if now.tzinfo is not None else now


def _timestamp_text(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


# -- types -----------------------------------------------------------------------------------------------


def duck_type(sql_type: Any) -> DuckType:
    """The DuckType of a DuckDB column type (a DuckDBPyType), for tables built outside the mapping (tests,
    run_rules); raises DqdlError for a type the mapping cannot declare."""
    kind = sql_type.id
    simple = {
        "boolean": "boolean",
        "tinyint": "tinyint",
        "smallint": "smallint",
        "integer": "int",
        "bigint": "bigint",
        "float": "float",
        "double": "double",
        "varchar": "string",
        "blob": "binary",
        "date": "date",
        "timestamp with time zone": "timestamp",
        "timestamp": "timestamp_ntz",
    }
    if kind in simple:
        return DuckType(simple[kind])
    if kind == "decimal":
        parts = dict(sql_type.children)
        return DuckType("decimal", int(parts["precision"]), int(parts["scale"]))
    if kind == "list":
        return DuckType("array", children=(duck_type(sql_type.children[0][1]),))
    if kind == "map":
        return DuckType("map", children=tuple(duck_type(child) for _, child in sql_type.children))
    if kind == "struct":
        names = tuple(name for name, _ in sql_type.children)
        return DuckType("struct", children=tuple(duck_type(child) for _, child in sql_type.children), names=names)
    raise DqdlError(f"DuckDB type {sql_type} is not one a mapping declares (a Spark SQL type); cast the column.")


def _spark_name(sql_type: Any) -> str:
    """Spark's name of a DuckDB result type where there is one (messages), else DuckDB's."""
    try:
        return duck_type(sql_type).spark_name
    except DqdlError:
        return str(sql_type).lower()


# -- checks before anything is read ------------------------------------------------------------------------


def check_rules(ruleset: Ruleset, fields: Sequence[TypedField]) -> None:
    """Every column a rule names is a mapping target of a type the rule applies to (dq.check_rules' messages)."""
    types = {field.mapping.target: field.type for field in fields}
    for rule in ruleset.leaves():
        if rule.column is None or rule.kind == "ColumnExists":
            continue
        for name in rule.columns:
            if name not in types:
                raise DqdlError(
                    f"DQDL rule '{rule.text}' refers to column '{name}', which the mapping does not produce "
                    f"(targets: {', '.join(sorted(types))})."
                )
            data_type = types[name]
            described = f"'{name}' is {data_type.spark_name}"
            if rule.kind in KEY_RULES and data_type.kind == "map":
                raise DqdlError(f"DQDL rule '{rule.text}': {rule.kind} cannot compare map values; pick another column.")
            if rule.kind == "ColumnLength" and data_type.kind != "string":
                raise DqdlError(f"DQDL rule '{rule.text}': ColumnLength applies to string columns; {described}.")
            if rule.kind in NUMERIC_RULES and not data_type.is_numeric:
                raise DqdlError(f"DQDL rule '{rule.text}': {rule.kind} applies to numeric columns; {described}.")
            if rule.kind == "DataFreshness" and data_type.kind not in ("date", "timestamp"):
                raise DqdlError(
                    f"DQDL rule '{rule.text}': DataFreshness applies to date and timestamp columns; {described}."
                )
            if rule.kind == "ColumnValues" and rule.condition is not None:
                _check_value_types(rule, rule.condition, data_type)


def _check_value_types(rule: Rule, condition: Condition, data_type: DuckType) -> None:
    for value in condition.operands:
        if isinstance(value, Duration):
            raise DqdlError(f"DQDL rule '{rule.text}': a duration compares with DataFreshness, not ColumnValues.")
        temporal = data_type.kind in ("date", "timestamp", "timestamp_ntz")
        if isinstance(value, Now) and not temporal:
            raise DqdlError(f"DQDL rule '{rule.text}': now() compares with date and timestamp columns only.")
        if isinstance(value, TimeOfDay) and data_type.kind not in ("timestamp", "timestamp_ntz"):
            raise DqdlError(f"DQDL rule '{rule.text}': a time of day compares with timestamp columns only.")
        if isinstance(value, Date) and not (temporal or data_type.kind == "string"):
            raise DqdlError(f"DQDL rule '{rule.text}': a date compares with date, timestamp or string columns.")


def _empty_rows(fields: Sequence[TypedField]) -> str:
    """A SELECT of no row with the typed output columns (what where clauses and CustomSql bind against)."""
    columns = ", ".join(f"CAST(NULL AS {f.type.sql}) AS {quote(f.mapping.target)}" for f in fields)
    return f"SELECT {columns or 'NULL AS __none'} LIMIT 0"


def check_sql(con: duckdb.DuckDBPyConnection, ruleset: Ruleset, fields: Sequence[TypedField]) -> None:
    """Before anything is read: each `matches` pattern compiles in RE2 (DuckDB's regex engine; Spark runs Java's,
    so look-around, backreferences and Java-only classes such as \\p{Alpha} are refused here, naming the rule);
    each ColumnNamesMatchPattern pattern in Python's (names are matched in Python); each `where` clause binds
    as a boolean DuckDB SQL condition on the output columns; each CustomSql statement binds over `primary` (the
    mapped rows, here an empty table of the typed columns) and returns one numeric column."""
    empty = _empty_rows(fields)
    for rule in ruleset.leaves():
        if rule.kind == "ColumnNamesMatchPattern":
            try:
                re.compile(rule.columns[0])
            except re.error as exc:
                raise DqdlError(f"DQDL rule '{rule.text}': invalid regular expression ({exc}).") from exc
        if rule.condition is not None and rule.condition.op in ("matches", "not matches"):
            pattern = str(rule.condition.operands[0])
            try:
                con.execute(f"SELECT regexp_full_match('', {_literal(pattern)})").fetchall()
            except duckdb.Error as exc:
                raise DqdlError(
                    f"DQDL rule '{rule.text}': invalid regular expression ({_regex_detail(exc)}); the DuckDB engine "
                    "runs RE2: no look-around or backreferences, and for Java's \\p{Alpha} write [A-Za-z] (or "
                    "\\p{L}, any letter: both engines read those)."
                ) from exc
        if rule.where is not None:
            try:
                relation = con.sql(f"SELECT *, ({duckdb_sql(rule.where)}) AS __w FROM ({empty})")
                result = relation.types[-1]
            except duckdb.Error as exc:
                raise DqdlError(
                    f"DQDL rule '{rule.text}': the where clause \"{rule.where}\" is not a valid DuckDB SQL "
                    f"condition on the output columns ({_detail(exc)})."
                ) from exc
            if result.id != "boolean":
                raise DqdlError(
                    f"DQDL rule '{rule.text}': the where clause \"{rule.where}\" is {_spark_name(result)}, "
                    "not a condition (true or false)."
                )
        if rule.kind == "CustomSql":
            con.execute(f"CREATE OR REPLACE TEMP VIEW {quote(PRIMARY)} AS {empty}")
            try:
                relation = con.sql(_custom_query(rule, 0))
                names, types = relation.columns, relation.types
            except duckdb.Error as exc:
                raise DqdlError(
                    f"DQDL rule '{rule.text}': the statement is not valid DuckDB SQL over '{PRIMARY}' (the mapped "
                    f"rows) ({_detail(exc)})."
                ) from exc
            finally:
                con.execute(f"DROP VIEW IF EXISTS {quote(PRIMARY)}")
            if len(types) != 1 or types[0].id not in _NUMERIC_IDS:
                found = ", ".join(f"{n} {_spark_name(t)}" for n, t in zip(names, types))
                raise DqdlError(
                    f"DQDL rule '{rule.text}': CustomSql must return one number (one numeric column, one row), "
                    f"not ({found})."
                )


def _custom_query(rule: Rule, limit: int) -> str:
    """A CustomSql statement as a subquery: only a query is accepted (a statement that would change something
    does not parse there, so checking it runs nothing), and at most `limit` rows are read."""
    statement = duckdb_sql(rule.columns[0]).strip().rstrip(";")
    return f"SELECT * FROM ({statement}) AS __custom LIMIT {limit}"


# -- row-level failure flags -----------------------------------------------------------------------------


def _where(rule: Rule) -> str:
    return f"COALESCE(({duckdb_sql(rule.where)}), FALSE)" if rule.where else "TRUE"


def _selected(rule: Rule) -> str:
    return f"({_MAPPED_SQL} AND {_where(rule)})"


def _text(column: str, data_type: DuckType | None) -> str:
    """The value as text, as Spark's cast to string gives it for strings, numbers, booleans, dates, timestamps
    (in UTC, without the zone)."""
    if data_type is None or data_type.kind == "string":
        return column
    if data_type.kind == "timestamp":
        return f"CAST(({column} AT TIME ZONE 'UTC') AS VARCHAR)"
    return f"CAST({column} AS VARCHAR)"


def _moment(moment: datetime, data_type: DuckType | None) -> str:
    """A UTC instant as a literal comparable with the column: TIMESTAMPTZ for a timestamp column, else the UTC
    wall-clock TIMESTAMP (a date column is promoted to it, as Spark promotes a date to a timestamp)."""
    if data_type is not None and data_type.kind == "timestamp":
        return f"TIMESTAMPTZ '{_timestamp_text(moment)}+00'"
    return f"TIMESTAMP '{_timestamp_text(moment)}'"


def _operands(column: str, data_type: DuckType | None, value: Value, now: datetime) -> tuple[str, str]:
    """(the column, the value) as SQL, as dq.py compares them."""
    if isinstance(value, TimeOfDay):
        wall = f"({column} AT TIME ZONE 'UTC')" if data_type is not None and data_type.kind == "timestamp" else column
        return f"(hour({wall}) * 60 + minute({wall}))", str(value.minutes)
    if isinstance(value, Now):
        return column, _moment(_utc(now) + timedelta(seconds=value.offset_seconds), data_type)
    if isinstance(value, Date):
        if data_type is not None and data_type.kind == "string":
            return column, _literal(value.text)
        day = f"TRY_CAST({_literal(value.text)} AS DATE)"  # an impossible date compares as null, like to_date's
        if data_type is not None and data_type.kind == "timestamp":
            return column, f"(CAST({day} AS TIMESTAMP) AT TIME ZONE 'UTC')"
        return column, day
    if isinstance(value, Duration):
        return column, str(value.seconds)
    if isinstance(value, Keyword):
        return column, _literal(value.value)
    if isinstance(value, Decimal):
        if data_type is not None and data_type.kind == "string":
            return f"TRY_CAST({column} AS DOUBLE)", _number(value)
        return column, _number(value)
    if data_type is None or data_type.kind == "string":
        return column, _literal(value)
    return column, f"TRY_CAST({_literal(value)} AS {data_type.sql})"


def _compare(column: str, data_type: DuckType | None, op: str, value: Value, now: datetime) -> str:
    left, right = _operands(column, data_type, value, now)
    return f"({left} {'<>' if op == '!=' else op} {right})"


def _is(column: str, data_type: DuckType | None, keyword: Keyword) -> str:
    if keyword is Keyword.NULL:
        return f"({column} IS NULL)"
    if keyword is Keyword.EMPTY:
        return f"COALESCE({_text(column, data_type)} = '', FALSE)"
    return f"COALESCE(regexp_full_match({_text(column, data_type)}, {_WHITESPACES}), FALSE)"


def passes(column: str, condition: Condition, now: datetime, data_type: DuckType | None = None) -> str:
    """SQL TRUE where the value satisfies the condition, with Glue's null semantics (never null)."""
    op, operands = condition.op, condition.operands
    if op in ("in", "not in"):
        checks = [_is(column, data_type, value) for value in operands if isinstance(value, Keyword)]
        checks += [
            f"COALESCE({_compare(column, data_type, '=', value, now)}, FALSE)"
            for value in operands
            if not isinstance(value, Keyword)
        ]
        found = "(" + " OR ".join(checks) + ")"
        return found if op == "in" else f"(NOT {found})"
    if op in ("matches", "not matches"):
        matched = f"regexp_full_match({_text(column, data_type)}, {_literal(str(operands[0]))})"
        return f"COALESCE({matched}, FALSE)" if op == "matches" else f"COALESCE(NOT {matched}, TRUE)"
    if op in ("between", "not between"):
        low, high = operands
        inside = f"({_compare(column, data_type, '>', low, now)} AND {_compare(column, data_type, '<', high, now)})"
        return f"COALESCE({inside}, FALSE)" if op == "between" else f"COALESCE(NOT {inside}, TRUE)"
    (value,) = operands
    if isinstance(value, Keyword):
        # dq.py: `= KEYWORD` tests for it, any other comparison with a keyword for its absence.
        return _is(column, data_type, value) if op == "=" else f"(NOT {_is(column, data_type, value)})"
    return f"COALESCE({_compare(column, data_type, op, value, now)}, {'TRUE' if op == '!=' else 'FALSE'})"


def _fresh(column: str, condition: Condition, now: datetime, data_type: DuckType | None) -> str:
    """DataFreshness: the age of each value (now - value, in whole seconds as Spark's unix_timestamp) meets the
    duration condition; a null fails. A date is its midnight UTC."""
    instant = f"CAST({column} AS TIMESTAMP)" if data_type is not None and data_type.kind == "date" else column
    now_seconds = int(_utc(now).replace(tzinfo=timezone.utc).timestamp())
    age = f"({now_seconds} - CAST(floor(epoch_us({instant}) / 1000000) AS BIGINT))"
    return f"(CASE WHEN {column} IS NULL THEN FALSE ELSE {passes(age, condition, now)} END)"


def _keys(rule: Rule) -> list[str]:
    return [quote(name) for name in rule.columns]


def _any_not_null(rule: Rule) -> str:
    return "(" + " OR ".join(f"{key} IS NOT NULL" for key in _keys(rule)) + ")"


def _key(rule: Rule) -> str:
    """The key of IsUnique/IsPrimaryKey as one value: the column itself, or a struct of the columns (a struct's null
    fields compare equal, as in dq.py's null-safe join; a single null key is not counted and matches nothing)."""
    if len(rule.columns) == 1:
        return _keys(rule)[0]  # a plain key hashes faster than a struct of one
    return "struct_pack(" + ", ".join(f"{k} := {k}" for k in _keys(rule)) + ")"


def key_rules(ruleset: Ruleset) -> list[tuple[str, Rule]]:
    """(key, rule) of the row-level IsUnique and IsPrimaryKey rules and members: the flags that need the other rows."""
    return [
        (key, node)
        for key, node in nodes(ruleset)
        if isinstance(node, Rule) and node.row_level and node.kind in ("IsUnique", "IsPrimaryKey")
    ]


def repeated_keys_sql(rule: Rule, relation: str) -> str:
    """A query: the keys that occur on more than one selected row of `relation` with a key (one column, `__key`),
    by an aggregation over the key columns alone, which spills under a memory limit."""
    return (
        f"SELECT {_key(rule)} AS __key FROM {relation} WHERE {_selected(rule)} AND {_any_not_null(rule)} "
        "GROUP BY ALL HAVING count(*) > 1"
    )


def _repeated(rule: Rule, repeated: str | None = None) -> str:
    """TRUE where the row's key occurs on more than one selected row with a key (nulls compare equal, as in
    dq.py's null-safe join). With `repeated` (a table of `repeated_keys_sql`), a semi-join on it, as the Spark
    engine does; without, a window over the rows (counting only the selected ones), which holds every row's columns
    in memory per partition."""
    if repeated is not None:
        return f"({_key(rule)} IN (SELECT __key FROM {repeated}))"
    keys = ", ".join(_keys(rule))
    counted = f"CASE WHEN {_selected(rule)} AND {_any_not_null(rule)} THEN 1 ELSE 0 END"
    return f"(SUM({counted}) OVER (PARTITION BY {keys}) > 1)"


def flag_sql(
    ruleset: Ruleset,
    types: dict[str, DuckType],
    now: datetime,
    *,
    repeated: dict[str, str] | None = None,
    stored: Collection[str] = (),
    row_only: bool = False,
) -> list[tuple[str, str]]:
    """(flag column, SQL TRUE on a mapped row that fails) for every row-level rule and composite member, in the
    order of outcomes.flag_columns. IsUnique and IsPrimaryKey compare a row with the others: with `repeated`
    (rule key -> a table of `repeated_keys_sql` over the same rows, one for each of `key_rules`) by a semi-join,
    which keeps memory bounded; without it by a window function (select the flags, do not filter on them).

    For a job that flags in two steps: `row_only` gives only the rules that read one row at a time (no IsUnique,
    IsPrimaryKey or composite), to store with the rows; `stored` names flag columns already there, which the
    expressions then read instead of computing them again."""
    failures: dict[str, str] = {}
    keyed = {key for key, _ in key_rules(ruleset)}
    for key, node in nodes(ruleset):
        if not isinstance(node, Rule) or not node.row_level:
            continue
        if row_only and key in keyed:
            continue
        if flag_name(key) in stored:
            failures[key] = quote(flag_name(key))
            continue
        rule = node
        column = quote(rule.columns[0])
        data_type = types.get(rule.columns[0])
        table = None
        if repeated is not None and key in keyed:
            if key not in repeated:
                raise ValueError(f"flag_sql: no repeated-key table for rule {key} ('{node.text}'); see key_rules")
            table = repeated[key]
        if rule.kind == "IsComplete":
            failed = f"({column} IS NULL)"
        elif rule.kind == "IsUnique":
            failed = f"({_any_not_null(rule)} AND {_repeated(rule, table)})"
        elif rule.kind == "IsPrimaryKey":
            missing = " OR ".join(f"{key_column} IS NULL" for key_column in _keys(rule))
            failed = f"({missing} OR COALESCE({_repeated(rule, table)}, FALSE))"
        elif rule.kind == "ColumnValues":
            assert rule.condition is not None
            failed = f"(NOT {passes(column, rule.condition, now, data_type)})"
        elif rule.kind == "ColumnLength":
            assert rule.condition is not None
            failed = f"(NOT {passes(f'length({column})', rule.condition, now, _LENGTH)})"
        else:  # DataFreshness
            assert rule.condition is not None
            failed = f"(NOT {_fresh(column, rule.condition, now, data_type)})"
        failures[key] = f"({_selected(rule)} AND {failed})"
    if row_only:
        return [(flag_name(key), f"COALESCE({failures[key]}, FALSE)") for key in failures]
    # Composites: `and` fails a row that fails any member, `or` one that fails every member.
    for key, node in reversed(nodes(ruleset)):
        if isinstance(node, Composite) and node.row_level:
            members = [failures[f"{key}_{index}"] for index in range(len(node.members))]
            failures[key] = "(" + (" OR " if node.op == "and" else " AND ").join(members) + ")"
    return [(flag_name(key), f"COALESCE({failures[key]}, FALSE)") for key, node in nodes(ruleset) if node.row_level]


# -- metrics -----------------------------------------------------------------------------------------------


def _count(condition: str) -> str:
    return f"count(*) FILTER (WHERE {condition})"


def _compliant(rule: Rule, data_type: DuckType | None) -> str:
    """ColumnDataType: the value's text converts to one of the types, as Spark's try_cast from string does (the
    mapping's own conversion of text, etl_lib.duckdb_engine.mapping.convert_text)."""
    assert rule.condition is not None
    column = rule.columns[0]
    text = _text(quote(column), data_type)
    checks: list[str] = []
    for name in rule.condition.operands:
        spark_type = COLUMN_DATA_TYPES[str(name).upper()]
        if spark_type == "string" or (data_type is not None and data_type.spark_name == spark_type):
            checks.append("TRUE")
        else:
            checks.append(f"({convert_text(text, parse_type(spark_type), None, column)}) IS NOT NULL")
    compliant = "(" + " OR ".join(checks) + ")"
    return f"(NOT {compliant})" if rule.condition.op in ("!=", "not in") else compliant


def _mean(values: str, data_type: DuckType | None) -> str:
    """avg; of a decimal(p,s) column, Spark's: a decimal of scale s+4, rounded half up (away from zero), which
    DuckDB's avg (a double) is not. Worked out exactly on the unscaled integers."""
    if data_type is None or data_type.kind != "decimal":
        return f"avg({values})"
    scale = min(data_type.scale + 4, 38)
    total = f"sum(CAST({values} * {10**data_type.scale} AS HUGEINT))"
    count = f"count({values})"
    unscaled = f"sign({total}) * ((2 * abs({total}) * {10 ** (scale - data_type.scale)} + {count}) // (2 * {count}))"
    unit = f"CAST('{Decimal(1).scaleb(-scale):f}' AS DECIMAL(38, {scale}))"
    return f"CASE WHEN {count} > 0 THEN CAST({unscaled} AS DECIMAL(38, 0)) * {unit} END"


def metric_sql(ruleset: Ruleset, types: dict[str, DuckType]) -> list[tuple[str, str]]:
    """(metric name, SQL aggregate over the flagged rows) for every metric of etl_lib.outcomes but the row
    count of the run, the distinct-value rules' and CustomSql's (extra_metrics)."""
    metrics: list[tuple[str, str]] = []
    for key, node in nodes(ruleset):
        if node.row_level:
            metrics.append((f"r{key}_failed", _count(quote(flag_name(key)))))
        if not isinstance(node, Rule):
            continue
        rule = node
        selected = _selected(rule)
        metrics.append((f"r{key}_rows", _count(selected)))
        column = quote(rule.columns[0]) if rule.column is not None else None
        when = f"CASE WHEN {selected} THEN {column} END"
        if rule.kind in ("Completeness", "IsComplete") and column is not None:
            metrics.append((f"r{key}_nonnull", _count(f"{selected} AND {column} IS NOT NULL")))
        elif rule.kind in ("IsUnique", "IsPrimaryKey"):
            metrics.append((f"r{key}_nonnull", _count(f"{selected} AND {_any_not_null(rule)}")))
        elif rule.kind == "Mean" and column is not None:
            metrics.append((f"r{key}_value", _mean(when, types.get(rule.columns[0]))))
        elif rule.kind == "Sum" and column is not None:
            metrics.append((f"r{key}_value", f"sum({when})"))
        elif rule.kind == "StandardDeviation" and column is not None:
            metrics.append((f"r{key}_value", f"stddev_pop({when})"))
        elif rule.kind == "Variance" and column is not None:
            metrics.append((f"r{key}_value", f"var_pop({when})"))
        elif rule.kind == "ColumnCorrelation":
            first, second = _keys(rule)
            pair = f"CASE WHEN {selected} THEN {first} END, CASE WHEN {selected} THEN {second} END"
            metrics.append((f"r{key}_value", f"corr({pair})"))
        elif rule.kind == "ColumnDataType" and column is not None:
            data_type = types.get(rule.columns[0])
            present = f"{selected} AND {_text(column, data_type)} IS NOT NULL"
            metrics.append((f"r{key}_nonnull", _count(present)))
            metrics.append((f"r{key}_compliant", _count(f"{present} AND {_compliant(rule, data_type)}")))
    return metrics


def _source(con: duckdb.DuckDBPyConnection, rows: Source) -> str:
    """SQL for a FROM clause: a table/view name as is, a query in parentheses, a relation as a temp view."""
    if isinstance(rows, str):
        stripped = rows.strip()
        if re.fullmatch(r'[A-Za-z_][A-Za-z0-9_$]*|"(?:[^"]|"")+"', stripped):
            return stripped
        return f"({stripped})"
    name = f"__dq_source_{next(_SOURCE_NAMES)}"
    rows.create_view(name, replace=True)
    return quote(name)


def extra_metrics(
    con: duckdb.DuckDBPyConnection, rows: Source, ruleset: Ruleset, targets: Sequence[str]
) -> dict[str, Any]:
    """The distinct-value counts (one aggregation a rule) and the CustomSql results over `rows` (the target
    columns and `__mapped`): what one pass of aggregates cannot give."""
    source = _source(con, rows)
    metrics: dict[str, Any] = {}
    for key, node in nodes(ruleset):
        if not isinstance(node, Rule):
            continue
        rule = node
        if rule.kind in FREQUENCY_RULES:
            keys = ", ".join(_keys(rule))
            counts = (
                f"SELECT count(*) AS c FROM {source} WHERE {_selected(rule)} AND {_any_not_null(rule)} GROUP BY {keys}"
            )
            row = con.execute(f"SELECT count(*), {_count('c = 1')}, sum(c), sum(c * ln(c)) FROM ({counts})").fetchone()
            assert row is not None
            metrics[f"r{key}_distinct"] = int(row[0])
            metrics[f"r{key}_singles"] = int(row[1])
            metrics[f"r{key}_keyed"] = int(row[2] or 0)
            metrics[f"r{key}_flogf"] = float(row[3] or 0.0)
        elif rule.kind == "CustomSql":
            columns = ", ".join(quote(name) for name in targets)
            con.execute(
                f"CREATE OR REPLACE TEMP VIEW {quote(PRIMARY)} AS SELECT {columns} FROM {source} WHERE {_MAPPED_SQL}"
            )
            try:
                result = con.execute(_custom_query(rule, 2)).fetchall()
            finally:
                con.execute(f"DROP VIEW IF EXISTS {quote(PRIMARY)}")
            if len(result) != 1 or result[0][0] is None:
                found = "no row" if not result else "more than one row" if len(result) > 1 else "null"
                raise DqdlError(
                    f"DQDL rule '{rule.text}': CustomSql must return one number, but the statement returned {found}; "
                    "nothing was committed."
                )
            value = result[0][0]
            metrics[f"r{key}_value"] = float(int(value) if isinstance(value, bool) else value)
    return metrics


def run_rules(
    con: duckdb.DuckDBPyConnection, rows: Source, ruleset: Ruleset, now: datetime | None = None
) -> tuple[list[RuleOutcome], duckdb.DuckDBPyRelation]:
    """Evaluate a ruleset on any table, query or relation of `con` (every row counts as mapped): the outcomes,
    and the rows with their `__dq<key>` failure flags (a relation). The job itself selects the same flags and
    aggregates the same metrics over its mapped rows instead."""
    now = now or datetime.now(timezone.utc)
    source = _source(con, rows)
    described = con.sql(f"SELECT * FROM {source} LIMIT 0")
    columns = list(described.columns)
    types = {name: duck_type(sql_type) for name, sql_type in zip(columns, described.types)}
    marked = f"(SELECT *, TRUE AS {_MAPPED_SQL} FROM {source})"
    flags = ", ".join(f"{expression} AS {quote(name)}" for name, expression in flag_sql(ruleset, types, now))
    flagged = f"(SELECT *{', ' + flags if flags else ''} FROM {marked})"
    aggregates = [("rows", "count(*)"), *metric_sql(ruleset, types)]
    query = ", ".join(f"{expression} AS {quote(name)}" for name, expression in aggregates)
    result = con.execute(f"SELECT {query} FROM {flagged}")
    row = result.fetchone()
    values: dict[str, Any] = dict(zip([name for name, _ in aggregates], row or ()))
    values.update(extra_metrics(con, marked, ruleset, columns))
    relation = con.sql(f"SELECT * EXCLUDE ({_MAPPED_SQL}) FROM {flagged}")
    return evaluate(ruleset, values, int(values.get("rows", 0) or 0), columns), relation
