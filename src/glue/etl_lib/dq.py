"""Evaluate a parsed DQDL ruleset on a mapped DataFrame with Spark (the Spark engine of etl_lib.dqdl).

Row-level rules (IsComplete, IsUnique, IsPrimaryKey, ColumnValues, ColumnLength, DataFreshness, and composite
rules whose members all are) become one boolean failure flag column each (`__dq<key>`; a member of a
composite gets its own, `__dq<i>_<j>`). IsUnique and IsPrimaryKey find the repeated keys with an aggregation
over the key columns alone and broadcast them back (not a shuffle of whole rows). Every other number the
rules need (row counts, non-null counts, failed rows, Mean, Sum, StandardDeviation, Variance,
ColumnCorrelation, ColumnDataType compliance) is an aggregate for `DataFrame.observe`, collected by the
action that writes the output: those rules cost no Spark job of their own. The rules that count distinct
values (Uniqueness, DistinctValuesCount, UniqueValueRatio, Entropy) and CustomSql each run one query over
the cached rows after the write (`extra_metrics`). `evaluate()` turns the numbers into PASS/FAIL outcomes.

Rules are evaluated on the *mapped* rows: rows that parsed and converted cleanly. A `where` clause (Spark
SQL over the output columns) narrows a rule to the rows it holds for. Null handling follows AWS Glue Data
Quality: a null fails ColumnValues and ColumnLength conditions except the negated ones (`!=`, `not in`,
`not between`, `not matches`), which a null passes; `= NULL`/`!= NULL` test for null, `EMPTY` is "" and
`WHITESPACES_ONLY` a value of blanks; DataFreshness fails a null. `between` excludes both bounds. With no
row to measure, every rule but RowCount, ColumnCount, ColumnExists and ColumnNamesMatchPattern fails.
Population statistics: StandardDeviation and Variance divide by n; Entropy uses the natural logarithm.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from etl_lib.dqdl import Composite, Condition, Date, Duration, Keyword, Now, Rule, Ruleset, TimeOfDay, Value
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
from etl_lib.spark_mapping import ResolvedField

# -- checks before anything is read ------------------------------------------------------------------------


def check_rules(ruleset: Ruleset, fields: list[ResolvedField]) -> None:
    """Every column a rule names is a mapping target of a type the rule applies to."""
    types = {field.mapping.target: field.data_type for field in fields}
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
            described = f"'{name}' is {data_type.simpleString()}"
            if rule.kind in KEY_RULES and isinstance(data_type, T.MapType):
                raise DqdlError(f"DQDL rule '{rule.text}': {rule.kind} cannot compare map values; pick another column.")
            if rule.kind == "ColumnLength" and not isinstance(data_type, T.StringType):
                raise DqdlError(f"DQDL rule '{rule.text}': ColumnLength applies to string columns; {described}.")
            if rule.kind in NUMERIC_RULES and not isinstance(data_type, T.NumericType):
                raise DqdlError(f"DQDL rule '{rule.text}': {rule.kind} applies to numeric columns; {described}.")
            if rule.kind == "DataFreshness" and not isinstance(data_type, T.DateType | T.TimestampType):
                raise DqdlError(
                    f"DQDL rule '{rule.text}': DataFreshness applies to date and timestamp columns; {described}."
                )
            if rule.kind == "ColumnValues" and rule.condition is not None:
                _check_value_types(rule, rule.condition, data_type)


def _check_value_types(rule: Rule, condition: Condition, data_type: T.DataType) -> None:
    for value in condition.operands:
        if isinstance(value, Duration):
            raise DqdlError(f"DQDL rule '{rule.text}': a duration compares with DataFreshness, not ColumnValues.")
        temporal = isinstance(data_type, T.DateType | T.TimestampType | T.TimestampNTZType)
        if isinstance(value, Now) and not temporal:
            raise DqdlError(f"DQDL rule '{rule.text}': now() compares with date and timestamp columns only.")
        if isinstance(value, TimeOfDay) and not isinstance(data_type, T.TimestampType | T.TimestampNTZType):
            raise DqdlError(f"DQDL rule '{rule.text}': a time of day compares with timestamp columns only.")
        if isinstance(value, Date) and not (temporal or isinstance(data_type, T.StringType)):
            raise DqdlError(f"DQDL rule '{rule.text}': a date compares with date, timestamp or string columns.")


def check_regexes(spark: SparkSession, ruleset: Ruleset) -> None:
    """Compile each `matches` pattern with Java's regex engine (the one Spark runs) before any job starts, and
    each ColumnNamesMatchPattern pattern with Python's (column names are matched in Python)."""
    jvm = spark.sparkContext._jvm
    assert jvm is not None, "the SparkContext has no JVM gateway"
    pattern_class = jvm.java.util.regex.Pattern
    for rule in ruleset.leaves():
        if rule.kind == "ColumnNamesMatchPattern":
            try:
                re.compile(rule.columns[0])
            except re.error as exc:
                raise DqdlError(f"DQDL rule '{rule.text}': invalid regular expression ({exc}).") from exc
        if rule.condition is not None and rule.condition.op in ("matches", "not matches"):
            pattern = str(rule.condition.operands[0])
            try:
                pattern_class.compile(pattern)
            except Exception as exc:
                java = getattr(exc, "java_exception", None)
                message = str(java.getMessage()) if java is not None else str(exc)
                detail = (message.strip().splitlines() or ["unparseable"])[0][:200]
                raise DqdlError(f"DQDL rule '{rule.text}': invalid regular expression ({detail}).") from exc


