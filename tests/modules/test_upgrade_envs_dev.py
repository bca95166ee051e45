"""envs/dev deployed before modules/_parts and stacks/platform, planned with today's code.

Nothing may be destroyed but KMS aliases; every key and bucket is kept (tests/modules/upgrade_helpers.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from upgrade_helpers import run_upgrade

from platform_tools.emulator import EmulatorProcess


@pytest.mark.emulator
@pytest.mark.terraform
def test_envs_dev_upgrade_keeps_keys_and_buckets(own_emulator: EmulatorProcess, tmp_path: Path) -> None:
    run_upgrade("envs/dev", own_emulator, tmp_path)
