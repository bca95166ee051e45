"""The DQDL parser (pure Python): every supported form, and an error for everything else."""

from __future__ import annotations

from decimal import Decimal

import pytest

from etl_lib.dqdl import (
    SUPPORTED_RULES,
    UNSUPPORTED_RULES,
    Composite,
    Condition,
    Date,
    Duration,
    Keyword,
    Now,
    Rule,
    TimeOfDay,
    parse_dqdl,
)
from etl_lib.errors import DqdlError

BRIEF_EXAMPLE = """Rules = [ RowCount > 0, IsComplete "id", IsUnique "id", Completeness "name" >= 0.9,
  ColumnValues "value" between 0 and 1000, ColumnValues "type" in ["a","b"],
  ColumnValues "email" matches "[a-z]+@.*", ColumnLength "name" <= 40, ColumnCount = 5 ]"""


def test_parses_every_supported_rule_kind() -> None:
    rules = parse_dqdl(BRIEF_EXAMPLE).rules
    assert [(r.kind, r.column) for r in rules] == [
        ("RowCount", None),
        ("IsComplete", "id"),
        ("IsUnique", "id"),
        ("Completeness", "name"),
        ("ColumnValues", "value"),
        ("ColumnValues", "type"),
        ("ColumnValues", "email"),
        ("ColumnLength", "name"),
        ("ColumnCount", None),
    ]
    assert rules[0].condition == Condition(">", (Decimal(0),))
    assert rules[3].condition == Condition(">=", (Decimal("0.9"),))
    assert rules[4].condition == Condition("between", (Decimal(0), Decimal(1000)))
    assert rules[5].condition == Condition("in", ("a", "b"))
    assert rules[6].condition == Condition("matches", ("[a-z]+@.*",))
    assert rules[1].condition is None and rules[2].condition is None
    # The rule text (used as the quarantine reason) is the rule as written, whitespace collapsed.
    assert rules[4].text == 'ColumnValues "value" between 0 and 1000'
    assert [r.row_level for r in rules] == [False, True, True, False, True, True, True, True, False]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('ColumnValues "x" = "a"', Condition("=", ("a",))),
        ('ColumnValues "x" != -2.5', Condition("!=", (Decimal("-2.5"),))),
        ('ColumnValues "x" < 1e3', Condition("<", (Decimal("1e3"),))),
        ('ColumnValues "x" <= 7', Condition("<=", (Decimal(7),))),
        ('ColumnValues "x" not between 1 and 2', Condition("not between", (Decimal(1), Decimal(2)))),
        ('ColumnValues "x" not in [1, 2]', Condition("not in", (Decimal(1), Decimal(2)))),
        (
            'ColumnValues "x" in ["a", NULL, EMPTY, WHITESPACES_ONLY]',
            Condition("in", ("a", Keyword.NULL, Keyword.EMPTY, Keyword.WHITESPACES_ONLY)),
        ),
        ('ColumnValues "x" not matches "\\d+"', Condition("not matches", ("\\d+",))),
        ('ColumnLength "x" between 2 and 5', Condition("between", (Decimal(2), Decimal(5)))),
        ("RowCount in [3, 4]", Condition("in", (Decimal(3), Decimal(4)))),
    ],
)
def test_conditions(text: str, expected: Condition) -> None:
    (rule,) = parse_dqdl(f"Rules = [ {text} ]").rules
    assert rule.condition == expected


def test_threshold_quotes_comments_and_layout() -> None:
    text = """
    # a comment line
    Rules = [
        ColumnValues "say \\"hi\\"" > 3 with threshold >= 0.75,   # trailing comment
        ColumnLength "name" <= 40,
    ]
    """
    first, second = parse_dqdl(text).rules
    assert first.column == 'say "hi"'
    assert first.threshold == Condition(">=", (Decimal("0.75"),))
    assert second.threshold is None
    assert parse_dqdl("Rules = [ ]").rules == ()


