"""One benchmark variant in a fresh process: `python variants.py VARIANT RECORDS OUTPUT BATCHES`.

Prints one JSON line: {"variant", "batches": [seconds...], "batch_cpu_seconds": [...], "rows_in",
"rows_written", "rows_quarantined", "heap_peak_mb", "cached_batch_mb", "cpu_seconds"}. CPU seconds are this
process's and its JVM's (user + system): unlike wall time, they do not grow when other work competes for the
machine's cores. Each batch is the same records (JSON lines of Kinesis
records, read into the shape of a Kinesis source: data, shardId, sequenceNumber, partitionKey,
approximateArrivalTimestamp) with a new batch id. Before
each batch the records are cached and counted, as Glue's forEachBatch does before it calls the batch function;
the timer covers the batch function only.

- construct: the AWS Solutions Construct sample's batch function: `count() > 0`, the schema inferred from the
  batch (`spark.read.json` of the payloads, as Glue's `inferSchema: true` source does), the mapping as casts
  (what ApplyMapping does, without a DynamicFrame, which needs Glue), then the Parquet write into the
  `ingest_*` folder of the driver's clock.
- ours: `etl_lib.streaming.process_batch`: declared schema, strict conversion, event-time partitions,
  quarantine, staging and the exactly-once commit.
- construct_transform / ours_transform: the same transforms into Spark's `noop` sink (every row computed, nothing
  written): the transforms alone.

`heap_peak_mb`: the JVM heap's peak during the last batch (the sum of the heap pools' peak usage, reset before
the batch: an upper bound). `cached_batch_mb`: the in-memory size of the cached input batch (Glue caches it;
neither batch function caches anything more).
"""

from __future__ import annotations

import datetime
import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT / "src" / "glue"))

# The construct sample's records (its stream-producer) and ApplyMapping: ventilator metrics.
FIELDS = [
    {"name": "ventilatorid", "type": "bigint", "comment": "ventilator"},
    {"name": "eventtime", "type": "timestamp", "comment": "when measured"},
    {"name": "serialnumber", "type": "string", "comment": ""},
    {"name": "pressurecontrol", "type": "bigint", "comment": ""},
    {"name": "o2stats", "type": "bigint", "comment": ""},
    {"name": "minutevolume", "type": "bigint", "comment": ""},
    {"name": "manufacturer", "type": "string", "comment": ""},
]


def spark_session() -> Any:
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("bench-kinesis-to-parquet")
        .config("spark.driver.memory", "4g")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


def construct_batch(spark: Any, data_frame: Any, output: str, sink: str) -> dict[str, int]:
    """The construct's processBatch (aws-custom-glue-etl/etl/transform.py), without the DynamicFrame."""
    from pyspark.sql import DataFrame
    from pyspark.sql import functions as F

    now = datetime.datetime.now()  # the construct's driver clock, as written there
    if data_frame.count() > 0:
        payloads = data_frame.select(F.col("data").cast("string").alias("value"))
        encoder = spark._jvm.org.apache.spark.sql.Encoders.STRING()
        inferred = DataFrame(spark._jsparkSession.read().json(getattr(payloads._jdf, "as")(encoder)), spark)
        columns = set(inferred.columns)

        def field(name: str, cast: str) -> Any:
            return (F.col(name) if name in columns else F.lit(None)).cast(cast).alias(name)

        mapped = inferred.select(
            field("ventilatorid", "long"),
            field("eventtime", "timestamp"),
            field("serialnumber", "string"),
            field("pressurecontrol", "long"),
            field("o2stats", "long"),
            field("minutevolume", "long"),
            field("manufacturer", "string"),
        )
        path = (
            f"{output}/ventilator_metrics/ingest_year={now.year:0>4}/ingest_month={now.month:0>2}"
            f"/ingest_day={now.day:0>2}/ingest_hour={now.hour:0>2}/"
        )
        if sink == "noop":
            mapped.write.format("noop").mode("overwrite").save()
        else:
            mapped.write.mode("append").parquet(path)
    return {"rows_in": -1, "rows_written": -1, "rows_quarantined": -1}


