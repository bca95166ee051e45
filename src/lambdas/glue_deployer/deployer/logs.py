"""Structured JSON logs on stdout with the standard library only, and a guard that no secret is ever written.

One JSON object a line, with the keys powertools' Logger uses (`level`, `location`, `message`,
`timestamp`, `service`), the invocation's keys (`function_name`, `function_request_id`, `cold_start`,
then `pipeline_job_id` and `commit_id` once known) and the `extra=` fields of the call. Written with
`logging` rather than powertools so that the package vendors nothing (see the README: package size and
cold import).

Redaction: `JsonLogger.redacting(secrets)` replaces each given string (the artifact credentials of the
event being handled) by `***` in every line formatted while it is active, whatever the code logged. The
deployer never logs the event or the credentials in the first place; this is the second line.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import IO, Any, Final

REDACTED: Final = "***"
# Attributes every LogRecord has; anything else on a record came from `extra=`.
_RECORD_ATTRIBUTES: Final = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """Formats a record as one JSON line; holds the invocation's keys and the strings to redact."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service
        self.keys: dict[str, Any] = {}
        self.secrets: set[str] = set()

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "level": record.levelname,
            "location": f"{record.funcName}:{record.lineno}",
            "message": record.getMessage(),
            "timestamp": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "service": self.service,
            **self.keys,
        }
        entry.update({key: value for key, value in vars(record).items() if key not in _RECORD_ATTRIBUTES})
        if record.exc_info:
            entry["exception_name"] = record.exc_info[0].__name__ if record.exc_info[0] else None
            entry["exception"] = self.formatException(record.exc_info)
        return self.redact(json.dumps(entry, default=str, ensure_ascii=False))

    def redact(self, line: str) -> str:
        for secret in self.secrets:
            line = line.replace(secret, REDACTED)
            escaped = json.dumps(secret, ensure_ascii=False)[1:-1]
            if escaped != secret:
                line = line.replace(escaped, REDACTED)
        return line


class JsonLogger:
    """A `logging.Logger` writing JSON lines to one stream, with appendable keys and redaction."""

    def __init__(self, service: str, level: str | None = None, stream: IO[str] | None = None) -> None:
        self.formatter = JsonFormatter(service)
        self.handler = logging.StreamHandler(stream or sys.stdout)
        self.handler.setFormatter(self.formatter)
        self.logger = logging.getLogger(f"{service}.json")
        self.logger.handlers = [self.handler]
        self.logger.propagate = False  # the Lambda runtime's root handler would print each line twice
        self.logger.setLevel((level or os.environ.get("LOG_LEVEL") or "INFO").upper())

    # ------------------------------------------------------------ keys and redaction

    def append_keys(self, **keys: Any) -> None:
        self.formatter.keys.update({key: value for key, value in keys.items() if value is not None})

    def remove_keys(self, *names: str) -> None:
        for name in names:
            self.formatter.keys.pop(name, None)

    def clear_keys(self) -> None:
        self.formatter.keys.clear()

    @contextmanager
    def redacting(self, secrets: Iterable[str]) -> Iterator[None]:
        """Replace these strings (empty ones ignored) by *** in every line written inside the block."""
        added = {secret for secret in secrets if secret} - self.formatter.secrets
        self.formatter.secrets |= added
        try:
            yield
        finally:
            self.formatter.secrets -= added

    def set_stream(self, stream: IO[str]) -> IO[str]:
        """Write to `stream` from now on; returns the previous one (tests capture lines this way)."""
        previous = self.handler.setStream(stream)
        return previous if previous is not None else stream

    def set_level(self, level: str) -> None:
        self.logger.setLevel(level.upper())

    # ------------------------------------------------------------ logging

    def debug(self, message: str, **fields: Any) -> None:
        self.logger.debug(message, extra=fields, stacklevel=2)

    def info(self, message: str, **fields: Any) -> None:
        self.logger.info(message, extra=fields, stacklevel=2)

    def warning(self, message: str, **fields: Any) -> None:
        self.logger.warning(message, extra=fields, stacklevel=2)

    def error(self, message: str, **fields: Any) -> None:
        self.logger.error(message, extra=fields, stacklevel=2)

    def exception(self, message: str, **fields: Any) -> None:
        self.logger.exception(message, extra=fields, stacklevel=2)
