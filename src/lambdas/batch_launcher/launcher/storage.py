"""Clearing S3 prefixes before a run: list each prefix page by page, delete in batches of up to 1000 keys."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .sql import S3_CLEARABLE_PREFIX_PATTERN

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.type_defs import ObjectIdentifierTypeDef

# DeleteObjects takes at most 1000 keys a call; ListObjectsV2 returns at most 1000 a page.
DELETE_BATCH = 1000
LIST_PAGE = 1000


class ClearPrefixError(RuntimeError):
    """S3 refused to delete some objects; the message names the first few and S3's reasons."""


def split_prefix(uri: str) -> tuple[str, str]:
    """ "s3://bucket/a/b/" -> ("bucket", "a/b/"); only prefixes with a key (never a whole bucket)."""
    match = S3_CLEARABLE_PREFIX_PATTERN.match(uri)
    if not match:
        raise ValueError(
            f'{uri!r} is not a prefix that may be cleared: use "s3://bucket/prefix/" (never a whole bucket).'
        )
    return match["bucket"], match["key"]


def _delete(s3: S3Client, bucket: str, keys: list[ObjectIdentifierTypeDef]) -> int:
    response = s3.delete_objects(Bucket=bucket, Delete={"Objects": keys, "Quiet": True})
    errors = response.get("Errors", [])
    if errors:
        details = "; ".join(f"{e.get('Key')}: {e.get('Code')} {e.get('Message')}" for e in errors[:3])
        raise ClearPrefixError(f"could not delete {len(errors)} of {len(keys)} objects in s3://{bucket}/: {details}")
    return len(keys)


def clear_prefix(s3: S3Client, uri: str, batch_size: int = DELETE_BATCH, page_size: int = LIST_PAGE) -> int:
    """Delete every object under one prefix; return how many were deleted.

    Listing continues after the last key listed, so deleting the keys already listed while paging on
    does not skip any.
    """
    bucket, prefix = split_prefix(uri)
    deleted = 0
    batch: list[ObjectIdentifierTypeDef] = []
    pages = s3.get_paginator("list_objects_v2").paginate(
        Bucket=bucket, Prefix=prefix, PaginationConfig={"PageSize": page_size}
    )
    for page in pages:
        for item in page.get("Contents", []):
            batch.append({"Key": item["Key"]})
            if len(batch) == batch_size:
                deleted += _delete(s3, bucket, batch)
                batch = []
    if batch:
        deleted += _delete(s3, bucket, batch)
    return deleted


def clear_prefixes(s3: S3Client, uris: Sequence[str], batch_size: int = DELETE_BATCH) -> dict[str, int]:
    """Clear each prefix in turn; return {prefix: objects deleted}."""
    return {uri: clear_prefix(s3, uri, batch_size) for uri in uris}
