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
    # The manifest launcher waited on the busy queue, then started the comparison once, then hit the cap.
    assert "[demo] launcher, a job still RUNNING on a queue: queue arn:aws:batch:" in out
    assert (
        "[demo] launcher, queues drained: cleared 1 object(s), rebuilt 4 tables, started etl-dev-manifests run" in out
    )
    assert "[demo] launcher, the same event again: etl-dev-manifests already ran 1 time(s) today (UTC)" in out


def test_unknown_env_is_one_clear_sentence() -> None:
    with pytest.raises(demo.ToolingError, match=r"envs/staging does not exist: choose ENV from \['dev', 'prod'\]"):
        demo.run("staging", keep=False)
