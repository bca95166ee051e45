"""json_to_parquet's body: JSON records in; typed Parquet, quarantine and a data-quality report out.

Order of work, so that bad input fails before anything is written:

1. Validate without running a Spark job: types resolve and convert (analysis only), rule columns exist,
   regexes compile, partition columns are atomic; then the input exists and has a record (`head(1)`).
2. One pass over the input: parse and convert each record, flag rule failures and write the good rows
   as snappy Parquet into staging, with every data-quality metric collected by `DataFrame.observe` on
   that same write. If a rule reads the rows in a job of its own (IsUnique, IsPrimaryKey, the
   distinct-value rules, CustomSql: `needs_cache`), the converted rows are first persisted (memory,
   spilling to disk; uncompressed): the cache holds the typed columns, and the record
   text only for rows the mapping rejects (few, usually): every other row carries a 96-bit hash of its
   text instead. Without such a rule nothing is cached: a run whose rows all pass reads its input once.
3. Decide with the observed metrics: policy `fail` with a failed rule deletes the staging and raises
   `DataQualityFailure` (the report is still written, beside the output). Otherwise the quarantined
   rows are written to staging, each as its input line verbatim. From the cache: mapping failures from
   it; rows that failed a row-level rule (policy quarantine) by reading the input lines again, without
   parsing them, and joining on the hash. Without a cache: one more pass over the input that parses
   it again and keeps the failing rows with their lines. Both stagings are committed (see `storage`),
   and the report written.

Why not cache every record's text: it doubled the cache (the text is most of a row) for the few rows
that need it; the second read of the lines is a plain text scan, the cheapest pass there is. Why not
always cache: building the cache costs more than the pass it saves when no rule reads the rows twice
and few or no rows are quarantined (bench/README.md, json_to_parquet, has the figures).

Conservation: every input record is either written or quarantined; the observed counts are checked
(rows_in = rows_written + rows_quarantined, and the quarantine write's own count against the rows
found failing) before anything is committed. Identical lines always share an outcome (every check is
a function of the line, and IsUnique flags every copy), so joining on the text's hash can only find
the lines that failed; without a cache the second pass computes the same outcomes (the run's `now` is
fixed), and an input changed in between fails the count check.
"""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, datetime
from typing import Any

from pyspark import StorageLevel
from pyspark.sql import Column, DataFrame, Observation, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from etl_lib import storage
from etl_lib.config import JsonToParquetConfig
from etl_lib.dq import (
    add_row_flags,
    check_regexes,
    check_rules,
    check_sql,
    extra_metrics,
    metric_columns,
)
from etl_lib.errors import JobArgumentError
from etl_lib.json_input import MAX_DIAGNOSED_DOCUMENT
from etl_lib.mapping import MALFORMED_JSON, RAW, REASON, VALUE
from etl_lib.outcomes import FREQUENCY_RULES, evaluate, flag_columns, flag_name
from etl_lib.report import (
    COUNT_NAMES,
    STAGE_DATA_QUALITY,
    STAGE_INPUT,
    STAGE_MAPPING,
    STATUS_CEILING,
    STATUS_EMPTY,
    STATUS_FAILED,
    STATUS_SUCCEEDED,
    STATUS_WITH_FAILURES,
    RunResult,
    build_report,
    ceiling_error,
    ceiling_summary,
    check_json_lines,
    commit_status,
    counts_from,
    dq_failure_error,
    empty_run,
    empty_run_error,
    new_run_id,
    over_ceiling,
    quarantines_rule_failures,
    report_location,
)
from etl_lib.spark_mapping import ResolvedField, map_records, resolve_types

log = logging.getLogger("etl_lib.pipeline")

GOOD = "__good"
MAPPED = "__mapped"
# The record text's hash, in two independent functions (xxhash64 and murmur3): 96 bits, so two different
# lines share both only with odds far below one in a billion billion at any realistic row count.
TEXT_HASHES = ("__h1", "__h2")
STAGE = "__stage"

# Up to this many rule-failed rows, their hashes are broadcast to find their lines (~40 MB at most).
BROADCAST_FAILED_ROWS = 2_000_000

# The rules that read the mapped rows in a Spark job of their own, besides the write: IsUnique and IsPrimaryKey
# (the repeated keys, found before the write), the distinct-value rules and CustomSql (after it).
SECOND_READ_RULES = frozenset({"IsUnique", "IsPrimaryKey", "CustomSql", *FREQUENCY_RULES})

