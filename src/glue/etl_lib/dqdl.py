"""A parser for DQDL (AWS Glue Data Quality Definition Language), for the rule types etl_lib evaluates.

Pure Python, no Spark and no engine: the parsed rules (`Rule`, `Composite`, `Condition` and its values)
describe what to check, and an engine (etl_lib.dq for Spark) compiles them. It follows the grammar of AWS's
DQDL parser (github.com/awslabs/dqdl, DataQualityDefinitionLanguage.g4) for these forms:

    document   := [ "DefaultLabels" "=" labels-list ] "Rules" "=" "[" [ top { "," top } [","] ] "]"
    top        := and-expr { ("or" | "OR") and-expr }           (and binds tighter than or)
    and-expr   := primary { ("and" | "AND") primary }
    primary    := "(" top ")" [ labels ] | rule                  (members of a composite rule are parenthesised)
    rule       := RuleType { ["of" | "and"] parameter } [ condition ]
                  { "where" STRING | labels | "with" "threshold" condition }
    parameter  := STRING | NAME                                  (a quoted or unquoted column name)
    labels     := "labels" "=" "[" [ STRING "=" STRING { "," STRING "=" STRING } ] "]"
    condition  := ("=" | "!=" | ">" | ">=" | "<" | "<=") value
                | ["not"] "between" value "and" value
                | ["not"] "in" "[" value { "," value } "]"
                | ["not"] "matches" STRING
    value      := number-expression | STRING | NULL | EMPTY | WHITESPACES_ONLY
                | "YYYY-MM-DD" | "HH:MM" | "H:MM AM" | now() | "(" now() ("+" | "-") duration ")" | duration
    number-expression := NUMBER, or numbers combined with + - * / and parentheses
    duration   := INTEGER ("days" | "hours" | "minutes")

Semantics follow AWS Glue Data Quality where it defines them: rule names are case sensitive, `between`
is exclusive of both bounds (`not between` is its complement), `matches` must match the whole value (a
Java regular expression), and `now()` is the time the run starts. Forms that need something this job
does not have raise `DqdlError` naming the rule and why: dynamic rules (`last(N)`, `avg(...)`: the
metrics of earlier runs), rules on another dataset, the File* rules, variables, analyzers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Union

from etl_lib.errors import DqdlError

# Rule types and what they take (columns: 0, 1, 2, or "1+"; a condition; which conditions).
ROW_RULES = ("ColumnLength", "ColumnValues", "DataFreshness", "IsComplete", "IsPrimaryKey", "IsUnique")
DATASET_RULES = (
    "ColumnCorrelation",
    "ColumnCount",
    "ColumnDataType",
    "ColumnExists",
    "ColumnNamesMatchPattern",
    "Completeness",
    "CustomSql",
    "DistinctValuesCount",
    "Entropy",
    "Mean",
    "RowCount",
    "StandardDeviation",
    "Sum",
    "UniqueValueRatio",
    "Uniqueness",
    "Variance",
)
SUPPORTED_RULES = tuple(sorted(DATASET_RULES + ROW_RULES))

# Documented rule types not evaluated here, and why.
_OTHER_DATASET = "it compares with another (reference) dataset, which this job does not read"
UNSUPPORTED_RULES = {
    "AggregateMatch": _OTHER_DATASET,
    "DatasetMatch": _OTHER_DATASET,
    "ReferentialIntegrity": _OTHER_DATASET,
    "RowCountMatch": _OTHER_DATASET,
    "SchemaMatch": _OTHER_DATASET,
    "DetectAnomalies": "it needs the metrics of earlier runs",
    "FileFreshness": "it checks the input files, not the mapped rows",
    "FileMatch": "it checks the input files, not the mapped rows",
    "FileSize": "it checks the input files, not the mapped rows",
    "FileUniqueness": "it checks the input files, not the mapped rows",
    "AllStatistics": "it is an analyzer, not a rule",
}

_ONE: tuple[str, ...] = (
    "Completeness",
    "IsComplete",
    "ColumnValues",
    "ColumnLength",
    "ColumnDataType",
    "ColumnExists",
    "Mean",
    "Sum",
    "StandardDeviation",
    "Variance",
    "Entropy",
    "DistinctValuesCount",
    "UniqueValueRatio",
    "DataFreshness",
)
_COLUMNS: dict[str, str] = {kind: "1" for kind in _ONE}
_COLUMNS.update({"IsUnique": "1+", "Uniqueness": "1+", "IsPrimaryKey": "1+", "ColumnCorrelation": "2"})
_COLUMNS.update({"RowCount": "0", "ColumnCount": "0", "ColumnNamesMatchPattern": "text", "CustomSql": "text"})
_NO_CONDITION = {"IsComplete", "IsUnique", "IsPrimaryKey", "ColumnExists", "ColumnNamesMatchPattern"}
_TAKES_THRESHOLD = {"ColumnValues", "ColumnLength", "ColumnDataType"}
_NO_WHERE = {"ColumnCount", "ColumnExists", "ColumnNamesMatchPattern", "CustomSql"}
# What a rule's condition compares: numbers (metrics), any value (ColumnValues), type names, durations.
_VALUE_KIND = {"ColumnValues": "any", "ColumnDataType": "type", "DataFreshness": "duration"}
DATA_TYPES = (
    "BOOLEAN",
    "DATE",
    "TIMESTAMP",
    "INTEGER",
    "LONG",
    "SHORT",
    "BYTE",
    "FLOAT",
    "DOUBLE",
    "DECIMAL",
    "STRING",
)

_COMPARISONS = ("=", "!=", ">", ">=", "<", "<=")
_RESERVED = {"and", "AND", "or", "OR", "of", "OF", "not", "between", "in", "matches", "with", "where", "labels"}


class Keyword(Enum):
    """The DQDL keywords for special values (in comparisons and in `in [...]` lists)."""

    NULL = "NULL"
    EMPTY = "EMPTY"
    WHITESPACES_ONLY = "WHITESPACES_ONLY"


_UNITS = {"days": 86400, "hours": 3600, "minutes": 60}


@dataclass(frozen=True)
class Duration:
    """`3 days`, `24 hours`, `30 minutes`."""

    amount: int
    unit: str

    @property
    def seconds(self) -> int:
        return self.amount * _UNITS[self.unit]


@dataclass(frozen=True)
class Now:
    """`now()`, or `(now() - 3 days)`: the run's start time plus `offset_seconds`."""

    offset_seconds: int = 0