def _spark_detail(exc: Exception) -> str:
    text = str(exc).strip()
    return (text.splitlines() or [type(exc).__name__])[0][:300]


def check_sql(spark: SparkSession, ruleset: Ruleset, fields: list[ResolvedField]) -> None:
    """`where` clauses and CustomSql statements analyse against the output columns (no Spark job runs):
    a where clause is a boolean condition, a CustomSql statement returns one numeric column."""
    schema = T.StructType([T.StructField(f.mapping.target, f.data_type, True) for f in fields])
    empty = spark.createDataFrame([], schema)
    for rule in ruleset.leaves():
        if rule.where is not None:
            try:
                data_type = empty.select(F.expr(rule.where).alias("w")).schema["w"].dataType
            except Exception as exc:
                raise DqdlError(
                    f"DQDL rule '{rule.text}': the where clause \"{rule.where}\" is not a valid Spark SQL condition "
                    f"on the output columns ({_spark_detail(exc)})."
                ) from exc
            if not isinstance(data_type, T.BooleanType):
                raise DqdlError(
                    f"DQDL rule '{rule.text}': the where clause \"{rule.where}\" is {data_type.simpleString()}, "
                    "not a condition (true or false)."
                )
        if rule.kind == "CustomSql":
            empty.createOrReplaceTempView(PRIMARY)
            try:
                result = spark.sql(rule.columns[0]).schema
            except Exception as exc:
                raise DqdlError(
                    f"DQDL rule '{rule.text}': the statement is not valid Spark SQL over '{PRIMARY}' (the mapped "
                    f"rows) ({_spark_detail(exc)})."
                ) from exc
            finally:
                spark.catalog.dropTempView(PRIMARY)
            if len(result.fields) != 1 or not isinstance(result.fields[0].dataType, T.NumericType | T.BooleanType):
                found = ", ".join(f"{f.name} {f.dataType.simpleString()}" for f in result.fields)
                raise DqdlError(
                    f"DQDL rule '{rule.text}': CustomSql must return one number (one numeric column, one row), "
                    f"not ({found})."
                )


# -- row-level failure flags -----------------------------------------------------------------------------


def _where(rule: Rule) -> Column:
    return F.coalesce(F.expr(rule.where), F.lit(False)) if rule.where else F.lit(True)


def _literal(value: Value, now: datetime) -> Column:
    if isinstance(value, Now):
        return F.lit(now + timedelta(seconds=value.offset_seconds))
    if isinstance(value, Date):
        return F.to_date(F.lit(value.text))
    if isinstance(value, TimeOfDay):
        return F.lit(value.minutes)
    if isinstance(value, Keyword):
        return F.lit(value.value)
    if isinstance(value, Duration):
        return F.lit(value.seconds)
    return F.lit(value)