# The cache's storage level. MEMORY_AND_DISK_DESER (what DataFrame.cache() uses) was measured on the benchmark and
# bought nothing (2M rows: 62.7 s against 56.7 s with this level, one run each), so the serialized level stays.
CACHE_LEVEL = StorageLevel.MEMORY_AND_DISK

# Spark compresses the columns of a cached DataFrame by default. The cache here lives for one run and holds
# typed columns only; measured on the benchmark, building it uncompressed took 19 s instead of 27 s.
CACHE_COMPRESSED = "spark.sql.inMemoryColumnarStorage.compressed"

# The mapping and rules compile into wide generated methods. HotSpot does not JIT-compile a method over
# 8000 bytes of bytecode, so Spark's default limit (65535) lets such code run interpreted; at 8000 Spark
# splits it instead. Measured on the benchmark: a third less CPU for a cold run. Set for the run only.
HUGE_METHOD_LIMIT = "spark.sql.codegen.hugeMethodLimit"
# Spark writes timestamps as INT96 by default, a deprecated Parquet type; INT64 microseconds (TIMESTAMP with
# isAdjustedToUTC) is what the DuckDB engine, Athena and every current reader take: one schema from both engines.
PARQUET_TIMESTAMPS = "spark.sql.parquet.outputTimestampType"
JIT_METHOD_LIMIT = 8000

ENGINE = "spark"

__all__ = [
    "STATUS_CEILING",
    "STATUS_EMPTY",
    "STATUS_FAILED",
    "STATUS_SUCCEEDED",
    "STATUS_WITH_FAILURES",
    "RunResult",
    "run_json_to_parquet",
]


def validate(spark: SparkSession, config: JsonToParquetConfig) -> list[ResolvedField]:
    """Every check that needs Spark but no Spark job: types, rule columns, regexes, partition columns."""
    fields = resolve_types(spark, config.mapping)
    check_rules(config.ruleset, fields)
    check_regexes(spark, config.ruleset)
    check_sql(spark, config.ruleset, fields)
    types = {resolved.mapping.target: resolved.data_type for resolved in fields}
    for name in config.partition_columns:
        if isinstance(types[name], T.ArrayType | T.MapType | T.StructType):
            raise JobArgumentError(
                f"--partition_columns: '{name}' is {types[name].simpleString()}; partition by an atomic column."
            )
    return fields


def needs_cache(config: JsonToParquetConfig) -> bool:
    """Whether the mapped rows are cached: only if a rule reads them in a job of its own (`SECOND_READ_RULES`).
    Otherwise the write is the only pass a clean run makes; a run with quarantined rows parses the input again
    for them (see `_write_quarantine`)."""
    return any(rule.kind in SECOND_READ_RULES for rule in config.ruleset.leaves())


def text_hashes(text: Column) -> list[Column]:
    return [F.xxhash64(text).alias(TEXT_HASHES[0]), F.hash(text).alias(TEXT_HASHES[1])]


def mapped_rows(
    records: DataFrame, fields: list[ResolvedField], config: JsonToParquetConfig, cached: bool = True
) -> DataFrame:
    """The mapped records with `__mapped`. To be cached: `__raw` only on the rows the mapping rejects, and if
    rule failures may be quarantined, every row's text hashes, to find its line again (`rule_failed_lines`).
    Not cached: `__raw` on every row (it costs nothing where nothing is kept; a pass that does not need it
    prunes it)."""
    mapped_df = map_records(records, fields).withColumn(MAPPED, F.col(REASON).isNull())
    if not cached:
        return mapped_df
    if quarantines_rule_failures(config):
        mapped_df = mapped_df.select("*", *text_hashes(F.col(RAW)))
    return mapped_df.withColumn(RAW, F.when(~F.col(MAPPED), F.col(RAW)))


def rule_failed_lines(
    records: DataFrame, classified: DataFrame, config: JsonToParquetConfig, expected_rows: int
) -> DataFrame:
    """The input lines of the mapped rows that failed a row-level rule, verbatim, with stage and reason.

    Reads `records` again as text (no parsing) and joins on the text's hashes with the failed rows'
    (deduplicated: identical lines share their outcome). The failed side (12 bytes and a few flag bits a
    row) is broadcast up to `BROADCAST_FAILED_ROWS` of `expected_rows`; beyond, the join is left to Spark's
    planner, which shuffles both sides when the failed side is large: slower, with no limit on its size."""
    # The failed side carries hashes and flag bits only (the reason text is rebuilt after the join), so
    # that it stays small enough to broadcast: a shuffle would move every input line.
    flags = row_level_flags(config)
    failed = (
        classified.where(F.col(MAPPED) & ~F.col(GOOD))
        .select(*[F.col(name) for name in TEXT_HASHES], *[F.col(name) for name, _ in flags])
        .dropDuplicates(list(TEXT_HASHES))
    )
    if expected_rows <= BROADCAST_FAILED_ROWS:
        failed = F.broadcast(failed)
    lines = records.select(F.col(VALUE).alias(RAW), *text_hashes(F.col(VALUE)))
    return lines.join(failed, list(TEXT_HASHES)).select(
        F.lit(STAGE_DATA_QUALITY).alias(STAGE), rule_failure_reason(flags).alias(REASON), F.col(RAW)
    )


