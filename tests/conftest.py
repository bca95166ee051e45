"""Fixtures shared by every suite: the local AWS emulator and applied Terraform roots.

The emulator is started once per test session (and once per xdist worker) on a free port.
Terraform roots are applied once per session through `applied_root` and destroyed at the end,
because an apply against the emulator costs tens of seconds.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import boto3
import pytest

from platform_tools import REPO_ROOT
from platform_tools.emulator import EmulatorProcess, start_emulator
from platform_tools.terraform import TerraformRoot


@pytest.fixture(scope="session")
def emulator() -> Iterator[EmulatorProcess]:
    """The emulator with our gap fills; its AWS_* variables are set for the whole session."""
    with start_emulator() as process:
        saved = {key: os.environ.get(key) for key in [*process.env(), "AWS_PROFILE"]}
        os.environ.pop("AWS_PROFILE", None)
        os.environ.update(process.env())
        try:
            yield process
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


@pytest.fixture(scope="session")
def bare_emulator() -> Iterator[EmulatorProcess]:
    """moto as shipped, without fills: gap tests show each gap is real here."""
    with start_emulator(fills=False) as process:
        yield process


@pytest.fixture(scope="session")
def aws(emulator: EmulatorProcess) -> Callable[[str], Any]:
    """`aws("s3")` gives a boto3 client on the emulator."""

    def client(service: str) -> Any:
        return boto3.client(service, endpoint_url=emulator.endpoint, region_name=emulator.env()["AWS_REGION"])

    return client


AppliedRoot = Callable[..., tuple[TerraformRoot, dict[str, Any]]]


@pytest.fixture(scope="session")
def applied_root(emulator: EmulatorProcess, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppliedRoot]:
    """`applied_root(path, variables={})` applies a root module once per session, returns (root, outputs).

    All applied roots are destroyed at session end; a failed destroy fails the session.
    """
    applied: dict[str, tuple[TerraformRoot, dict[str, Any]]] = {}

    def apply(module_dir: str | Path, variables: dict[str, Any] | None = None) -> tuple[TerraformRoot, dict[str, Any]]:
        path = (REPO_ROOT / module_dir).resolve()
        key = f"{path}:{sorted((variables or {}).items())!r}"
        if key not in applied:
            name = re.sub(r"[^A-Za-z0-9]+", "-", str(path.relative_to(REPO_ROOT)))
            root = TerraformRoot(path, tmp_path_factory.mktemp(name), env=emulator.env(), variables=variables or {})
            root.init()
            try:
                outputs = root.apply()
            except Exception:
                root.destroy()
                raise
            applied[key] = (root, outputs)
        return applied[key]

    yield apply
    # The roots are independent (each its own state and names), and a destroy mostly waits on the emulator and the
    # provider's pollers: destroyed side by side, the session's end costs its slowest destroy, not their sum.
    errors = []
    with ThreadPoolExecutor(max_workers=max(1, len(applied))) as pool:
        for future in [pool.submit(root.destroy) for root, _ in applied.values()]:
            try:
                future.result()
            except Exception as exc:  # report every failed destroy, not just the first
                errors.append(str(exc))
    if errors:
        pytest.fail("destroy failed:\n" + "\n".join(errors))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Slow files first: `make test` runs pytest-xdist with `--dist loadfile`, which hands whole files to free workers
    in collection order, so a slow file collected last would run alone at the end. The files that apply Terraform
    on the emulator (marked `terraform`, minutes each) start first; the order within a file is kept."""
    items.sort(key=lambda item: 0 if item.get_closest_marker("terraform") else 1)
