"""hello_shell, the Python-shell job: in-process and through the local runner (no Spark either way)."""

from __future__ import annotations

import logging
import os
import subprocess
import sys

import pytest

from jobs import hello_shell
from platform_tools import REPO_ROOT

SCRIPT = REPO_ROOT / "src" / "glue" / "jobs" / "hello_shell.py"


def test_logs_the_message(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="hello_shell"):
        line = hello_shell.main(["hello_shell.py", "--message", "hello from dev", "--JOB_NAME", "hello"])
    assert line == "python-shell glue job message - hello from dev"
    assert [record.getMessage() for record in caplog.records] == [line]


def test_missing_message_is_a_clear_error() -> None:
    with pytest.raises(hello_shell.MissingArgumentError, match="missing required job argument --message"):
        hello_shell.main(["hello_shell.py", "--JOB_NAME", "hello"])


def run_runner(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(str(REPO_ROOT / part) for part in ("tooling", "src/glue"))}
    return subprocess.run(
        [sys.executable, "-m", "platform_tools.run_job", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO_ROOT,
        timeout=120,
        check=False,
    )


def test_runs_through_the_local_runner_and_logs_to_stdout() -> None:
    done = run_runner(str(SCRIPT), "--message", "hi")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("python-shell glue job message - hi")
    assert "java" not in done.stderr.lower()  # a Python-shell job starts no JVM


def test_runner_reports_the_missing_argument() -> None:
    done = run_runner(str(SCRIPT))
    assert done.returncode == 2
    assert done.stderr.startswith("error: hello_shell: missing required job argument --message")
