"""One benchmark variant in a fresh process: `python variants.py VARIANT INPUT OUTPUT`.

Prints one JSON line: {"variant", "seconds", "cpu_seconds", "rows_written", "jobs"}. The timer starts
after the Spark session is up (JVM start-up is the same for every Spark variant and is not what is
compared; run.py measures the whole process too). `cpu_seconds` is the CPU time (user + system) this
process and its JVM spent in the timed part: unlike wall time, it does not grow when other processes
compete for the machine's cores. Peak memory is sampled by run.py over the whole process tree.

- naive:  the Glue-style script this job replaces: schema inference, the mapping as casts, one Spark
          action per data-quality rule, then the write. No cache, no quarantine.
- ours:   etl_lib's json_to_parquet with the same mapping and rules (policy quarantine).
- duckdb: DuckDB `COPY (SELECT ... FROM read_json(...)) TO ... (FORMAT parquet)`: the single-machine
          floor for the same conversion, without data-quality rules ("bare COPY").
- duckdb_ours: the DuckDB job itself (jobs.json_to_parquet_duckdb.main) with the same mapping, rules and
          policy, `--memory_limit 1GB` and `--temp_directory` beside the output, 2 threads.
- duckdb_ours_640mb: the same with `--memory_limit 640MB`, what modules/glue_job sets at 0.0625 DPU (1 GB in
          all: the rest is left for Python).
- floor_reader: Spark's JSON reader with the explicit schema (no inference), the mapping as casts, the
          write: no rule, no check, no quarantine. The least any Spark job that reads every field and
          writes Parquet costs here.
- floor_ours: etl_lib's parse and strict conversion (each line kept as text, parsed with `from_json`)
          and the write: no rule, no quarantine. The least a job that can quarantine a record as its
          input line costs.

For measuring the Spark engine's own overhead (not run by default):

- ours_rowrules: ours with the rules minus IsUnique (no rule reads the rows twice); 8.6% of rows quarantined.
- ours_clean:    ours on the input without its malformed lines (run.py writes it), with rules every row
          passes: nothing is quarantined, so the run is one pass over the input.
- a suffix switches one engine choice back, to measure what it bought in the same run: `+cache` persists
          the mapped rows even when nothing reads them twice (pipeline.needs_cache), `+nocache` never does,
          `+deser` caches with StorageLevel.MEMORY_AND_DISK_DESER (pipeline.CACHE_LEVEL).
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT / "src" / "glue"))

MAPPING = [
    {"source": "id", "target": "id", "type": "bigint", "required": True},
    {"source": "name", "target": "name", "type": "string"},
    {"source": "address.city", "target": "city", "type": "string"},
    {"source": "address.zip", "target": "zip", "type": "string"},
    {"source": "value", "target": "value", "type": "decimal(12,2)"},
    {"source": "ts", "target": "ts", "type": "timestamp"},
    {"source": "tags", "target": "tags", "type": "array<string>"},
    {"source": "type", "target": "type", "type": "string"},
    {"source": "email", "target": "email", "type": "string"},
]
RULES = (
    'Rules = [ RowCount > 0, IsComplete "id", IsUnique "id", Completeness "name" >= 0.9, '
    'ColumnValues "value" between 0 and 1000, ColumnValues "type" in ["a","b"], '
    'ColumnValues "email" matches "[a-z]+@.*", ColumnLength "name" <= 40, ColumnCount = 9 ]'
)
ROW_RULES = RULES.replace('IsUnique "id", ', "")
# Rules every row of the input without malformed lines passes (a null name or value fails no rule here).
CLEAN_RULES = (
    'Rules = [ RowCount > 0, IsComplete "id", Completeness "name" >= 0.9, Completeness "value" >= 0.9, '
    'ColumnValues "type" in ["a","b","c"], ColumnValues "email" matches "[a-z]+@.*", Mean "value" > 0, '
    "ColumnCount = 9 ]"
)


def spark_session() -> Any:
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("bench-json-to-parquet")
        .config("spark.driver.memory", "8g")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


def mapping_as_casts(df: Any) -> Any:
    """MAPPING as plain casts, the way a Glue-style script writes it (no check that a value converted)."""
    from pyspark.sql import functions as F

    return df.select(
        F.col("id").cast("bigint").alias("id"),
        F.col("name"),
        F.col("address.city").alias("city"),
        F.col("address.zip").alias("zip"),
        F.col("value").cast("decimal(12,2)").alias("value"),
        F.to_timestamp("ts").alias("ts"),
        F.col("tags"),
        F.col("type"),
        F.col("email"),
    )


def naive(spark: Any, source: str, output: str) -> int:
    from pyspark.sql import functions as F

    df = spark.read.json(source)  # a full pass to infer the schema
    mapped = mapping_as_casts(df)
    rows = mapped.count()  # RowCount > 0
    checks = {
        "RowCount": rows > 0,
        "IsComplete id": mapped.where(F.col("id").isNull()).count() == 0,
        "IsUnique id": mapped.groupBy("id").count().where("count > 1").count() == 0,
        "Completeness name": mapped.where(F.col("name").isNotNull()).count() / rows >= 0.9,
        "ColumnValues value": mapped.where(~F.col("value").between(0, 1000)).count() == 0,
        "ColumnValues type": mapped.where(~F.col("type").isin("a", "b")).count() == 0,
        "ColumnValues email": mapped.where(~F.col("email").rlike("^[a-z]+@.*$")).count() == 0,
        "ColumnLength name": mapped.where(F.length("name") > 40).count() == 0,
        "ColumnCount": len(mapped.columns) == 9,
    }
    print(json.dumps({"naive_checks": checks}), file=sys.stderr)
    mapped.write.mode("overwrite").option("compression", "snappy").parquet(output)
    return int(rows)


QUARANTINED: list[int] = []  # what the job run by this process quarantined


def ours(spark: Any, source: str, output: str, rules: str = RULES) -> int:
    from etl_lib.config import JsonToParquetConfig
    from etl_lib.pipeline import run_json_to_parquet

    config = JsonToParquetConfig.from_args(
        {
            "input_path": source,
            "output_path": f"{output}/data",
            "quarantine_path": f"{output}/quarantine",
            "mapping": json.dumps(MAPPING),
            "dq_rules": rules,
            "dq_policy": "quarantine",
        }
    )
    result = run_json_to_parquet(spark, config)
    print(json.dumps({"ours_status": result.status, "quarantined": result.rows_quarantined}), file=sys.stderr)
    QUARANTINED.append(result.rows_quarantined)
    return result.rows_written


def ours_rowrules(spark: Any, source: str, output: str) -> int:
    return ours(spark, source, output, ROW_RULES)


def ours_clean(spark: Any, source: str, output: str) -> int:
    return ours(spark, source, output, CLEAN_RULES)


def switch(modifiers: list[str]) -> None:
    """Apply `+cache`, `+nocache`, `+deser` to the Spark engine (see the module docstring)."""
    from pyspark import StorageLevel

    from etl_lib import pipeline

    for modifier in modifiers:
        if modifier == "cache":
            pipeline.needs_cache = lambda config: True
        elif modifier == "nocache":
            pipeline.needs_cache = lambda config: False
        elif modifier == "deser":
            pipeline.CACHE_LEVEL = StorageLevel.MEMORY_AND_DISK_DESER
        else:
            raise SystemExit(f"unknown variant modifier +{modifier}")


def floor_reader(spark: Any, source: str, output: str) -> int:
    schema = (
        "id string, name string, address struct<city: string, zip: string>, value string, ts string, "
        "tags array<string>, type string, email string"
    )
    mapped = mapping_as_casts(spark.read.schema(schema).json(source))
    mapped.write.mode("overwrite").option("compression", "snappy").parquet(output)
    return int(spark.read.parquet(output).count())


def floor_ours(spark: Any, source: str, output: str) -> int:
    from etl_lib.mapping import parse_mapping
    from etl_lib.spark_mapping import map_records, resolve_types
    from etl_lib.storage import read_json_lines

    fields = resolve_types(spark, parse_mapping(json.dumps(MAPPING)))
    mapped = map_records(read_json_lines(spark, source), fields).drop("__raw", "__reason")
    mapped.write.mode("overwrite").option("compression", "snappy").parquet(output)
    return int(spark.read.parquet(output).count())


def duckdb_copy(source: str, output: str) -> int:
    import duckdb

    columns = {
        "id": "VARCHAR",
        "name": "VARCHAR",
        "address": "STRUCT(street VARCHAR, city VARCHAR, zip VARCHAR)",
        "value": "VARCHAR",
        "ts": "VARCHAR",
        "tags": "VARCHAR[]",
        "type": "VARCHAR",
        "email": "VARCHAR",
    }
    connection = duckdb.connect()
    connection.execute("SET threads TO 2")
    Path(output).mkdir(parents=True, exist_ok=True)
    query = f"""
        COPY (
            SELECT TRY_CAST(id AS BIGINT) AS id, name, address.city AS city, address.zip AS zip,
                   TRY_CAST(value AS DECIMAL(12,2)) AS value, TRY_CAST(ts AS TIMESTAMP) AS ts, tags, type, email
            FROM read_json('{source}/*.jsonl', format = 'newline_delimited', columns = {columns!r},
                           ignore_errors = true)
        ) TO '{output}/data.parquet' (FORMAT parquet, COMPRESSION snappy)
    """
    connection.execute(query)
    row = connection.execute(f"SELECT count(*) FROM read_parquet('{output}/data.parquet')").fetchone()
    return int(row[0]) if row else 0


def duckdb_ours(source: str, output: str, memory_limit: str) -> int:
    """The DuckDB job as Glue runs it (its main(), its arguments), on local paths."""
    from jobs.json_to_parquet_duckdb import main as job_main

    temp = Path(output) / "tmp"
    temp.mkdir(parents=True, exist_ok=True)
    argv = ["json_to_parquet_duckdb.py"]
    for name, value in {
        "input_path": source,
        "output_path": f"{output}/data",
        "quarantine_path": f"{output}/quarantine",
        "mapping": json.dumps(MAPPING),
        "dq_rules": RULES,
        "dq_policy": "quarantine",
        "memory_limit": memory_limit,
        "temp_directory": str(temp),
        "threads": "2",
    }.items():
        argv += [f"--{name}", value]
    result = job_main(argv)
    print(json.dumps({"duckdb_ours_status": result.status, "quarantined": result.rows_quarantined}), file=sys.stderr)
    QUARANTINED.append(result.rows_quarantined)
    return result.rows_written


def cpu_seconds(pids: list[int]) -> float:
    """CPU time so far of this process (getrusage) plus the given child processes (/proc/PID/stat)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    total = usage.ru_utime + usage.ru_stime
    ticks = os.sysconf("SC_CLK_TCK")
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


