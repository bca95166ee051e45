"""Gap: in a bucket whose versioning is Suspended, deleting an object that has a delete marker crashes.

moto 5.2.5 treats a Suspended bucket as unversioned in `delete_object`: it drops the key's whole version
list, and disposing of each entry fails on the delete marker (`'FakeDeleteMarker' object has no attribute
'dispose'`, HTTP 500). That is exactly how Terraform destroys a versioned bucket with `force_destroy`:
`aws_s3_bucket_versioning` is destroyed first (versioning Suspended), then the bucket is emptied version
by version, and the provider retries the 500 until its timeout. Any bucket whose objects were ever
deleted (the batch launcher clears result prefixes) could not be destroyed.

Fill, as S3 does it: a `DeleteObject` (or `DeleteObjects` entry) naming a `VersionId` in a Suspended
bucket removes that one version permanently, whatever it is; without a `VersionId` moto's own path
runs, and a delete marker it drops is simply forgotten (it holds no data to release).
"""

from __future__ import annotations

from typing import Any

from platform_tools.emulator.fills import patch


def apply() -> None:
    from moto.s3.models import FakeDeleteMarker, S3Backend

    original_delete_object = S3Backend.delete_object

    def delete_object(
        self: Any,
        bucket_name: str,
        key_name: str,
        version_id: str | None = None,
        bypass: bool = False,
    ) -> tuple[bool, dict[str, Any]]:
        bucket = self.get_bucket(bucket_name)
        if version_id is None or getattr(bucket, "versioning_status", None) != "Suspended":
            return original_delete_object(self, bucket_name, key_name, version_id=version_id, bypass=bypass)
        # moto's versioned path deletes exactly the named version (and honours object locks). The status is
        # flipped for the length of this call only; a write racing it on the same bucket would be versioned,
        # which no user of the emulator (Terraform emptying a bucket it destroys) does.
        bucket.versioning_status = "Enabled"
        try:
            return original_delete_object(self, bucket_name, key_name, version_id=version_id, bypass=bypass)
        finally:
            bucket.versioning_status = "Suspended"

    def dispose(self: Any, garbage: bool = False) -> None:
        """A delete marker holds no buffer: nothing to release."""

    patch(S3Backend, "delete_object", delete_object)
    patch(FakeDeleteMarker, "dispose", dispose)
