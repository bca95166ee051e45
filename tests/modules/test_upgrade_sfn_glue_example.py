"""The sfn_glue JSON-to-Parquet example deployed before modules/_parts, planned with today's code.

Nothing may be destroyed but KMS aliases; every key and bucket is kept (tests/modules/upgrade_helpers.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from upgrade_helpers import run_upgrade

from platform_tools.emulator import EmulatorProcess


@pytest.mark.emulator
@pytest.mark.terraform
def test_sfn_glue_json_to_parquet_upgrade_keeps_keys_and_buckets(own_emulator: EmulatorProcess, tmp_path: Path) -> None:
    run_upgrade("modules/sfn_glue/examples/json_to_parquet", own_emulator, tmp_path)