DUCKDB_MEMORY = {"duckdb_ours": "1GB", "duckdb_ours_640mb": "640MB"}
SPARK: dict[str, Callable[[Any, str, str], int]] = {
    "naive": naive,
    "ours": ours,
    "floor_reader": floor_reader,
    "floor_ours": floor_ours,
    "ours_rowrules": ours_rowrules,
    "ours_clean": ours_clean,
}


def main() -> None:
    variant, source, output = sys.argv[1:4]
    base, *modifiers = variant.split("+")
    if base == "duckdb" or base in DUCKDB_MEMORY:
        cpu_before, started = cpu_seconds([]), time.perf_counter()
        written = duckdb_copy(source, output) if base == "duckdb" else duckdb_ours(source, output, DUCKDB_MEMORY[base])
        seconds, cpu = time.perf_counter() - started, cpu_seconds([]) - cpu_before
        jobs = 0
    else:
        switch(modifiers)
        spark = spark_session()
        jvm = [spark.sparkContext._gateway.proc.pid]
        spark.sparkContext.setJobGroup("bench", variant)
        cpu_before, started = cpu_seconds(jvm), time.perf_counter()
        written = SPARK[base](spark, source, output)
        seconds, cpu = time.perf_counter() - started, cpu_seconds(jvm) - cpu_before
        jobs = len(spark.sparkContext.statusTracker().getJobIdsForGroup("bench"))
    result = {
        "variant": variant,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "rows_written": written,
        "rows_quarantined": QUARANTINED[0] if QUARANTINED else None,
        "jobs": jobs,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
