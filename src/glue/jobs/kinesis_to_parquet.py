"""Glue streaming job: Kinesis records to Parquet partitioned by event time, quarantine for the rest, exactly once.

Arguments (`--name value`; the table and defaults are in src/glue/README.md, "Streaming: kinesis_to_parquet"):

  required  --output_path PATH            Parquet output prefix (snappy), partitioned by ingest_year/month/day/hour
            --quarantine_path PATH        quarantined records as JSON lines, partitioned by arrival time
            --checkpoint_location PATH    the streaming query's checkpoint
            --field_schema JSON           [{"name", "type", "comment"}, ...]: the records' fields and Glue types
            --database_name DB --table_name TABLE    the stream's catalog table (on Glue)
  optional  --event_time_field NAME       a timestamp field whose value partitions the record (default: arrival time)
            --window_size "N seconds"     default "100 seconds"
            --starting_position P         latest | trim_horizon | yyyy-mm-ddTHH:MM:SSZ (default trim_horizon)
            --max_fetch_records_per_shard N          default 100000
            --emit_consumer_lag_metrics true|false   default true
            --batch_max_retries N         0..100, default 3
            --JOB_NAME NAME               passed by Glue
  local     --local_mode true             run on plain local Spark (or ETL_LOCAL_MODE=1); never assumed, and then
            --local_input_path PATH       files of Kinesis records (JSON lines), with Spark's file stream source, or
            --local_stream_name NAME      a Kinesis stream read with boto3 (AWS_ENDPOINT_URL: the emulator)

Any other argument that is not one of AWS Glue's job parameters is refused (etl_lib.job_args). The per-batch
transform and the exactly-once commit are etl_lib.streaming; arguments and GlueContext are etl_lib.edge. This
script only wires the Glue source to forEachBatch (or, locally, a local source to the same batch function).
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from etl_lib.edge import check_library_version, resolve_arguments, start_spark_job
from etl_lib.job_args import local_mode_requested
from etl_lib.streaming import (
    KINESIS_TO_PARQUET_OPTIONS,
    REQUIRED_OPTIONS,
    BatchResult,
    StreamingConfig,
    process_batch,
    run_file_stream,
    run_local_kinesis,
)

JOB = "kinesis_to_parquet"
# The etl_lib release this script needs: any 1.x.y at or above it (checked by modules/glue_job at plan time
# and by etl_lib.edge at start).
REQUIRES_ETL_LIB = "1.0.0"
log = logging.getLogger(JOB)


def main(argv: list[str] | None = None) -> list[BatchResult]:
    """Run the job. On Glue it never returns (forEachBatch runs until the job is stopped); in local mode it
    processes what the local source holds, then returns each batch's result."""
    check_library_version(REQUIRES_ETL_LIB)
    argv = list(sys.argv if argv is None else argv)
    args = resolve_arguments(argv, JOB, KINESIS_TO_PARQUET_OPTIONS, required=REQUIRED_OPTIONS)
    config = StreamingConfig.from_args(args, local=local_mode_requested(args))
    with start_spark_job(JOB, args, argv) as run:
        if run.glue_context is None:
            if config.local_input_path is not None:
                return run_file_stream(run.spark, config)
            return run_local_kinesis(run.spark, config)
        glue_context: Any = run.glue_context
        frame = glue_context.create_data_frame.from_catalog(
            database=config.database_name,
            table_name=config.table_name,
            transformation_ctx="source",
            additional_options=config.glue_source_options(),
        )

        def batch_function(batch: Any, batch_id: int) -> None:
            process_batch(run.spark, batch, batch_id, config)

        glue_context.forEachBatch(frame=frame, batch_function=batch_function, options=config.for_each_batch_options())
    return []


if __name__ == "__main__":
    logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    main()
