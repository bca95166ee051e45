"""Gap: moto's `GET /moto-api/config` leaves out the `stepfunctions` settings it accepts on POST.

A test that switches `stepfunctions.execute_state_machine` cannot read the value to put back, and
the switch matters: moto keeps state machines of the executing and the non-executing backend apart,
so machines created under one setting are invisible ("does not exist") under the other.

Fill: the config answer includes `stepfunctions` too.
"""

from __future__ import annotations

from typing import Any

from platform_tools.emulator.fills import patch


def apply() -> None:
    from moto.core.config import default_user_config
    from moto.moto_api._internal.models import MotoAPIBackend

    original_get_config = MotoAPIBackend.get_config

    def get_config(self: Any) -> dict[str, Any]:
        config: dict[str, Any] = original_get_config(self)
        config["stepfunctions"] = default_user_config["stepfunctions"]
        return config

    patch(MotoAPIBackend, "get_config", get_config)
