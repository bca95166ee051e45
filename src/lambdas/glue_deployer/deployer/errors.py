"""What went wrong, as CodePipeline's failure types, each with a message naming the cause and the fix.

Every failure the deployer can foresee is raised as one of these; `core.handle` turns it into one
`PutJobFailureResult`. The type tells the pipeline's reader where to look:

- `ConfigurationError`: the action's UserParameters, the artifact's contents (no script) or the target
  job (not found, or a job type that cannot take the library) must be changed;
- `PermissionError`: an AWS call was refused (AccessDenied): the deployer's role needs a right;
- `JobFailed`: anything else, a Glue run that did not succeed included.
"""

from __future__ import annotations

from typing import Final, Literal

from botocore.exceptions import ClientError

FailureType = Literal["JobFailed", "ConfigurationError", "PermissionError"]

# Error codes AWS services use for a refused call (S3 "AccessDenied", Glue/KMS "AccessDeniedException").
ACCESS_DENIED_CODES: Final = frozenset(
    {"AccessDenied", "AccessDeniedException", "AuthorizationError", "UnauthorizedOperation", "Forbidden", "403"}
)


class DeployError(Exception):
    """A failure to report to CodePipeline; `str(error)` is the message sent."""

    failure_type: FailureType = "JobFailed"

    def __init__(self, message: str, *, external_execution_id: str | None = None) -> None:
        super().__init__(message)
        self.external_execution_id = external_execution_id


class ConfigurationError(DeployError):
    failure_type = "ConfigurationError"


class PermissionDenied(DeployError):
    failure_type = "PermissionError"


class JobFailed(DeployError):
    failure_type = "JobFailed"


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", "Unknown"))


def error_message(error: ClientError) -> str:
    message = error.response.get("Error", {}).get("Message") or ""
    return str(message).strip()


def describe(error: ClientError) -> str:
    """`Code: message` of an AWS error (botocore's text, which never carries credentials)."""
    message = error_message(error)
    return f"{error_code(error)}: {message}" if message else error_code(error)


def from_client_error(error: ClientError, *, doing: str, permission_fix: str, fix: str) -> DeployError:
    """An AWS refusal as PermissionError, anything else as JobFailed, both naming what was being done."""
    if error_code(error) in ACCESS_DENIED_CODES:
        return PermissionDenied(f"{doing} was refused ({describe(error)}). Fix: {permission_fix}")
    return JobFailed(f"{doing} failed ({describe(error)}). Fix: {fix}")
