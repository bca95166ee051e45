"""Fill s3_logging: access logging to a bucket whose policy has a TLS-only deny and a prefix grant."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from platform_tools.emulator import EmulatorProcess
from platform_tools.emulator.fills.s3_logging import grants_log_delivery

pytestmark = pytest.mark.emulator


def _log_target_policy(bucket: str) -> str:
    arn = f"arn:aws:s3:::{bucket}"
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "DenyInsecureTransport",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": [arn, f"{arn}/*"],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                },
                {
                    "Sid": "S3ServerAccessLogDelivery",
                    "Effect": "Allow",
                    "Principal": {"Service": "logging.s3.amazonaws.com"},
                    "Action": "s3:PutObject",
                    "Resource": f"{arn}/s3/*",
                },
            ],
        }
    )


def _enable_logging(client: Any, name: str) -> None:
    client.create_bucket(Bucket=f"{name}-logs")
    client.create_bucket(Bucket=f"{name}-data")
    client.put_bucket_policy(Bucket=f"{name}-logs", Policy=_log_target_policy(f"{name}-logs"))
    client.put_bucket_logging(
        Bucket=f"{name}-data",
        BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": f"{name}-logs", "TargetPrefix": f"s3/{name}-data/"}},
    )


def test_gap_is_real_on_moto_as_shipped(bare_emulator: EmulatorProcess) -> None:
    import boto3
    from botocore.config import Config

    client = boto3.client(
        "s3",
        endpoint_url=bare_emulator.endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"max_attempts": 1}),
    )
    with pytest.raises(ClientError) as error:
        _enable_logging(client, "gap-s3-logging")
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500


def test_fill_accepts_the_policy_and_records_logging(aws: Any) -> None:
    s3 = aws("s3")
    _enable_logging(s3, "fill-s3-logging")
    enabled = s3.get_bucket_logging(Bucket="fill-s3-logging-data")["LoggingEnabled"]
    assert enabled == {"TargetBucket": "fill-s3-logging-logs", "TargetPrefix": "s3/fill-s3-logging-data/"}


def test_fill_still_refuses_a_target_without_a_grant(aws: Any) -> None:
    s3 = aws("s3")
    s3.create_bucket(Bucket="fill-s3-nogrant-logs")
    s3.create_bucket(Bucket="fill-s3-nogrant-data")
    with pytest.raises(ClientError, match="InvalidTargetBucketForLogging"):
        s3.put_bucket_logging(
            Bucket="fill-s3-nogrant-data",
            BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": "fill-s3-nogrant-logs", "TargetPrefix": "x/"}},
        )


@pytest.mark.parametrize(
    ("statement", "prefix", "expected"),
    [
        (
            {
                "Effect": "Allow",
                "Principal": {"Service": "logging.s3.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": "arn:aws:s3:::b/s3/*",
            },
            "s3/data/",
            True,
        ),
        (
            {
                "Effect": "Allow",
                "Principal": {"Service": ["x.amazonaws.com", "logging.s3.amazonaws.com"]},
                "Action": ["s3:*"],
                "Resource": ["arn:aws:s3:::b/*"],
            },
            "",
            True,
        ),
        (
            {
                "Effect": "Allow",
                "Principal": {"Service": "logging.s3.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": "arn:aws:s3:::b/other/*",
            },
            "s3/data/",
            False,
        ),
        (
            {
                "Effect": "Deny",
                "Principal": {"Service": "logging.s3.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": "arn:aws:s3:::b/*",
            },
            "",
            False,
        ),
        ({"Effect": "Allow", "Principal": "*", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*"}, "", False),
        (
            {
                "Effect": "Allow",
                "Principal": {"Service": "logging.s3.amazonaws.com"},
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::b/*",
            },
            "",
            False,
        ),
    ],
)
def test_grant_evaluation(statement: dict[str, Any], prefix: str, expected: bool) -> None:
    assert grants_log_delivery({"Statement": [statement]}, "arn:aws:s3:::b", prefix) is expected
