"""Glue Python-shell job (no Spark): logs the `--message` argument to stdout.

python src/glue/jobs/hello_shell.py --message hi
-> INFO hello_shell: python-shell glue job message - hi
"""

from __future__ import annotations

import logging
import sys

from awsglue.utils import GlueArgumentError, getResolvedOptions

log = logging.getLogger("hello_shell")


class MissingArgumentError(ValueError):
    """A required job argument was not passed; `user_facing` makes the local runner print only this."""

    user_facing = True


def main(argv: list[str] | None = None) -> str:
    """Log and return the message line."""
    argv = list(sys.argv if argv is None else argv)
    try:
        message = getResolvedOptions(argv, ["message"])["message"]
    except GlueArgumentError as exc:
        raise MissingArgumentError(
            f"hello_shell: missing required job argument --message ({exc}); pass it as '--message <text>'."
        ) from exc
    line = f"python-shell glue job message - {message}"
    log.info(line)
    return line


if __name__ == "__main__":
    logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    main()
