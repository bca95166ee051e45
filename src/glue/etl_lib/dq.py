"""Evaluate a parsed DQDL ruleset on a mapped DataFrame in one pass.

Row-level rules (IsComplete, IsUnique, ColumnValues, ColumnLength) become one boolean failure flag
column each (`__dq<i>`). IsUnique finds the repeated values with an aggregation over the key column
alone and broadcasts them back (a broadcast-exchange job over the cached rows, not a shuffle of whole
rows; the set of repeated values must fit in memory, as it does unless hundreds of millions repeat).
Every dataset-level number (row count, per-rule failure and non-null counts) is an aggregate
expression for `DataFrame.observe`, collected by the same action that writes the output: no rule
costs a Spark job of its own. `evaluate()` turns the observed numbers into PASS/FAIL outcomes.

Rules are evaluated on the *mapped* rows: rows that parsed and converted cleanly. Rows quarantined by
the mapping (malformed JSON, bad values, missing required fields) are counted in the report but are
not part of the dataset the rules describe.

Null handling follows AWS Glue Data Quality: a null fails ColumnValues and ColumnLength conditions
except the negated ones (`!=`, `not in`, `not between`, `not matches`), which a null passes; `in`
lists may name NULL, EMPTY ("") and WHITESPACES_ONLY. `between` excludes both bounds. On a dataset
with no mapped rows, every rule but RowCount and ColumnCount fails (there is nothing to measure).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from etl_lib.dqdl import Condition, Keyword, Rule, Ruleset
from etl_lib.errors import DqdlError
from etl_lib.mapping import ResolvedField

PASS = "PASS"  # noqa: S105 - an outcome, not a password
FAIL = "FAIL"


@dataclass(frozen=True)
class RuleOutcome:
    """One line of the data-quality report."""

    rule: str
    outcome: str
    metric: str
    value: float | int | None
    failed_rows: int | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "outcome": self.outcome,
            "metric": self.metric,
            "value": self.value,
            "failed_rows": self.failed_rows,
            "message": self.message,
        }


def flag_name(index: int) -> str:
    return f"__dq{index}"


def check_rules(ruleset: Ruleset, fields: list[ResolvedField]) -> None:
    """Every column a rule names is a mapping target; ColumnLength applies to string columns only."""
    types = {field.mapping.target: field.data_type for field in fields}
    for rule in ruleset.rules:
        if rule.column is None:
            continue
        if rule.column not in types:
            raise DqdlError(
                f"DQDL rule '{rule.text}' refers to column '{rule.column}', which the mapping does not produce "
                f"(targets: {', '.join(sorted(types))})."
            )
        if rule.kind == "IsUnique" and isinstance(types[rule.column], T.MapType):
            raise DqdlError(f"DQDL rule '{rule.text}': IsUnique cannot compare map values; pick another column.")
        if rule.kind == "ColumnLength" and not isinstance(types[rule.column], T.StringType):
            raise DqdlError(
                f"DQDL rule '{rule.text}': ColumnLength applies to string columns; "
                f"'{rule.column}' is {types[rule.column].simpleString()}."
            )


def check_regexes(spark: SparkSession, ruleset: Ruleset) -> None:
    """Compile each `matches` pattern with Java's regex engine (the one Spark runs) before any job starts."""
    jvm = spark.sparkContext._jvm
    assert jvm is not None, "the SparkContext has no JVM gateway"
    pattern_class = jvm.java.util.regex.Pattern
    for rule in ruleset.rules:
        if rule.condition is not None and rule.condition.op in ("matches", "not matches"):
            pattern = str(rule.condition.operands[0])
            try:
                pattern_class.compile(pattern)
            except Exception as exc:
                java = getattr(exc, "java_exception", None)
                message = str(java.getMessage()) if java is not None else str(exc)
                detail = (message.strip().splitlines() or ["unparseable"])[0][:200]
                raise DqdlError(f"DQDL rule '{rule.text}': invalid regular expression ({detail}).") from exc


def _literal(value: Decimal | str | Keyword) -> Column:
    return F.lit(value)


def _passes(column: Column, condition: Condition) -> Column:
    """True where the value satisfies the condition, with Glue's null semantics (never null)."""
    op, operands = condition.op, condition.operands
    if op in ("in", "not in"):
        members = [value for value in operands if not isinstance(value, Keyword)]
        checks = [F.coalesce(column.isin(*[_literal(value) for value in members]), F.lit(False))] if members else []
        if Keyword.NULL in operands:
            checks.append(column.isNull())
        if Keyword.EMPTY in operands:
            checks.append(F.coalesce(column.cast("string") == F.lit(""), F.lit(False)))
        if Keyword.WHITESPACES_ONLY in operands:
            checks.append(F.coalesce(column.cast("string").rlike(r"\A\s+\z"), F.lit(False)))
        found = checks[0]
        for check in checks[1:]:
            found = found | check
        return found if op == "in" else ~found
    if op in ("matches", "not matches"):
        matched = column.cast("string").rlike(f"\\A(?:{operands[0]})\\z")
        return F.coalesce(matched, F.lit(False)) if op == "matches" else F.coalesce(~matched, F.lit(True))
    if op in ("between", "not between"):
        inside = (column > _literal(operands[0])) & (column < _literal(operands[1]))
        return F.coalesce(inside, F.lit(False)) if op == "between" else F.coalesce(~inside, F.lit(True))
    value = _literal(operands[0])
    comparisons = {
        "=": column == value,
        "!=": column != value,
        ">": column > value,
        ">=": column >= value,
        "<": column < value,
        "<=": column <= value,
    }
    return F.coalesce(comparisons[op], F.lit(op == "!="))