def row_level_flags(config: JsonToParquetConfig) -> list[tuple[str, str]]:
    """(flag column, rule text) of each row-level rule."""
    return [(flag_name(index), rule.text) for index, rule in enumerate(config.ruleset.rules) if rule.row_level]


def rule_failure_reason(flags: list[tuple[str, str]]) -> Column:
    """The rules a row fails, from its flags: `IsUnique "id"; ColumnValues "type" in ["a","b"]`."""
    return F.concat_ws("; ", *[F.when(F.col(name), F.lit(text)) for name, text in flags]) if flags else F.lit("")


def classify(
    mapped_df: DataFrame, fields: list[ResolvedField], config: JsonToParquetConfig, now: datetime | None = None
) -> DataFrame:
    """Typed target columns plus: `__mapped`, one `__dq<i>` flag per row-level rule, `__good` (to write),
    `__reason` and `__raw` (why the mapping rejects a row, and its text) and the text hashes, where kept.
    Why a mapped row fails its rules is said from its flags, by `rule_failed_lines`."""
    ruleset = config.ruleset
    mapped = F.col(MAPPED)
    types = {resolved.mapping.target: resolved.data_type for resolved in fields}
    flagged = add_row_flags(mapped_df, ruleset, mapped, now, types)
    flags = row_level_flags(config)
    any_failed: Column = F.lit(False)
    for name, _ in flags:
        any_failed = any_failed | F.col(name)
    good = mapped & ~any_failed if quarantines_rule_failures(config) else mapped
    targets = [F.col(f"`{resolved.mapping.target}`") for resolved in fields]
    hashes = [F.col(name) for name in TEXT_HASHES if name in flagged.columns]
    return flagged.select(
        *targets,
        mapped,
        *[F.col(name) for name in flag_columns(ruleset)],
        good.alias(GOOD),
        F.col(REASON),
        F.col(RAW),
        *hashes,
    )


def run_json_to_parquet(
    spark: SparkSession,
    config: JsonToParquetConfig,
    records: DataFrame | None = None,
    run_id: str | None = None,
) -> RunResult:
    """Run the job. `records` (one string column `value`, a JSON object per row) replaces --input_path,
    e.g. for a Glue catalog table; raises an `EtlError` subclass for bad input, before writing."""
    settings = {
        HUGE_METHOD_LIMIT: str(JIT_METHOD_LIMIT),
        CACHE_COMPRESSED: "false",
        PARQUET_TIMESTAMPS: "TIMESTAMP_MICROS",
    }
    previous = {name: spark.conf.get(name, None) for name in settings}
    for name, setting in settings.items():
        spark.conf.set(name, setting)
    try:
        return _run(spark, config, records, run_id)
    finally:
        for name, before in previous.items():
            if before is None:
                spark.conf.unset(name)
            else:
                spark.conf.set(name, before)


def read_input(spark: SparkSession, config: JsonToParquetConfig) -> DataFrame:
    """The input records of --input_path as --input_format says: JSON lines, JSON documents, or per file."""
    assert config.input_path is not None
    if config.input_format == "jsonl":
        return storage.read_json_lines(spark, config.input_path)
    return storage.read_json_documents(spark, config.input_path, auto=config.input_format == "auto")


def _empty_run(
    spark: SparkSession, config: JsonToParquetConfig, run_id: str, targets: list[str], started: float
) -> RunResult:
    """No record at all: see `report.empty_run`."""
    status, outcomes = empty_run(config, targets)
    report = build_report(config, run_id, status, dict.fromkeys(COUNT_NAMES, 0), outcomes, False, started, ENGINE)
    report_path = _write_report(spark, config, run_id, report)
    if status == STATUS_FAILED:
        raise empty_run_error(config, outcomes, report_path)
    log.info(
        "run %s %s: the input %s holds no records; nothing written; report %s",
        run_id,
        status,
        config.source,
        report_path,
    )
    return RunResult(run_id, status, 0, 0, 0, outcomes, report_path, report)


