"""The upgrade check's assertion, shared by tests/modules/test_upgrade_*.py (one root a file)."""

from __future__ import annotations

from pathlib import Path

import pytest

from platform_tools import REPO_ROOT
from platform_tools.emulator import EmulatorProcess
from platform_tools.upgrade import UpgradePlan, upgrade_plan

# Resources an upgrade must keep: created again, they would be new, empty, with a new key.
KEPT_TYPES = ("aws_kms_key", "aws_s3_bucket")
BUILT = [REPO_ROOT / "build/glue/etl_lib.zip", REPO_ROOT / "build/lambdas/batch_launcher.zip"]


def check_upgrade(plan: UpgradePlan) -> None:
    listing = plan.describe()
    assert plan.destroy_error is None, listing
    not_aliases = [change.address for change in plan.unexpected_destroys()]
    assert not_aliases == [], f"the upgrade destroys what is not an aws_kms_alias: {not_aliases}\n{listing}"
    kept = {address: kind for address, kind in plan.old_state.items() if kind in KEPT_TYPES}
    assert kept, f"the old state holds no key or bucket: is this the right root?\n{listing}"
    lost = {}
    for address in kept:
        change = plan.fate(address)
        if change is None or "create" in change.actions or "delete" in change.actions:
            lost[address] = change.describe() + f" {change.actions}" if change else "not in the plan"
    assert lost == {}, f"keys or buckets not kept (moved or unchanged): {lost}\n{listing}"


def run_upgrade(root: str, emulator: EmulatorProcess, work_dir: Path, new_root: str | None = None) -> None:
    missing = [str(path.relative_to(REPO_ROOT)) for path in BUILT if not path.exists()]
    if missing:
        pytest.fail(f"the old roots upload {', '.join(missing)}, which is missing: run `make build` first.")
    check_upgrade(upgrade_plan(root, emulator.env(), work_dir, new_rel_path=new_root))
