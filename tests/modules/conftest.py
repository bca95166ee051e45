"""Fixtures of the module suites."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from platform_tools.emulator import EmulatorProcess, start_emulator


@pytest.fixture
def own_emulator() -> Iterator[EmulatorProcess]:
    """A fresh emulator for one test: roots with fixed names must not meet the session's applied examples."""
    with start_emulator() as process:
        yield process
