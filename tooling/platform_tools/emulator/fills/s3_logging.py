"""Gap: S3 `PutBucketLogging` fails when the target bucket's policy is a normal AWS policy.

moto 5.2.5 checks the target bucket's policy for a log-delivery grant by reading each statement's
`Principal` as a dict (a `"Principal": "*"` statement, as in every TLS-only deny, raises
AttributeError: HTTP 500, which the provider retries for many minutes) and by comparing `Resource`
to three exact strings (a grant on `bucket/logs/*` for target prefix `logs/app/`, valid on AWS, is
refused).

Fill: evaluate the grant as S3 does: an Allow statement whose principal includes the service
logging.s3.amazonaws.com, whose actions include s3:PutObject (or a wildcard), and whose resources
match an object key under the target prefix.
"""

from __future__ import annotations

import fnmatch
import json
from typing import Any

from platform_tools.emulator.fills import patch

LOGGING_SERVICE = "logging.s3.amazonaws.com"


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def grants_log_delivery(policy: dict[str, Any], bucket_arn: str, target_prefix: str) -> bool:
    probe_object = f"{bucket_arn}/{target_prefix}probe-object"
    for statement in _as_list(policy.get("Statement")):
        if statement.get("Effect") != "Allow":
            continue
        principal = statement.get("Principal")
        services = _as_list(principal.get("Service")) if isinstance(principal, dict) else []
        if LOGGING_SERVICE not in services:
            continue
        actions = _as_list(statement.get("Action"))
        if not any(fnmatch.fnmatchcase("s3:PutObject", action) for action in actions):
            continue
        if any(fnmatch.fnmatchcase(probe_object, resource) for resource in _as_list(statement.get("Resource"))):
            return True
    return False


def apply() -> None:
    from moto.s3.models import FakeBucket

    def log_permissions_enabled_policy(target_bucket: Any, target_prefix: str | None) -> bool:
        if not target_bucket.policy:
            return False
        policy = json.loads(target_bucket.policy.decode())
        bucket_arn = f"arn:{target_bucket.partition}:s3:::{target_bucket.name}"
        return grants_log_delivery(policy, bucket_arn, target_prefix or "")

    patch(FakeBucket, "_log_permissions_enabled_policy", staticmethod(log_permissions_enabled_policy))
