"""Data-quality outcomes, engine-free: PASS/FAIL per rule from the numbers an engine measured.

Each engine (Spark: `etl_lib.dq`; DuckDB: `etl_lib.duckdb_engine.rules`) measures the same metrics, named
`r<key>_<what>` (`key` is the rule's index, `3_0` for the first member of composite rule 3; see `nodes`):

| metric | for | meaning |
| --- | --- | --- |
| `r<key>_failed` | row-level rules and members | mapped rows flagged as failing |
| `r<key>_rows` | every rule | mapped rows its `where` clause selects |
| `r<key>_nonnull` | Completeness/IsComplete, IsUnique/IsPrimaryKey, ColumnDataType | selected rows with a value |
| `r<key>_value` | Mean, Sum, StandardDeviation, Variance, ColumnCorrelation, CustomSql | the aggregate |
| `r<key>_compliant` | ColumnDataType | values that convert to one of the types |
| `r<key>_distinct`, `_singles` | the distinct-value rules (Uniqueness, ...) | distinct keys, keys seen once |
| `r<key>_keyed`, `_flogf` | the same | rows with a key, the sum of f*ln(f) over the keys' counts f |

`evaluate` turns them into the report's outcomes, so both engines decide and word every rule the same way.
Importable on Python 3.9 (the Glue Python-shell runtime).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from etl_lib.dqdl import Composite, Rule, RuleNode, Ruleset

PASS = "PASS"  # noqa: S105 - an outcome, not a password
FAIL = "FAIL"
SKIP = "SKIP"

FREQUENCY_RULES = ("Uniqueness", "DistinctValuesCount", "UniqueValueRatio", "Entropy")
SHAPE_RULES = ("RowCount", "ColumnCount", "ColumnExists", "ColumnNamesMatchPattern")
NUMERIC_RULES = ("Mean", "Sum", "StandardDeviation", "Variance", "ColumnCorrelation")
KEY_RULES = ("IsUnique", "IsPrimaryKey", *FREQUENCY_RULES)
PRIMARY = "primary"  # the name CustomSql statements use for the mapped rows, as in AWS Glue
# ColumnDataType's type names as the Spark SQL types a value is tried as (DECIMAL is Spark's widest decimal); the
# DuckDB engine converts to the same types with Spark's rules.
COLUMN_DATA_TYPES = {
    "BOOLEAN": "boolean",
    "DATE": "date",
    "TIMESTAMP": "timestamp",
    "INTEGER": "int",
    "LONG": "bigint",
    "SHORT": "smallint",
    "BYTE": "tinyint",
    "FLOAT": "float",
    "DOUBLE": "double",
    "DECIMAL": "decimal(38,18)",
    "STRING": "string",
}


@dataclass(frozen=True)
class RuleOutcome:
    """One line of the data-quality report."""

    rule: str
    outcome: str
    metric: str
    value: float | int | None
    failed_rows: int | None
    message: str
    labels: tuple[tuple[str, str], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "rule": self.rule,
            "outcome": self.outcome,
            "metric": self.metric,
            "value": self.value,
            "failed_rows": self.failed_rows,
            "message": self.message,
        }
        if self.labels:
            result["labels"] = dict(self.labels)
        return result


def flag_name(index: int | str) -> str:
    return f"__dq{index}"


def nodes(ruleset: Ruleset) -> list[tuple[str, RuleNode]]:
    """Every rule with its key: `3` for the fourth rule, `3_0` for the first member of a composite rule 3."""
    found: list[tuple[str, RuleNode]] = []

    def walk(key: str, node: RuleNode) -> None:
        found.append((key, node))
        if isinstance(node, Composite):
            for index, member in enumerate(node.members):
                walk(f"{key}_{index}", member)

    for index, rule in enumerate(ruleset.rules):
        walk(str(index), rule)
    return found


def flag_columns(ruleset: Ruleset) -> list[str]:
    """The flag columns `add_row_flags` adds: one per row-level rule or member."""
    return [flag_name(key) for key, node in nodes(ruleset) if node.row_level]


def _ratio(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole


def evaluate(
    ruleset: Ruleset, metrics: dict[str, Any], rows: int, columns: Sequence[str] | int, empty: bool = False
) -> list[RuleOutcome]:
    """PASS/FAIL per rule from the metrics; `rows` is the number of mapped rows, `columns` the output column
    names. With `empty` (the input holds no record at all) only the rules on the dataset's shape are evaluated;
    the others are SKIP."""
    names = [f"c{index}" for index in range(columns)] if isinstance(columns, int) else list(columns)
    outcomes = []
    for index, rule in enumerate(ruleset.rules):
        if empty and (isinstance(rule, Composite) or rule.kind not in SHAPE_RULES):
            outcomes.append(RuleOutcome(rule.text, SKIP, "", None, None, "the input holds no records", rule.labels))
            continue
        outcomes.append(_evaluate(rule, str(index), metrics, rows, names))
    return outcomes


def _evaluate(node: RuleNode, key: str, metrics: dict[str, Any], rows: int, names: list[str]) -> RuleOutcome:
    failed = int(metrics.get(f"r{key}_failed", 0) or 0) if node.row_level else None
    if isinstance(node, Composite):
        members = [_evaluate(member, f"{key}_{i}", metrics, rows, names) for i, member in enumerate(node.members)]
        passed = [member.outcome == PASS for member in members]
        # Row-level: decided row by row (Glue's ROW method), so the outcome agrees with what is quarantined;
        # otherwise from the members' outcomes (Glue's default COLUMN method).
        ok = failed == 0 if failed is not None else all(passed) if node.op == "and" else any(passed)
        message = "; ".join(f"({member.rule}) {member.outcome}: {member.message}" for member in members)
        return RuleOutcome(node.text, PASS if ok else FAIL, f"Composite.{node.op}", None, failed, message, node.labels)
    rule = node
    condition = rule.condition
    scope = int(metrics.get(f"r{key}_rows", rows) if rule.where else rows)
    subject = ",".join(rule.columns)
    column_metric = f"{'Multicolumn' if len(rule.columns) > 1 else 'Column'}.{subject}"

    def outcome(ok: bool, metric: str, value: float | int | None, message: str) -> RuleOutcome:
        return RuleOutcome(rule.text, PASS if ok else FAIL, metric, value, failed, message, rule.labels)

    if rule.kind == "RowCount":
        assert condition is not None
        return outcome(condition.holds(scope), "Dataset.*.RowCount", scope, f"{scope} rows")
    if rule.kind == "ColumnCount":
        assert condition is not None
        return outcome(condition.holds(len(names)), "Dataset.*.ColumnCount", len(names), f"{len(names)} columns")
    if rule.kind == "ColumnExists":
        found = rule.columns[0] in names
        return outcome(found, f"Column.{subject}.ColumnExists", int(found), "present" if found else "no such column")
    if rule.kind == "ColumnNamesMatchPattern":
        pattern = re.compile(rule.columns[0])
        mismatched = [name for name in names if not pattern.fullmatch(name)]
        ratio = _ratio(len(names) - len(mismatched), len(names))
        message = f"not matching: {', '.join(mismatched)}" if mismatched else "every column name matches"
        return outcome(not mismatched, "Dataset.*.ColumnNamesPatternMatchRatio", ratio, message)
    if rule.kind == "CustomSql":
        assert condition is not None
        returned = metrics.get(f"r{key}_value")
        return outcome(condition.holds(returned), "Dataset.*.CustomSQL", returned, f"the statement returned {returned}")
    if scope == 0:
        return outcome(False, f"{column_metric}.{_metric_suffix(rule)}", None, "no rows to evaluate")
    if rule.kind in ("Completeness", "IsComplete"):
        nonnull = int(metrics.get(f"r{key}_nonnull", 0) or 0)
        completeness = nonnull / scope
        ok = condition.holds(completeness) if condition is not None else nonnull == scope
        return outcome(ok, f"{column_metric}.Completeness", completeness, f"{scope - nonnull} of {scope} null")
    if rule.kind in ("IsUnique", "IsPrimaryKey"):
        assert failed is not None
        nonnull = int(metrics.get(f"r{key}_nonnull", 0) or 0)
        metric = f"{column_metric}.Uniqueness"
        if rule.kind == "IsPrimaryKey":
            return outcome(failed == 0, metric, _ratio(scope - failed, scope), f"{failed} rows missing or repeated")
        return outcome(failed == 0, metric, _ratio(nonnull - failed, nonnull), f"{failed} rows share a value")
    if rule.kind in FREQUENCY_RULES:
        assert condition is not None
        distinct, singles = int(metrics[f"r{key}_distinct"]), int(metrics[f"r{key}_singles"])
        keyed, flogf = int(metrics[f"r{key}_keyed"]), float(metrics[f"r{key}_flogf"])
        value: float | int | None
        if rule.kind == "DistinctValuesCount":
            value = distinct
        elif rule.kind == "Uniqueness":
            value = _ratio(singles, keyed)
        elif rule.kind == "UniqueValueRatio":
            value = _ratio(singles, distinct)
        else:
            value = None if keyed == 0 else math.log(keyed) - flogf / keyed
        shown = value if value is None or isinstance(value, int) else round(value, 6)
        return outcome(condition.holds(value), f"{column_metric}.{rule.kind}", value, f"{rule.kind} {shown}")
    if rule.kind in NUMERIC_RULES:
        assert condition is not None
        raw = metrics.get(f"r{key}_value")
        number = None if raw is None else float(raw)
        if number is not None and math.isnan(number):
            number = None
        name = rule.kind if rule.kind != "ColumnCorrelation" else "ColumnCorrelation"
        message = f"{name} {number}" if number is not None else "no value to measure (every value is null)"
        return outcome(number is not None and condition.holds(number), f"{column_metric}.{name}", number, message)
    if rule.kind == "ColumnDataType":
        nonnull = int(metrics.get(f"r{key}_nonnull", 0) or 0)
        compliant = int(metrics.get(f"r{key}_compliant", 0) or 0)
        compliance = 1.0 if nonnull == 0 else compliant / nonnull
        ok = rule.threshold.holds(compliance) if rule.threshold is not None else compliant == nonnull
        message = f"{nonnull - compliant} of {nonnull} values are not of the type"
        return outcome(ok, f"{column_metric}.ColumnDataType.Compliance", compliance, message)
    assert failed is not None
    compliance = (scope - failed) / scope
    ok = rule.threshold.holds(compliance) if rule.threshold is not None else failed == 0
    return outcome(ok, f"{column_metric}.{_metric_suffix(rule)}", compliance, f"{failed} of {scope} rows fail")


def _metric_suffix(rule: Rule) -> str:
    return {
        "ColumnValues": "ColumnValues.Compliance",
        "ColumnLength": "ColumnLength.Compliance",
        "DataFreshness": "DataFreshness.Compliance",
    }.get(rule.kind, rule.kind)
