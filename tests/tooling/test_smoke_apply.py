"""The toolchain end to end: apply a tiny root module to the emulator, check it, re-plan, destroy."""

from __future__ import annotations

from typing import Any

import pytest

from platform_tools import REPO_ROOT
from platform_tools.terraform import TerraformRoot

pytestmark = pytest.mark.emulator


def test_smoke_root_applies_replans_clean_and_destroys(emulator: Any, aws: Any, tmp_path: Any) -> None:
    root = TerraformRoot(
        REPO_ROOT / "tests/tooling/fixtures/smoke", tmp_path, env=emulator.env(), variables={"name": "smoke-proof"}
    )
    root.init()
    try:
        outputs = root.apply()
        s3 = aws("s3")
        encryption = s3.get_bucket_encryption(Bucket=outputs["bucket"])
        rule = encryption["ServerSideEncryptionConfiguration"]["Rules"][0]["ApplyServerSideEncryptionByDefault"]
        assert rule == {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": outputs["kms_key_arn"]}
        block = s3.get_public_access_block(Bucket=outputs["bucket"])["PublicAccessBlockConfiguration"]
        assert all(block.values()) and len(block) == 4
        assert aws("iam").get_role(RoleName=outputs["role_name"])["Role"]["RoleName"] == "smoke-proof-reader"

        changes, plan = root.plan_has_changes()
        assert not changes, plan
    finally:
        root.destroy()
    assert root.state_resources() == []
    buckets = [b["Name"] for b in aws("s3").list_buckets()["Buckets"]]
    assert outputs["bucket"] not in buckets