def test_between_is_exclusive_and_not_between_its_complement() -> None:
    between = Condition("between", (Decimal(1), Decimal(3)))
    outside = Condition("not between", (Decimal(1), Decimal(3)))
    assert [between.holds(x) for x in (1, 2, 3)] == [False, True, False]
    assert [outside.holds(x) for x in (1, 2, 3)] == [True, False, True]


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ('Rules = [ Median "x" > 3 ]', ["unknown or unsupported rule type 'Median'", *SUPPORTED_RULES]),
        ('Rules = [ IsComplete "a", Foo ]', ["'Foo'", "line 1, column 27"]),
        ('Rules = [ (IsComplete "a") and IsUnique "b" ]', ["each member of a composite rule is in parentheses"]),
        ('Rules = [ (IsComplete "a") and (IsUnique "b" ]', ["expected ')' to close the parenthesis"]),
        ('Rules = [ ColumnCount > 3 where "b > 1" ]', ["ColumnCount does not take a 'where' clause"]),
        ('Rules = [ IsComplete "a" where "" ]', ["the 'where' clause is empty"]),
        ('Rules = [ IsComplete "a" where b ]', ["expected a quoted SQL condition after 'where'"]),
        ("Rules = [ IsComplete ]", ['IsComplete takes one column name, e.g. IsComplete "id"; found 0']),
        ('Rules = [ IsComplete "a" "b" ]', ["IsComplete takes one column name"]),
        ('Rules = [ ColumnCorrelation "a" > 0.5 ]', ["takes two column names"]),
        ('Rules = [ Mean "x" > "big" ]', ["Mean compares with numbers only"]),
        ("Rules = [ RowCount > avg(last(10)) ]", ["dynamic rules such as avg(...) are not supported yet"]),
        ("Rules = [ RowCount > $limit ]", ["variables ($name) are not supported"]),
        ('Rules = [ ColumnValues "x" in $list ]', ["variables ($name) are not supported"]),
        ('Rules = [ DataFreshness "d" > 3 ]', ["DataFreshness compares with durations"]),
        ('Rules = [ DataFreshness "d" <= 3 weeks ]', ["DataFreshness compares with durations"]),
        ('Rules = [ ColumnDataType "d" = "INTEGR" ]', ["unknown type 'INTEGR'"]),
        ('Rules = [ ColumnDataType "d" > 3 ]', ["compares with type names"]),
        ('Rules = [ ColumnValues "d" > (now() * 3 days) ]', ["expected '+' or '-' after now()"]),
        ('Rules = [ IsComplete "a" with weight > 0.5 ]', ["'with weight' is not supported; only 'with threshold'"]),
        ('Rules = [ ColumnValues "a" between NULL and 3 ]', ["'between' needs two values"]),
        ('Rules = [ IsComplete "a" labels = ["team" "x"] ]', ["expected '=' in the label"]),
        ("Rules = [ ColumnNamesMatchPattern aws_x ]", ["ColumnNamesMatchPattern needs a quoted regular expression"]),
        ('Rules = [ CustomSql "select 1" > 0 with threshold > 0.5 ]', ["'with threshold' is supported only for"]),
        ('x = ["a"] Rules = [ RowCount > 0 ]', ["'x' is not supported", "variables, analyzers"]),
        ('Metadata = { "Version": "1.0" } Rules = [ ]', ["'Metadata' is not supported"]),
        ('Rules = [ RowCount > "many" ]', ["RowCount compares with numbers only"]),
        ('Rules = [ RowCount matches "x" ]', ["RowCount takes a numeric condition"]),
        ("Rules = [ RowCount ]", ["RowCount needs a condition"]),
        ('Rules = [ IsUnique "a" with threshold > 0.5 ]', ["'with threshold' is supported only for"]),
        ('Rules = [ ColumnValues "a" > 1 with threshold > 2 ]', ["between 0 and 1"]),
        ('Rules = [ ColumnValues "d" between 1 ]', ["expected 'and' between the two bounds"]),
        ("Rules = [ RowCount > 0", ["expected ',' between rules or ']'", "the end of the text"]),
        ("Rules [ RowCount > 0 ]", ["expected '=' after 'Rules'"]),
        ("RowCount > 0", ["a ruleset starts with 'Rules = ['"]),
        ("Rules = [ RowCount > 0 ] extra", ["after the rule list"]),
        ('Rules = [ ColumnValues "a" in ["x" "y"] ]', ["',' or ']' in the list of values"]),
        ("Rules = [ RowCount > 0 ; ]", ["unexpected character ';'"]),
        ("   ", ["the ruleset is empty"]),
    ],
)
def test_errors_name_the_problem(text: str, fragments: list[str]) -> None:
    with pytest.raises(DqdlError) as caught:
        parse_dqdl(text)
    for fragment in fragments:
        assert fragment in str(caught.value)


def test_error_positions_count_lines() -> None:
    with pytest.raises(DqdlError, match="line 3, column 5: unknown or unsupported rule type 'Summ'"):
        parse_dqdl('Rules = [\n    RowCount > 0,\n    Summ "x" > 1\n]')


@pytest.mark.parametrize("kind", sorted(UNSUPPORTED_RULES))
def test_rules_that_need_another_dataset_or_history_fail_naming_why(kind: str) -> None:
    with pytest.raises(
        DqdlError, match=rf"rule type '{kind}' is not supported yet: (it compares|it needs|it checks|it is)"
    ):
        parse_dqdl(f'Rules = [ {kind} "a" ]')


