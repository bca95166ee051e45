"""Gap: every Athena query execution ends SUCCEEDED; nothing makes one FAILED, CANCELLED or stay RUNNING.

moto 5.2.5 runs no query: `GetQueryExecution` answers QUEUED -> RUNNING -> SUCCEEDED (at once, or paced by
moto's state manager, model `athena::execution`). Its `/moto-api/static/athena/query-results` presets
only the rows of a result. Code that must handle a failed query (and Athena's reason) or a query that
never finishes (a timeout) cannot be tested.

Fill: a TEST-ONLY CONTROL, `POST /moto-api/static/athena/query-execution-outcomes`, body::

    {"outcomes": ["SUCCEEDED", {"state": "FAILED", "reason": "line 1:8: mismatched input"}, "RUNNING"],
     "account_id": "123456789012", "region": "us-east-1"}          # the last two are optional

It replaces the account and region's queue of outcomes (an empty list clears it). Each
`StartQueryExecution` takes the next outcome: SUCCEEDED behaves as moto ships it; FAILED and CANCELLED
end the execution at once with `Status.StateChangeReason` and, for FAILED, `Status.AthenaError` (the
reason as `ErrorMessage`); RUNNING and QUEUED hold the execution in that state (a query that never
finishes). With the queue empty, executions behave as moto ships them. `/moto-api/reset` clears the
queue. From Python: `set_query_execution_outcomes(endpoint, [...])`.
"""

from __future__ import annotations

import json
from typing import Any

from platform_tools.emulator.fills import patch

OUTCOMES_PATH = "/moto-api/static/athena/query-execution-outcomes"
OUTCOME_STATES = frozenset({"SUCCEEDED", "FAILED", "CANCELLED", "RUNNING", "QUEUED"})
_DEFAULT_ACCOUNT = "123456789012"
# Athena's error category 2 is USER (a problem with the query); 1006 is a generic query error type.
_ERROR_CATEGORY_USER = 2
_ERROR_TYPE_QUERY = 1006


def set_query_execution_outcomes(
    endpoint: str,
    outcomes: list[str | dict[str, str]],
    account_id: str = _DEFAULT_ACCOUNT,
    region: str = "us-east-1",
) -> None:
    """Client side of the control: the next query executions end in these states, in order."""
    from platform_tools.emulator.control import _http

    body = {"outcomes": outcomes, "account_id": account_id, "region": region}
    _http(f"{endpoint}{OUTCOMES_PATH}", method="POST", body=json.dumps(body).encode())


def _normalise(outcome: str | dict[str, str]) -> dict[str, str]:
    item = {"state": outcome} if isinstance(outcome, str) else dict(outcome)
    if item.get("state") not in OUTCOME_STATES:
        raise ValueError(f"outcome state must be one of {sorted(OUTCOME_STATES)}, not {item.get('state')!r}")
    if item["state"] in ("FAILED", "CANCELLED"):
        item.setdefault("reason", f"Query {item['state']} (set by the emulator's test control).")
    return item


def _outcome_queue(backend: Any) -> list[dict[str, str]]:
    # Kept on the backend object so that /moto-api/reset (which re-initialises backends) clears it.
    queue: list[dict[str, str]] = backend.__dict__.setdefault("fill_query_execution_outcomes", [])
    return queue


def apply() -> None:
    from moto.athena.models import AthenaBackend, athena_backends
    from moto.athena.responses import AthenaResponse
    from moto.moto_api._internal import urls as moto_api_urls

    def set_outcomes(request: Any, full_url: str, headers: Any) -> tuple[int, dict[str, str], str]:
        try:
            body = json.loads(request.get_data() or b"{}")
            outcomes = [_normalise(outcome) for outcome in body.get("outcomes", [])]
            backend = athena_backends[body.get("account_id", _DEFAULT_ACCOUNT)][body.get("region", "us-east-1")]
        except (ValueError, KeyError, TypeError) as exc:
            return 400, {}, f"query-execution-outcomes: {exc}"
        queue = _outcome_queue(backend)
        queue[:] = outcomes
        return 201, {}, ""

    original_start = AthenaBackend.start_query_execution
    original_get = AthenaResponse.get_query_execution

    def start_query_execution(self: Any, *args: Any, **kwargs: Any) -> str:
        execution_id: str = original_start(self, *args, **kwargs)
        queue = _outcome_queue(self)
        if queue:
            outcome = queue.pop(0)
            if outcome["state"] != "SUCCEEDED":
                execution = self.executions[execution_id]
                # No transitions: moto's state manager leaves the state where it is set.
                execution._transitions = []
                execution._status = outcome["state"]
                execution.fill_reason = outcome.get("reason")
        return execution_id

    def get_query_execution(self: Any) -> str:
        body: str = original_get(self)
        execution = self.athena_backend.executions.get(self._get_param("QueryExecutionId"))
        reason = getattr(execution, "fill_reason", None)
        if execution is None or reason is None:
            return body
        result = json.loads(body)
        status = result["QueryExecution"]["Status"]
        status["StateChangeReason"] = reason
        if status["State"] == "FAILED":
            status["AthenaError"] = {
                "ErrorCategory": _ERROR_CATEGORY_USER,
                "ErrorType": _ERROR_TYPE_QUERY,
                "Retryable": False,
                "ErrorMessage": reason,
            }
        return json.dumps(result)

    patch(AthenaBackend, "start_query_execution", start_query_execution)
    patch(AthenaResponse, "get_query_execution", get_query_execution)
    moto_api_urls.url_paths["{0}" + OUTCOMES_PATH] = set_outcomes
