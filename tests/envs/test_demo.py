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
    for line in out.splitlines():
        if line.startswith("[demo] glue job "):
            assert line.endswith(": SUCCEEDED"), line


def test_unknown_env_is_one_clear_sentence() -> None:
    with pytest.raises(demo.ToolingError, match=r"envs/staging does not exist: choose ENV from \['dev', 'prod'\]"):
        demo.run("staging", keep=False)
