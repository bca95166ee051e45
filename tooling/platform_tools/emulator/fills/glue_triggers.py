"""Gap: Glue `UpdateTrigger` is missing, so `aws_glue_trigger` cannot change in place.

Fill: `UpdateTrigger` sets each field present in `TriggerUpdate` (Description, Schedule, Actions,
Predicate, EventBatchingCondition) and answers the updated trigger, as AWS does. `TriggerUpdate.Name`
is "reserved for future use" by AWS and ignored.
"""

from __future__ import annotations

from typing import Any

from platform_tools.emulator.fills import patch


def apply() -> None:
    from moto.core.responses import ActionResult
    from moto.glue.responses import GlueResponse
    from moto.glue.utils import Action, Predicate

    def update_trigger(self: Any) -> Any:
        trigger = self.glue_backend.get_trigger(self._get_param("Name"))
        update: dict[str, Any] = self._get_param("TriggerUpdate") or {}
        if "Description" in update:
            trigger.description = update["Description"]
        if "Schedule" in update:
            trigger.schedule = update["Schedule"]
        if "Actions" in update:
            trigger.actions = [Action(action) for action in update["Actions"]]
        if "Predicate" in update:
            trigger.predicate = Predicate(update["Predicate"]) if update["Predicate"] else None
        if "EventBatchingCondition" in update:
            trigger.event_batching_condition = update["EventBatchingCondition"]
        return ActionResult({"Trigger": trigger.as_dict()})

    patch(GlueResponse, "update_trigger", update_trigger)
