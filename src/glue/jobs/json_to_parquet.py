"""Glue job: JSON lines or JSON documents (or a Glue catalog table) to typed Parquet, with quarantine and DQDL checks.

Arguments (`--name value`; see src/glue/README.md for details):

  required  --output_path PATH          Parquet output prefix (snappy)
            --quarantine_path PATH      quarantined rows as JSON lines: run_id, stage, reason, raw_record
            --mapping JSON | --mapping_path FILE      the target mapping (etl_lib.mapping)
            --input_path PATH | --database DB --table_name TABLE     input prefix, or a catalog
                                        table (catalog input only on Glue: it needs GlueContext)
  optional  --input_format jsonl|json|auto          JSON lines (default), JSON documents, or per file
            --dq_rules DQDL | --dq_rules_path FILE  data-quality ruleset (etl_lib.dqdl)
            --dq_policy fail|quarantine|warn        default fail
            --max_quarantine_ratio F    fail the run if more than this share is quarantined (default 0.5)
            --partition_columns a,b     output partition columns (mapping targets)
            --write_mode overwrite|append           default overwrite (the quarantine always appends)
            --report_path PATH          report prefix; default <output_path>/_dq_report
            --JOB_NAME NAME             passed by Glue
            --local_mode true           run on plain local Spark (or ETL_LOCAL_MODE=1); never assumed

Any other argument that is not one of AWS Glue's job parameters is refused (etl_lib.job_args).
All the work is in etl_lib; the Glue edge (arguments, GlueContext, the bookmark commit) is etl_lib.edge.
"""

from __future__ import annotations

import logging
import sys

from etl_lib.config import JSON_TO_PARQUET_OPTIONS, JsonToParquetConfig
from etl_lib.edge import check_library_version, resolve_arguments, start_spark_job
from etl_lib.pipeline import RunResult, run_json_to_parquet
from etl_lib.storage import records_from_dataframe

JOB = "json_to_parquet"
# The etl_lib release this script needs: any 1.x.y at or above it (checked by modules/glue_job at plan time
# and by etl_lib.edge at start).
REQUIRES_ETL_LIB = "1.0.0"


def main(argv: list[str] | None = None) -> RunResult:
    check_library_version(REQUIRES_ETL_LIB)
    argv = list(sys.argv if argv is None else argv)
    args = resolve_arguments(argv, JOB, JSON_TO_PARQUET_OPTIONS)
    config = JsonToParquetConfig.from_args(args)
    with start_spark_job(JOB, args, argv) as run:
        records = None
        if config.input_path is None and run.glue_context is not None:
            frame = run.glue_context.create_dynamic_frame.from_catalog(
                database=config.database, table_name=config.table_name, transformation_ctx="source"
            )
            records = records_from_dataframe(frame.toDF())
        return run_json_to_parquet(run.spark, config, records=records)


if __name__ == "__main__":
    logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    main()
