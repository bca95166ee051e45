"""Gap fills: small patches to moto for APIs it lacks or answers wrongly.

Each fill is a module here with an `apply()` function and a docstring naming the gap
(see the table in tooling/GAPS.md). `apply_all()` runs
them in order before the server starts; each has a test in tests/tooling/test_fill*.py
that fails on moto as shipped (`--no-fills`) and passes with the fill.
"""

from __future__ import annotations

import importlib
from typing import Any

FILL_MODULES: list[str] = [
    "glue_jobs",
    "glue_triggers",
    "glue_job_runs",
    "glue_data_quality",
    "sfn_api",
    "sfn_executor",
    "athena_workgroup",
    "kinesis_tags",
    "moto_config",
    "s3_logging",
    "s3_secure_transport",
    "s3_suspended_versioning",
    "batch_job_status",
    "athena_query_outcomes",
    "codecommit",
    "codepipeline",
    "codestar_connections",
    "lambda_layers",
]


def patch(owner: Any, name: str, replacement: Any) -> None:
    """Set `owner.<name>` (a moto class's method or action) to `replacement`.

    A plain setattr, named so that every patch reads the same and mypy, which sees moto's own
    types, accepts adding actions moto lacks.
    """
    setattr(owner, name, replacement)


def apply_all() -> None:
    for name in FILL_MODULES:
        importlib.import_module(f"{__name__}.{name}").apply()
