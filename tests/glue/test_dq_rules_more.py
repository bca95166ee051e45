"""The wider DQDL: the statistics, distinct-value, type, freshness and SQL rules, multi-column keys, dates and
now(), where clauses and composite rules; each passing and failing, expectations worked out here. Every case runs
on both engines (Spark and DuckDB) over the same rows and declared types, expecting the same results."""

from __future__ import annotations

import math
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from test_dq_rules_engines import ENGINES, SQL_DIALECT, duckdb_table, run_engine

from etl_lib.dqdl import parse_dqdl
from etl_lib.errors import DqdlError
from etl_lib.mapping import parse_mapping
from etl_lib.outcomes import FAIL, PASS, flag_name

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
LOCAL_NOW = NOW.replace(tzinfo=None)  # the suite's session and process run in UTC
SCHEMA = "n int, id bigint, grp string, x double, y double, d date, ts timestamp, s string"
ROWS: list[tuple[Any, ...]] = [
    (0, 1, "a", 1.0, 2.0, date(2024, 1, 1), LOCAL_NOW - timedelta(hours=1), "12"),
    (1, 2, "a", 2.0, 4.0, date(2024, 1, 2), LOCAL_NOW - timedelta(hours=30), "7"),
    (2, 2, "b", 3.0, 6.5, None, None, "x"),
    (3, 4, "c", None, 1.0, date(2024, 3, 1), LOCAL_NOW - timedelta(days=3), None),
    (4, None, "c", 5.0, 9.0, date(2023, 12, 31), LOCAL_NOW - timedelta(minutes=10), "3.5"),
    (5, 6, None, 6.0, 12.0, date(2024, 2, 29), LOCAL_NOW - timedelta(hours=2), "100"),
]
XS = [row[3] for row in ROWS if row[3] is not None]
MEAN = sum(XS) / len(XS)
VARIANCE = sum((x - MEAN) ** 2 for x in XS) / len(XS)
PAIRS = [(row[3], row[4]) for row in ROWS if row[3] is not None and row[4] is not None]
GROUPS = Counter(row[2] for row in ROWS if row[2] is not None)


def correlation() -> float:
    mx, my = (sum(p[i] for p in PAIRS) / len(PAIRS) for i in (0, 1))
    cov = sum((a - mx) * (b - my) for a, b in PAIRS)
    return cov / math.sqrt(sum((a - mx) ** 2 for a, _ in PAIRS) * sum((b - my) ** 2 for _, b in PAIRS))


ENTROPY = -sum(c / sum(GROUPS.values()) * math.log(c / sum(GROUPS.values())) for c in GROUPS.values())

# (rule, outcome, value)
DATASET: list[tuple[str, str, Any]] = [
    (f'Mean "x" between {MEAN - 0.1} and {MEAN + 0.1}', PASS, MEAN),
    ('Mean "x" > 10', FAIL, MEAN),
    (f'Sum "x" = {sum(XS)}', PASS, sum(XS)),
    ('Sum "x" < 0', FAIL, sum(XS)),
    (f'StandardDeviation "x" < {math.sqrt(VARIANCE) + 0.01}', PASS, math.sqrt(VARIANCE)),
    ('StandardDeviation "x" > 100', FAIL, math.sqrt(VARIANCE)),
    (f'Variance "x" > {VARIANCE - 0.01}', PASS, VARIANCE),
    ('Variance "x" = 0', FAIL, VARIANCE),
    ('ColumnCorrelation "x" and "y" > 0.9', PASS if correlation() > 0.9 else FAIL, correlation()),
    ('ColumnCorrelation of "x" and "y" < 0', FAIL, correlation()),
    ('DistinctValuesCount "grp" = 3', PASS, 3),
    ('DistinctValuesCount "grp" > 3', FAIL, 3),
    ('Uniqueness "grp" = 0.2', PASS, 1 / 5),  # only "b" occurs once, among 5 rows with a group
    ('Uniqueness "grp" > 0.5', FAIL, 1 / 5),
    ('Uniqueness "id" "grp" = 1', PASS, 1.0),  # every (id, grp) pair occurs once
    ('UniqueValueRatio "grp" < 0.5', PASS, 1 / 3),
    ('UniqueValueRatio "grp" = 1', FAIL, 1 / 3),
    (f'Entropy "grp" between {ENTROPY - 0.001} and {ENTROPY + 0.001}', PASS, ENTROPY),
    ('Entropy "grp" < 0.1', FAIL, ENTROPY),
    ('ColumnExists "x"', PASS, 1),
    ('ColumnExists "nope"', FAIL, 0),
    ('ColumnNamesMatchPattern "[a-z]+"', PASS, 1.0),
    ('ColumnNamesMatchPattern "[a-z]"', FAIL, 5 / 8),  # id, grp and ts are not single letters
    ('ColumnDataType "s" = "INTEGER"', FAIL, 3 / 5),  # "12", "7", "100" of 5 values
    ('ColumnDataType "s" = "INTEGER" with threshold >= 0.6', PASS, 3 / 5),
    ('ColumnDataType "s" in ["INTEGER", "DOUBLE"]', FAIL, 4 / 5),
    ('ColumnDataType "x" = "DOUBLE"', PASS, 1.0),
    ('RowCount = 3 where "x > 2"', PASS, 3),
    ('Mean "x" = 1.5 where "grp = \'a\'"', PASS, 1.5),
    ('Completeness "x" >= 0.9 where "grp = \'c\'"', FAIL, 0.5),
    ('CustomSql "select count(*) from primary where x > 2" = 3', PASS, 3.0),
    ('CustomSql "select avg(y) from primary" > 100', FAIL, sum(r[4] for r in ROWS) / len(ROWS)),
    ('(RowCount > 100) or (Mean "x" > 2)', PASS, None),
    ('(RowCount > 100) and (Mean "x" > 2)', FAIL, None),
]

