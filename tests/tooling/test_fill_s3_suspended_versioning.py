"""Fill s3_suspended_versioning: a bucket whose versioning was suspended can be emptied version by version."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from platform_tools.emulator import EmulatorProcess

pytestmark = pytest.mark.emulator


def _suspended_bucket_with_delete_marker(s3: Any, bucket: str) -> dict[str, list[str]]:
    """What a versioned bucket looks like when Terraform destroys it: an object, a delete marker, suspended."""
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket=bucket, Key="results/part-0.parquet", Body=b"v1")
    s3.put_object(Bucket=bucket, Key="results/part-0.parquet", Body=b"v2")
    s3.delete_object(Bucket=bucket, Key="results/part-0.parquet")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
    return _versions(s3, bucket)


def _versions(s3: Any, bucket: str) -> dict[str, list[str]]:
    listing = s3.list_object_versions(Bucket=bucket)
    return {
        "versions": [v["VersionId"] for v in listing.get("Versions", [])],
        "markers": [m["VersionId"] for m in listing.get("DeleteMarkers", [])],
    }


def test_gap_is_real_on_moto_as_shipped(bare_emulator: EmulatorProcess) -> None:
    s3 = bare_emulator.client("s3")
    found = _suspended_bucket_with_delete_marker(s3, "gap-suspended")
    with pytest.raises(ClientError, match=r"500|InternalError"):
        s3.delete_object(Bucket="gap-suspended", Key="results/part-0.parquet", VersionId=found["markers"][0])


def test_delete_by_version_removes_exactly_that_version(aws: Any) -> None:
    s3 = aws("s3")
    found = _suspended_bucket_with_delete_marker(s3, "fill-suspended-one")
    assert len(found["versions"]) == 2 and len(found["markers"]) == 1

    s3.delete_object(Bucket="fill-suspended-one", Key="results/part-0.parquet", VersionId=found["markers"][0])
    after_marker = _versions(s3, "fill-suspended-one")
    assert after_marker == {"versions": found["versions"], "markers": []}
    # With the marker gone the newest version is current again, as on S3.
    body = s3.get_object(Bucket="fill-suspended-one", Key="results/part-0.parquet")["Body"].read()
    assert body == b"v2"

    s3.delete_object(Bucket="fill-suspended-one", Key="results/part-0.parquet", VersionId=found["versions"][0])
    assert _versions(s3, "fill-suspended-one")["versions"] == found["versions"][1:]
    assert s3.get_bucket_versioning(Bucket="fill-suspended-one")["Status"] == "Suspended"


def test_batch_delete_of_every_version_empties_the_bucket(aws: Any) -> None:
    s3 = aws("s3")
    found = _suspended_bucket_with_delete_marker(s3, "fill-suspended-all")
    objects = [{"Key": "results/part-0.parquet", "VersionId": v} for v in found["markers"] + found["versions"]]
    answer = s3.delete_objects(Bucket="fill-suspended-all", Delete={"Objects": objects})
    assert not answer.get("Errors")
    assert _versions(s3, "fill-suspended-all") == {"versions": [], "markers": []}
    s3.delete_bucket(Bucket="fill-suspended-all")
    assert "fill-suspended-all" not in [b["Name"] for b in s3.list_buckets()["Buckets"]]


def test_delete_without_version_in_a_suspended_bucket_does_not_crash(aws: Any) -> None:
    s3 = aws("s3")
    _suspended_bucket_with_delete_marker(s3, "fill-suspended-plain")
    s3.put_object(Bucket="fill-suspended-plain", Key="other.txt", Body=b"x")
    s3.delete_object(Bucket="fill-suspended-plain", Key="results/part-0.parquet")
    s3.delete_object(Bucket="fill-suspended-plain", Key="other.txt")
    with pytest.raises(ClientError, match="NoSuchKey"):
        s3.get_object(Bucket="fill-suspended-plain", Key="other.txt")
