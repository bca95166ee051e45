"""json_to_parquet on DuckDB: the Spark engine's contract (etl_lib.report) on one machine.

Order of work, so that bad input fails before anything is written:

1. Validate without reading data: types (`types.resolve_types`), rule columns, regexes, where clauses and
   CustomSql (`rules.check_rules`, `rules.check_sql`), partition columns atomic, the engine's own arguments.
2. List the inputs (local or S3), copy S3 objects into the temporary directory; JSON lines are read by
   DuckDB's CSV reader as whole lines (verbatim: that text is what a quarantined row keeps), JSON documents
   whole, as the Spark engine reads them.
3. One pass (each record read, parsed, converted, with its reasons, the flags of the rules that read one row,
   and its text) into a temporary table DuckDB keeps in memory up to `--memory_limit` and spills to
   `--temp_directory` beyond; the repeated keys of IsUnique/IsPrimaryKey aggregated from it once into a table
   each, which a view semi-joins; one aggregation gives every count and metric; the distinct-value rules and
   CustomSql are one query each.
4. Decide with `etl_lib.report` (the same code as the Spark engine): the ceiling, then the policy. Write the
   good rows as snappy Parquet and the quarantine as JSON lines into local staging, then commit both
   (`io.commit`), `_SUCCESS` last; then the report.

Unlike the Spark engine, the input text is kept through the run (in the pass's table, which DuckDB spills to disk
rather than holding in memory; the queries after it do not read it), so a rule-failed row's quarantine record needs
no second read of the input.
"""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from etl_lib.config import JsonToParquetConfig
from etl_lib.duckdb_engine import io, rules
from etl_lib.duckdb_engine.mapping import MAPPED, RAW, REASON, literal, mapped_select, parse_select, typed_select
from etl_lib.duckdb_engine.types import TypedField, quote, resolve_types
from etl_lib.errors import EtlError, JobArgumentError
from etl_lib.json_input import DOCUMENT_ERROR, decide_format, document_error_message, split_document
from etl_lib.mapping import MALFORMED_JSON
from etl_lib.outcomes import evaluate, flag_name, nodes
from etl_lib.report import (
    COUNT_NAMES,
    STAGE_DATA_QUALITY,
    STAGE_INPUT,
    STAGE_MAPPING,
    STATUS_CEILING,
    STATUS_FAILED,
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

log = logging.getLogger("etl_lib.duckdb_engine")

ENGINE = "duckdb"
# The engine's own arguments, besides json_to_parquet's.
DUCKDB_OPTIONS = ("memory_limit", "temp_directory", "threads")
GOOD = "__good"
# DuckDB's line reader refuses longer lines (Spark has no such limit) and reads in buffers of twice this size per
# thread, so it is a trade: 8 MiB records at most, 16 MiB buffers, which a 1 GB (0.0625 DPU) job can afford.
MAX_LINE_BYTES = 8 * 1024 * 1024
HIVE_NULL = "__HIVE_DEFAULT_PARTITION__"
_MEMORY = re.compile(r"^\s*\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$", re.IGNORECASE)


class EngineResourceError(EtlError):
    """The run did not fit the engine's memory limit and temporary directory."""


@dataclass(frozen=True)
class DuckDbSettings:
    """The DuckDB engine's arguments: memory limit, spill directory, threads (None: DuckDB's defaults)."""

    memory_limit: str | None = None
    temp_directory: str | None = None
    threads: int | None = None

    @classmethod
    def from_args(cls, args: Mapping[str, Any]) -> DuckDbSettings:
        memory = (args.get("memory_limit") or "").strip() or None
        if memory is not None and not _MEMORY.match(memory):
            raise JobArgumentError(
                f"--memory_limit must be an amount of memory such as 640MB or 12GB, not {memory!r} (0.0625 DPU "
                "has 1 GB in all: leave room for Python, e.g. 640MB; 1 DPU has 16 GB)."
            )
        threads_text = (args.get("threads") or "").strip()
        threads = None
        if threads_text:
            if not threads_text.isdigit() or int(threads_text) < 1:
                raise JobArgumentError(f"--threads must be a whole number of at least 1, not {threads_text!r}.")
            threads = int(threads_text)
        temp = (args.get("temp_directory") or "").strip() or None
        return cls(memory_limit=memory, temp_directory=temp, threads=threads)


def connect(settings: DuckDbSettings, work: Path) -> Any:
    """A database file in the run's directory (not an in-memory one). The run's temporary tables (`classify`: the
    pass and the repeated keys) are evicted to `spill` under memory pressure, so a run larger than --memory_limit
    spills instead of failing."""
    import duckdb  # shipped to the Python-shell job as a wheel (requirements-pythonshell.txt)

    config: dict[str, Any] = {"temp_directory": str(work / "spill"), "preserve_insertion_order": False}
    if settings.memory_limit:
        config["memory_limit"] = settings.memory_limit
    if settings.threads:
        config["threads"] = settings.threads
    connection = duckdb.connect(str(work / "run.duckdb"), config=config)
    connection.execute("SET TimeZone = 'UTC'")  # both engines run in UTC: naive timestamps are UTC
    return connection


def validate(connection: Any, config: JsonToParquetConfig) -> list[TypedField]:
    """Every check that reads no data: types, rules, partition columns."""
    if config.input_path is None:
        raise JobArgumentError(
            "--database/--table_name read a Glue catalog table through GlueContext, which only the Spark engine has; "
            "use --input_path, or run the job with engine spark."
        )
    fields = resolve_types(config.mapping)
    rules.check_rules(config.ruleset, fields)
    rules.check_sql(connection, config.ruleset, fields)
    kinds = {field.mapping.target: field.type for field in fields}
    for name in config.partition_columns:
        if kinds[name].is_complex:
            raise JobArgumentError(
                f"--partition_columns: '{name}' is {kinds[name].spark_name}; partition by an atomic column."
            )
    return fields


def _lines_source(files: list[io.InputFile]) -> str:
    paths = ", ".join(literal(str(file.local)) for file in files)
    return (
        f"SELECT value, CAST(NULL AS VARCHAR) AS __input_reason FROM read_csv([{paths}], "
        "columns = {'value': 'VARCHAR'}, delim = '\\0', quote = '', escape = '', header = false, "
        f"auto_detect = false, strict_mode = false, max_line_size = {MAX_LINE_BYTES}, "
        f"buffer_size = {2 * MAX_LINE_BYTES}) "
        # Blank lines are no records. trim() copies every line (measured: 2.8 s of CPU for 2M lines); a line that
        # starts with '{', nearly all of them, is not blank.
        "WHERE value IS NOT NULL AND CASE WHEN starts_with(value, '{') THEN true ELSE trim(value) <> '' END"
    )


def load_records(connection: Any, config: JsonToParquetConfig, files: list[io.InputFile]) -> tuple[str, dict[str, str]]:
    """A view `records` (value, __input_reason) over the inputs as --input_format says; returns its name and,
    for each JSON document that does not parse, its reason with the parser's message."""
    lines: list[io.InputFile] = []
    documents: list[io.InputFile] = []
    for file in files:
        if config.input_format == "jsonl":
            lines.append(file)
            continue
        head = io.read_head(file)
        if config.input_format == "auto" and "\n" not in head.lstrip():
            head = io.read_whole(file)  # the first line is longer than the head: decide on all of it
        decided = decide_format(head, auto=config.input_format == "auto")
        if decided == "jsonl":
            lines.append(file)
        elif decided == "json":
            documents.append(file)
    connection.execute("CREATE OR REPLACE TABLE __documents (value VARCHAR, __input_reason VARCHAR)")
    messages: dict[str, str] = {}
    rows: list[tuple[str, str | None]] = []
    for file in documents:
        text = io.read_whole(file)
        records, reason = split_document(text, file.uri, strict_first=config.input_format == "json")
        if reason is not None:
            body = text[1:] if text.startswith("\ufeff") else text  # as Spark's reader keeps it
            rows.append((body, reason))
            messages[reason] = document_error_message(reason, body)
        else:
            rows.extend(records)
    if rows:
        connection.executemany("INSERT INTO __documents VALUES (?, ?)", rows)
    parts = ["SELECT value, __input_reason FROM __documents"]
    if lines:
        parts.append(_lines_source(lines))
    connection.execute(f"CREATE OR REPLACE TEMP VIEW records AS {' UNION ALL '.join(parts)}")
    return "records", messages


def _stage() -> str:
    return (
        f"CASE WHEN {MAPPED} THEN {literal(STAGE_DATA_QUALITY)} "
        f"WHEN starts_with({REASON}, {literal(DOCUMENT_ERROR)}) THEN {literal(STAGE_INPUT)} "
        f"ELSE {literal(STAGE_MAPPING)} END"
    )


def _rule_reason(config: JsonToParquetConfig) -> str:
    flags = [
        f"CASE WHEN {quote(flag_name(index))} THEN {literal(rule.text)} END"
        for index, rule in enumerate(config.ruleset.rules)
        if rule.row_level
    ]
    return f"concat_ws('; ', {', '.join(flags)})" if flags else "''"


def _reason(config: JsonToParquetConfig, messages: dict[str, str] | None = None) -> str:
    mapping_reason = REASON
    if messages:
        cases = " ".join(f"WHEN {literal(short)} THEN {literal(full)}" for short, full in messages.items())
        mapping_reason = f"CASE {REASON} {cases} ELSE {REASON} END"
    return f"CASE WHEN {MAPPED} THEN {_rule_reason(config)} ELSE {mapping_reason} END"


def classify(
    connection: Any, config: JsonToParquetConfig, fields: list[TypedField], records: str, now: datetime
) -> None:
    """The view `classified`: typed columns, `__mapped`, `__reason`, `__raw`, the rule flags and `__good`; over the
    table `mapped`."""
    types = {field.mapping.target: field.type for field in fields}
    ruleset = config.ruleset
    # One pass, materialised in a temporary table (not the database file's: neither compressed for the file nor
    # written to it unless memory runs short; it spills to --temp_directory): each record read, parsed, each value
    # converted, the reasons, and the flags of the rules that read one row at a time, in one statement
    # (etl_lib.duckdb_engine.mapping), with the record's text (`__raw`), which only a quarantined row needs and the
    # rest of the run does not read (DuckDB reads the columns a query names). Measured at 2M rows against a table
    # of the texts first, then the rest: about 0.4 s less of 4.
    row_flags = rules.flag_sql(ruleset, types, now, row_only=True)
    stored = ", ".join(f"{expression} AS {quote(name)}" for name, expression in row_flags)
    parsed = f"({parse_select(fields, records)})"
    mapped = mapped_select(fields, f"({typed_select(fields, parsed)})")
    connection.execute(
        f"CREATE OR REPLACE TEMP TABLE mapped AS SELECT *{', ' + stored if stored else ''} FROM ({mapped})"
    )
    # IsUnique and IsPrimaryKey: their repeated keys aggregated from `mapped` once (the key columns alone), each a
    # table the view semi-joins (as small as the keys that repeat); the view then adds their flags and the
    # composites' from the stored ones.
    repeated: dict[str, str] = {}
    for key, rule in rules.key_rules(ruleset):
        repeated[key] = f"__repeated_{key}"
        connection.execute(f"CREATE OR REPLACE TEMP TABLE {repeated[key]} AS {rules.repeated_keys_sql(rule, 'mapped')}")
    names = {name for name, _ in row_flags}
    flags = rules.flag_sql(ruleset, types, now, repeated=repeated, stored=names)
    added = [f"{expression} AS {quote(name)}" for name, expression in flags if name not in names]
    row_level = [quote(flag_name(index)) for index, rule in enumerate(ruleset.rules) if rule.row_level]
    good = MAPPED
    if quarantines_rule_failures(config) and row_level:
        good = f"{MAPPED} AND NOT ({' OR '.join(row_level)})"
    columns = ", ".join(["*", *added])
    connection.execute(
        f"CREATE OR REPLACE TEMP VIEW classified AS SELECT *, {good} AS {GOOD} FROM (SELECT {columns} FROM mapped)"
    )


def measure(connection: Any, config: JsonToParquetConfig, fields: list[TypedField]) -> dict[str, Any]:
    types = {field.mapping.target: field.type for field in fields}
    aggregates = [
        ("rows_in", "count(*)"),
        ("rows_written", f"count(*) FILTER (WHERE {GOOD})"),
        ("rows_quarantined", f"count(*) FILTER (WHERE NOT {GOOD})"),
        ("rows_mapped", f"count(*) FILTER (WHERE {MAPPED})"),
        ("rows_malformed", f"count(*) FILTER (WHERE {REASON} = {literal(MALFORMED_JSON)})"),
        ("rows_unparsed_documents", f"count(*) FILTER (WHERE starts_with({REASON}, {literal(DOCUMENT_ERROR)}))"),
        *rules.metric_sql(config.ruleset, types),
    ]
    select = ", ".join(f"{expression} AS {quote(name)}" for name, expression in aggregates)
    cursor = connection.execute(f"SELECT {select} FROM classified")
    row = cursor.fetchone()
    names = [column[0] for column in cursor.description]
    return dict(zip(names, row))


def _partition_value(field: TypedField) -> str:
    """How Spark names a partition folder's value; NULL is Hive's default partition."""
    column = quote(field.mapping.target)
    kind = field.type.kind
    if kind in ("timestamp", "timestamp_ntz"):
        text = f"strftime({column}, '%Y-%m-%d %H:%M:%S')"
    else:
        text = f"CAST({column} AS VARCHAR)"
    return f"coalesce({text}, {literal(HIVE_NULL)}) AS {column}"


def write_output(
    connection: Any, config: JsonToParquetConfig, fields: list[TypedField], staged: Path, run_id: str
) -> int:
    staged.mkdir(parents=True, exist_ok=True)
    by_name = {field.mapping.target: field for field in fields}
    if config.partition_columns:
        columns = [
            _partition_value(by_name[f.mapping.target])
            if f.mapping.target in config.partition_columns
            else quote(f.mapping.target)
            for f in fields
        ]
        partitions = ", ".join(quote(name) for name in config.partition_columns)
        statement = (
            f"COPY (SELECT {', '.join(columns)} FROM classified WHERE {GOOD}) TO {literal(str(staged))} "
            f"(FORMAT parquet, COMPRESSION snappy, PARTITION_BY ({partitions}), "
            f"FILENAME_PATTERN {literal(f'part-{run_id}-')}, FILE_EXTENSION 'snappy.parquet')"
        )
    else:
        targets = ", ".join(quote(field.mapping.target) for field in fields)
        target = staged / f"part-00000-{run_id}.snappy.parquet"
        statement = (
            f"COPY (SELECT {targets} FROM classified WHERE {GOOD}) TO {literal(str(target))} "
            "(FORMAT parquet, COMPRESSION snappy)"
        )
    return int(connection.execute(statement).fetchone()[0])


def write_quarantine(
    connection: Any, config: JsonToParquetConfig, messages: dict[str, str], staged: Path, run_id: str
) -> int:
    staged.mkdir(parents=True, exist_ok=True)
    target = staged / f"part-00000-{run_id}.json"
    statement = (
        f"COPY (SELECT {literal(run_id)} AS run_id, {_stage()} AS stage, {_reason(config, messages)} AS reason, "
        f"{RAW} AS raw_record FROM classified "
        f"WHERE NOT {GOOD}) TO {literal(str(target))} (FORMAT json)"
    )
    return int(connection.execute(statement).fetchone()[0])


def quarantine_reasons(connection: Any, config: JsonToParquetConfig) -> list[tuple[str, str, int]]:
    return [
        (stage, reason, int(count))
        for stage, reason, count in connection.execute(
            f"SELECT {_stage()} AS stage, {_reason(config)} AS reason, count(*) FROM classified "
            f"WHERE NOT {GOOD} GROUP BY ALL"
        ).fetchall()
    ]


def _write_report(config: JsonToParquetConfig, run_id: str, report: dict[str, Any]) -> str:
    import json

    path = report_location(config, run_id)
    io.write_text(path, json.dumps(report, indent=2) + "\n")
    return path


def run_json_to_parquet(
    config: JsonToParquetConfig, settings: DuckDbSettings | None = None, run_id: str | None = None
) -> RunResult:
    """Run the job on DuckDB; raises an `EtlError` subclass for bad input, before anything is committed."""
    settings = settings or DuckDbSettings()
    started = time.time()
    run_id = run_id or new_run_id()
    base = Path(settings.temp_directory or tempfile.gettempdir())
    work = base / f"json_to_parquet-{run_id}"
    work.mkdir(parents=True, exist_ok=True)
    try:
        connection = connect(settings, work)
        try:
            return _run(connection, config, run_id, started, work, settings)
        except EtlError:
            raise
        except Exception as exc:
            if type(exc).__name__ == "OutOfMemoryException" or "Out of Memory" in str(exc):
                raise EngineResourceError(
                    f"DuckDB ran out of memory at --memory_limit {settings.memory_limit or 'its default'} with the "
                    f"temporary directory {base} ({shutil.disk_usage(base).free // 2**20} MiB free): raise "
                    "--memory_limit (max_capacity 1 gives 16 GB), free the temporary directory, or run the job with "
                    f"engine spark. Nothing was committed. ({str(exc).splitlines()[0][:200]})"
                ) from exc
            raise
        finally:
            connection.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _run(
    connection: Any, config: JsonToParquetConfig, run_id: str, started: float, work: Path, settings: DuckDbSettings
) -> RunResult:
    fields = validate(connection, config)
    targets = [field.mapping.target for field in fields]
    assert config.input_path is not None
    files = io.fetch(io.list_inputs(config.input_path), work / "input")
    records, messages = load_records(connection, config, files)
    if connection.execute(f"SELECT count(*) FROM (SELECT 1 FROM {records} LIMIT 1)").fetchone()[0] == 0:
        status, outcomes = empty_run(config, targets)
        report = build_report(config, run_id, status, dict.fromkeys(COUNT_NAMES, 0), outcomes, False, started, ENGINE)
        report_path = _write_report(config, run_id, report)
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

    classify(connection, config, fields, records, datetime.fromtimestamp(started, timezone.utc))
    metrics = measure(connection, config, fields)
    counts = counts_from(metrics)
    check_json_lines(config, counts)
    # The distinct-value rules and CustomSql read the mapped rows, not the flags: the table, not the view over it.
    metrics.update(rules.extra_metrics(connection, "mapped", config.ruleset, targets))
    outcomes = evaluate(config.ruleset, metrics, counts["rows_mapped"], targets)

    if over_ceiling(config, counts):
        ceiling = ceiling_summary(config, counts, quarantine_reasons(connection, config))
        report = build_report(config, run_id, STATUS_CEILING, counts, outcomes, False, started, ENGINE)
        report["quarantine_ceiling"] = ceiling
        raise ceiling_error(config, counts, ceiling, _write_report(config, run_id, report))
    decided = commit_status(config, outcomes)
    if decided is None:
        report = build_report(config, run_id, STATUS_FAILED, counts, outcomes, False, started, ENGINE)
        raise dq_failure_error(config, outcomes, _write_report(config, run_id, report))

    staged_output, staged_quarantine = work / "output", work / "quarantine"
    written = write_output(connection, config, fields, staged_output, run_id)
    quarantined = (
        write_quarantine(connection, config, messages, staged_quarantine, run_id) if counts["rows_quarantined"] else 0
    )
    if (written, quarantined) != (counts["rows_written"], counts["rows_quarantined"]):
        raise RuntimeError(
            f"internal error: {counts['rows_written']} rows to write and {counts['rows_quarantined']} to quarantine, "
            f"but {written} and {quarantined} were written; nothing was committed."
        )
    io.commit(staged_output, config.output_path, config.write_mode)
    if quarantined:
        io.commit(staged_quarantine, config.quarantine_path, "append")
    report = build_report(config, run_id, decided, counts, outcomes, True, started, ENGINE)
    report_path = _write_report(config, run_id, report)
    log.info(
        "run %s %s: %d rows in, %d written to %s, %d quarantined to %s; report %s",
        run_id,
        decided,
        counts["rows_in"],
        counts["rows_written"],
        config.output_path,
        counts["rows_quarantined"],
        config.quarantine_path,
        report_path,
    )
    return RunResult(
        run_id,
        decided,
        counts["rows_in"],
        counts["rows_written"],
        counts["rows_quarantined"],
        outcomes,
        report_path,
        report,
    )


__all__ = ["DUCKDB_OPTIONS", "DuckDbSettings", "RunResult", "nodes", "run_json_to_parquet"]
