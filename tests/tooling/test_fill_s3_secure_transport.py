"""Fill s3_secure_transport: a TLS-only bucket policy lets requests through; a true-conditioned deny still bites."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from platform_tools.emulator import EmulatorProcess

pytestmark = pytest.mark.emulator


def _policy(bucket: str, secure_transport: str) -> str:
    arn = f"arn:aws:s3:::{bucket}"
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "DenyByTransport",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": [arn, f"{arn}/*"],
                    "Condition": {"Bool": {"aws:SecureTransport": secure_transport}},
                }
            ],
        }
    )


def _bucket_with_policy(s3: Any, bucket: str, secure_transport: str) -> None:
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_policy(Bucket=bucket, Policy=_policy(bucket, secure_transport))


def test_gap_is_real_on_moto_as_shipped(bare_emulator: EmulatorProcess) -> None:
    s3 = bare_emulator.client("s3")
    _bucket_with_policy(s3, "gap-tls-only", "false")
    with pytest.raises(ClientError, match=r"Forbidden|AccessDenied|403"):
        s3.put_object(Bucket="gap-tls-only", Key="a.txt", Body=b"a")


def test_tls_only_policy_allows_requests(aws: Any) -> None:
    s3 = aws("s3")
    _bucket_with_policy(s3, "fill-tls-only", "false")
    s3.put_object(Bucket="fill-tls-only", Key="a.txt", Body=b"a")
    assert s3.get_object(Bucket="fill-tls-only", Key="a.txt")["Body"].read() == b"a"


def test_deny_conditioned_on_secure_transport_true_is_enforced(aws: Any) -> None:
    s3 = aws("s3")
    _bucket_with_policy(s3, "fill-deny-tls", "true")
    with pytest.raises(ClientError, match=r"Forbidden|AccessDenied|403"):
        s3.put_object(Bucket="fill-deny-tls", Key="a.txt", Body=b"a")