def _operand_column(column: Column, value: Value) -> Column:
    """The column as compared with `value`: minutes after midnight for a time of day."""
    return F.hour(column) * 60 + F.minute(column) if isinstance(value, TimeOfDay) else column


def _compare(column: Column, op: str, value: Value, now: datetime, data_type: T.DataType | None) -> Column:
    left = _operand_column(column, value)
    right = (
        F.lit(value.text) if isinstance(value, Date) and isinstance(data_type, T.StringType) else _literal(value, now)
    )
    return {
        "=": left == right,
        "!=": left != right,
        ">": left > right,
        ">=": left >= right,
        "<": left < right,
        "<=": left <= right,
    }[op]


def _is(column: Column, keyword: Keyword) -> Column:
    if keyword is Keyword.NULL:
        return column.isNull()
    if keyword is Keyword.EMPTY:
        return F.coalesce(column.cast("string") == F.lit(""), F.lit(False))
    return F.coalesce(column.cast("string").rlike(r"\A\s+\z"), F.lit(False))


def passes(column: Column, condition: Condition, now: datetime, data_type: T.DataType | None = None) -> Column:
    """True where the value satisfies the condition, with Glue's null semantics (never null)."""
    op, operands = condition.op, condition.operands
    if op in ("in", "not in"):
        checks = [_is(column, value) for value in operands if isinstance(value, Keyword)]
        checks += [
            F.coalesce(_compare(column, "=", value, now, data_type), F.lit(False))
            for value in operands
            if not isinstance(value, Keyword)
        ]
        found = checks[0]
        for check in checks[1:]:
            found = found | check
        return found if op == "in" else ~found
    if op in ("matches", "not matches"):
        matched = column.cast("string").rlike(f"\\A(?:{operands[0]})\\z")
        return F.coalesce(matched, F.lit(False)) if op == "matches" else F.coalesce(~matched, F.lit(True))
    if op in ("between", "not between"):
        low, high = operands
        inside = _compare(column, ">", low, now, data_type) & _compare(column, "<", high, now, data_type)
        return F.coalesce(inside, F.lit(False)) if op == "between" else F.coalesce(~inside, F.lit(True))
    (value,) = operands
    if isinstance(value, Keyword):
        return _is(column, value) if op == "=" else ~_is(column, value)
    return F.coalesce(_compare(column, op, value, now, data_type), F.lit(op == "!="))


def _fresh(column: Column, condition: Condition) -> Column:
    """DataFreshness: the age of each value (now - value, in seconds) meets the duration condition; null fails."""
    age = F.col("__now_seconds") - F.unix_timestamp(column.cast("timestamp"))
    result = passes(age, condition, datetime.now(UTC))
    return F.when(column.isNull(), F.lit(False)).otherwise(result)


def _key_columns(rule: Rule) -> list[Column]:
    return [F.col(f"`{name}`") for name in rule.columns]


def _any_not_null(rule: Rule) -> Column:
    present: Column = F.lit(False)
    for column in _key_columns(rule):
        present = present | column.isNotNull()
    return present