def _run(spark: SparkSession, config: JsonToParquetConfig, records: DataFrame | None, run_id: str | None) -> RunResult:
    started = time.time()
    run_id = run_id or new_run_id()
    fields = validate(spark, config)
    if records is None:
        if config.input_path is None:
            raise JobArgumentError(
                "--database/--table_name read a Glue catalog table, which needs the Glue runtime; "
                "locally, use --input_path."
            )
        records = read_input(spark, config)
    if not storage.has_records(records):
        return _empty_run(spark, config, run_id, [resolved.mapping.target for resolved in fields], started)

    targets = [resolved.mapping.target for resolved in fields]
    # With a rule that reads the rows twice, parsed once into the cache; the rule's pass, the write and the
    # quarantine read it back. Otherwise not cached: the write is the one pass (see `needs_cache`).
    cache = needs_cache(config)
    mapped_df = mapped_rows(records, fields, config, cache)
    if cache:
        mapped_df = mapped_df.persist(CACHE_LEVEL)
    classified = classify(mapped_df, fields, config, datetime.fromtimestamp(started, UTC))
    staged_output = storage.staging_path(config.output_path, run_id)
    staged_quarantine = storage.staging_path(config.quarantine_path, run_id)
    created = [path for path in (config.output_path, config.quarantine_path) if not storage.path_exists(spark, path)]
    try:
        observation = Observation(f"dq_{run_id}")
        mapped = F.col(MAPPED)
        observed = classified.observe(
            observation,
            F.count(F.lit(1)).alias("rows_in"),
            F.count(F.when(F.col(GOOD), 1)).alias("rows_written"),
            F.count(F.when(~F.col(GOOD), 1)).alias("rows_quarantined"),
            F.count(F.when(mapped, 1)).alias("rows_mapped"),
            F.count(F.when(F.col(REASON) == F.lit(MALFORMED_JSON), 1)).alias("rows_malformed"),
            F.count(F.when(F.col(REASON).startswith(storage.DOCUMENT_ERROR), 1)).alias("rows_unparsed_documents"),
            *metric_columns(config.ruleset, mapped, {r.mapping.target: r.data_type for r in fields}),
        )
        writer = observed.where(F.col(GOOD)).select(*[F.col(f"`{t}`") for t in targets]).write.mode("overwrite")
        if config.partition_columns:
            writer = writer.partitionBy(*config.partition_columns)
        writer.option("compression", "snappy").parquet(staged_output)
        metrics = dict(observation.get)
        counts = counts_from(metrics)
        check_json_lines(config, counts)
        metrics.update(extra_metrics(spark, classified, config.ruleset, F.col(MAPPED), targets))
        outcomes = evaluate(config.ruleset, metrics, counts["rows_mapped"], targets)

        if over_ceiling(config, counts):
            storage.delete_path(spark, staged_output)
            ceiling = ceiling_summary(config, counts, _quarantine_reasons(classified, config))
            report = build_report(config, run_id, STATUS_CEILING, counts, outcomes, False, started, ENGINE)
            report["quarantine_ceiling"] = ceiling
            raise ceiling_error(config, counts, ceiling, _write_report(spark, config, run_id, report))

        status = commit_status(config, outcomes)
        if status is None:
            storage.delete_path(spark, staged_output)
            report = build_report(config, run_id, STATUS_FAILED, counts, outcomes, False, started, ENGINE)
            raise dq_failure_error(config, outcomes, _write_report(spark, config, run_id, report))
        if counts["rows_quarantined"]:
            _write_quarantine(records, classified, config, run_id, counts, staged_quarantine, cache)
        storage.commit(spark, staged_output, config.output_path, config.write_mode)
        storage.commit(spark, staged_quarantine, config.quarantine_path, "append")
        report = build_report(config, run_id, status, counts, outcomes, True, started, ENGINE)
        report_path = _write_report(spark, config, run_id, report)
    finally:
        mapped_df.unpersist()
        for staged in (staged_output, staged_quarantine):
            storage.delete_path(spark, staged)
            storage.remove_if_empty(spark, staged.rsplit("/", 1)[0])
        for path in created:  # a run that committed nothing leaves no empty folder behind
            storage.remove_if_empty(spark, path)
    log.info(
        "run %s %s: %d rows in, %d written to %s, %d quarantined to %s; report %s",
        run_id,
        status,
        counts["rows_in"],
        counts["rows_written"],
        config.output_path,
        counts["rows_quarantined"],
        config.quarantine_path,
        report_path,
    )
    return RunResult(
        run_id=run_id,
        status=status,
        rows_in=counts["rows_in"],
        rows_written=counts["rows_written"],
        rows_quarantined=counts["rows_quarantined"],
        outcomes=outcomes,
        report_path=report_path,
        report=report,
    )


