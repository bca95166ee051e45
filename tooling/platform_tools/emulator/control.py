"""Start and stop the emulator process, and the environment that points AWS clients at it."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from platform_tools import REPO_ROOT, ToolingError

DEFAULT_REGION = "us-east-1"
START_TIMEOUT_S = 60.0


def aws_env(endpoint: str, region: str = DEFAULT_REGION) -> dict[str, str]:
    """Environment for boto3 and the Terraform AWS provider to use the emulator and nothing else."""
    return {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        # The provider retries HTTP 500 (moto's "not implemented") for minutes: fail fast instead.
        "AWS_MAX_ATTEMPTS": "2",
        "AWS_RETRY_MODE": "standard",
        # Never read a developer's real profile or SSO cache while emulating (callers also drop AWS_PROFILE).
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
    }


@dataclass
class EmulatorProcess:
    port: int
    process: subprocess.Popen[str]
    log_path: Path
    _closed: bool = field(default=False, repr=False)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self, region: str = DEFAULT_REGION) -> dict[str, str]:
        return aws_env(self.endpoint, region)

    def client(self, service: str, region: str = DEFAULT_REGION) -> Any:
        """A boto3 client on this emulator (fake credentials), whatever the process environment says."""
        import boto3

        env = self.env(region)
        make_client: Any = boto3.client  # a runtime service name defeats the stubs' literal overloads
        return make_client(
            service,
            endpoint_url=self.endpoint,
            region_name=region,
            aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
            aws_session_token=env["AWS_SESSION_TOKEN"],
        )

    def configure(self, settings: dict[str, object]) -> None:
        """Set moto's runtime config (e.g. {"batch": {"use_docker": False}}) over /moto-api/config."""
        _http(f"{self.endpoint}/moto-api/config", method="POST", body=json.dumps(settings).encode())

    def reset(self) -> None:
        """Forget every resource (moto's /moto-api/reset)."""
        _http(f"{self.endpoint}/moto-api/reset", method="POST")

    def stop(self, timeout: float = 10.0) -> None:
        if self._closed:
            return
        self._closed = True
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=timeout)

    def __enter__(self) -> EmulatorProcess:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


def _pump(stream: IO[str], log: IO[str], lines: queue.Queue[str]) -> None:
    for line in stream:
        log.write(line)
        log.flush()
        if line.startswith("EMULATOR "):
            lines.put(line.strip())
    lines.put("EMULATOR EXITED")


def _http(url: str, method: str = "GET", body: bytes | None = None, timeout: float = 10) -> int:
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError(f"emulator URLs are loopback http only, not {url}")
    headers = {"Content-Type": "application/json"}
    request = urllib.request.Request(url, data=body, method=method, headers=headers)  # noqa: S310 - loopback only
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - loopback http checked above
        return int(response.status)


def _http_json(url: str, timeout: float = 10) -> Any:
    """GET one of the emulator's JSON control paths and return the parsed body."""
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError(f"emulator URLs are loopback http only, not {url}")
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback http checked above
        return json.loads(response.read())


def _answers(endpoint: str) -> bool:
    try:
        return _http(f"{endpoint}/moto-api/data.json", timeout=2) == 200
    except (urllib.error.URLError, OSError):
        return False


def start_emulator(
    port: int = 0,
    fills: bool = True,
    timeout: float = START_TIMEOUT_S,
    log_path: Path | None = None,
) -> EmulatorProcess:
    """Start the emulator on 127.0.0.1 and return once it answers HTTP; raise ToolingError otherwise."""
    log_path = log_path or (REPO_ROOT / "build" / "emulator" / f"emulator-{os.getpid()}-{time.time_ns()}.log")
    log_path.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "platform_tools.emulator.server", "--port", str(port)]
    if not fills:
        command.append("--no-fills")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT / "tooling"), env.get("PYTHONPATH")]))
    # moto must never reach real AWS or a developer's profile.
    env.update({k: v for k, v in aws_env("http://127.0.0.1:1").items() if k != "AWS_ENDPOINT_URL"})
    env.pop("AWS_PROFILE", None)
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        cwd=REPO_ROOT,
    )
    assert process.stdout is not None
    log = log_path.open("w", encoding="utf-8")
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_pump, args=(process.stdout, log, lines), daemon=True).start()

    deadline = time.monotonic() + timeout
    first = ""
    with contextlib.suppress(queue.Empty):
        first = lines.get(timeout=timeout)
    if first.startswith("EMULATOR READY "):
        emulator = EmulatorProcess(port=int(first.split()[-1]), process=process, log_path=log_path)
        while time.monotonic() < deadline:
            if _answers(emulator.endpoint):
                return emulator
            time.sleep(0.1)
        emulator.stop()
        raise ToolingError(
            f"The emulator bound port {emulator.port} but did not answer within {timeout:.0f} s: "
            f"see {log_path}, then retry (a loaded machine may need EMULATOR_START_TIMEOUT raised)."
        )
    process.kill()
    process.wait()
    if first.startswith("EMULATOR FAILED "):
        reason = first.removeprefix("EMULATOR FAILED ")
        raise ToolingError(reason[:1].upper() + reason[1:])
    if first == "EMULATOR EXITED":
        raise ToolingError(
            f"The emulator exited before it was ready: see {log_path} (is the virtualenv installed? run `make venv`)."
        )
    raise ToolingError(
        f"The emulator did not come up within {timeout:.0f} s: see {log_path}, "
        "then retry (a loaded machine may need EMULATOR_START_TIMEOUT raised)."
    )
