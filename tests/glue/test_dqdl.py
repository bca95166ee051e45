"""The DQDL parser (pure Python): every supported form, and an error for everything else."""

from __future__ import annotations

from decimal import Decimal

import pytest

from etl_lib.dqdl import SUPPORTED_RULES, Condition, Keyword, parse_dqdl
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
        ('Rules = [ Mean "x" > 3 ]', ["unknown or unsupported rule type 'Mean'", *SUPPORTED_RULES]),
        ('Rules = [ IsComplete "a", Foo ]', ["'Foo'", "line 1, column 27"]),
        ('Rules = [ (IsComplete "a") and (IsUnique "b") ]', ["composite rules"]),
        ('Rules = [ IsComplete "a" where "b > 1" ]', ["'where' clauses are not supported"]),
        ("Rules = [ IsComplete id ]", ['IsComplete needs a quoted column name, e.g. IsComplete "id"']),
        ('Rules = [ RowCount > "many" ]', ["RowCount compares with numbers only"]),
        ('Rules = [ RowCount matches "x" ]', ["RowCount takes a numeric condition"]),
        ("Rules = [ RowCount ]", ["RowCount needs a condition"]),
        ('Rules = [ IsUnique "a" with threshold > 0.5 ]', ["'with threshold' is supported only for"]),
        ('Rules = [ ColumnValues "a" > 1 with threshold > 2 ]', ["between 0 and 1"]),
        ('Rules = [ ColumnValues "d" > (now() - 3 days) ]', ["expected a number or a quoted string"]),
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
    with pytest.raises(DqdlError, match="line 3, column 5: unknown or unsupported rule type 'Sum'"):
        parse_dqdl('Rules = [\n    RowCount > 0,\n    Sum "x" > 1\n]')
