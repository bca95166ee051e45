"""Gap: a TLS-only bucket policy denies every object request on moto.

moto 5.2.5 evaluates bucket-policy conditions with no request context, treats every operator but
`StringEquals` as met, and answers DENIED for any statement whose condition is not met, whatever its
Effect. So the standard `Deny s3:* if Bool aws:SecureTransport = false` always applies, and
PutObject/GetObject answer 403 on any bucket that carries it.

Fill: before moto evaluates a bucket policy, drop the statements whose conditions are not met by
the request context `aws:SecureTransport = true` (the emulator stands in for S3's TLS endpoint;
clients reach it over loopback), evaluating `Bool` and `StringEquals` on the keys that context has.
Conditions on other keys are left to moto, as before. A deny conditioned on
`aws:SecureTransport = true` therefore still applies, and one on `false` does not, as on AWS.
"""

from __future__ import annotations

import json
from typing import Any

from platform_tools.emulator.fills import patch

REQUEST_CONTEXT = {"aws:securetransport": "true"}
EVALUATED_OPERATORS = {"bool", "stringequals"}


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def condition_met(condition: dict[str, dict[str, Any]] | None, context: dict[str, str]) -> bool:
    """False when an evaluated operator on a key in `context` does not match; True otherwise."""
    for operator, tests in (condition or {}).items():
        if operator.lower() not in EVALUATED_OPERATORS:
            continue
        for key, expected in tests.items():
            actual = context.get(key.lower())
            if actual is None:
                continue
            values = [str(value) for value in _as_list(expected)]
            if operator.lower() == "bool":
                values = [value.lower() for value in values]
            if actual not in values:
                return False
    return True


def applicable_policy(policy_text: str, context: dict[str, str]) -> str | None:
    """The policy without the statements whose conditions the context rules out (None: none left)."""
    policy = json.loads(policy_text)
    statements = [s for s in _as_list(policy.get("Statement", [])) if condition_met(s.get("Condition"), context)]
    if not statements:
        return None
    return json.dumps({**policy, "Statement": statements})


def apply() -> None:
    from moto.iam.access_control import IAMPolicy, PermissionResult
    from moto.s3.models import FakeBucket

    def get_permission(self: Any, action: str, resource: str) -> Any:
        if self.policy is None:
            return PermissionResult.NEUTRAL
        policy = applicable_policy(self.policy.decode(), REQUEST_CONTEXT)
        if policy is None:
            return PermissionResult.NEUTRAL
        return IAMPolicy(policy).is_action_permitted(action, resource)

    patch(FakeBucket, "get_permission", get_permission)
