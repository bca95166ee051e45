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

The comparison is in etl_lib.manifests; the Glue edge (arguments, GlueContext, job.commit()) is etl_lib.edge.
Any other argument that is not one of AWS Glue's job parameters is refused; `--local_mode true` (or
ETL_LOCAL_MODE=1) runs it on plain local Spark.
"""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

from etl_lib.edge import check_library_version, resolve_arguments, start_spark_job
from etl_lib.manifests import MANIFEST_COMPARISON_OPTIONS, ManifestComparisonConfig, run_manifest_comparison

JOB = "manifest_comparison"
# The etl_lib release this script needs: any 1.x.y at or above it (checked by modules/glue_job at plan time
# and by etl_lib.edge at start).
REQUIRES_ETL_LIB = "1.0.0"
log = logging.getLogger(JOB)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    check_library_version(REQUIRES_ETL_LIB)
    argv = list(sys.argv if argv is None else argv)
    args = resolve_arguments(argv, JOB, MANIFEST_COMPARISON_OPTIONS, required=MANIFEST_COMPARISON_OPTIONS)
    config = ManifestComparisonConfig.from_args(args)
    with start_spark_job(JOB, args, argv) as run:
        totals = run_manifest_comparison(run.spark, config)
    log.info("manifest comparison finished: %s", json.dumps(totals, sort_keys=True))
    return totals


if __name__ == "__main__":
    logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    main()
