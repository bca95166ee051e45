"""Helpers shared by the suites that talk to the emulator directly (fills, launcher handler tests)."""

from __future__ import annotations

import contextlib
import json
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
from botocore.config import Config

from platform_tools.emulator import EmulatorProcess


def unique(prefix: str) -> str:
    """A name no other test of the session uses: the emulators are shared by the whole session."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def no_retry_client(emulator: EmulatorProcess, service: str) -> Any:
    """A boto3 client on `emulator` that does not retry moto's HTTP 500 "not implemented"."""
    make_client: Any = boto3.client
    return make_client(
        service,
        endpoint_url=emulator.endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"total_max_attempts": 1}),
    )


def post(emulator: EmulatorProcess, path: str, body: dict[str, Any]) -> int:
    """POST `body` as JSON to one of the emulator's control paths; the HTTP status, errors included."""
    request = urllib.request.Request(  # noqa: S310 - the emulator is on loopback http
        f"{emulator.endpoint}{path}", data=json.dumps(body).encode(), method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


@contextlib.contextmanager
def batch_without_docker(emulator: EmulatorProcess) -> Iterator[None]:
    """moto's `batch.use_docker = false` for the duration (jobs end at submit instead of failing without
    Docker), then the setting as it was: the emulator is shared by the session."""
    with urllib.request.urlopen(f"{emulator.endpoint}/moto-api/config", timeout=10) as response:  # noqa: S310
        previous = json.loads(response.read()).get("batch", {"use_docker": True})
    emulator.configure({"batch": {"use_docker": False}})
    try:
        yield
    finally:
        emulator.configure({"batch": previous})
