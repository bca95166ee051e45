"""Are the dependency queues drained? `ListJobs` by queue and active status, stopping at the first job found."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .events import ACTIVE_STATUSES

if TYPE_CHECKING:
    from mypy_boto3_batch import BatchClient

# ListJobs' maximum page size. A busy queue answers on its first page whatever the size; an idle one
# answers one empty page per status.
PAGE_SIZE = 100


@dataclass(frozen=True)
class BusyQueue:
    """The first queue found with an active job: its ARN, the status found and one such job."""

    queue_arn: str
    status: str
    job_name: str
    job_id: str


def find_busy_queue(batch: BatchClient, queue_arns: Sequence[str], page_size: int = PAGE_SIZE) -> BusyQueue | None:
    """The first queue with a job in SUBMITTED, PENDING, RUNNABLE, STARTING or RUNNING; None when all are idle.

    Queues are checked in the given order and each status in the order a job moves through them, so a
    job that advances while we look is still seen unless it changes status between every pair of calls.
    Each status is listed with pagination (an empty page may still carry a nextToken); the first job
    found ends the search, so a busy queue costs one call per status up to the one where it is busy.
    """
    paginator = batch.get_paginator("list_jobs")
    for queue_arn in queue_arns:
        for status in ACTIVE_STATUSES:
            pages = paginator.paginate(jobQueue=queue_arn, jobStatus=status, PaginationConfig={"PageSize": page_size})
            for page in pages:
                for job in page.get("jobSummaryList", []):
                    return BusyQueue(queue_arn=queue_arn, status=status, job_name=job["jobName"], job_id=job["jobId"])
    return None
