"""The rule tests run on both engines (Spark: etl_lib.dq; DuckDB: etl_lib.duckdb_engine.rules) over the same rows
and declared types. This file holds the shared runner, the cases where the engines' SQL is most likely to part
(implicit casts, text of typed values, decimals, time zones, ColumnDataType's conversions), each on both engines,
and what only the DuckDB engine has (its SQL rewrites, `__mapped`, the flag/metric SQL the pipeline selects)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import duckdb
import pytest

from etl_lib.dqdl import Ruleset, parse_dqdl
from etl_lib.duckdb_engine import rules as duck_rules
from etl_lib.duckdb_engine.types import parse_type, quote, resolve_types
from etl_lib.errors import DqdlError
from etl_lib.mapping import parse_mapping
from etl_lib.outcomes import FAIL, PASS, RuleOutcome, evaluate, flag_columns, flag_name

ENGINES = [pytest.param("spark", marks=pytest.mark.spark), "duckdb"]
SQL_DIALECT = {"spark": "Spark", "duckdb": "DuckDB"}  # what check_sql's messages call the where/CustomSql SQL


def duckdb_table(rows: list[tuple[Any, ...]], schema: str, name: str = "t") -> duckdb.DuckDBPyConnection:
    """A DuckDB connection holding `rows` in table `name`, typed as the Spark DDL `schema` ("a int, b string")
    declares, through the DuckDB engine's own type parser."""
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")  # naive datetimes in the rows are UTC, as in the Spark session
    columns = [part.strip().split(" ", 1) for part in re.split(r",(?![^(<]*[)>])", schema)]
    con.execute(f"CREATE TABLE {name} (" + ", ".join(f"{quote(c)} {parse_type(t).sql}" for c, t in columns) + ")")
    if rows:
        con.executemany(f"INSERT INTO {name} VALUES ({', '.join('?' for _ in columns)})", rows)
    return con


def run_engine(
    request: Any, engine: str, rows: list[tuple[Any, ...]], schema: str, ruleset: Ruleset, now: datetime | None = None
) -> tuple[list[RuleOutcome], dict[Any, dict[str, Any]]]:
    """The outcomes and, by the first column's value, each row's failure flags, on either engine."""
    flags = flag_columns(ruleset)
    first = schema.split(",")[0].strip().split(" ")[0]
    if engine == "spark":
        from etl_lib import dq

        spark = request.getfixturevalue("spark")
        outcomes, flagged = dq.run_rules(spark.createDataFrame(rows, schema), ruleset, now)
        collected = [row.asDict() for row in flagged.select(first, *flags).collect()]
    else:
        con = duckdb_table(rows, schema)
        outcomes, relation = duck_rules.run_rules(con, "t", ruleset, now)
        selected = relation.select(", ".join(quote(name) for name in [first, *flags]))
        collected = [dict(zip([first, *flags], row, strict=True)) for row in selected.fetchall()]
    return outcomes, {row[first]: row for row in collected}


# -- where the engines' SQL could part: the same rows and expectations on both ---------------------------------

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
WALL = NOW.replace(tzinfo=None)  # naive datetimes are UTC (the Spark session's and the DuckDB table's zone)
EDGE_SCHEMA = "n int, s string, amount decimal(12,2), ts timestamp, ntz timestamp_ntz, flag boolean"
EDGE_ROWS: list[tuple[Any, ...]] = [
    (0, "12", Decimal("10.50"), WALL - timedelta(hours=2, minutes=30), WALL - timedelta(hours=2, minutes=30), True),
    (1, " 7 ", Decimal("-2.25"), WALL - timedelta(hours=12, seconds=1), WALL - timedelta(hours=36), False),
    (2, "3.5", None, None, None, None),
    (3, "abc", Decimal("0.00"), datetime(2024, 1, 1), datetime(2024, 1, 1, 22, 0), True),
    (4, "", Decimal("7.00"), datetime(2024, 6, 1), datetime(2024, 5, 31, 23, 59), False),
    (5, "h\u00e9llo w\u00f6rld", Decimal("1.25"), datetime(2024, 6, 1, 0, 0, 1), datetime(2024, 6, 1), True),
    (6, " \t", Decimal("-3.00"), datetime(2023, 12, 31, 23, 59, 59), datetime(2024, 6, 1, 11, 0), None),
    (7, None, Decimal("3.00"), WALL + timedelta(hours=1), WALL, False),
]


