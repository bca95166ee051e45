"""Glue Python-shell job: json_to_parquet on DuckDB, for inputs that fit one machine (0.0625 or 1 DPU).

The same contract as the Spark job (jobs/json_to_parquet.py; src/glue/README.md): the same arguments, mapping,
DQDL rules, policies, input formats, quarantine ceiling, quarantine records and report. Besides them:

  optional  --memory_limit SIZE        DuckDB's memory limit, e.g. 640MB (0.0625 DPU: 1 GB in all) or 12GB (1 DPU);
                                       beyond it DuckDB spills to --temp_directory
            --temp_directory PATH      where inputs are copied, outputs staged and DuckDB spills (default: the
                                       system's temporary directory; ~14 GiB free on a Python-shell job)
            --threads N                DuckDB's threads (default: the machine's cores)

Not available on this engine: --database/--table_name (a catalog table needs GlueContext: use engine spark).
It runs the same on Glue and locally (no GlueContext); S3 is read and written through boto3, which honours
AWS_ENDPOINT_URL. Python 3.9 (Glue's Python-shell runtime): keep this file 3.9-clean (`make lint` checks).
"""

from __future__ import annotations

import logging
import sys

from etl_lib.config import JSON_TO_PARQUET_OPTIONS, JsonToParquetConfig
from etl_lib.duckdb_engine.pipeline import DUCKDB_OPTIONS, DuckDbSettings, run_json_to_parquet
from etl_lib.edge import check_library_version, resolve_arguments
from etl_lib.report import RunResult

JOB = "json_to_parquet_duckdb"
# The etl_lib release this script needs: any 1.x.y at or above it (checked by modules/glue_job at plan time
# and by etl_lib.edge at start).
REQUIRES_ETL_LIB = "1.0.0"


def main(argv: list[str] | None = None) -> RunResult:
    check_library_version(REQUIRES_ETL_LIB)
    argv = list(sys.argv if argv is None else argv)
    args = resolve_arguments(argv, JOB, [*JSON_TO_PARQUET_OPTIONS, *DUCKDB_OPTIONS])
    config = JsonToParquetConfig.from_args(args)
    return run_json_to_parquet(config, DuckDbSettings.from_args(args))


if __name__ == "__main__":
    logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    main()
