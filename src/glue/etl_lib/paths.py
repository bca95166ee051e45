"""Locations, engine-free: local paths or URIs, and the small text files a job reads (mapping, rules).

Shared by both engines (importable on Python 3.9, the Glue Python-shell runtime).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from etl_lib.errors import JobArgumentError

_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def is_uri(path: str) -> bool:
    return bool(_SCHEME_RE.match(path))


def normalize_path(path: str) -> str:
    """Absolute local paths (so Spark and the Hadoop API agree); URIs unchanged but for a trailing slash."""
    if is_uri(path):
        return path.rstrip("/") if not path.endswith("://") else path
    return os.path.abspath(os.path.expanduser(path))


def read_text(location: str) -> str:
    """The text of a small file (mapping, ruleset): a local path, or s3://bucket/key through boto3.

    boto3 honours AWS_ENDPOINT_URL, so tests read from the local emulator exactly as Glue reads from S3.
    """
    if location.startswith(("s3://", "s3a://")):
        import boto3  # only needed for S3 locations; the Glue runtime ships it

        bucket, _, key = location.split("://", 1)[1].partition("/")
        if not bucket or not key:
            raise JobArgumentError(f"{location} is not an s3://bucket/key location.")
        try:
            body = boto3.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()
        except Exception as exc:
            raise JobArgumentError(f"cannot read {location}: {exc}") from exc
        return bytes(body).decode("utf-8")
    try:
        return Path(location).expanduser().read_text(encoding="utf-8")
    except OSError as exc:
        raise JobArgumentError(f"cannot read {location}: {exc.strerror or exc}.") from exc