def heap_pools(spark: Any) -> list[Any]:
    management = spark._jvm.java.lang.management.ManagementFactory
    pools = management.getMemoryPoolMXBeans()
    heap = spark._jvm.java.lang.management.MemoryType.HEAP
    return [pools.get(i) for i in range(pools.size()) if pools.get(i).getType().equals(heap)]


def cached_mb(spark: Any) -> float:
    infos = spark.sparkContext._jsc.sc().getRDDStorageInfo()
    return round(sum(info.memSize() for info in infos) / 1e6, 1)


def cpu_seconds(jvm_pid: int) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    fields = Path(f"/proc/{jvm_pid}/stat").read_text().rsplit(")", 1)[1].split()
    jvm = (int(fields[11]) + int(fields[12])) / ticks
    own = resource.getrusage(resource.RUSAGE_SELF)
    return jvm + own.ru_utime + own.ru_stime


def main() -> int:
    variant, records_path, output, batches = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    spark = spark_session()
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    from etl_lib import streaming

    config = streaming.StreamingConfig(
        output_path=f"{output}/orders",
        quarantine_path=f"{output}/quarantine",
        checkpoint_location=f"{output}/checkpoint",
        schema=streaming.StreamSchema(streaming.parse_field_schema(json.dumps(FIELDS)), "eventtime"),
    )
    jvm_pid = int(spark._jvm.java.lang.ProcessHandle.current().pid())
    # The records in the shape of a Kinesis source (data, shardId, sequenceNumber, partitionKey,
    # approximateArrivalTimestamp), read once; each batch caches them before the timer starts.
    envelopes = spark.read.schema(streaming.ENVELOPE_SCHEMA).json(records_path)
    records = envelopes.select(
        F.unbase64("Data").alias("data"),
        F.col("ShardId").alias("shardId"),
        F.col("SequenceNumber").alias("sequenceNumber"),
        F.col("PartitionKey").alias("partitionKey"),
        F.timestamp_seconds(F.col("ApproximateArrivalTimestamp").cast("double")).alias("approximateArrivalTimestamp"),
    )
    seconds: list[float] = []
    batch_cpu: list[float] = []
    counts: dict[str, int] = {}
    heap_peak = 0.0
    cached = 0.0
    cpu_before = cpu_seconds(jvm_pid)
    for batch_id in range(batches):
        batch = records.persist(StorageLevel.MEMORY_AND_DISK)  # what Glue's forEachBatch does first
        batch.count()
        spark._jvm.java.lang.System.gc()
        pools = heap_pools(spark)
        for pool in pools:
            pool.resetPeakUsage()
        started, cpu_started = time.perf_counter(), cpu_seconds(jvm_pid)
        if variant == "construct":
            counts = construct_batch(spark, batch, output, "parquet")
        elif variant == "construct_transform":
            counts = construct_batch(spark, batch, output, "noop")
        elif variant == "ours":
            result = streaming.process_batch(spark, batch, batch_id, config, run_id="bench")
            counts = {k: getattr(result, k) for k in ("rows_in", "rows_written", "rows_quarantined")}
        elif variant == "ours_transform":
            classified = streaming.classify_batch(batch, batch_id, config.schema)
            row = classified.select(F.count(F.lit(1)), F.count(F.when(F.col("__good"), 1))).collect()[0]
            counts = {"rows_in": row[0], "rows_written": row[1], "rows_quarantined": row[0] - row[1]}
        else:
            raise SystemExit(f"unknown variant {variant}")
        seconds.append(time.perf_counter() - started)
        batch_cpu.append(cpu_seconds(jvm_pid) - cpu_started)
        heap_peak = sum(pool.getPeakUsage().getUsed() for pool in pools) / 1e6
        cached = cached_mb(spark)
        batch.unpersist()
    document = {
        "variant": variant,
        "batches": [round(value, 3) for value in seconds],
        "batch_cpu_seconds": [round(value, 3) for value in batch_cpu],
        **counts,
        "heap_peak_mb": round(heap_peak, 1),
        "cached_batch_mb": cached,
        "cpu_seconds": round(cpu_seconds(jvm_pid) - cpu_before, 2),
    }
    print(json.dumps(document))
    return 0


if __name__ == "__main__":
    sys.exit(main())
