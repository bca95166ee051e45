"""Running Athena DDL: start a query in the workgroup, poll with backoff up to a timeout, raise Athena's reason."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .sql import create_table_sql, drop_table_sql

if TYPE_CHECKING:
    from mypy_boto3_athena import AthenaClient

    from .settings import ResultTable

CATALOG = "AwsDataCatalog"
FIRST_DELAY_S = 0.25
MAX_DELAY_S = 5.0


class AthenaQueryError(RuntimeError):
    """A query ended FAILED or CANCELLED (the message carries Athena's reason), or did not finish in time."""

    def __init__(self, message: str, query_execution_id: str, state: str) -> None:
        super().__init__(message)
        self.query_execution_id = query_execution_id
        self.state = state


class AthenaQueryTimeout(AthenaQueryError):
    """A query was still QUEUED or RUNNING at its timeout; it has been asked to stop."""


@dataclass(frozen=True)
class QueryRunner:
    """How queries run: the workgroup (whose enforced configuration sets the encrypted result location),
    the database, the timeout of each query, and the clock and sleep (replaceable in tests)."""

    athena: AthenaClient
    workgroup: str
    database: str
    timeout_seconds: float
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic

    def run(self, sql: str) -> str:
        """Run one statement to SUCCEEDED and return its execution id; raise AthenaQueryError otherwise."""
        execution_id = self.athena.start_query_execution(
            QueryString=sql,
            WorkGroup=self.workgroup,
            QueryExecutionContext={"Catalog": CATALOG, "Database": self.database},
        )["QueryExecutionId"]
        deadline = self.clock() + self.timeout_seconds
        delay = FIRST_DELAY_S
        while True:
            status: Any = self.athena.get_query_execution(QueryExecutionId=execution_id)["QueryExecution"]["Status"]
            state = status["State"]
            if state == "SUCCEEDED":
                return execution_id
            if state in ("FAILED", "CANCELLED"):
                reason = status.get("AthenaError", {}).get("ErrorMessage") or status.get("StateChangeReason")
                raise AthenaQueryError(
                    f"Athena query {execution_id} ended {state}: {reason or 'Athena gave no reason'} "
                    f"(query: {_first_line(sql)})",
                    execution_id,
                    state,
                )
            remaining = deadline - self.clock()
            if remaining <= 0:
                self.athena.stop_query_execution(QueryExecutionId=execution_id)
                raise AthenaQueryTimeout(
                    f"Athena query {execution_id} was still {state} after {self.timeout_seconds:g} s and was "
                    f"stopped (query: {_first_line(sql)}); raise athena_query_timeout_seconds if the "
                    "workgroup is busy.",
                    execution_id,
                    state,
                )
            self.sleep(min(delay, remaining))
            delay = min(delay * 2, MAX_DELAY_S)


def _first_line(sql: str) -> str:
    return sql.strip().splitlines()[0] if sql.strip() else ""


def rebuild_tables(runner: QueryRunner, tables: Sequence[ResultTable]) -> list[str]:
    """DROP TABLE IF EXISTS then CREATE EXTERNAL TABLE for each table; return the names rebuilt.

    Dropping first lets a schema change in the templates take effect; the data stays in S3 (the tables
    are external).
    """
    rebuilt = []
    for table in tables:
        runner.run(drop_table_sql(table.name))
        runner.run(create_table_sql(table.kind, table.name, table.location))
        rebuilt.append(table.name)
    return rebuilt