def add_row_flags(
    df: DataFrame,
    ruleset: Ruleset,
    mapped: Column,
    now: datetime | None = None,
    types: dict[str, T.DataType] | None = None,
) -> DataFrame:
    """Add one failure flag column per row-level rule and composite member; a flag is true only on mapped rows
    that fail (and that the rule's where clause selects)."""
    now = now or datetime.now(UTC)
    types = types or {field.name: field.dataType for field in df.schema.fields}
    failures: dict[str, Column] = {}
    helpers: list[str] = []
    needs_now = False
    for key, node in nodes(ruleset):
        if not isinstance(node, Rule) or not node.row_level:
            continue
        rule = node
        selected = mapped & _where(rule)
        column = F.col(f"`{rule.columns[0]}`")
        if rule.kind == "IsComplete":
            failed = column.isNull()
        elif rule.kind in ("IsUnique", "IsPrimaryKey"):
            # The keys seen more than once, found by an aggregation over the key columns alone and broadcast back.
            keys, seen = [f"__k{key}_{i}" for i in range(len(rule.columns))], f"__u{key}"
            repeated = (
                df.where(selected & _any_not_null(rule))
                .groupBy(*[c.alias(k) for c, k in zip(_key_columns(rule), keys, strict=True)])
                .count()
                .where(F.col("count") > 1)
                .select(*keys, F.lit(True).alias(seen))
            )
            condition: Column | None = None
            for source, name in zip(_key_columns(rule), keys, strict=True):
                equal = source.eqNullSafe(F.col(name))
                condition = equal if condition is None else condition & equal
            df = df.join(F.broadcast(repeated), condition, "left").drop(*keys)
            helpers.append(seen)
            failed = _any_not_null(rule) & F.col(seen).isNotNull()
            if rule.kind == "IsPrimaryKey":
                missing: Column = F.lit(False)
                for key_column in _key_columns(rule):
                    missing = missing | key_column.isNull()
                failed = missing | F.coalesce(F.col(seen).isNotNull(), F.lit(False))
        elif rule.kind == "ColumnValues":
            assert rule.condition is not None
            failed = ~passes(column, rule.condition, now, types.get(rule.columns[0]))
        elif rule.kind == "ColumnLength":
            assert rule.condition is not None
            failed = ~passes(F.length(column), rule.condition, now)
        else:  # DataFreshness
            assert rule.condition is not None
            failed = ~_fresh(column, rule.condition)
            needs_now = True
        failures[key] = selected & failed
    if needs_now:
        df = df.withColumn("__now_seconds", F.lit(int(now.timestamp())))
    # Composites: `and` fails a row that fails any member, `or` one that fails every member.
    for key, node in reversed(nodes(ruleset)):
        if isinstance(node, Composite) and node.row_level:
            members = [failures[f"{key}_{index}"] for index in range(len(node.members))]
            combined = members[0]
            for member in members[1:]:
                combined = combined | member if node.op == "and" else combined & member
            failures[key] = combined
    for key, failed in failures.items():
        df = df.withColumn(flag_name(key), F.coalesce(failed, F.lit(False)))
    return df.drop(*helpers, *(["__now_seconds"] if needs_now else []))


# -- metrics -----------------------------------------------------------------------------------------------


def metric_columns(ruleset: Ruleset, mapped: Column, types: dict[str, T.DataType] | None = None) -> list[Column]:
    """Aggregates for `observe` (row counts of the whole run are added by the caller)."""
    types = types or {}
    metrics: list[Column] = []
    for key, node in nodes(ruleset):
        if node.row_level:
            metrics.append(F.count(F.when(F.col(flag_name(key)), 1)).alias(f"r{key}_failed"))
        if not isinstance(node, Rule):
            continue
        rule = node
        selected = mapped & _where(rule)
        metrics.append(F.count(F.when(selected, 1)).alias(f"r{key}_rows"))
        column = F.col(f"`{rule.columns[0]}`") if rule.column is not None else None
        if rule.kind in ("Completeness", "IsComplete") and column is not None:
            metrics.append(F.count(F.when(selected & column.isNotNull(), 1)).alias(f"r{key}_nonnull"))
        elif rule.kind in ("IsUnique", "IsPrimaryKey"):
            metrics.append(F.count(F.when(selected & _any_not_null(rule), 1)).alias(f"r{key}_nonnull"))
        elif rule.kind == "Mean" and column is not None:
            metrics.append(F.avg(F.when(selected, column)).alias(f"r{key}_value"))
        elif rule.kind == "Sum" and column is not None:
            metrics.append(F.sum(F.when(selected, column)).alias(f"r{key}_value"))
        elif rule.kind == "StandardDeviation" and column is not None:
            metrics.append(F.stddev_pop(F.when(selected, column)).alias(f"r{key}_value"))
        elif rule.kind == "Variance" and column is not None:
            metrics.append(F.var_pop(F.when(selected, column)).alias(f"r{key}_value"))
        elif rule.kind == "ColumnCorrelation":
            first, second = _key_columns(rule)
            metrics.append(F.corr(F.when(selected, first), F.when(selected, second)).alias(f"r{key}_value"))
        elif rule.kind == "ColumnDataType" and column is not None:
            assert rule.condition is not None
            data_type = types.get(rule.columns[0])
            text = column.cast("string")
            compliant: Column = F.lit(False)
            for name in rule.condition.operands:
                spark_type = COLUMN_DATA_TYPES[str(name).upper()]
                if spark_type == "string" or (data_type is not None and data_type.simpleString() == spark_type):
                    check = F.lit(True)
                else:
                    check = F.expr(f"try_cast(CAST(`{rule.columns[0]}` AS STRING) AS {spark_type})").isNotNull()
                compliant = compliant | check
            if rule.condition.op in ("!=", "not in"):
                compliant = ~compliant
            metrics.append(F.count(F.when(selected & text.isNotNull(), 1)).alias(f"r{key}_nonnull"))
            metrics.append(F.count(F.when(selected & text.isNotNull() & compliant, 1)).alias(f"r{key}_compliant"))
    return metrics


