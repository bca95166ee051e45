"""Modules are consumable through a `git::…//modules/<name>?ref=…` source: a module reaches nothing outside its own
folder but the shared parts (modules/_parts/) and the base module the others reuse (modules/glue_job), all inside
the same git source; every file it deploys (scripts, libraries, packages) is an input. Examples and tests are roots
of this repository and may reach further (they show where this repository's build/ and src/ are)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from platform_tools import REPO_ROOT

MODULES = REPO_ROOT / "modules"
ALLOWED = [MODULES / "_parts", MODULES / "glue_job"]
LOCAL_SOURCE = re.compile(r'^\s*source\s*=\s*"(\.{1,2}/[^"]*)"', re.M)
# A path built from path.module / path.root / path.cwd: whatever follows must stay in the module.
PATH_EXPRESSION = re.compile(r"\$\{path\.(module|root|cwd)\}([^\"]*)")


def module_dirs() -> list[Path]:
    parts = sorted(path for path in (MODULES / "_parts").iterdir() if path.is_dir() and not path.name.startswith("_"))
    return [*sorted(path for path in MODULES.iterdir() if path.is_dir() and not path.name.startswith("_")), *parts]


def module_files(module: Path) -> list[Path]:
    return sorted(path for path in module.glob("*.tf"))  # examples/ and tests/ are below: not the module


@pytest.mark.parametrize("module", module_dirs(), ids=lambda path: str(path.relative_to(MODULES)))
def test_a_module_reaches_only_its_folder_the_parts_and_the_base_module(module: Path) -> None:
    escapes = []
    for tf in module_files(module):
        text = tf.read_text()
        for source in LOCAL_SOURCE.findall(text):
            target = (module / source).resolve()
            if not (target.is_relative_to(module) or any(target.is_relative_to(allowed) for allowed in ALLOWED)):
                escapes.append(f"{tf.name}: source {source}")
        for line in text.splitlines():
            if line.strip().startswith(("#", "description")):
                continue
            for anchor, rest in PATH_EXPRESSION.findall(line):
                if anchor != "module" or ".." in rest:
                    escapes.append(f"{tf.name}: ${{path.{anchor}}}{rest}")
    assert not escapes, f"modules/{module.relative_to(MODULES)} reaches outside its folder: {escapes}"


def test_the_check_sees_an_escape() -> None:
    text = 'module "x" {\n  source = "../../stacks/platform"\n}\nlocals {\n  s = "${path.module}/../../src/a.py"\n}\n'
    assert LOCAL_SOURCE.findall(text) == ["../../stacks/platform"]
    assert PATH_EXPRESSION.findall(text) == [("module", "/../../src/a.py")]
