"""Gap: Glue data-quality rulesets (Create/Get/Update/Delete/List DataQualityRuleset) are missing.

`aws_glue_data_quality_ruleset` cannot be created on moto 5.2.5.

Fill: a small in-memory store on each Glue backend (so per account and region, and cleared by
/moto-api/reset). Tags given at create go to Glue's own tagger under
`arn:aws:glue:<region>:<account>:dataQualityRuleset/<name>`, the ARN the provider builds, so
`GetTags`/`TagResource`/`UntagResource` work on rulesets as on any Glue resource. Evaluation runs
and recommendation runs are not emulated.
"""

from __future__ import annotations

from typing import Any

from platform_tools.emulator.fills import patch

_LIST_FIELDS = ("Name", "Description", "TargetTable", "CreatedOn", "LastModifiedOn")


def _store(backend: Any) -> dict[str, dict[str, Any]]:
    rulesets: dict[str, dict[str, Any]] = backend.__dict__.setdefault("fill_data_quality_rulesets", {})
    return rulesets


def _arn(backend: Any, name: str) -> str:
    from moto.utilities.utils import get_partition

    region = backend.region_name
    return f"arn:{get_partition(region)}:glue:{region}:{backend.account_id}:dataQualityRuleset/{name}"


def apply() -> None:
    from moto.core.responses import ActionResult, EmptyResult
    from moto.core.utils import utcnow
    from moto.glue.exceptions import AlreadyExistsException, EntityNotFoundException
    from moto.glue.responses import GlueResponse

    def _get(self: Any, name: str) -> dict[str, Any]:
        try:
            return _store(self.glue_backend)[name]
        except KeyError:
            raise EntityNotFoundException(f"Cannot find Data Quality Ruleset in account with name {name}") from None

    def create_data_quality_ruleset(self: Any) -> Any:
        name = self._get_param("Name")
        rulesets = _store(self.glue_backend)
        if name in rulesets:
            raise AlreadyExistsException(f"Data Quality Ruleset {name}")
        now = utcnow()
        rulesets[name] = {
            "Name": name,
            "Description": self._get_param("Description"),
            "Ruleset": self._get_param("Ruleset"),
            "TargetTable": self._get_param("TargetTable"),
            "DataQualitySecurityConfiguration": self._get_param("DataQualitySecurityConfiguration"),
            "CreatedOn": now,
            "LastModifiedOn": now,
        }
        self.glue_backend.tag_resource(_arn(self.glue_backend, name), self._get_param("Tags") or {})
        return ActionResult({"Name": name})

    def get_data_quality_ruleset(self: Any) -> Any:
        return ActionResult(_get(self, self._get_param("Name")))

    def update_data_quality_ruleset(self: Any) -> Any:
        ruleset = _get(self, self._get_param("Name"))
        for key in ("Description", "Ruleset"):
            if self._get_param(key) is not None:
                ruleset[key] = self._get_param(key)
        ruleset["LastModifiedOn"] = utcnow()
        return ActionResult({key: ruleset[key] for key in ("Name", "Description", "Ruleset")})

    def delete_data_quality_ruleset(self: Any) -> Any:
        name = self._get_param("Name")
        _get(self, name)
        del _store(self.glue_backend)[name]
        self.glue_backend.tagger.delete_all_tags_for_resource(_arn(self.glue_backend, name))
        return EmptyResult()

    def list_data_quality_rulesets(self: Any) -> Any:
        # No pagination: a test account holds a handful of rulesets.
        criteria: dict[str, Any] = self._get_param("Filter") or {}
        wanted_tags: dict[str, str] = self._get_param("Tags") or {}
        listed = []
        for ruleset in _store(self.glue_backend).values():
            if any(criteria.get(key) not in (None, ruleset[key]) for key in ("Name", "Description", "TargetTable")):
                continue
            tags = self.glue_backend.get_tags(_arn(self.glue_backend, ruleset["Name"]))
            if any(tags.get(key) != value for key, value in wanted_tags.items()):
                continue
            listed.append({key: ruleset[key] for key in _LIST_FIELDS})
        return ActionResult({"Rulesets": listed})

    patch(GlueResponse, "create_data_quality_ruleset", create_data_quality_ruleset)
    patch(GlueResponse, "get_data_quality_ruleset", get_data_quality_ruleset)
    patch(GlueResponse, "update_data_quality_ruleset", update_data_quality_ruleset)
    patch(GlueResponse, "delete_data_quality_ruleset", delete_data_quality_ruleset)
    patch(GlueResponse, "list_data_quality_rulesets", list_data_quality_rulesets)