def extra_metrics(
    spark: SparkSession, df: DataFrame, ruleset: Ruleset, mapped: Column, targets: Sequence[str]
) -> dict[str, Any]:
    """The metrics `observe` cannot give: distinct-value counts (one aggregation a rule) and CustomSql results.
    `df` holds the mapped rows' target columns and `mapped` (cached by the job)."""
    metrics: dict[str, Any] = {}
    for key, node in nodes(ruleset):
        if not isinstance(node, Rule):
            continue
        rule = node
        if rule.kind in FREQUENCY_RULES:
            keys = _key_columns(rule)
            counts = df.where(mapped & _where(rule) & _any_not_null(rule)).groupBy(*keys).count()
            row = counts.agg(
                F.count(F.lit(1)).alias("distinct"),
                F.count(F.when(F.col("count") == 1, 1)).alias("singles"),
                F.sum("count").alias("rows"),
                F.sum(F.col("count") * F.log(F.col("count"))).alias("flogf"),
            ).first()
            assert row is not None
            metrics[f"r{key}_distinct"] = int(row["distinct"])
            metrics[f"r{key}_singles"] = int(row["singles"])
            metrics[f"r{key}_keyed"] = int(row["rows"] or 0)
            metrics[f"r{key}_flogf"] = float(row["flogf"] or 0.0)
        elif rule.kind == "CustomSql":
            df.where(mapped).select(*[F.col(f"`{name}`") for name in targets]).createOrReplaceTempView(PRIMARY)
            try:
                rows = spark.sql(rule.columns[0]).take(2)
            finally:
                spark.catalog.dropTempView(PRIMARY)
            if len(rows) != 1 or rows[0][0] is None:
                found = "no row" if not rows else "more than one row" if len(rows) > 1 else "null"
                raise DqdlError(
                    f"DQDL rule '{rule.text}': CustomSql must return one number, but the statement returned {found}; "
                    "nothing was committed."
                )
            value = rows[0][0]
            metrics[f"r{key}_value"] = float(int(value) if isinstance(value, bool) else value)
    return metrics


def run_rules(df: DataFrame, ruleset: Ruleset, now: datetime | None = None) -> tuple[list[RuleOutcome], DataFrame]:
    """Evaluate a ruleset on any DataFrame with ONE aggregation (plus one a distinct-value rule or CustomSql);
    returns the outcomes and the DataFrame with its `__dq<key>` failure flags (every row counts as mapped). The
    job itself uses the same flags and metrics through `observe` on its write instead."""
    mapped = F.lit(True)
    types = {field.name: field.dataType for field in df.schema.fields}
    flagged = add_row_flags(df, ruleset, mapped, now, types)
    aggregates = [F.count(F.lit(1)).alias("rows"), *metric_columns(ruleset, mapped, types)]
    first = flagged.agg(*aggregates).first()
    values = first.asDict() if first is not None else {}
    values.update(extra_metrics(df.sparkSession, df, ruleset, mapped, df.columns))
    return evaluate(ruleset, values, int(values.get("rows", 0) or 0), df.columns), flagged