def _quarantine_reasons(classified: DataFrame, config: JsonToParquetConfig) -> list[tuple[str, str, int]]:
    """(stage, reason, rows) of the quarantined rows, for the report of a run over the ceiling."""
    rows = (
        classified.where(~F.col(GOOD))
        .select(_stage().alias("stage"), _reason(config).alias("reason"))
        .groupBy("stage", "reason")
        .count()
        .collect()
    )
    return [(row["stage"], row["reason"], int(row["count"])) for row in rows]


def _stage() -> Column:
    """Why a row is quarantined, in one word: `input` (a document that does not parse), `mapping`, `data_quality`."""
    return (
        F.when(F.col(MAPPED), F.lit(STAGE_DATA_QUALITY))
        .when(F.col(REASON).startswith(storage.DOCUMENT_ERROR), F.lit(STAGE_INPUT))
        .otherwise(F.lit(STAGE_MAPPING))
    )


def _reason(config: JsonToParquetConfig) -> Column:
    return F.when(F.col(MAPPED), rule_failure_reason(row_level_flags(config))).otherwise(F.col(REASON))


def _document_reasons(classified: DataFrame) -> Column | None:
    """The reason of each JSON document that did not parse, with the parser's message (from the driver)."""
    texts = {
        row[REASON]: row[RAW]
        for row in classified.where(F.col(REASON).startswith(storage.DOCUMENT_ERROR))
        .select(F.col(REASON), F.when(F.length(F.col(RAW)) <= MAX_DIAGNOSED_DOCUMENT, F.col(RAW)).alias(RAW))
        .collect()
    }
    messages = storage.document_error_messages(texts)
    if not messages:
        return None
    mapping = F.create_map(*[F.lit(part) for pair in messages.items() for part in pair])
    return F.coalesce(F.element_at(mapping, F.col(REASON)), F.col(REASON))


def _write_quarantine(
    records: DataFrame,
    classified: DataFrame,
    config: JsonToParquetConfig,
    run_id: str,
    counts: dict[str, int],
    staged_quarantine: str,
    cached: bool = True,
) -> None:
    """Write every quarantined row (stage, reason, its input line) to staging; check the count written.

    From the cache, rule-failed rows are found again in the input by their text's hash (`rule_failed_lines`).
    Without a cache, `classified` is computed again from the input, every row with its line: one pass."""
    reason = _document_reasons(classified) if counts["rows_unparsed_documents"] else None
    mapping_reason = reason if reason is not None else F.col(REASON)
    if not cached:
        quarantined = classified.where(~F.col(GOOD)).select(
            _stage().alias(STAGE),
            F.when(F.col(MAPPED), rule_failure_reason(row_level_flags(config))).otherwise(mapping_reason).alias(REASON),
            F.col(RAW),
        )
    else:
        quarantined = classified.where(~F.col(MAPPED)).select(
            _stage().alias(STAGE), mapping_reason.alias(REASON), F.col(RAW)
        )
        if counts["rows_dq_quarantined"] and quarantines_rule_failures(config):
            quarantined = quarantined.unionByName(
                rule_failed_lines(records, classified, config, counts["rows_dq_quarantined"])
            )
    observation = Observation(f"quarantine_{run_id}")
    quarantined.observe(observation, F.count(F.lit(1)).alias("rows")).select(
        F.lit(run_id).alias("run_id"),
        F.col(STAGE).alias("stage"),
        F.col(REASON).alias("reason"),
        F.col(RAW).alias("raw_record"),
    ).write.mode("overwrite").json(staged_quarantine)
    written = int(observation.get["rows"])
    if written != counts["rows_quarantined"]:
        raise RuntimeError(
            f"internal error: {counts['rows_quarantined']} rows failed but {written} input lines were found to "
            "quarantine (did the input change during the run?); nothing was committed."
        )


def _write_report(spark: SparkSession, config: JsonToParquetConfig, run_id: str, report: dict[str, Any]) -> str:
    path = report_location(config, run_id)
    storage.write_text(spark, path, json.dumps(report, indent=2) + "\n")
    return path