# (rule, the rows that fail it)
ROW_LEVEL: list[tuple[str, list[int]]] = [
    ('IsPrimaryKey "id"', [1, 2, 4]),
    ('IsPrimaryKey "id" "grp"', [4, 5]),
    ('IsUnique "id" and "grp"', []),
    ('IsUnique "grp" where "n < 3"', [0, 1]),
    ('DataFreshness "ts" <= 24 hours', [1, 2, 3]),
    ('DataFreshness "d" > 10 days', [2]),
    ('ColumnValues "ts" > (now() - 1 days)', [1, 2, 3]),
    ('ColumnValues "d" >= "2024-01-01"', [2, 4]),
    ('ColumnValues "ts" between "9:00 AM" and "11:30"', [1, 2, 3, 4]),
    ('ColumnValues "s" != NULL', [3]),
    ('ColumnValues "grp" = NULL', [0, 1, 2, 3, 4]),
    ('ColumnValues "s" in ["12", "7"] with threshold > 0.3', [2, 3, 4, 5]),
    ('IsComplete "x" where "grp = \'c\'"', [3]),
    ('(IsComplete "x") and (ColumnValues "id" > 1)', [0, 3, 4]),
    ('(IsComplete "x") or (ColumnValues "id" > 1)', []),
    ('(ColumnValues "x" > 4) or ((IsComplete "d") and (ColumnValues "id" > 2))', [0, 1, 2]),
]


@pytest.mark.parametrize("engine", ENGINES)
def test_every_rule_against_its_worked_out_result(request: Any, engine: str) -> None:
    """One evaluation of every rule above (one test, so that one worker pays for it), then each rule's outcome,
    value, failing rows and metric name; every mismatch is listed."""
    texts = [rule for rule, _, _ in DATASET] + [rule for rule, _ in ROW_LEVEL]
    ruleset = parse_dqdl("Rules = [ " + ",\n".join(texts) + " ]")
    results, flags = run_engine(request, engine, ROWS, SCHEMA, ruleset, NOW)
    outcomes = {outcome.rule: outcome for outcome in results}
    order = [rule.text for rule in ruleset.rules]
    mismatches = []
    for rule, expected, value in DATASET:
        found = outcomes[rule]
        close = found.value == value if not isinstance(value, float) else found.value == pytest.approx(value, rel=1e-9)
        if (found.outcome, found.failed_rows) != (expected, None) or not close:
            mismatches.append(f"{rule}: {found.outcome} {found.value} ({found.message}); expected {expected} {value}")
    for rule, failing in ROW_LEVEL:
        found = outcomes[rule]
        flagged_rows = sorted(n for n, row in flags.items() if row[flag_name(order.index(rule))])
        expected = PASS if not failing or "with threshold > 0.3" in rule else FAIL  # 2 of 6 pass: 0.33 > 0.3
        if (flagged_rows, found.failed_rows, found.outcome) != (failing, len(failing), expected):
            mismatches.append(f"{rule}: rows {flagged_rows}, {found.outcome} ({found.message}); expected {failing}")
    assert mismatches == []

    assert outcomes['ColumnCorrelation "x" and "y" > 0.9'].metric == "Multicolumn.x,y.ColumnCorrelation"
    assert outcomes['Entropy "grp" < 0.1'].metric == "Column.grp.Entropy"
    assert outcomes['ColumnDataType "x" = "DOUBLE"'].metric == "Column.x.ColumnDataType.Compliance"
    assert outcomes['DataFreshness "ts" <= 24 hours'].metric == "Column.ts.DataFreshness.Compliance"
    assert outcomes['(RowCount > 100) or (Mean "x" > 2)'].message.startswith(
        '(RowCount > 100) FAIL: 6 rows; (Mean "x" > 2) PASS'
    )


