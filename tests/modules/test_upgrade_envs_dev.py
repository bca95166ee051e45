"""envs/dev deployed before modules/_parts and stacks/platform, planned with today's code.

Nothing may be destroyed but KMS aliases and what dev's switch of the orders job from Spark to DuckDB
(settings.orders_engine) replaces by design; every key and bucket is kept (tests/modules/upgrade_helpers.py).
The new pipelines (Step Functions, Kinesis, CodePipeline) appear as creates.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from upgrade_helpers import BUILT, KEPT_TYPES

from platform_tools import REPO_ROOT
from platform_tools.emulator import EmulatorProcess
from platform_tools.upgrade import upgrade_plan

ORDERS = "module.platform.module.orders_json_to_parquet"
# The Spark job's script and library zip give way to the DuckDB script and the etl_lib wheel (new S3 keys: the
# code objects, re-uploaded), and a Python-shell job has no continuous-logging log group (Glue logs it to
# /aws-glue/python-jobs): dev's 14 days of the Spark job's logs go with it.
ENGINE_SWITCH_DESTROYS = {
    f"{ORDERS}.aws_s3_object.script",
    f"{ORDERS}.aws_s3_object.library[0]",
    f"{ORDERS}.module.log_group[0].aws_cloudwatch_log_group.this",
}


@pytest.mark.emulator
@pytest.mark.terraform
def test_envs_dev_upgrade_keeps_keys_and_buckets(own_emulator: EmulatorProcess, tmp_path: Path) -> None:
    missing = [str(path.relative_to(REPO_ROOT)) for path in BUILT if not path.exists()]
    if missing:
        pytest.fail(f"the old roots upload {', '.join(missing)}, which is missing: run `make build` first.")
    plan = upgrade_plan("envs/dev", own_emulator.env(), tmp_path)
    listing = plan.describe()
    assert plan.destroy_error is None, listing

    destroyed = {change.address for change in plan.unexpected_destroys()}
    assert destroyed == ENGINE_SWITCH_DESTROYS, f"destroyed beyond KMS aliases: {sorted(destroyed)}\n{listing}"
    # The orders job itself is kept: the same job, now the pipeline's deploy target, updated in place.
    job = plan.fate("module.stack.module.orders_json_to_parquet.aws_glue_job.this")
    assert job is not None and job.actions == ("update",), listing

    kept = {address: kind for address, kind in plan.old_state.items() if kind in KEPT_TYPES}
    assert kept, f"the old state holds no key or bucket: is this the right root?\n{listing}"
    lost = {}
    for address in kept:
        change = plan.fate(address)
        if change is None or "create" in change.actions or "delete" in change.actions:
            lost[address] = change.describe() + f" {change.actions}" if change else "not in the plan"
    assert lost == {}, f"keys or buckets not kept (moved or unchanged): {lost}\n{listing}"

    created = plan.created()
    for pipeline in ("hello_pipeline", "orders_pipeline", "orders_stream", "orders_deployer"):
        assert any(address.startswith(f"module.platform.module.{pipeline}.") for address in created), pipeline
