"""A parser for the subset of DQDL (AWS Glue Data Quality Definition Language) that etl_lib evaluates.

Pure Python, no Spark. A tokenizer feeds a recursive-descent parser for this grammar:

    ruleset    := "Rules" "=" "[" [ rule { "," rule } [","] ] "]"      (an empty list means no rules)
    rule       := RowCount condition | ColumnCount condition
                | Completeness STRING condition
                | IsComplete STRING | IsUnique STRING
                | ColumnValues STRING condition [ threshold ]
                | ColumnLength STRING condition [ threshold ]
    threshold  := "with" "threshold" condition            (numeric comparisons only)
    condition  := ("=" | "!=" | ">" | ">=" | "<" | "<=") value
                | ["not"] "between" value "and" value
                | ["not"] "in" "[" item { "," item } "]"
                | ["not"] "matches" STRING
    value      := NUMBER | STRING
    item       := NUMBER | STRING | NULL | EMPTY | WHITESPACES_ONLY

Semantics follow AWS Glue Data Quality where it defines them: rule names are case sensitive, `between`
is exclusive of both bounds (`not between` is its complement), and `matches` must match the whole
value (a Java regular expression). Composite rules (`(A) and (B)`), `where` clauses, dynamic rules
(`last(3)`, `now()`) and other rule types raise `DqdlError` naming what was found and listing what is
supported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import Enum

from etl_lib.errors import DqdlError

DATASET_RULES = ("ColumnCount", "Completeness", "RowCount")
ROW_RULES = ("ColumnLength", "ColumnValues", "IsComplete", "IsUnique")
SUPPORTED_RULES = tuple(sorted(DATASET_RULES + ROW_RULES))
# Rule types that take a column name, a condition, and accept `with threshold`.
_TAKES_COLUMN = {"Completeness", "IsComplete", "IsUnique", "ColumnValues", "ColumnLength"}
_TAKES_CONDITION = {"RowCount", "ColumnCount", "Completeness", "ColumnValues", "ColumnLength"}
_TAKES_THRESHOLD = {"ColumnValues", "ColumnLength"}
_COMPARISONS = ("=", "!=", ">", ">=", "<", "<=")
_NUMERIC_OPS = {*_COMPARISONS, "between", "not between", "in", "not in"}


class Keyword(Enum):
    """The DQDL keywords allowed in an `in [...]` list."""

    NULL = "NULL"
    EMPTY = "EMPTY"
    WHITESPACES_ONLY = "WHITESPACES_ONLY"


Value = Decimal | str | Keyword


@dataclass(frozen=True)
class Condition:
    """`op` is one of =, !=, >, >=, <, <=, between, not between, in, not in, matches, not matches."""

    op: str
    operands: tuple[Value, ...]

    @property
    def negated(self) -> bool:
        return self.op in ("!=", "not between", "not in", "not matches")

    def holds(self, metric: float) -> bool:
        """Evaluate a numeric condition against a dataset-level metric (in Python, after the pass)."""
        values = [float(v) for v in self.operands if isinstance(v, Decimal)]
        if self.op in ("between", "not between"):
            inside = values[0] < metric < values[1]
            return inside if self.op == "between" else not inside
        if self.op in ("in", "not in"):
            found = metric in values
            return found if self.op == "in" else not found
        comparisons = {
            "=": metric == values[0],
            "!=": metric != values[0],
            ">": metric > values[0],
            ">=": metric >= values[0],
            "<": metric < values[0],
            "<=": metric <= values[0],
        }
        return comparisons[self.op]


@dataclass(frozen=True)
class Rule:
    """One DQDL rule; `text` is the rule as written (whitespace collapsed), used in reports and reasons."""

    kind: str
    column: str | None
    condition: Condition | None
    threshold: Condition | None
    text: str

    @property
    def row_level(self) -> bool:
        """Row-level rules give each row a pass/fail flag (used for quarantine); others give one metric."""
        return self.kind in ROW_RULES


@dataclass(frozen=True)
class Ruleset:
    rules: tuple[Rule, ...] = field(default_factory=tuple)

    def columns(self) -> list[str]:
        return sorted({rule.column for rule in self.rules if rule.column is not None})


@dataclass(frozen=True)
class _Token:
    kind: str  # IDENT, STRING, NUMBER, OP, END
    text: str
    value: str
    pos: int


_TOKEN_RE = re.compile(
    r"""
    (?P<ws>\s+|\#[^\n]*)
  | (?P<STRING>"(?:\\.|[^"\\])*")
  | (?P<NUMBER>-?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?)
  | (?P<IDENT>[A-Za-z_][A-Za-z0-9_]*(?:\(\))?)
  | (?P<OP>!=|>=|<=|[=<>\[\](),*+-])
    """,
    re.VERBOSE,
)


def _position(text: str, pos: int) -> str:
    line = text.count("\n", 0, pos) + 1
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return f"line {line}, column {column}"


def tokenize(text: str) -> list[_Token]:
    """Split DQDL text into tokens; `#` starts a comment to the end of the line."""
    tokens: list[_Token] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN_RE.match(text, pos)
        if match is None:
            raise DqdlError(f"DQDL {_position(text, pos)}: unexpected character {text[pos]!r}.")
        kind = match.lastgroup or ""
        raw = match.group(0)
        if kind != "ws":
            value = raw
            if kind == "STRING":
                # DQDL strings escape only the double quote; other backslashes are kept (regexes need them).
                value = raw[1:-1].replace('\\"', '"')
            tokens.append(_Token(kind, raw, value, pos))
        pos = match.end()
    tokens.append(_Token("END", "", "", len(text)))
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.index = 0

    # -- token helpers --------------------------------------------------------------------------
    @property
    def current(self) -> _Token:
        return self.tokens[self.index]

    def _describe(self, token: _Token) -> str:
        return "the end of the text" if token.kind == "END" else repr(token.text)

    def error(self, message: str, token: _Token | None = None) -> DqdlError:
        token = token or self.current
        return DqdlError(f"DQDL {_position(self.text, token.pos)}: {message}.")

    def advance(self) -> _Token:
        token = self.current
        if token.kind != "END":
            self.index += 1
        return token

    def accept(self, kind: str, text: str | None = None) -> _Token | None:
        token = self.current
        if token.kind == kind and (text is None or token.text == text):
            return self.advance()
        return None

    def expect(self, kind: str, text: str | None, what: str) -> _Token:
        token = self.accept(kind, text)
        if token is None:
            raise self.error(f"expected {what}, found {self._describe(self.current)}")
        return token

    # -- grammar -----------------------------------------------------------------------------------
    def ruleset(self) -> Ruleset:
        start = self.current
        if start.kind != "IDENT" or start.text != "Rules":
            raise self.error(f"a ruleset starts with 'Rules = [', found {self._describe(start)}")
        self.advance()
        self.expect("OP", "=", "'=' after 'Rules'")
        self.expect("OP", "[", "'[' to open the rule list")
        rules: list[Rule] = []
        while not self.accept("OP", "]"):
            if rules:
                self.expect("OP", ",", "',' between rules or ']' to close the list")
                if self.accept("OP", "]"):
                    break
            rules.append(self.rule())
        if self.current.kind != "END":
            raise self.error(f"unexpected {self._describe(self.current)} after the rule list")
        return Ruleset(tuple(rules))

    def rule(self) -> Rule:
        start = self.current
        start_index = self.index
        if start.kind == "OP" and start.text == "(":
            raise self.error(
                "composite rules ('(A) and (B)', '(A) or (B)') are not supported; list the rules separately"
            )
        if start.kind != "IDENT":
            raise self.error(f"expected a rule type, found {self._describe(start)}")
        kind = start.text
        if kind not in SUPPORTED_RULES:
            raise self.error(
                f"unknown or unsupported rule type {kind!r}; supported rule types: {', '.join(SUPPORTED_RULES)}"
            )
        self.advance()
        column = None
        if kind in _TAKES_COLUMN:
            column_token = self.current
            if column_token.kind != "STRING":
                raise self.error(f'{kind} needs a quoted column name, e.g. {kind} "id"')
            self.advance()
            column = column_token.value
            if not column:
                raise self.error(f"{kind} has an empty column name", column_token)
        condition = None
        if kind in _TAKES_CONDITION:
            if self.current.kind == "END" or (self.current.kind == "OP" and self.current.text in (",", "]")):
                raise self.error(f"{kind} needs a condition, e.g. '> 0' or 'between 1 and 10'")
            condition = self.condition(kind)
        threshold = None
        if self.current.kind == "IDENT" and self.current.text == "with":
            if kind not in _TAKES_THRESHOLD:
                raise self.error(f"'with threshold' is supported only for {' and '.join(sorted(_TAKES_THRESHOLD))}")
            self.advance()
            self.expect("IDENT", "threshold", "'threshold' after 'with'")
            threshold = self.condition("threshold")
        if self.current.kind == "IDENT" and self.current.text == "where":
            raise self.error("'where' clauses are not supported")
        end = self.current
        if not (end.kind == "END" or (end.kind == "OP" and end.text in (",", "]"))):
            raise self.error(f"unexpected {self._describe(end)} in rule {kind}")
        last = self.tokens[max(self.index - 1, start_index)]
        text = " ".join(self.text[start.pos : last.pos + len(last.text)].split())
        return Rule(kind=kind, column=column, condition=condition, threshold=threshold, text=text)

    def condition(self, kind: str) -> Condition:
        token = self.current
        negate = False
        if token.kind == "IDENT" and token.text == "not":
            negate = True
            self.advance()
            token = self.current
        if token.kind == "OP" and token.text in _COMPARISONS and not negate:
            self.advance()
            condition = Condition(token.text, (self.value(),))
        elif token.kind == "IDENT" and token.text == "between":
            self.advance()
            low = self.value()
            self.expect("IDENT", "and", "'and' between the two bounds")
            condition = Condition("not between" if negate else "between", (low, self.value()))
        elif token.kind == "IDENT" and token.text == "in":
            self.advance()
            condition = Condition("not in" if negate else "in", self.items())
        elif token.kind == "IDENT" and token.text == "matches":
            self.advance()
            pattern = self.current
            if pattern.kind != "STRING":
                raise self.error("'matches' needs a quoted regular expression")
            self.advance()
            condition = Condition("not matches" if negate else "matches", (pattern.value,))
        else:
            raise self.error(
                f"expected a condition (=, !=, >, >=, <, <=, between, in, matches), found {self._describe(token)}"
            )
        self._check_operands(kind, condition, token)
        return condition

    def _check_operands(self, kind: str, condition: Condition, token: _Token) -> None:
        if kind == "ColumnValues":
            return
        if condition.op not in _NUMERIC_OPS:
            raise self.error(f"{kind} takes a numeric condition, not {condition.op!r}", token)
        if not all(isinstance(value, Decimal) for value in condition.operands):
            raise self.error(f"{kind} compares with numbers only", token)
        if kind == "threshold":
            for value in condition.operands:
                assert isinstance(value, Decimal)
                if not Decimal(0) <= value <= Decimal(1):
                    raise self.error("a threshold is a fraction of rows between 0 and 1", token)

    def value(self) -> Decimal | str:
        token = self.current
        if token.kind == "NUMBER":
            self.advance()
            try:
                return Decimal(token.text)
            except InvalidOperation as exc:  # pragma: no cover - the token regex admits only valid numbers
                raise self.error(f"bad number {token.text!r}") from exc
        if token.kind == "STRING":
            self.advance()
            return token.value
        if token.kind == "IDENT" and token.text.endswith("()"):
            raise self.error(f"dynamic expressions such as {token.text} are not supported; use a constant")
        raise self.error(f"expected a number or a quoted string, found {self._describe(token)}")

    def items(self) -> tuple[Value, ...]:
        self.expect("OP", "[", "'[' to open the list of values")
        items: list[Value] = []
        while True:
            token = self.current
            if token.kind == "IDENT" and token.text in Keyword.__members__:
                self.advance()
                items.append(Keyword(token.text))
            else:
                items.append(self.value())
            if self.accept("OP", "]"):
                return tuple(items)
            self.expect("OP", ",", "',' or ']' in the list of values")


def parse_dqdl(text: str) -> Ruleset:
    """Parse a DQDL ruleset (`Rules = [ ... ]`); raises `DqdlError` naming the position and the problem."""
    if not text.strip():
        raise DqdlError("DQDL: the ruleset is empty; expected 'Rules = [ ... ]'.")
    return _Parser(text).ruleset()
