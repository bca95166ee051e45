"""Every DQ rule kind, passing and failing, on hand-made rows; expectations computed here in Python. Every case
runs on both engines (Spark and DuckDB) over the same rows and declared types, expecting the same results."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from test_dq_rules_engines import ENGINES, duckdb_table, run_engine

from etl_lib.dqdl import parse_dqdl
from etl_lib.errors import DqdlError
from etl_lib.mapping import parse_mapping
from etl_lib.outcomes import FAIL, PASS, flag_name

COLUMNS = ("n", "id", "name", "value", "type", "email")
ROWS: list[tuple[Any, ...]] = [
    (0, 1, "alice", 10.0, "a", "alice@example.org"),
    (1, 2, "bob", 0.0, "b", "bob@x"),
    (2, 3, None, 1000.0, "c", "Carol@x"),
    (3, 3, "dave", None, None, None),
    (4, None, "a-rather-long-name", 500.0, "", "eve@"),
    (5, 6, "frank", 999.5, "   ", "frank"),
]
SCHEMA = "n int, id bigint, name string, value double, type string, email string"


def col(name: str) -> Callable[[tuple[Any, ...]], Any]:
    index = COLUMNS.index(name)
    return lambda row: row[index]


ID, NAME, VALUE, TYPE, EMAIL = col("id"), col("name"), col("value"), col("type"), col("email")
ID_COUNTS = Counter(ID(row) for row in ROWS if ID(row) is not None)

# (rule, which rows fail it). None in a comparison fails it, except for the negated forms.
ROW_RULES: list[tuple[str, Callable[[tuple[Any, ...]], bool]]] = [
    ('IsComplete "name"', lambda r: NAME(r) is None),
    ('IsComplete "n"', lambda r: False),
    ('IsUnique "id"', lambda r: ID(r) is not None and ID_COUNTS[ID(r)] > 1),
    ('IsUnique "n"', lambda r: False),
    ('ColumnValues "value" between 0 and 1000', lambda r: VALUE(r) is None or not 0 < VALUE(r) < 1000),
    ('ColumnValues "value" not between 0 and 1000', lambda r: VALUE(r) is not None and 0 < VALUE(r) < 1000),
    ('ColumnValues "value" >= 0', lambda r: VALUE(r) is None or not VALUE(r) >= 0),
    ('ColumnValues "value" > 0', lambda r: VALUE(r) is None or not VALUE(r) > 0),
    ('ColumnValues "value" < 1000', lambda r: VALUE(r) is None or not VALUE(r) < 1000),
    ('ColumnValues "value" <= 1000', lambda r: VALUE(r) is None or not VALUE(r) <= 1000),
    ('ColumnValues "id" = 3', lambda r: ID(r) != 3),
    ('ColumnValues "id" != 3', lambda r: ID(r) == 3),  # a null id passes !=
    ('ColumnValues "type" in ["a","b"]', lambda r: TYPE(r) not in ("a", "b")),
    ('ColumnValues "type" not in ["a","b"]', lambda r: TYPE(r) in ("a", "b")),
    (
        'ColumnValues "type" in ["a", "b", "c", NULL, EMPTY, WHITESPACES_ONLY]',
        lambda r: not (TYPE(r) is None or TYPE(r) in ("a", "b", "c") or TYPE(r).strip() == ""),
    ),
    ('ColumnValues "id" in [1, 2, 6]', lambda r: ID(r) not in (1, 2, 6)),
    ('ColumnValues "email" matches "[a-z]+@.*"', lambda r: EMAIL(r) is None or not re.fullmatch("[a-z]+@.*", EMAIL(r))),
    (
        'ColumnValues "email" matches "[a-z]+@[a-z.]+"',
        lambda r: EMAIL(r) is None or not re.fullmatch("[a-z]+@[a-z.]+", EMAIL(r)),
    ),
    (
        'ColumnValues "email" not matches "[a-z]+@.*"',
        lambda r: EMAIL(r) is not None and bool(re.fullmatch("[a-z]+@.*", EMAIL(r))),
    ),
    ('ColumnLength "name" <= 5', lambda r: NAME(r) is None or not len(NAME(r)) <= 5),
    ('ColumnLength "name" <= 40', lambda r: NAME(r) is None or not len(NAME(r)) <= 40),
    ('ColumnLength "name" between 3 and 6', lambda r: NAME(r) is None or not 3 < len(NAME(r)) < 6),
]


def threshold_rules() -> list[tuple[str, float]]:
    """ColumnValues "value" > 0 fails on some rows; thresholds on each side of its compliance."""
    failing = sum(1 for r in ROWS if VALUE(r) is None or not VALUE(r) > 0)
    compliance = (len(ROWS) - failing) / len(ROWS)
    return [
        (f'ColumnValues "value" > 0 with threshold >= {compliance - 0.01:.4f}', compliance),
        (f'ColumnValues "value" > 0 with threshold > {compliance:.4f}', compliance),
    ]


def dataset_rules() -> list[tuple[str, str, float | int]]:
    rows = len(ROWS)
    names = sum(1 for r in ROWS if NAME(r) is not None) / rows
    return [
        (f"RowCount = {rows}", PASS, rows),
        (f"RowCount > {rows}", FAIL, rows),
        (f"RowCount between {rows - 1} and {rows + 1}", PASS, rows),
        (f"ColumnCount = {len(COLUMNS)}", PASS, len(COLUMNS)),
        ("ColumnCount < 3", FAIL, len(COLUMNS)),
        ('Completeness "name" >= 0.8', PASS if names >= 0.8 else FAIL, names),
        ('Completeness "name" > 0.9', PASS if names > 0.9 else FAIL, names),
        ('Completeness "n" = 1', PASS, 1.0),
    ]


@pytest.fixture(scope="module", params=ENGINES)
def evaluated(request: Any) -> tuple[dict[str, Any], dict[int, dict[str, Any]], list[str]]:
    texts = (
        [rule for rule, _ in ROW_RULES] + [rule for rule, _ in threshold_rules()] + [r for r, _, _ in dataset_rules()]
    )
    ruleset = parse_dqdl("Rules = [ " + ",\n".join(texts) + " ]")
    outcomes, flags = run_engine(request, request.param, ROWS, SCHEMA, ruleset)
    return {outcome.rule: outcome for outcome in outcomes}, flags, [rule.text for rule in ruleset.rules]


@pytest.mark.parametrize(("rule", "fails"), ROW_RULES, ids=[rule for rule, _ in ROW_RULES])
def test_row_level_rules(evaluated: Any, rule: str, fails: Callable[[tuple[Any, ...]], bool]) -> None:
    outcomes, flags, texts = evaluated
    expected_failing = sorted(r[0] for r in ROWS if fails(r))
    flag = flag_name(texts.index(rule))
    assert sorted(n for n, row in flags.items() if row[flag]) == expected_failing
    outcome = outcomes[rule]
    assert outcome.outcome == (FAIL if expected_failing else PASS)
    assert outcome.failed_rows == len(expected_failing)


def test_rule_metrics(evaluated: Any) -> None:
    outcomes, _, _ = evaluated
    rows = len(ROWS)
    names = sum(1 for r in ROWS if NAME(r) is not None)
    assert outcomes['IsComplete "name"'].value == names / rows
    assert outcomes['IsComplete "name"'].metric == "Column.name.Completeness"
    ids = [ID(r) for r in ROWS if ID(r) is not None]
    assert outcomes['IsUnique "id"'].value == sum(1 for i in ids if ID_COUNTS[i] == 1) / len(ids)
    failing = sum(1 for r in ROWS if VALUE(r) is None or not 0 < VALUE(r) < 1000)
    between = outcomes['ColumnValues "value" between 0 and 1000']
    assert (between.metric, between.value) == ("Column.value.ColumnValues.Compliance", (rows - failing) / rows)


def test_thresholds(evaluated: Any) -> None:
    outcomes, _, _ = evaluated
    (lenient, compliance_a), (strict, compliance_b) = threshold_rules()
    assert outcomes[lenient].outcome == PASS and outcomes[lenient].value == compliance_a
    assert outcomes[strict].outcome == FAIL and outcomes[strict].value == compliance_b


@pytest.mark.parametrize(("rule", "outcome", "value"), dataset_rules(), ids=[r for r, _, _ in dataset_rules()])
def test_dataset_rules(evaluated: Any, rule: str, outcome: str, value: float) -> None:
    outcomes, _, _ = evaluated
    assert (outcomes[rule].outcome, outcomes[rule].value) == (outcome, value)
    assert outcomes[rule].failed_rows is None


@pytest.mark.parametrize("engine", ENGINES)
def test_no_rows_fails_every_measured_rule(request: Any, engine: str) -> None:
    ruleset = parse_dqdl('Rules = [ RowCount = 0, ColumnCount = 1, IsComplete "a", ColumnValues "a" > 0 ]')
    outcomes, flags = run_engine(request, engine, [], "a int", ruleset)
    assert flags == {}
    assert [(o.outcome, o.value) for o in outcomes] == [(PASS, 0), (PASS, 1), (FAIL, None), (FAIL, None)]
    assert outcomes[2].message == "no rows to evaluate"


@pytest.mark.parametrize("engine", ENGINES)
def test_rule_columns_and_regexes_are_checked(request: Any, engine: str) -> None:
    mapping = parse_mapping('[{"source": "a", "target": "a", "type": "int"}]')
    if engine == "spark":
        from etl_lib.dq import check_regexes, check_rules
        from etl_lib.spark_mapping import resolve_types

        spark = request.getfixturevalue("spark")
        fields: Any = resolve_types(spark, mapping)

        def check_patterns(text: str) -> None:
            check_regexes(spark, parse_dqdl(text))

        unclosed = "Unclosed group"  # Java's message
    else:
        from etl_lib.duckdb_engine import types
        from etl_lib.duckdb_engine.rules import check_rules, check_sql

        fields = types.resolve_types(mapping)
        con = duckdb_table([], "a int")

        def check_patterns(text: str) -> None:
            check_sql(con, parse_dqdl(text), fields)

        unclosed = "missing \\)"  # RE2's message
    with pytest.raises(DqdlError, match="refers to column 'b', which the mapping does not produce \\(targets: a\\)"):
        check_rules(parse_dqdl('Rules = [ IsComplete "b" ]'), fields)
    with pytest.raises(DqdlError, match="ColumnLength applies to string columns; 'a' is int"):
        check_rules(parse_dqdl('Rules = [ ColumnLength "a" < 3 ]'), fields)
    with pytest.raises(DqdlError, match=f'matches "\\(unclosed"\': invalid regular expression \\({unclosed}'):
        check_patterns('Rules = [ ColumnValues "a" matches "(unclosed" ]')
    with pytest.raises(DqdlError, match=r"ColumnNamesMatchPattern .*: invalid regular expression"):
        check_patterns('Rules = [ ColumnNamesMatchPattern "[a-" ]')
    check_patterns('Rules = [ ColumnValues "a" matches "\\p{L}+[A-Za-z]*" ]')  # both engines' syntax
    if engine == "spark":
        check_patterns('Rules = [ ColumnValues "a" matches "\\p{Alpha}+" ]')  # Java syntax is fine on Spark
    else:  # RE2 has no Java classes nor look-around: refused before anything is read, saying how to write it
        for pattern in ("\\p{Alpha}+", "(?=a)a"):
            with pytest.raises(DqdlError, match=r"invalid regular expression .* the DuckDB engine runs RE2"):
                check_patterns(f'Rules = [ ColumnValues "a" matches "{pattern}" ]')
