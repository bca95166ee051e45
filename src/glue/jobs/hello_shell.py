"""Glue Python-shell job (no Spark): logs the `--message` argument to stdout.

python src/glue/jobs/hello_shell.py --message hi
-> INFO hello_shell: python-shell glue job message - hi

Its arguments go through the shared Glue edge (etl_lib.edge), like every job's: an argument that is
neither --message nor one of AWS Glue's job parameters is refused, naming the closest known name. It
starts no GlueContext, so it runs the same on Glue and locally.
"""

from __future__ import annotations

import logging
import sys

from etl_lib.edge import check_library_version, resolve_arguments
from etl_lib.errors import JobArgumentError

JOB = "hello_shell"
# The etl_lib release this script needs: any 1.x.y at or above it (checked by modules/glue_job at plan time
# and by etl_lib.edge at start).
REQUIRES_ETL_LIB = "1.0.0"
log = logging.getLogger(JOB)

# Kept as the name earlier callers caught; every etl_lib argument error is one.
MissingArgumentError = JobArgumentError


def main(argv: list[str] | None = None) -> str:
    """Log and return the message line."""
    check_library_version(REQUIRES_ETL_LIB)
    message = resolve_arguments(argv, JOB, ["message"], required=["message"])["message"]
    line = f"python-shell glue job message - {message}"
    log.info(line)
    return line


if __name__ == "__main__":
    logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    main()