def checkers(request: Any, engine: str, mapping: str) -> tuple[Any, Any, Any]:
    """(check_rules, check_sql(ruleset), the resolved fields) of one engine."""
    if engine == "spark":
        from etl_lib import dq
        from etl_lib.spark_mapping import resolve_types

        spark = request.getfixturevalue("spark")
        fields: Any = resolve_types(spark, parse_mapping(mapping))
        return dq.check_rules, lambda ruleset: dq.check_sql(spark, ruleset, fields), fields
    from etl_lib.duckdb_engine import rules, types

    typed = types.resolve_types(parse_mapping(mapping))
    con = duckdb_table([], "a int")
    return rules.check_rules, lambda ruleset: rules.check_sql(con, ruleset, typed), typed


@pytest.mark.parametrize("engine", ENGINES)
def test_rules_check_their_columns_where_clauses_and_sql(request: Any, engine: str) -> None:
    check_rules, check_sql, fields = checkers(
        request,
        engine,
        '[{"source": "a", "target": "a", "type": "int"}, {"source": "b", "target": "b", "type": "string"}, '
        '{"source": "m", "target": "m", "type": "map<string,int>"}, '
        '{"source": "t", "target": "t", "type": "timestamp_ntz"}]',
    )
    dialect = SQL_DIALECT[engine]
    bad = [
        ('Mean "b" > 1', "Mean applies to numeric columns; 'b' is string"),
        ('DataFreshness "a" < 1 days', "DataFreshness applies to date and timestamp columns"),
        ('ColumnValues "a" > now()', "now() compares with date and timestamp columns only"),
        ('IsPrimaryKey "a" "zz"', "refers to column 'zz'"),
        ('IsUnique "a" "m"', "IsUnique cannot compare map values; pick another column"),
        ('DataFreshness "t" <= 1 days', "DataFreshness applies to date and timestamp columns; 't' is timestamp_ntz"),
        ('ColumnLength "m" > 1', "ColumnLength applies to string columns; 'm' is map<string,int>"),
        ('ColumnValues "b" between "9:00" and "17:00"', "a time of day compares with timestamp columns only"),
    ]
    for rule, message in bad:
        with pytest.raises(DqdlError, match=message.replace("(", r"\(").replace(")", r"\)")):
            check_rules(parse_dqdl(f"Rules = [ {rule} ]"), fields)
    check_rules(parse_dqdl('Rules = [ ColumnExists "zz" ]'), fields)  # an absent column is that rule's FAIL
    sql_errors = [
        ('IsComplete "a" where "a >"', f'the where clause "a >" is not a valid {dialect} SQL condition'),
        ('IsComplete "a" where "nope = 1"', f"is not a valid {dialect} SQL condition on the output columns"),
        ('IsComplete "a" where "a + 1"', 'the where clause "a \\+ 1" is int, not a condition'),
        ('CustomSql "select b from primary" > 0', r"CustomSql must return one number .* not \(b string\)"),
        ('CustomSql "selec 1" > 0', f"the statement is not valid {dialect} SQL over 'primary'"),
    ]
    for rule, message in sql_errors:
        with pytest.raises(DqdlError, match=message):
            check_sql(parse_dqdl(f"Rules = [ {rule} ]"))
    check_sql(
        parse_dqdl('Rules = [ IsComplete "a" where "b like \'x%\'", CustomSql "select max(a) from primary" > 0 ]')
    )


@pytest.mark.parametrize("engine", ENGINES)
def test_custom_sql_that_returns_no_number_is_an_error(request: Any, engine: str) -> None:
    ruleset = parse_dqdl('Rules = [ CustomSql "select a from primary where a > 5" > 0 ]')
    with pytest.raises(DqdlError, match=r"CustomSql must return one number, but the statement returned no row"):
        run_engine(request, engine, [(1,)], "a int", ruleset)
