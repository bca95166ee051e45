"""Glue job: JSON lines (or a Glue catalog table) to typed Parquet, with quarantine and DQDL checks.

Arguments (`--name value`; see src/glue/README.md for details):

  required  --output_path PATH          Parquet output prefix (snappy)
            --quarantine_path PATH      quarantined rows as JSON lines: run_id, stage, reason, raw_record
            --mapping JSON | --mapping_path FILE      the target mapping (etl_lib.mapping)
            --input_path PATH | --database DB --table_name TABLE     JSON-lines prefix, or a catalog
                                        table (catalog input only on Glue: it needs GlueContext)
  optional  --dq_rules DQDL | --dq_rules_path FILE  data-quality ruleset (etl_lib.dqdl)
            --dq_policy fail|quarantine|warn        default fail
            --partition_columns a,b     output partition columns (mapping targets)
            --write_mode overwrite|append           default overwrite (the quarantine always appends)
            --report_path PATH          report prefix; default <output_path>/_dq_report
            --JOB_NAME NAME             passed by Glue

All the work is in etl_lib; this file is the Glue edge: argument resolution, GlueContext and the
bookmark commit. Without the Glue runtime (local Spark, tests, `make run-job`) it falls back to a
plain SparkSession, and job bookmarks and `job.commit()` are skipped.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from etl_lib.config import JSON_TO_PARQUET_OPTIONS, JsonToParquetConfig, present_options
from etl_lib.pipeline import RunResult, run_json_to_parquet
from etl_lib.storage import records_from_dataframe

log = logging.getLogger("json_to_parquet")


def _start(job_name: str, args: dict[str, Any]) -> tuple[Any, Any, Any]:
    """(spark, glue_context, job) on Glue; (spark, None, None) where GlueContext is unavailable."""
    from pyspark.context import SparkContext
    from pyspark.sql import SparkSession

    try:
        from awsglue.context import GlueContext
        from awsglue.job import Job

        glue_context = GlueContext(SparkContext.getOrCreate())
    except Exception as exc:  # ImportError off Glue, or a py4j error: the Glue jars are not on the JVM
        log.info("GlueContext unavailable (%s): running on plain Spark; bookmarks and job.commit() are off.", exc)
        return SparkSession.builder.getOrCreate(), None, None
    job = Job(glue_context)
    job.init(job_name, args)
    return glue_context.spark_session, glue_context, job


def main(argv: list[str] | None = None) -> RunResult:
    from awsglue.utils import getResolvedOptions

    argv = list(sys.argv if argv is None else argv)
    args = getResolvedOptions(argv, present_options(argv, JSON_TO_PARQUET_OPTIONS))
    config = JsonToParquetConfig.from_args(args)
    spark, glue_context, job = _start(config.job_name, args)
    records = None
    if config.input_path is None and glue_context is not None:
        frame = glue_context.create_dynamic_frame.from_catalog(
            database=config.database, table_name=config.table_name, transformation_ctx="source"
        )
        records = records_from_dataframe(frame.toDF())
    result = run_json_to_parquet(spark, config, records=records)
    if job is not None:
        job.commit()
    return result


if __name__ == "__main__":
    logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    main()
