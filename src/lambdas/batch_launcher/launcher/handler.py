"""Lambda entry point: `launcher.handler.lambda_handler`.

Settings, clients and the logger live at module scope, so they are built once per container: a missing
or malformed environment variable fails the cold start with a SettingsError that names it. The handler
itself is thin: `core.launch()` does the work and returns a result, which is logged as structured JSON
and returned. A bad event or a failed step raises, so the invocation fails and Lambda's retries and
dead-letter queue keep the event.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config

from . import logger
from .core import Clients, launch
from .settings import Settings

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

    from .events import BatchJobStateChangeEvent

settings = Settings.from_environ(os.environ)

_client_config = Config(retries={"mode": "standard", "max_attempts": 5}, connect_timeout=5, read_timeout=30)
clients = Clients(
    batch=boto3.client("batch", config=_client_config),
    s3=boto3.client("s3", config=_client_config),
    athena=boto3.client("athena", config=_client_config),
    glue=boto3.client("glue", config=_client_config),
)


@logger.inject_lambda_context(log_event=True, clear_state=True)
def lambda_handler(event: BatchJobStateChangeEvent, context: LambdaContext) -> dict[str, Any]:
    result = launch(event, settings, clients, now=datetime.now(UTC))
    logger.info(f"launch {result.outcome}: {result.reason}", extra={"result": result.as_dict()})
    return result.as_dict()