def column(index: int) -> Any:
    return lambda row: row[index]


S, AMOUNT, TS, NTZ, FLAG = (column(i) for i in range(1, 6))
JUNE = datetime(2024, 6, 1)


def _number(text: str | None) -> float | None:
    """Spark 3's string-number comparison: the string trimmed and read as a double, else null."""
    try:
        return float(text.strip()) if text is not None else None
    except ValueError:
        return None


def _minutes(moment: datetime | None) -> int | None:
    return None if moment is None else moment.hour * 60 + moment.minute


EDGE_ROW_RULES: list[tuple[str, Any]] = [
    ('ColumnValues "s" > 5', lambda r: not ((_number(S(r)) or 0) > 5)),
    ('ColumnValues "s" <= 5', lambda r: not (_number(S(r)) is not None and _number(S(r)) <= 5)),
    ('ColumnValues "s" = EMPTY', lambda r: S(r) != ""),
    ('ColumnValues "s" != EMPTY', lambda r: S(r) == ""),
    ('ColumnValues "s" = WHITESPACES_ONLY', lambda r: not (S(r) and re.fullmatch(r"[ \t\n\x0b\f\r]+", S(r)))),
    ('ColumnValues "s" in [EMPTY, NULL, "abc"]', lambda r: S(r) not in ("", None, "abc")),
    ('ColumnLength "s" = 11', lambda r: S(r) is None or len(S(r)) != 11),
    ('ColumnLength "s" not between 1 and 4', lambda r: S(r) is not None and 1 < len(S(r)) < 4),
    ('ColumnValues "amount" between -3 and 10.5', lambda r: AMOUNT(r) is None or not -3 < AMOUNT(r) < Decimal("10.5")),
    ('ColumnValues "amount" = 0', lambda r: AMOUNT(r) != 0),
    ('ColumnValues "amount" in [7, 1.25, -2.25]', lambda r: AMOUNT(r) not in (7, Decimal("1.25"), Decimal("-2.25"))),
    (
        'ColumnValues "amount" matches "-?[0-9]+[.]00"',
        lambda r: AMOUNT(r) is None or not re.fullmatch(r"-?[0-9]+[.]00", f"{AMOUNT(r):.2f}"),
    ),
    ('ColumnValues "n" in ["1", "x"]', lambda r: r[0] != 1),
    ('ColumnValues "flag" = "true"', lambda r: FLAG(r) is not True),
    ('ColumnValues "flag" != "yes"', lambda r: FLAG(r) is True),
    ('ColumnValues "ts" >= "2024-06-01"', lambda r: TS(r) is None or not TS(r) >= JUNE),
    ('ColumnValues "ntz" < "2024-06-01"', lambda r: NTZ(r) is None or not NTZ(r) < JUNE),
    ('ColumnValues "ts" <= now()', lambda r: TS(r) is None or not TS(r) <= WALL),
    ('ColumnValues "ntz" > (now() - 1 days)', lambda r: NTZ(r) is None or not NTZ(r) > WALL - timedelta(days=1)),
    ('ColumnValues "ntz" between "9:00" and "10:00 PM"', lambda r: NTZ(r) is None or not 540 < _minutes(NTZ(r)) < 1320),
    ('ColumnValues "ts" < "0:01"', lambda r: TS(r) is None or not _minutes(TS(r)) < 1),
    ('DataFreshness "ts" <= 12 hours', lambda r: TS(r) is None or not (WALL - TS(r)).total_seconds() // 1 <= 43200),
    ('DataFreshness "ts" > 0 minutes', lambda r: TS(r) is None or not (WALL - TS(r)).total_seconds() > 0),
]

# ColumnDataType: which DQDL types each text converts to, as Spark's try_cast from string does (the contract).
CONVERTS: dict[str, set[str]] = {
    "12": {"INTEGER", "LONG", "SHORT", "BYTE", "FLOAT", "DOUBLE", "DECIMAL"},
    " 7 ": {"INTEGER", "LONG", "SHORT", "BYTE", "FLOAT", "DOUBLE", "DECIMAL"},
    "-0": {"INTEGER", "LONG", "SHORT", "BYTE", "FLOAT", "DOUBLE", "DECIMAL"},
    "+5": {"INTEGER", "LONG", "SHORT", "BYTE", "FLOAT", "DOUBLE", "DECIMAL"},
    "3.5": {"FLOAT", "DOUBLE", "DECIMAL"},
    "1e2": {"FLOAT", "DOUBLE", "DECIMAL"},
    "12345678901": {"LONG", "FLOAT", "DOUBLE", "DECIMAL"},
    "99999999999999999999.5": {"FLOAT", "DOUBLE", "DECIMAL"},
    "NaN": {"FLOAT", "DOUBLE"},
    "Infinity": {"FLOAT", "DOUBLE"},
    "1.0d": {"FLOAT", "DOUBLE"},  # Java's Double.parseDouble takes a type suffix
    "abc": set(),
    "": set(),
    "1,5": set(),
    "0x10": set(),
    "2024-02-30": set(),
    "yes": {"BOOLEAN"},
    "N": {"BOOLEAN"},
    "  true ": {"BOOLEAN"},
    "2024": {"DATE", "TIMESTAMP", "INTEGER", "LONG", "SHORT", "FLOAT", "DOUBLE", "DECIMAL"},
    "2024-01": {"DATE", "TIMESTAMP"},
    "2024-1-5": {"DATE", "TIMESTAMP"},
    "2024-01-01T10:00:00": {"DATE", "TIMESTAMP"},
    "2024-01-01 10:00:00+02:00": {"DATE", "TIMESTAMP"},
    "10:00": {"TIMESTAMP"},  # a time alone is today's, for Spark
}
DQDL_TYPES = ("BOOLEAN", "DATE", "TIMESTAMP", "INTEGER", "LONG", "SHORT", "BYTE", "FLOAT", "DOUBLE", "DECIMAL")


def decimal_mean() -> Decimal:
    """Spark's mean of a decimal(p,s): a decimal(p+4,s+4), rounded half up."""
    amounts = [AMOUNT(r) for r in EDGE_ROWS if AMOUNT(r) is not None]
    return (sum(amounts) / len(amounts)).quantize(Decimal("0.000001"), ROUND_HALF_UP)


@pytest.fixture(scope="module", params=ENGINES)
def edge(request: Any) -> tuple[dict[str, RuleOutcome], dict[Any, dict[str, Any]], list[str]]:
    texts = [rule for rule, _ in EDGE_ROW_RULES]
    texts += ['Sum "amount" > 0', 'Mean "amount" > 0', 'StandardDeviation "amount" > 0', 'Variance "amount" > 0']
    texts += [f'Mean "amount" = {decimal_mean()}']
    texts += ['CustomSql "select sum(amount) from primary where flag" > 0']
    ruleset = parse_dqdl("Rules = [ " + ",\n".join(texts) + " ]")
    outcomes, flags = run_engine(request, request.param, EDGE_ROWS, EDGE_SCHEMA, ruleset, NOW)
    return {o.rule: o for o in outcomes}, flags, [rule.text for rule in ruleset.rules]


@pytest.mark.parametrize(("rule", "fails"), EDGE_ROW_RULES, ids=[rule for rule, _ in EDGE_ROW_RULES])
def test_typed_comparisons(edge: Any, rule: str, fails: Any) -> None:
    outcomes, flags, texts = edge
    expected = sorted(r[0] for r in EDGE_ROWS if fails(r))
    assert sorted(n for n, row in flags.items() if row[flag_name(texts.index(rule))]) == expected
    assert (outcomes[rule].outcome, outcomes[rule].failed_rows) == (FAIL if expected else PASS, len(expected))


def test_decimal_statistics(edge: Any) -> None:
    outcomes, _, _ = edge
    amounts = [AMOUNT(r) for r in EDGE_ROWS if AMOUNT(r) is not None]
    mean = float(sum(amounts)) / len(amounts)
    variance = sum((float(a) - mean) ** 2 for a in amounts) / len(amounts)
    flagged = float(sum(AMOUNT(r) for r in EDGE_ROWS if FLAG(r) and AMOUNT(r) is not None))
    found = {kind: outcomes[f'{kind} "amount" > 0'].value for kind in ("Sum", "Mean", "StandardDeviation", "Variance")}
    assert decimal_mean() != Decimal(str(mean))  # the case rounds: 16.5 / 7 = 2.3571428...
    assert outcomes[f'Mean "amount" = {decimal_mean()}'].outcome == PASS
    assert found == {
        "Sum": pytest.approx(float(sum(amounts)), rel=1e-9),
        "Mean": float(decimal_mean()),
        "StandardDeviation": pytest.approx(variance**0.5, rel=1e-9),
        "Variance": pytest.approx(variance, rel=1e-9),
    }
    assert outcomes['CustomSql "select sum(amount) from primary where flag" > 0'].value == pytest.approx(flagged)


@pytest.mark.parametrize("engine", ENGINES)
def test_column_data_type_converts_text_as_spark_casts_it(request: Any, engine: str) -> None:
    values = list(CONVERTS)
    rows = [(index, value) for index, value in enumerate(values)]
    ruleset = parse_dqdl("Rules = [ " + ", ".join(f'ColumnDataType "s" = "{t}"' for t in DQDL_TYPES) + " ]")
    outcomes, _ = run_engine(request, engine, rows, "n int, s string", ruleset)
    found = {t: o.value for t, o in zip(DQDL_TYPES, outcomes, strict=True)}
    expected = {t: sum(1 for v in values if t in CONVERTS[v]) / len(values) for t in DQDL_TYPES}
    if found != expected:  # name the values that convert differently, per type
        wrong = {}
        for kind in DQDL_TYPES:
            single = parse_dqdl(f'Rules = [ ColumnDataType "s" = "{kind}" ]')
            by_value = [run_engine(request, engine, [(0, v)], "n int, s string", single)[0][0].value for v in values]
            wrong[kind] = [v for v, ok in zip(values, by_value, strict=True) if (ok == 1.0) != (kind in CONVERTS[v])]
        assert {k: v for k, v in wrong.items() if v} == {}


# -- the DuckDB engine only ----------------------------------------------------------------------------------


def test_sql_of_spark_flavour_is_read_as_duckdb_reads_it() -> None:
    assert duck_rules.duckdb_sql("select count(*) from primary where `a b` > 1") == (
        'select count(*) from "primary" where "a b" > 1'
    )
    # strings, quoted names, comments and longer words are left alone
    text = "select 'primary `x`' as \"primary\", primary_key -- primary\nfrom PRIMARY"
    assert duck_rules.duckdb_sql(text) == (
        'select \'primary `x`\' as "primary", primary_key -- primary\nfrom "primary"'
    )


def test_flags_and_metrics_see_the_mapped_rows_only() -> None:
    """The pipeline's use: rows with `__mapped`, `SELECT *, <flag> AS "<name>"`, then the metric aggregates. An
    unmapped row fails no rule and counts in no metric, even when it repeats a mapped row's key."""
    con = duckdb_table(
        [(1, "a", True), (1, "b", False), (2, None, True), (3, "c", True), (3, None, False), (None, "d", False)],
        "id bigint, name string, __mapped boolean",
    )
    ruleset = parse_dqdl(
        'Rules = [ IsUnique "id", IsPrimaryKey "id", IsComplete "name", Completeness "name" > 0.9, '
        'DistinctValuesCount "id" = 3, Uniqueness "id" = 1, CustomSql "select count(*) from primary" = 3, '
        '(IsComplete "name") and (ColumnValues "id" < 3) ]'
    )
    types = {"id": parse_type("bigint"), "name": parse_type("string")}
    flags = duck_rules.flag_sql(ruleset, types, NOW)
    assert [name for name, _ in flags] == flag_columns(ruleset)
    selected = ", ".join(f"{expression} AS {quote(name)}" for name, expression in flags)
    con.execute(f"CREATE TABLE flagged AS SELECT *, {selected} FROM t")
    failing = {
        name: [row[0] for row in con.execute(f"SELECT id FROM flagged WHERE {quote(name)} ORDER BY id").fetchall()]
        for name in flag_columns(ruleset)
    }
    assert failing == {"__dq0": [], "__dq1": [], "__dq2": [2], "__dq7": [2, 3], "__dq7_0": [2], "__dq7_1": [3]}
    aggregates = duck_rules.metric_sql(ruleset, types)
    row = con.execute("SELECT " + ", ".join(f"{sql} AS {quote(name)}" for name, sql in aggregates) + " FROM flagged")
    metrics = dict(zip([name for name, _ in aggregates], row.fetchone() or (), strict=True))
    metrics.update(duck_rules.extra_metrics(con, "t", ruleset, ["id", "name"]))
    assert (metrics["r0_rows"], metrics["r0_nonnull"], metrics["r3_nonnull"], metrics["r4_distinct"]) == (3, 3, 2, 3)
    outcomes = evaluate(ruleset, metrics, 3, ["id", "name"])
    assert [o.outcome for o in outcomes] == [PASS, PASS, FAIL, FAIL, PASS, PASS, PASS, FAIL]


def test_flags_in_two_steps_equal_the_flags_in_one() -> None:
    """The job's use: the one-row rules' flags stored with the rows (`row_only`), each key rule's repeated keys in a
    table of their own, then the key rules and composites over the stored flags. Every flag is the one a single
    statement with window functions gives: keys of one and two columns, nulls, unmapped rows, where clauses, a
    composite with an IsUnique member."""
    rows = [
        (1, "a", "x", True),
        (1, "b", "x", True),
        (1, "c", "y", False),
        (2, None, "x", True),
        (2, None, "x", True),
        (3, "c", None, True),
        (3, "d", None, True),
        (None, "e", "z", True),
        (None, "f", "z", True),
        (4, "g", "x", True),
    ]
    con = duckdb_table(rows, "id bigint, name string, region string, __mapped boolean")
    ruleset = parse_dqdl(
        'Rules = [ IsUnique "id", IsPrimaryKey "id" "region", IsUnique "id" where "name <> \'a\'", '
        'IsComplete "name", ColumnValues "id" < 4, (IsUnique "region") or (IsComplete "name"), '
        '(IsPrimaryKey "name") and (ColumnValues "id" < 2), IsUnique "id" "region" ]'
    )
    types = {"id": parse_type("bigint"), "name": parse_type("string"), "region": parse_type("string")}
    names = ", ".join(quote(name) for name in flag_columns(ruleset))
    one_step = ", ".join(f"{sql} AS {quote(name)}" for name, sql in duck_rules.flag_sql(ruleset, types, NOW))
    expected = con.execute(f"SELECT rowid, {names} FROM (SELECT rowid, *, {one_step} FROM t) ORDER BY rowid").fetchall()

    row_flags = duck_rules.flag_sql(ruleset, types, NOW, row_only=True)
    assert [name for name, _ in row_flags] == ["__dq3", "__dq4", "__dq5_1", "__dq6_1"]
    stored = ", ".join(f"{sql} AS {quote(name)}" for name, sql in row_flags)
    con.execute(f"CREATE TABLE stored AS SELECT rowid AS r, *, {stored} FROM t")
    repeated = {}
    for key, rule in duck_rules.key_rules(ruleset):
        repeated[key] = f"repeated_{key}"
        con.execute(f"CREATE TABLE repeated_{key} AS {duck_rules.repeated_keys_sql(rule, 'stored')}")
    flags = duck_rules.flag_sql(ruleset, types, NOW, repeated=repeated, stored={name for name, _ in row_flags})
    # the key rules semi-join their tables (no window: memory stays bounded), the stored flags are read, not redone
    assert not any(" OVER " in sql for _, sql in flags)
    for key, _ in duck_rules.key_rules(ruleset):
        assert f"repeated_{key}" in dict(flags)[flag_name(key)]
    assert all(dict(flags)[name] == f"COALESCE({quote(name)}, FALSE)" for name, _ in row_flags)
    with pytest.raises(ValueError, match="no repeated-key table for rule 0"):
        duck_rules.flag_sql(ruleset, types, NOW, repeated={})
    added = ", ".join(f"{sql} AS {quote(name)}" for name, sql in flags if name not in dict(row_flags))
    actual = con.execute(f"SELECT r, {names} FROM (SELECT *, {added} FROM stored) ORDER BY r").fetchall()
    assert actual == expected
    failing = {name: [row[0] for row in expected if row[1 + index]] for index, name in enumerate(flag_columns(ruleset))}
    assert failing["__dq0"] == [0, 1, 3, 4, 5, 6] and failing["__dq1"] == [0, 1, 3, 4, 5, 6, 7, 8]
    # the where clause selects neither row 0 (name 'a') nor the null names; region x repeats and rows 3, 4 have no name
    assert failing["__dq2"] == [5, 6] and failing["__dq5"] == [3, 4]
    # `and`: the null names fail IsPrimaryKey "name" (rows 3, 4), ids from 2 fail the other member
    assert failing["__dq6"] == [3, 4, 5, 6, 7, 8, 9] and failing["__dq6_0"] == [3, 4]
    # two columns, nulls equal: (1, x) twice, (2, x) twice, (3, NULL) twice; (NULL, z) twice too
    assert failing["__dq7"] == [0, 1, 3, 4, 5, 6, 7, 8]


def test_results_do_not_depend_on_the_session_time_zone() -> None:
    """Dates, times of day, now() and freshness are taken in UTC (Spark's session zone on Glue), whatever the
    DuckDB session's zone is."""
    ruleset = parse_dqdl(
        "Rules = [ " + ", ".join(rule for rule, _ in EDGE_ROW_RULES if '"ts"' in rule or '"ntz"' in rule) + " ]"
    )
    results = []
    for zone in ("UTC", "America/New_York", "Asia/Kolkata"):
        con = duckdb_table(EDGE_ROWS, EDGE_SCHEMA)
        con.execute(f"SET TimeZone = '{zone}'")
        outcomes, relation = duck_rules.run_rules(con, con.table("t"), ruleset, NOW)
        names = ", ".join(quote(name) for name in flag_columns(ruleset))
        results.append(([o.failed_rows for o in outcomes], relation.select(f"n, {names}").order("n").fetchall()))
    assert results[1] == results[0] and results[2] == results[0]
    assert any(failed for failed in results[0][0])


def test_custom_sql_errors_name_the_rule() -> None:
    con = duckdb_table([(1,), (2,)], "a int")
    for statement, found in [
        ("select a from primary", "more than one row"),
        ("select max(a) from primary where a > 5", "null"),
    ]:
        with pytest.raises(DqdlError, match=f"'CustomSql \"{re.escape(statement)}\" > 0': .* returned {found};"):
            duck_rules.run_rules(con, "t", parse_dqdl(f'Rules = [ CustomSql "{statement}" > 0 ]'))


def test_column_types_the_mapping_cannot_declare_are_refused() -> None:
    con = duckdb.connect()
    with pytest.raises(DqdlError, match="DuckDB type UINTEGER is not one a mapping declares"):
        duck_rules.run_rules(con, "SELECT 1::UINTEGER AS a", parse_dqdl('Rules = [ IsComplete "a" ]'))


def test_custom_sql_is_a_query_that_checking_does_not_run() -> None:
    con = duckdb_table([(1,)], "a int")
    fields = resolve_types(parse_mapping('[{"source": "a", "target": "a", "type": "int"}]'))
    with pytest.raises(DqdlError, match="the statement is not valid DuckDB SQL over 'primary'"):
        duck_rules.check_sql(con, parse_dqdl('Rules = [ CustomSql "create table x as select 1 as n" > 0 ]'), fields)
    assert con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'x'").fetchone() == (0,)
    duck_rules.check_sql(con, parse_dqdl('Rules = [ CustomSql "select count(*) from primary;" > 0 ]'), fields)
