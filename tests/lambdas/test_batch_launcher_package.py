"""The built package (build/lambdas/batch_launcher.zip): the handler string resolves from its root, as on Lambda.

Lambda puts the archive's root on sys.path and imports the module part of the handler string
`launcher.handler.lambda_handler`; this does the same in a fresh interpreter with the archive extracted
first on sys.path, so the vendored powertools and the SQL templates are the ones in the package.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from platform_tools import REPO_ROOT

PACKAGE = REPO_ROOT / "build" / "lambdas" / "batch_launcher.zip"
HANDLER = "launcher.handler.lambda_handler"

PROBE = """
import importlib, json, sys
sys.path.insert(0, sys.argv[1])
module_name, function_name = sys.argv[2].rsplit(".", 1)
module = importlib.import_module(module_name)
import aws_lambda_powertools, typing_extensions
from launcher import sql
print(json.dumps({
    "handler": callable(getattr(module, function_name)),
    "module": module.__file__,
    "powertools": aws_lambda_powertools.__file__,
    "typing_extensions": typing_extensions.__file__,
    "ddl": sql.create_table_sql("counts", "counts", "s3://bucket/counts/"),
}))
"""


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not PACKAGE.exists():
        pytest.fail(f"{PACKAGE.relative_to(REPO_ROOT)} is missing: run `make build` first.")
    root = tmp_path_factory.mktemp("batch_launcher_zip")
    with zipfile.ZipFile(PACKAGE) as archive:
        archive.extractall(root)
    return root


def test_the_package_holds_the_code_templates_and_pinned_dependencies(extracted: Path) -> None:
    names = {path.relative_to(extracted).as_posix() for path in extracted.rglob("*") if path.is_file()}
    assert {"launcher/handler.py", "launcher/core.py", "launcher/sql_templates/counts.sql"} <= names
    assert len([name for name in names if name.startswith("launcher/sql_templates/")]) == 5
    assert "aws_lambda_powertools-3.37.0.dist-info/METADATA" in names
    assert "typing_extensions.py" in names
    assert not [name for name in names if name.startswith(("boto3/", "botocore/")) or name.endswith(".pyc")]
    assert "requirements.txt" not in names and not [name for name in names if "/tests/" in name]


def test_the_handler_string_resolves_from_the_package_root(extracted: Path) -> None:
    settings = {
        "DEPENDENCY_QUEUE_ARNS": json.dumps(["arn:aws:batch:us-east-1:123456789012:job-queue/q"]),
        "GLUE_JOB_NAME": "job",
        "ATHENA_WORKGROUP": "wg",
        "ATHENA_DATABASE": "db",
        "RESULT_TABLES": json.dumps(
            {
                k: {"name": k, "location": f"s3://bucket/{k}/"}
                for k in ("missing_imports", "missing_exports", "counts", "mismatched_timestamps")
            }
        ),
        "IMPORT_MANIFEST_LOCATION": "s3://bucket/import/",
        "EXPORT_MANIFEST_LOCATION": "s3://bucket/export/",
        "SNAPSHOT_TYPE": "full",
        "IMPORT_TYPE": "historic",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    # No PYTHONPATH: only the package and the interpreter's own packages (boto3, as the runtime provides).
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"} | settings
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(extracted), HANDLER],
        capture_output=True,
        text=True,
        env=environment,
        cwd=extracted,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["handler"] is True
    for key in ("module", "powertools", "typing_extensions"):
        assert probe[key].startswith(str(extracted)), (key, probe[key])
    assert "LOCATION 's3://bucket/counts/'" in probe["ddl"]
