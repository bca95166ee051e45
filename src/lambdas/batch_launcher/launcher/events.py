"""The EventBridge "Batch Job State Change" event, validated into a typed value.

The shape is AWS's (https://docs.aws.amazon.com/batch/latest/userguide/batch_job_events.html): the job's
fields are under `detail`, the queue as its ARN. We read `jobName`, `jobQueue`, `status`, and `jobId` when
present. `detail.ignoreBatchChecks = "true"` (added by hand for a recovery run) skips the queue checks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, NotRequired, TypedDict

BATCH_SOURCE: Final = "aws.batch"
BATCH_DETAIL_TYPE: Final = "Batch Job State Change"
ACTIVE_STATUSES: Final = ("SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING")
FINISHED_STATUSES: Final = ("SUCCEEDED", "FAILED")
BATCH_STATUSES: Final = ACTIVE_STATUSES + FINISHED_STATUSES
IGNORE_BATCH_CHECKS: Final = "ignoreBatchChecks"
_QUEUE_ARN_PREFIX: Final = "arn:"
_MAX_FIELD_LENGTH: Final = 1024


class BatchJobStateChangeDetail(TypedDict):
    jobName: str
    jobQueue: str
    status: str
    jobId: NotRequired[str]
    jobArn: NotRequired[str]
    ignoreBatchChecks: NotRequired[str | bool]


# "detail-type" is not an identifier, hence the functional form.
BatchJobStateChangeEvent = TypedDict(
    "BatchJobStateChangeEvent",
    {
        "version": str,
        "id": str,
        "detail-type": str,
        "source": str,
        "account": str,
        "time": str,
        "region": str,
        "resources": list[str],
        "detail": BatchJobStateChangeDetail,
    },
    total=False,
)


class InvalidEventError(ValueError):
    """The event is not a Batch Job State Change we can act on; the message says which field is wrong."""


@dataclass(frozen=True)
class BatchJobStateChange:
    job_name: str
    job_queue: str
    status: str
    job_id: str | None = None
    ignore_batch_checks: bool = False

    @property
    def finished(self) -> bool:
        return self.status in FINISHED_STATUSES


def _text(detail: Mapping[str, Any], key: str) -> str:
    if key not in detail:
        raise InvalidEventError(f"the event has no detail.{key}: a Batch Job State Change always carries it.")
    value = detail[key]
    if not isinstance(value, str) or not value.strip():
        raise InvalidEventError(f"detail.{key} must be a non-empty string; got {value!r}.")
    if len(value) > _MAX_FIELD_LENGTH:
        raise InvalidEventError(f"detail.{key} is longer than {_MAX_FIELD_LENGTH} characters.")
    return value


def _ignore_batch_checks(detail: Mapping[str, Any]) -> bool:
    value = detail.get(IGNORE_BATCH_CHECKS, False)
    # Compared by identity and as text: 1 and 0 are not booleans here, though they compare equal to them.
    if value is True or value == "true":
        return True
    if value is False or value == "false":
        return False
    raise InvalidEventError(f'detail.{IGNORE_BATCH_CHECKS} must be "true" or "false" when given; got {value!r}.')


def parse_event(event: object) -> BatchJobStateChange:
    """Validate an EventBridge event; raise InvalidEventError naming the first wrong field."""
    if not isinstance(event, Mapping):
        raise InvalidEventError(f"the event must be a JSON object (an EventBridge event); got {type(event).__name__}.")
    if event.get("source") != BATCH_SOURCE:
        raise InvalidEventError(f"the event's source must be {BATCH_SOURCE!r}; got {event.get('source')!r}.")
    if event.get("detail-type") != BATCH_DETAIL_TYPE:
        raise InvalidEventError(
            f"the event's detail-type must be {BATCH_DETAIL_TYPE!r}; got {event.get('detail-type')!r}."
        )
    detail = event.get("detail")
    if not isinstance(detail, Mapping):
        raise InvalidEventError(f"the event's detail must be an object; got {type(detail).__name__}.")
    status = _text(detail, "status")
    if status not in BATCH_STATUSES:
        raise InvalidEventError(f"detail.status must be one of {', '.join(BATCH_STATUSES)}; got {status!r}.")
    job_queue = _text(detail, "jobQueue")
    if not job_queue.startswith(_QUEUE_ARN_PREFIX):
        raise InvalidEventError(f"detail.jobQueue must be the queue's ARN, as Batch sends it; got {job_queue!r}.")
    job_name = _text(detail, "jobName")
    job_id = detail.get("jobId")
    return BatchJobStateChange(
        job_name=job_name,
        job_queue=job_queue,
        status=status,
        job_id=job_id if isinstance(job_id, str) else None,
        ignore_batch_checks=_ignore_batch_checks(detail),
    )
