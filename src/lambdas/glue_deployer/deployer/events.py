"""The CodePipeline job event, as the Lambda invoke action sends it, read into a `PipelineJob`.

Shape (AWS docs, "Example JSON event" of the Lambda invoke action; abridged):

    {"CodePipeline.job": {
        "id": "11111111-abcd-1111-abcd-111111abcdef",
        "accountId": "111111111111",
        "data": {
            "actionConfiguration": {"configuration": {"FunctionName": "...", "UserParameters": "<JSON text>"}},
            "inputArtifacts": [{"name": "SourceArtifact", "revision": "<commit id>",
                                "location": {"type": "S3", "s3Location": {"bucketName": "...", "objectKey": "..."}}}],
            "outputArtifacts": [],
            "artifactCredentials": {"accessKeyId": "...", "secretAccessKey": "...", "sessionToken": "...",
                                    "expirationTime": 1575493418000},
            "continuationToken": "<only on an invocation that continues an earlier one>"}}}

An event without a `CodePipeline.job` object carrying a job id is not a pipeline job: there is nothing to
report to, so `job_id_of` raises `NotAPipelineJobEvent` before any AWS call. Once the job id is known,
every other gap is reported to CodePipeline by the caller (a missing artifact becomes a failure result).

The artifact credentials are kept in `ArtifactCredentials`, whose repr hides them; `PipelineJob.summary()`
is what may be logged. The event itself is never logged.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

JOB_KEY: Final = "CodePipeline.job"
# PutJobSuccessResult/PutJobFailureResult accept only this job id pattern.
JOB_ID_PATTERN: Final = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class NotAPipelineJobEvent(ValueError):
    """The event is not a CodePipeline job event; the message says what was expected and what came."""


@dataclass(frozen=True)
class ArtifactCredentials:
    """The temporary credentials CodePipeline passes for its artifact bucket. Never logged, never in a repr."""

    access_key_id: str = field(repr=False)
    secret_access_key: str = field(repr=False)
    session_token: str = field(repr=False)

    def secrets(self) -> tuple[str, str, str]:
        return (self.access_key_id, self.secret_access_key, self.session_token)

    def __repr__(self) -> str:
        return "ArtifactCredentials(***)"


@dataclass(frozen=True)
class InputArtifact:
    name: str | None
    revision: str | None
    location_type: str | None
    bucket: str | None
    key: str | None

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.key}"


@dataclass(frozen=True)
class PipelineJob:
    job_id: str
    account_id: str | None
    user_parameters: str | None
    input_artifacts: tuple[InputArtifact, ...]
    continuation_token: str | None
    credentials: ArtifactCredentials | None = field(default=None, repr=False)

    def summary(self) -> dict[str, Any]:
        """What may be logged about the job: no credentials, no UserParameters values beyond their size."""
        return {
            "pipeline_job_id": self.job_id,
            "continuation": self.continuation_token is not None,
            "input_artifacts": [
                {"name": a.name, "revision": a.revision, "location": a.uri if a.bucket else None}
                for a in self.input_artifacts
            ],
            "artifact_credentials_present": self.credentials is not None,
        }


def _object(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value != "" else None


def job_id_of(event: object) -> str:
    """The pipeline job id, or NotAPipelineJobEvent naming what the event lacks (values never quoted)."""
    expected = (
        f'a CodePipeline job event {{"{JOB_KEY}": {{"id": "<uuid>", "data": {{...}}}}}}, as a CodePipeline '
        "Lambda invoke action sends it; invoke this function only from a pipeline action"
    )
    if not isinstance(event, Mapping):
        raise NotAPipelineJobEvent(f"expected {expected}; got a {type(event).__name__}.")
    job = event.get(JOB_KEY)
    if not isinstance(job, Mapping):
        keys = sorted(str(key) for key in event)[:10]
        raise NotAPipelineJobEvent(f"expected {expected}; got an object with the keys {keys}.")
    job_id = job.get("id")
    if not isinstance(job_id, str) or not JOB_ID_PATTERN.match(job_id):
        raise NotAPipelineJobEvent(
            f"expected {expected}; got one whose {JOB_KEY}.id is missing or not a job id (a UUID)."
        )
    return job_id


def _credentials(value: object) -> ArtifactCredentials | None:
    raw = _object(value)
    parts = (_text(raw.get("accessKeyId")), _text(raw.get("secretAccessKey")), _text(raw.get("sessionToken")))
    if parts[0] is None or parts[1] is None:
        return None
    return ArtifactCredentials(parts[0], parts[1], parts[2] or "")


def _artifact(value: object) -> InputArtifact:
    raw = _object(value)
    location = _object(raw.get("location"))
    s3 = _object(location.get("s3Location"))
    return InputArtifact(
        name=_text(raw.get("name")),
        revision=_text(raw.get("revision")),
        location_type=_text(location.get("type")),
        bucket=_text(s3.get("bucketName")),
        key=_text(s3.get("objectKey")),
    )


def secrets_in(event: object) -> tuple[str, ...]:
    """The credential strings an event carries, to redact from logs even before it is parsed."""
    job = _object(_object(event).get(JOB_KEY))
    credentials = _credentials(_object(job.get("data")).get("artifactCredentials"))
    return credentials.secrets() if credentials else ()


def parse_job(event: object) -> PipelineJob:
    """Read a pipeline job event (NotAPipelineJobEvent if it is none); missing parts come back as None."""
    job_id = job_id_of(event)
    job = _object(_object(event).get(JOB_KEY))
    data = _object(job.get("data"))
    configuration = _object(_object(data.get("actionConfiguration")).get("configuration"))
    artifacts = data.get("inputArtifacts")
    user_parameters = configuration.get("UserParameters")
    return PipelineJob(
        job_id=job_id,
        account_id=_text(job.get("accountId")),
        user_parameters=user_parameters if isinstance(user_parameters, str) else None,
        input_artifacts=tuple(_artifact(a) for a in artifacts) if isinstance(artifacts, list) else (),
        continuation_token=_text(data.get("continuationToken")),
        credentials=_credentials(data.get("artifactCredentials")),
    )
