"""Lambda entry point: `deployer.handler.lambda_handler`.

Clients and the logger live at module scope, so they are built once per container. The handler is thin:
`core.handle()` reads the event, does the work, reports exactly one result to CodePipeline and returns
it; the handler adds the invocation's keys to the logs and returns the result as a dict. An event that is
not a CodePipeline job event raises NotAPipelineJobEvent before any AWS call.

When UserParameters sets `use_artifact_credentials`, the artifact is read with the temporary credentials
from the event (`artifact_client`); otherwise, and for everything else, the function's own role is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

import boto3
from botocore.config import Config

from . import logger
from .core import Clients, handle

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

    from .events import ArtifactCredentials


class LambdaContext(Protocol):
    function_name: str
    aws_request_id: str

    def get_remaining_time_in_millis(self) -> int: ...


# Bounded so that a slow AWS answer is reported as a failure before the function's timeout.
_client_config = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=5, read_timeout=30)
clients = Clients(
    s3=boto3.client("s3", config=_client_config),
    glue=boto3.client("glue", config=_client_config),
    codepipeline=boto3.client("codepipeline", config=_client_config),
)
_cold_start = True


def artifact_client(credentials: ArtifactCredentials) -> S3Client:
    """An S3 client with the pipeline's artifact credentials (used only when UserParameters asks for it)."""
    return boto3.client(
        "s3",
        aws_access_key_id=credentials.access_key_id,
        aws_secret_access_key=credentials.secret_access_key,
        aws_session_token=credentials.session_token or None,
        config=_client_config,
    )


def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    global _cold_start
    logger.clear_keys()
    logger.append_keys(
        function_name=context.function_name, function_request_id=context.aws_request_id, cold_start=_cold_start
    )
    _cold_start = False
    result = handle(
        event,
        clients,
        artifact_client=artifact_client,
        time_left=lambda: context.get_remaining_time_in_millis() / 1000,
    )
    return result.as_dict()