@dataclass(frozen=True)
class Date:
    """A date literal, `"2024-01-31"`."""

    text: str


@dataclass(frozen=True)
class TimeOfDay:
    """A time literal, `"14:30"` or `"2:30 PM"`: minutes after midnight."""

    text: str
    minutes: int


# typing.Union, not `|`: a module-level alias is evaluated at import, and Glue Python-shell jobs run Python 3.9.
Value = Union[Decimal, str, Keyword, Duration, Now, Date, TimeOfDay]


@dataclass(frozen=True)
class Condition:
    """`op` is one of =, !=, >, >=, <, <=, between, not between, in, not in, matches, not matches."""

    op: str
    operands: tuple[Value, ...]

    @property
    def negated(self) -> bool:
        return self.op in ("!=", "not between", "not in", "not matches")

    def holds(self, metric: float | None) -> bool:
        """Evaluate a numeric condition against a dataset-level metric (in Python, after the pass).

        A missing metric (None: nothing to measure) meets only `= NULL`, `!= <number>` and the negated forms."""
        if metric is None:
            return (self.op == "=" and self.operands[0] is Keyword.NULL) or (
                self.negated and not (self.op == "!=" and self.operands[0] is Keyword.NULL)
            )
        values = [float(v) for v in self.operands if isinstance(v, Decimal)]
        if self.op in ("=", "!=") and self.operands[0] is Keyword.NULL:
            return self.op == "!="
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
    """One DQDL rule; `text` is the rule as written (whitespace collapsed), used in reports and reasons.

    `columns` are its column names (for ColumnNamesMatchPattern the pattern, for CustomSql the statement)."""

    kind: str
    columns: tuple[str, ...]
    condition: Condition | None
    threshold: Condition | None
    text: str
    where: str | None = None
    labels: tuple[tuple[str, str], ...] = ()

    @property
    def column(self) -> str | None:
        """The first column (the only one, for most rule types)."""
        return self.columns[0] if self.columns and self.kind not in ("ColumnNamesMatchPattern", "CustomSql") else None

    @property
    def row_level(self) -> bool:
        """Row-level rules give each row a pass/fail flag (used for quarantine); others give one metric."""
        return self.kind in ROW_RULES

    def leaves(self) -> tuple[Rule, ...]:
        return (self,)


