"""Terraform CLI configuration and the prerequisite checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from platform_tools import REPO_ROOT, ToolingError
from platform_tools.tfconfig import PROVIDER_SOURCE, find_provider_mirror, render_cli_config, write_cli_config


def test_explicit_mirror_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / PROVIDER_SOURCE).mkdir(parents=True)
    monkeypatch.setenv("TF_PROVIDER_MIRROR", str(tmp_path))
    assert find_provider_mirror() == tmp_path
    text = render_cli_config(tmp_path, tmp_path / "cache")
    assert f'path    = "{tmp_path.as_posix()}"' in text
    assert f'exclude = ["{PROVIDER_SOURCE}"]' in text


def test_explicit_mirror_without_provider_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TF_PROVIDER_MIRROR", str(tmp_path))
    with pytest.raises(
        ToolingError, match=r"TF_PROVIDER_MIRROR=.* has no registry\.terraform\.io/hashicorp/aws folder"
    ):
        find_provider_mirror()


def test_no_mirror_installs_directly(tmp_path: Path) -> None:
    text = render_cli_config(None, tmp_path / "cache")
    assert "filesystem_mirror" not in text
    assert "direct {}" in text
    assert f'plugin_cache_dir = "{(tmp_path / "cache").as_posix()}"' in text


def test_written_config_is_valid_for_terraform(tmp_path: Path) -> None:
    config = write_cli_config(tmp_path)
    env = dict(os.environ, TF_CLI_CONFIG_FILE=str(config))
    result = subprocess.run(["terraform", "version"], env=env, capture_output=True, text=True, check=True)
    assert "problems with the CLI configuration" not in result.stderr + result.stdout
    assert (tmp_path / "terraform" / "plugin-cache").is_dir()


def _preflight(path: str, *checks: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPO_ROOT / "tooling/platform_tools/preflight.py"), *checks],
        env={"PATH": path},
        capture_output=True,
        text=True,
    )


def test_preflight_names_missing_terraform_and_java_and_the_fix(tmp_path: Path) -> None:
    result = _preflight(str(tmp_path), "terraform", "java")
    assert result.returncode == 1
    assert "terraform was not found on PATH: install Terraform >= 1.7" in result.stderr
    assert "java was not found on PATH (local Spark needs it): install Java 17" in result.stderr
    assert "Traceback" not in result.stderr


def test_preflight_rejects_old_terraform(tmp_path: Path) -> None:
    fake = tmp_path / "terraform"
    fake.write_text('#!/bin/sh\necho \'{"terraform_version": "1.5.7"}\'\n')
    fake.chmod(0o755)
    result = _preflight(str(tmp_path), "terraform")
    assert result.returncode == 1
    assert "terraform 1.5.7 is too old: install Terraform >= 1.7" in result.stderr


def test_preflight_passes_on_this_machine() -> None:
    result = _preflight(os.environ["PATH"])
    assert result.returncode == 0, result.stderr