def add_row_flags(df: DataFrame, ruleset: Ruleset, mapped: Column) -> DataFrame:
    """Add one failure flag column per row-level rule; a flag is true only on mapped rows that fail."""
    for index, rule in enumerate(ruleset.rules):
        if not rule.row_level:
            continue
        assert rule.column is not None
        column = F.col(rule.column)
        if rule.kind == "IsComplete":
            failed = column.isNull()
        elif rule.kind == "IsUnique":
            # The values seen more than once, found by an aggregation (a shuffle of the key column alone)
            # and broadcast back: no shuffle of whole rows. A row with such a value fails.
            key, seen = f"__k{index}", f"__u{index}"
            repeated = (
                df.where(mapped & column.isNotNull())
                .groupBy(column.alias(key))
                .count()
                .where(F.col("count") > 1)
                .select(F.col(key), F.lit(True).alias(seen))
            )
            df = df.join(F.broadcast(repeated), column == F.col(key), "left").drop(key)
            failed = F.col(seen).isNotNull()
        elif rule.kind == "ColumnValues":
            assert rule.condition is not None
            failed = ~_passes(column, rule.condition)
        else:  # ColumnLength
            assert rule.condition is not None
            failed = ~_passes(F.length(column), rule.condition)
        df = df.withColumn(flag_name(index), mapped & failed)
        if rule.kind == "IsUnique":
            df = df.drop(f"__u{index}")
    return df


def metric_columns(ruleset: Ruleset, mapped: Column) -> list[Column]:
    """Aggregates for `observe`: per-rule failed-row and non-null counts (row counts are added by the caller)."""
    metrics: list[Column] = []
    for index, rule in enumerate(ruleset.rules):
        if rule.row_level:
            metrics.append(F.count(F.when(F.col(flag_name(index)), 1)).alias(f"r{index}_failed"))
        if rule.kind in ("Completeness", "IsComplete", "IsUnique"):
            assert rule.column is not None
            metrics.append(F.count(F.when(mapped & F.col(rule.column).isNotNull(), 1)).alias(f"r{index}_nonnull"))
    return metrics


def _ratio(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole


def evaluate(ruleset: Ruleset, metrics: dict[str, Any], rows: int, column_count: int) -> list[RuleOutcome]:
    """PASS/FAIL per rule from the observed metrics; `rows` is the number of mapped rows."""
    outcomes = []
    for index, rule in enumerate(ruleset.rules):
        outcomes.append(_evaluate_rule(rule, index, metrics, rows, column_count))
    return outcomes


def _evaluate_rule(rule: Rule, index: int, metrics: dict[str, Any], rows: int, column_count: int) -> RuleOutcome:
    failed = int(metrics.get(f"r{index}_failed", 0) or 0) if rule.row_level else None
    nonnull = int(metrics.get(f"r{index}_nonnull", 0) or 0)
    condition = rule.condition

    def outcome(ok: bool, metric: str, value: float | int | None, message: str) -> RuleOutcome:
        return RuleOutcome(rule.text, PASS if ok else FAIL, metric, value, failed, message)

    if rule.kind == "RowCount":
        assert condition is not None
        return outcome(condition.holds(rows), "Dataset.*.RowCount", rows, f"{rows} rows")
    if rule.kind == "ColumnCount":
        assert condition is not None
        return outcome(condition.holds(column_count), "Dataset.*.ColumnCount", column_count, f"{column_count} columns")
    if rows == 0:
        return outcome(False, f"Column.{rule.column}.{_metric_suffix(rule)}", None, "no rows to evaluate")
    if rule.kind in ("Completeness", "IsComplete"):
        completeness = nonnull / rows
        if rule.kind == "Completeness":
            assert condition is not None
            ok = condition.holds(completeness)
        else:
            ok = nonnull == rows
        return outcome(ok, f"Column.{rule.column}.Completeness", completeness, f"{rows - nonnull} of {rows} null")
    if rule.kind == "IsUnique":
        assert failed is not None
        uniqueness = _ratio(nonnull - failed, nonnull)
        return outcome(failed == 0, f"Column.{rule.column}.Uniqueness", uniqueness, f"{failed} rows share a value")
    assert failed is not None
    compliance = (rows - failed) / rows
    ok = rule.threshold.holds(compliance) if rule.threshold is not None else failed == 0
    return outcome(ok, f"Column.{rule.column}.{_metric_suffix(rule)}", compliance, f"{failed} of {rows} rows fail")


def _metric_suffix(rule: Rule) -> str:
    return {
        "Completeness": "Completeness",
        "IsComplete": "Completeness",
        "IsUnique": "Uniqueness",
        "ColumnValues": "ColumnValues.Compliance",
        "ColumnLength": "ColumnLength.Compliance",
    }[rule.kind]


def run_rules(df: DataFrame, ruleset: Ruleset) -> tuple[list[RuleOutcome], DataFrame]:
    """Evaluate a ruleset on any DataFrame with ONE aggregation; returns the outcomes and the DataFrame
    with its `__dq<i>` failure flags (every row counts as mapped). The job itself uses the same flags and
    metrics through `observe` on its write instead, so there the aggregation costs no job at all."""
    mapped = F.lit(True)
    flagged = add_row_flags(df, ruleset, mapped)
    aggregates = [F.count(F.lit(1)).alias("rows"), *metric_columns(ruleset, mapped)]
    metrics = flagged.agg(*aggregates).first()
    values = metrics.asDict() if metrics is not None else {}
    return evaluate(ruleset, values, int(values.get("rows", 0) or 0), len(df.columns)), flagged
