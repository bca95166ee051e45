"""Gap: Step Functions `ValidateStateMachineDefinition` and `ListStateMachineVersions` are missing.

`aws_sfn_state_machine` calls both (validation at plan time, versions at read); moto answers
HTTP 500 "not implemented", which the provider retries until it gives up.

Fill:
- `ValidateStateMachineDefinition` runs the ASL parser moto ships (LocalStack's, under
  `moto/stepfunctions/parser`, with its STANDARD or EXPRESS static analyser) and then checks that
  `StartAt`, `Next`, `Default` and Catch targets name existing states (the parser does not; AWS
  reports `MISSING_TRANSITION_TARGET`). Answers `OK`, or `FAIL` with one ERROR diagnostic per
  problem (`INVALID_JSON_DESCRIPTION`; `SCHEMA_VALIDATION_FAILED` for what the parser rejects).
  `severity` and `maxResults` are accepted and ignored.
- `ListStateMachineVersions` lists the versions moto keeps for a state machine (`publish = true`),
  newest first; none is an empty list.
"""

from __future__ import annotations

import json
from typing import Any

from platform_tools.emulator.fills import patch


def _missing_targets(machine: Any, location: str = "") -> list[dict[str, str]]:
    """Diagnostics for transitions to states that do not exist, in this machine and nested ones."""
    states = machine.get("States") if isinstance(machine, dict) else None
    if not isinstance(states, dict):
        return []
    found = []

    def check(target: Any, where: str) -> None:
        if target is not None and target not in states:
            message = f"Missing 'Next' target: {target}"
            found.append(
                {"severity": "ERROR", "code": "MISSING_TRANSITION_TARGET", "message": message, "location": where}
            )

    check(machine.get("StartAt"), f"{location}/StartAt")
    for name, state in states.items():
        if not isinstance(state, dict):
            continue
        here = f"{location}/States/{name}"
        check(state.get("Next"), f"{here}/Next")
        check(state.get("Default"), f"{here}/Default")
        for key in ("Choices", "Catch"):
            for index, rule in enumerate(state.get(key) or []):
                check(rule.get("Next") if isinstance(rule, dict) else None, f"{here}/{key}/{index}/Next")
        for index, branch in enumerate(state.get("Branches") or []):
            found += _missing_targets(branch, f"{here}/Branches/{index}")
        for key in ("Iterator", "ItemProcessor"):
            found += _missing_targets(state.get(key), f"{here}/{key}")
    return found


def validate_definition(definition: str, machine_type: str = "STANDARD") -> list[dict[str, str]]:
    """ERROR diagnostics for a definition, as ValidateStateMachineDefinition lists them; [] if valid."""
    from moto.stepfunctions.parser.asl.static_analyser.express_static_analyser import ExpressStaticAnalyser
    from moto.stepfunctions.parser.asl.static_analyser.static_analyser import StaticAnalyser

    try:
        machine = json.loads(definition)
    except ValueError as exc:
        return [{"severity": "ERROR", "code": "INVALID_JSON_DESCRIPTION", "message": str(exc)}]
    analyser = ExpressStaticAnalyser() if machine_type == "EXPRESS" else StaticAnalyser()
    try:
        analyser.analyse(definition)
    except Exception as exc:  # the parser raises ASLParserException and assorted errors alike
        return [{"severity": "ERROR", "code": "SCHEMA_VALIDATION_FAILED", "message": str(exc) or repr(exc)}]
    return _missing_targets(machine)


def apply() -> None:
    from moto.core.responses import ActionResult
    from moto.stepfunctions.responses import StepFunctionResponse

    def validate_state_machine_definition(self: Any) -> Any:
        diagnostics = validate_definition(self._get_param("definition") or "", self._get_param("type") or "STANDARD")
        return ActionResult({"result": "FAIL" if diagnostics else "OK", "diagnostics": diagnostics, "truncated": False})

    def list_state_machine_versions(self: Any) -> Any:
        machine = self.stepfunction_backend.describe_state_machine(self._get_param("stateMachineArn"))
        versions = sorted(getattr(machine, "versions", {}).values(), key=lambda version: -version.version)
        listed = [{"stateMachineVersionArn": v.arn, "creationDate": v.creation_date} for v in versions]
        return ActionResult({"stateMachineVersions": listed})

    patch(StepFunctionResponse, "validate_state_machine_definition", validate_state_machine_definition)
    patch(StepFunctionResponse, "list_state_machine_versions", list_state_machine_versions)
