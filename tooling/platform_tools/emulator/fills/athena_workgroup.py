"""Gaps: Athena `ListTagsForResource` on an untagged workgroup, and `UpdateWorkGroup`.

moto 5.2.5 answers ListTagsForResource for a resource without tags with "Athena Resource, <arn> Does
Not Exist", so the provider loses an untagged `aws_athena_workgroup` after create; and it has no
`UpdateWorkGroup`, so nothing can change in place.

Fill:
- ListTagsForResource answers `{"Tags": []}` for an existing workgroup, data catalog or capacity
  reservation without tags; a missing resource still gets moto's error.
- UpdateWorkGroup sets Description and State and applies `ConfigurationUpdates`: each field sets
  the configuration value, each `RemoveX: true` drops X, and `ResultConfigurationUpdates` does the
  same inside `ResultConfiguration`. EngineVersion keeps moto's shape (Selected + Effective).
"""

from __future__ import annotations

import json
from typing import Any

from platform_tools.emulator.fills import patch

_EFFECTIVE_AUTO_ENGINE = "Athena engine version 3"


def _apply_updates(target: dict[str, Any], updates: dict[str, Any]) -> None:
    for key, value in updates.items():
        if key == "ResultConfigurationUpdates":
            _apply_updates(target.setdefault("ResultConfiguration", {}), value)
        elif key.startswith("Remove") and isinstance(value, bool):
            if value:
                target.pop(key.removeprefix("Remove"), None)
        elif key == "EngineVersion":
            selected = value.get("SelectedEngineVersion", "AUTO")
            effective = _EFFECTIVE_AUTO_ENGINE if selected == "AUTO" else selected
            target[key] = {"SelectedEngineVersion": selected, "EffectiveEngineVersion": effective}
        else:
            target[key] = value


def apply() -> None:
    from moto.athena.responses import AthenaResponse

    original_list_tags = AthenaResponse.list_tags_for_resource

    def list_tags_for_resource(self: Any) -> Any:
        backend = self.athena_backend
        arn = self._get_param("ResourceARN")
        resources = [*backend.work_groups.values(), *backend.data_catalogs.values()]
        resources += backend.capacity_reservations.values()
        if not backend.tagger.get_tag_dict_for_resource(arn) and any(r.arn == arn for r in resources):
            return json.dumps({"Tags": []})
        return original_list_tags(self)

    def update_work_group(self: Any) -> Any:
        name = self._get_param("WorkGroup")
        work_group = self.athena_backend.work_groups.get(name)
        if work_group is None:
            return self.error(f"WorkGroup {name} is not found.", 400)
        if self._get_param("Description") is not None:
            work_group.description = self._get_param("Description")
        if self._get_param("State") is not None:
            work_group.state = self._get_param("State")
        _apply_updates(work_group.configuration, self._get_param("ConfigurationUpdates") or {})
        return json.dumps({})

    patch(AthenaResponse, "list_tags_for_resource", list_tags_for_resource)
    patch(AthenaResponse, "update_work_group", update_work_group)
