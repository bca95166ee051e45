"""The emulator starts, answers, reports a busy port or a slow start in one sentence, and stops."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from platform_tools import ToolingError
from platform_tools.emulator import EmulatorProcess, aws_env, start_emulator

pytestmark = pytest.mark.emulator


def test_started_emulator_answers_aws_calls_and_stops(tmp_path: Path) -> None:
    emulator = start_emulator(log_path=tmp_path / "emulator.log")
    try:
        s3 = emulator.client("s3")
        s3.create_bucket(Bucket="emulator-probe")
        assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["emulator-probe"]
        emulator.reset()
        assert s3.list_buckets()["Buckets"] == []
    finally:
        emulator.stop()
    assert emulator.process.poll() is not None
    with socket.socket() as probe:  # the port is free again: nothing listens on it
        # SO_REUSEADDR as servers set it: connections the emulator closed may linger in TIME_WAIT on its port (a
        # plain bind then fails under load), but a socket still listening there would still refuse the bind.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", emulator.port))
        probe.listen()


def test_port_in_use_is_one_clear_sentence(emulator: EmulatorProcess, tmp_path: Path) -> None:
    with pytest.raises(ToolingError) as error:
        start_emulator(port=emulator.port, log_path=tmp_path / "busy.log")
    message = str(error.value)
    assert f"Port {emulator.port} on 127.0.0.1 is not free" in message
    assert "EMULATOR_PORT" in message
    assert "Traceback" not in message


def test_emulator_that_does_not_come_up_in_time_is_stopped(tmp_path: Path) -> None:
    with pytest.raises(ToolingError, match=r"did not come up within 0 s.*EMULATOR_START_TIMEOUT"):
        start_emulator(timeout=0.01, log_path=tmp_path / "slow.log")


def test_aws_env_points_everything_at_loopback_with_fake_credentials() -> None:
    env = aws_env("http://127.0.0.1:1234")
    assert env["AWS_ENDPOINT_URL"] == "http://127.0.0.1:1234"
    assert env["AWS_ACCESS_KEY_ID"] == "testing"
    assert int(env["AWS_MAX_ATTEMPTS"]) <= 2
    assert "AWS_PROFILE" not in env