def one(text: str) -> Rule:
    (rule,) = parse_dqdl(f"Rules = [ {text} ]").rules
    assert isinstance(rule, Rule)
    return rule


def test_the_documented_forms() -> None:
    """`of` and `and` between parameters, unquoted names, several columns, where clauses and labels."""
    assert one("Completeness of name > 0.5").columns == ("name",)
    assert one('ColumnCorrelation of "a" and "b" > 0.8').columns == ("a", "b")
    assert one('IsUnique "a" "b"').columns == ("a", "b")
    assert one("IsPrimaryKey a and b").columns == ("a", "b")
    assert one("Uniqueness order.id > 0.9").columns == ("order.id",)
    rule = one('IsComplete "a" where "b > 10" labels = ["team" = "data", "level" = "high"]')
    assert (rule.where, rule.labels) == ("b > 10", (("team", "data"), ("level", "high")))
    rule = one('ColumnValues "a" > 1 with threshold > 0.5 where "b = \\"x\\""')
    assert rule.threshold == Condition(">", (Decimal("0.5"),)) and rule.where == 'b = "x"'
    assert one('ColumnDataType "a" = "INTEGER" with threshold > 0.9').threshold == Condition(">", (Decimal("0.9"),))
    assert one('CustomSql "select count(*) from primary" between 1 and 5').columns == ("select count(*) from primary",)
    assert one('ColumnNamesMatchPattern "[a-z_]+"').columns == ("[a-z_]+",)
    assert one("RowCount > 10 * 2 - (3 + 1) / 2").condition == Condition(">", (Decimal(18),))
    default = parse_dqdl('DefaultLabels = ["owner" = "me"] Rules = [ RowCount > 0 ]')
    assert default.default_labels == (("owner", "me"),)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('ColumnValues "x" = NULL', Condition("=", (Keyword.NULL,))),
        ('ColumnValues "x" != EMPTY', Condition("!=", (Keyword.EMPTY,))),
        ('ColumnValues "x" = whitespaces_only', Condition("=", (Keyword.WHITESPACES_ONLY,))),
        ('ColumnValues "x" in [NULL, 1]', Condition("in", (Keyword.NULL, Decimal(1)))),
        ('ColumnValues "d" > "2024-01-31"', Condition(">", (Date("2024-01-31"),))),
        (
            'ColumnValues "d" between "9:30 AM" and "17:00"',
            Condition("between", (TimeOfDay("9:30 AM", 570), TimeOfDay("17:00", 1020))),
        ),
        ('ColumnValues "d" <= now()', Condition("<=", (Now(),))),
        ('ColumnValues "d" > (now() - 3 days)', Condition(">", (Now(-3 * 86400),))),
        ('ColumnValues "d" < (now() + 90 minutes)', Condition("<", (Now(5400),))),
        ('DataFreshness "d" <= 24 hours', Condition("<=", (Duration(24, "hours"),))),
        (
            'DataFreshness "d" between 2 days and 5 days',
            Condition("between", (Duration(2, "days"), Duration(5, "days"))),
        ),
        ('ColumnDataType "d" in ["DATE", "timestamp"]', Condition("in", ("DATE", "timestamp"))),
        ("Mean x = NULL", Condition("=", (Keyword.NULL,))),
    ],
)
def test_values(text: str, expected: Condition) -> None:
    assert one(text).condition == expected


def test_composite_rules() -> None:
    (rule,) = parse_dqdl(
        'Rules = [ (IsComplete "a") and (ColumnValues "b" > 1) or ((IsUnique "c") and (RowCount > 0)) ]'
    ).rules
    assert isinstance(rule, Composite) and rule.op == "or"
    first, second = rule.members
    assert (
        isinstance(first, Composite)
        and first.op == "and"
        and [m.kind for m in first.members] == ["IsComplete", "ColumnValues"]
    )
    assert isinstance(second, Composite) and [m.kind for m in second.members] == ["IsUnique", "RowCount"]
    assert first.row_level and not second.row_level and not rule.row_level
    assert [leaf.kind for leaf in rule.leaves()] == ["IsComplete", "ColumnValues", "IsUnique", "RowCount"]
    assert rule.text == '(IsComplete "a") and (ColumnValues "b" > 1) or ((IsUnique "c") and (RowCount > 0))'
    (labelled,) = parse_dqdl('Rules = [ ((IsComplete "a") OR (IsComplete "b")) labels = ["k" = "v"] ]').rules
    assert isinstance(labelled, Composite) and labelled.labels == (("k", "v"),) and labelled.op == "or"