@dataclass(frozen=True)
class Composite:
    """`(A) and (B)`, `(A) or (B)`: row-level when every member is (a row fails `and` if it fails any member,
    `or` if it fails every member); otherwise it combines the members' outcomes."""

    op: str  # "and" | "or"
    members: tuple[Rule | Composite, ...]
    text: str
    labels: tuple[tuple[str, str], ...] = ()
    kind: str = "Composite"
    condition: None = None
    threshold: None = None
    where: None = None
    columns: tuple[str, ...] = ()
    column: None = None

    @property
    def row_level(self) -> bool:
        return all(member.row_level for member in self.members)

    def leaves(self) -> tuple[Rule, ...]:
        return tuple(leaf for member in self.members for leaf in member.leaves())


RuleNode = Union[Rule, Composite]


@dataclass(frozen=True)
class Ruleset:
    rules: tuple[RuleNode, ...] = field(default_factory=tuple)
    default_labels: tuple[tuple[str, str], ...] = ()

    def leaves(self) -> tuple[Rule, ...]:
        return tuple(leaf for rule in self.rules for leaf in rule.leaves())

    def columns(self) -> list[str]:
        return sorted({name for leaf in self.leaves() if leaf.column is not None for name in leaf.columns})


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
  | (?P<NUMBER>(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?)
  | (?P<IDENT>now\(\)|[A-Za-z_][A-Za-z0-9_.]*)
  | (?P<OP>!=|>=|<=|[=<>\[\](){}:,*+/$-])
    """,
    re.VERBOSE,
)
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME_RE = re.compile(r"^(\d{1,2}):(\d{2})(?: (AM|PM))?$")


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
                # DQDL strings escape the double quote and the backslash; other backslashes are kept (regexes).
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

    def peek(self, offset: int = 1) -> _Token:
        return self.tokens[min(self.index + offset, len(self.tokens) - 1)]

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

    def at(self, kind: str, *texts: str) -> bool:
        return self.current.kind == kind and (not texts or self.current.text in texts)

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

    def _span(self, start: _Token) -> str:
        last = self.tokens[self.index - 1]
        return " ".join(self.text[start.pos : last.pos + len(last.text)].split())

    # -- document ----------------------------------------------------------------------------------
    def ruleset(self) -> Ruleset:
        default_labels: tuple[tuple[str, str], ...] = ()
        if self.at("IDENT", "DefaultLabels"):
            self.advance()
            self.expect("OP", "=", "'=' after 'DefaultLabels'")
            default_labels = self.label_list()
        start = self.current
        if self.at("IDENT", "Metadata", "DataSources", "Analyzers") or (
            start.kind == "IDENT" and self.peek().text == "=" and start.text != "Rules"
        ):
            raise self.error(
                f"{start.text!r} is not supported (only 'Rules = [ ... ]', optionally after 'DefaultLabels'): "
                "variables, analyzers and data sources are not evaluated by this job"
            )
        if start.kind != "IDENT" or start.text != "Rules":
            raise self.error(f"a ruleset starts with 'Rules = [', found {self._describe(start)}")
        self.advance()
        self.expect("OP", "=", "'=' after 'Rules'")
        self.expect("OP", "[", "'[' to open the rule list")
        rules: list[RuleNode] = []
        while not self.accept("OP", "]"):
            if rules:
                self.expect("OP", ",", "',' between rules or ']' to close the list")
                if self.accept("OP", "]"):
                    break
            rules.append(self.top())
        if self.current.kind != "END":
            raise self.error(f"unexpected {self._describe(self.current)} after the rule list")
        return Ruleset(tuple(rules), default_labels)

    def top(self) -> RuleNode:
        start = self.current
        node = self.and_expr()
        members = [node]
        while self.at("IDENT", "or", "OR"):
            self.advance()
            members.append(self.and_expr())
        if len(members) == 1:
            return node
        return Composite("or", tuple(members), self._span(start))

    def and_expr(self) -> RuleNode:
        start = self.current
        node = self.primary()
        members = [node]
        while self.at("IDENT", "and", "AND"):
            self.advance()
            if not self.at("OP", "("):
                raise self.error('each member of a composite rule is in parentheses, e.g. (IsComplete "a") and (...)')
            members.append(self.primary())
        if len(members) == 1:
            return node
        return Composite("and", tuple(members), self._span(start))

    def primary(self) -> RuleNode:
        start = self.current
        if self.accept("OP", "("):
            inner = self.top()
            self.expect("OP", ")", "')' to close the parenthesis")
            labels = self.label_clause() if self.at("IDENT", "labels") else ()
            if isinstance(inner, Composite):
                return Composite(inner.op, inner.members, self._span(start), labels or inner.labels)
            if not self.at("IDENT", "and", "AND", "or", "OR") and not labels:
                return inner  # a rule in parentheses alone
            return Rule(
                inner.kind,
                inner.columns,
                inner.condition,
                inner.threshold,
                inner.text,
                inner.where,
                labels or inner.labels,
            )
        return self.rule()

    # -- one rule -----------------------------------------------------------------------------------
    def rule(self) -> Rule:
        start = self.current
        if start.kind != "IDENT":
            raise self.error(f"expected a rule type, found {self._describe(start)}")
        kind = start.text
        if kind in UNSUPPORTED_RULES:
            raise self.error(f"rule type {kind!r} is not supported yet: {UNSUPPORTED_RULES[kind]}")
        if kind not in SUPPORTED_RULES:
            raise self.error(
                f"unknown or unsupported rule type {kind!r}; supported rule types: {', '.join(SUPPORTED_RULES)}"
            )
        self.advance()
        columns = self.parameters(kind)
        condition = None
        if kind not in _NO_CONDITION:
            if (
                self.current.kind == "END"
                or self.at("OP", ",", "]", ")")
                or self.at("IDENT", "where", "with", "labels")
            ):
                raise self.error(f"{kind} needs a condition, e.g. '> 0' or 'between 1 and 10'")
            condition = self.condition(kind)
        threshold = None
        where: str | None = None
        labels: tuple[tuple[str, str], ...] = ()
        while True:
            if self.at("IDENT", "with"):
                self.advance()
                tag = self.expect("IDENT", None, "'threshold' after 'with'")
                if tag.text != "threshold":
                    raise self.error(f"'with {tag.text}' is not supported; only 'with threshold'", tag)
                if kind not in _TAKES_THRESHOLD or threshold is not None:
                    raise self.error(f"'with threshold' is supported only for {', '.join(sorted(_TAKES_THRESHOLD))}")
                threshold = self.condition("threshold")
            elif self.at("IDENT", "where"):
                if kind in _NO_WHERE or where is not None:
                    raise self.error(f"{kind} does not take a 'where' clause")
                self.advance()
                clause = self.expect("STRING", None, "a quoted SQL condition after 'where'")
                where = clause.value.strip()
                if not where:
                    raise self.error("the 'where' clause is empty", clause)
            elif self.at("IDENT", "labels"):
                labels = self.label_clause()
            else:
                break
        end = self.current
        if not (end.kind == "END" or self.at("OP", ",", "]", ")") or self.at("IDENT", "and", "AND", "or", "OR")):
            raise self.error(f"unexpected {self._describe(end)} in rule {kind}")
        return Rule(kind, columns, condition, threshold, self._span(start), where, labels)

    def parameters(self, kind: str) -> tuple[str, ...]:
        expected = _COLUMNS[kind]
        names: list[str] = []
        while True:
            token = self.current
            connector = token.kind == "IDENT" and token.text in ("of", "OF", "and", "AND")
            following = self.peek() if connector else token
            if connector and names == [] and token.text in ("and", "AND"):
                break
            if following.kind == "STRING" or (
                following.kind == "IDENT"
                and following.text not in _RESERVED
                and not following.text.endswith("()")
                and following.text not in Keyword.__members__
                and expected != "text"
            ):
                if connector and expected == "0":
                    break
                if connector:
                    self.advance()
                self.advance()
                if following.kind == "IDENT" and following.text in ("now",):
                    raise self.error(f"{following.text!r} is not a column name", following)
                names.append(following.value)
                if not following.value.strip():
                    raise self.error(f"{kind} has an empty column name", following)
                continue
            break
        count = len(names)
        if expected == "0" and count:
            raise self.error(f"{kind} takes no column")
        if expected == "text" and count != 1:
            what = "a quoted regular expression" if kind == "ColumnNamesMatchPattern" else "a quoted SQL statement"
            raise self.error(f'{kind} needs {what}, e.g. {kind} "..."')
        if expected == "1" and count != 1:
            raise self.error(f'{kind} takes one column name, e.g. {kind} "id"; found {count}')
        if expected == "2" and count != 2:
            raise self.error(f'{kind} takes two column names, e.g. {kind} "a" and "b"; found {count}')
        if expected == "1+" and count == 0:
            raise self.error(f'{kind} needs one or more column names, e.g. {kind} "id"')
        return tuple(names)

    def label_clause(self) -> tuple[tuple[str, str], ...]:
        self.expect("IDENT", "labels", "'labels'")
        self.expect("OP", "=", "'=' after 'labels'")
        return self.label_list()

    def label_list(self) -> tuple[tuple[str, str], ...]:
        self.expect("OP", "[", "'[' to open the labels")
        labels: list[tuple[str, str]] = []
        while not self.accept("OP", "]"):
            if labels:
                self.expect("OP", ",", "',' between labels or ']'")
            key = self.expect("STRING", None, 'a label as "key" = "value"')
            self.expect("OP", "=", "'=' in the label")
            value = self.expect("STRING", None, "a quoted label value")
            labels.append((key.value, value.value))
        return tuple(labels)

    # -- conditions and values ---------------------------------------------------------------------
    def condition(self, kind: str) -> Condition:
        token = self.current
        negate = False
        if token.kind == "IDENT" and token.text == "not":
            negate = True
            self.advance()
            token = self.current
        if token.kind == "OP" and token.text in _COMPARISONS and not negate:
            self.advance()
            condition = Condition(token.text, (self.value(kind),))
        elif token.kind == "IDENT" and token.text == "between":
            self.advance()
            low = self.value(kind)
            self.expect("IDENT", "and", "'and' between the two bounds")
            condition = Condition("not between" if negate else "between", (low, self.value(kind)))
        elif token.kind == "IDENT" and token.text == "in":
            self.advance()
            condition = Condition("not in" if negate else "in", self.items(kind))
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
        value_kind = _VALUE_KIND.get(kind, "number")
        if value_kind == "any":
            if condition.op in ("between", "not between") and any(
                isinstance(v, Keyword) or v is None for v in condition.operands
            ):
                raise self.error("'between' needs two values, not NULL, EMPTY or WHITESPACES_ONLY", token)
            return
        if value_kind == "type":
            if condition.op not in ("=", "!=", "in", "not in") or not all(
                isinstance(v, str) for v in condition.operands
            ):
                raise self.error(f'{kind} compares with type names, e.g. = "INTEGER" or in ["DATE","TIMESTAMP"]', token)
            for value in condition.operands:
                assert isinstance(value, str)
                if value.upper() not in DATA_TYPES:
                    raise self.error(f"{kind}: unknown type {value!r}; one of {', '.join(DATA_TYPES)}", token)
            return
        if value_kind == "duration":
            if condition.op in ("matches", "not matches") or not all(
                isinstance(v, Duration) for v in condition.operands
            ):
                raise self.error(
                    f"{kind} compares with durations, e.g. <= 24 hours or between 1 days and 3 days", token
                )
            return
        if condition.op in ("matches", "not matches"):
            raise self.error(f"{kind} takes a numeric condition, not {condition.op!r}", token)
        for value in condition.operands:
            if not isinstance(value, Decimal) and not (value is Keyword.NULL and condition.op in ("=", "!=")):
                raise self.error(f"{kind} compares with numbers only", token)
        if kind == "threshold":
            for value in condition.operands:
                if isinstance(value, Decimal) and not Decimal(0) <= value <= Decimal(1):
                    raise self.error("a threshold is a fraction of rows between 0 and 1", token)

    def value(self, kind: str) -> Value:
        token = self.current
        if token.kind == "IDENT" and token.text in Keyword.__members__:
            self.advance()
            return Keyword(token.text)
        if token.kind == "IDENT" and token.text.lower() in ("null", "empty", "whitespaces_only"):
            self.advance()
            return Keyword(token.text.upper())
        if token.kind == "STRING":
            self.advance()
            if _DATE_RE.match(token.value):
                return Date(token.value)
            time = _TIME_RE.match(token.value)
            if time and int(time.group(2)) < 60:
                hours, minutes, half = int(time.group(1)), int(time.group(2)), time.group(3)
                if half:
                    if not 1 <= hours <= 12:
                        raise self.error(f"bad time {token.value!r}", token)
                    hours = hours % 12 + (12 if half == "PM" else 0)
                if hours < 24:
                    return TimeOfDay(token.value, hours * 60 + minutes)
            return token.value
        if token.kind == "IDENT" and token.text == "now()":
            self.advance()
            return Now()
        if token.kind == "OP" and token.text == "(" and self.peek().text == "now()":
            self.advance()
            self.advance()
            sign = self.expect("OP", None, "'+' or '-' after now()")
            if sign.text not in ("+", "-"):
                raise self.error("expected '+' or '-' after now()", sign)
            duration = self.duration()
            self.expect("OP", ")", "')' after the duration")
            return Now(duration.seconds if sign.text == "+" else -duration.seconds)
        if token.kind == "NUMBER" and self.peek().kind == "IDENT" and self.peek().text in _UNITS:
            return self.duration()
        if token.kind in ("NUMBER", "OP") or (token.kind == "IDENT" and self.peek().text == "("):
            return self.number()
        raise self.error(f"expected a number, a quoted string, a date or now(), found {self._describe(token)}")

    def duration(self) -> Duration:
        amount = self.expect("NUMBER", None, "a whole number of days, hours or minutes")
        if not amount.text.isdigit():
            raise self.error("a duration is a whole number of days, hours or minutes", amount)
        unit = self.expect("IDENT", None, "days, hours or minutes")
        if unit.text not in _UNITS:
            raise self.error(f"unknown time unit {unit.text!r}; use days, hours or minutes", unit)
        return Duration(int(amount.text), unit.text)

    # number-expression: sums of products of (signed) atoms; constants only.
    def number(self) -> Decimal:
        value = self._term()
        while self.at("OP", "+", "-"):
            op = self.advance().text
            right = self._term()
            value = value + right if op == "+" else value - right
        return value

    def _term(self) -> Decimal:
        value = self._atom()
        while self.at("OP", "*", "/"):
            op = self.advance()
            right = self._atom()
            if op.text == "/" and right == 0:
                raise self.error("division by zero", op)
            value = value * right if op.text == "*" else value / right
        return value

    def _atom(self) -> Decimal:
        token = self.current
        if token.kind == "OP" and token.text == "-":
            self.advance()
            return -self._atom()
        if token.kind == "OP" and token.text == "(":
            self.advance()
            value = self.number()
            self.expect("OP", ")", "')'")
            return value
        if token.kind == "NUMBER":
            self.advance()
            try:
                return Decimal(token.text)
            except InvalidOperation as exc:  # pragma: no cover - the token regex admits only valid numbers
                raise self.error(f"bad number {token.text!r}") from exc
        if token.kind == "IDENT" and self.peek().text == "(":
            raise self.error(
                f"dynamic rules such as {token.text}(...) are not supported yet: they need the metrics of earlier "
                "runs; compare with a constant"
            )
        if token.kind == "OP" and token.text == "$":
            raise self.error("variables ($name) are not supported; write the value")
        raise self.error(f"expected a number, found {self._describe(token)}")

    def items(self, kind: str) -> tuple[Value, ...]:
        if self.at("OP", "$"):
            raise self.error("variables ($name) are not supported; write the list")
        self.expect("OP", "[", "'[' to open the list of values")
        items: list[Value] = []
        while True:
            items.append(self.value(kind))
            if self.accept("OP", "]"):
                return tuple(items)
            self.expect("OP", ",", "',' or ']' in the list of values")


def parse_dqdl(text: str) -> Ruleset:
    """Parse a DQDL ruleset (`Rules = [ ... ]`); raises `DqdlError` naming the position and the problem."""
    if not text.strip():
        raise DqdlError("DQDL: the ruleset is empty; expected 'Rules = [ ... ]'.")
    return _Parser(text).ruleset()
