"""Glue job: compare import and export manifests inside a cut-off window (started by the batch launcher).

Arguments (`--name value`; all required except --JOB_NAME; the launcher passes the first seven per run,
modules/batch_launcher sets the four locations as the job's default arguments):

  --cut_off_time_start MS     window start, epoch milliseconds (UTC)
  --cut_off_time_end MS       window end (exclusive)
  --margin_of_error MS        the end plus the allowed lag between the two sides
  --import_type TYPE          historic | streaming_main | streaming_equality: reads <import_prefix>/<TYPE>/
  --snapshot_type TYPE        full | incremental: reads <export_prefix>/<TYPE>/
  --import_prefix PATH        import manifests (CSV: id,timestamp,type,source), no trailing slash
  --export_prefix PATH        export manifests, same format
  --missing_imports_location, --missing_exports_location, --counts_location,
  --mismatched_timestamps_location PATH     Parquet outputs (overwritten), one per Athena table

The comparison is in etl_lib.manifests; this file is the Glue edge: argument resolution, GlueContext and
job.commit(). Without the Glue runtime (local Spark, tests, `make run-job`) it runs on a plain
SparkSession and skips job.commit().
"""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

from etl_lib.config import present_options
from etl_lib.manifests import MANIFEST_COMPARISON_OPTIONS, ManifestComparisonConfig, run_manifest_comparison

log = logging.getLogger("manifest_comparison")


def _start(job_name: str, args: dict[str, Any]) -> tuple[Any, Any]:
    """(spark, job) on Glue; (spark, None) where GlueContext is unavailable."""
    from pyspark.context import SparkContext
    from pyspark.sql import SparkSession

    try:
        from awsglue.context import GlueContext
        from awsglue.job import Job

        glue_context = GlueContext(SparkContext.getOrCreate())
    except Exception as exc:  # ImportError off Glue, or a py4j error: the Glue jars are not on the JVM
        log.info("GlueContext unavailable (%s): running on plain Spark; job.commit() is off.", exc)
        return SparkSession.builder.getOrCreate(), None
    job = Job(glue_context)
    job.init(job_name, args)
    return glue_context.spark_session, job


def main(argv: list[str] | None = None) -> dict[str, Any]:
    from awsglue.utils import getResolvedOptions

    argv = list(sys.argv if argv is None else argv)
    args = getResolvedOptions(argv, [*MANIFEST_COMPARISON_OPTIONS, *present_options(argv, ["JOB_NAME"])])
    config = ManifestComparisonConfig.from_args(args)
    spark, job = _start(config.job_name, args)
    totals = run_manifest_comparison(spark, config)
    log.info("manifest comparison finished: %s", json.dumps(totals, sort_keys=True))
    if job is not None:
        job.commit()
    return totals


if __name__ == "__main__":
    logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    main()
