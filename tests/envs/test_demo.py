"""The main job (`make demo`) end to end: envs/dev applied to a fresh emulator, idempotent, exercised, destroyed."""

from __future__ import annotations

import pytest

from platform_tools import demo

pytestmark = [pytest.mark.emulator, pytest.mark.terraform]


def test_make_demo_applies_replans_clean_exercises_and_destroys(capsys: pytest.CaptureFixture[str]) -> None:
    assert demo.run("dev", keep=False) == 0
    out = capsys.readouterr().out
    assert "[demo] second plan: no changes" in out
    assert "[demo] terraform destroy" in out
    glue_lines = [line for line in out.splitlines() if line.startswith("[demo] glue job ")]
    assert len(glue_lines) == 2 and all(line.endswith(": SUCCEEDED") for line in glue_lines), glue_lines
    # The deployed orders job's script, library and arguments ran on local Spark over the sample orders.
    assert (
        "[demo] orders_json_to_parquet on local Spark (deployed script, library and arguments): 8 sample orders in, "
        "4 written to order_date=2026-11-20, order_date=2026-11-21, 4 quarantined; SUCCEEDED_WITH_DQ_FAILURES; "
        'failed rules: ColumnValues "amount" >= 0; ColumnValues "currency" in ["EUR", "GBP", "USD"]'
    ) in out
    # The manifest launcher waited on the busy queue, then started the comparison once, then hit the cap.
    assert "[demo] launcher, a job still RUNNING on a queue: queue arn:aws:batch:" in out
    assert (
        "[demo] launcher, queues drained: cleared 1 object(s), rebuilt 4 tables, started etl-dev-manifests run" in out
    )
    assert "[demo] launcher, the same event again: etl-dev-manifests already ran 1 time(s) today (UTC)" in out


def test_unknown_env_is_one_clear_sentence() -> None:
    with pytest.raises(demo.ToolingError, match=r"envs/staging does not exist: choose ENV from \['dev', 'prod'\]"):
        demo.run("staging", keep=False)
