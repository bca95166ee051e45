"""Gap fills: small patches to moto for APIs it lacks or answers wrongly.

Each fill is a module here with an `apply()` function and a docstring naming the gap
(see the table in tooling/README.md and ../shared/emulator-gaps.md). `apply_all()` runs
them in order before the server starts; each has a test in tests/tooling/test_fills.py
that fails on moto as shipped (`--no-fills`) and passes with the fill.
"""

from __future__ import annotations

import importlib

FILL_MODULES: list[str] = []


def apply_all() -> None:
    for name in FILL_MODULES:
        importlib.import_module(f"{__name__}.{name}").apply()
