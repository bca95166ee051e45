"""The deployer's package as `make build` makes it: only its own code, and the handler string resolves from the
archive root in a fresh interpreter that has nothing but the runtime's boto3."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from platform_tools import REPO_ROOT
from platform_tools.package import SHARED_LAMBDA_DIR, lambda_entries, vendored_dependencies, zip_bytes

FUNCTION = REPO_ROOT / "src" / "lambdas" / "glue_deployer"
HANDLER = "deployer.handler.lambda_handler"

PROBE = """
import importlib, json, sys
sys.path.insert(0, sys.argv[1])
module_name, function_name = sys.argv[2].rsplit(".", 1)
module = importlib.import_module(module_name)
class Context:
    function_name, aws_request_id = "fn", "request"
    def get_remaining_time_in_millis(self):
        return 60000
try:
    getattr(module, function_name)({"source": "aws.s3"}, Context())
    refused = None
except Exception as exc:
    refused = type(exc).__name__
print(json.dumps({
    "handler": callable(getattr(module, function_name)),
    "module": module.__file__,
    "refused": refused,
    "powertools": "aws_lambda_powertools" in sys.modules,
}))
"""


def build(tmp_path: Path) -> bytes:
    """The function's zip exactly as tooling/platform_tools/package.py's build_all() makes it."""
    deps = vendored_dependencies(FUNCTION / "requirements.txt", tmp_path / "cache")
    assert deps is None  # nothing to vendor: pip is never run for this function
    return zip_bytes(lambda_entries(FUNCTION, REPO_ROOT / "src" / "lambdas" / SHARED_LAMBDA_DIR, deps))


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("glue_deployer_zip")
    data = build(root)
    assert build(root) == data
    archive = root / "glue_deployer.zip"
    archive.write_bytes(data)
    return archive


def test_the_package_holds_only_the_deployer_and_its_readme(package: Path) -> None:
    names = zipfile.ZipFile(package).namelist()
    modules = {"__init__", "artifact", "core", "errors", "events", "glue_job", "handler", "logs", "parameters"}
    assert set(names) == {"README.md"} | {f"deployer/{name}.py" for name in modules | {"results", "storage"}}
    assert package.stat().st_size < 64 * 1024


def test_the_handler_string_resolves_from_the_package_root_without_vendored_packages(
    package: Path, tmp_path: Path
) -> None:
    root = tmp_path / "root"
    with zipfile.ZipFile(package) as archive:
        archive.extractall(root)
    # No PYTHONPATH and no emulator: only the package and the interpreter's own boto3, as the runtime gives.
    environment = {key: value for key, value in os.environ.items() if key not in {"PYTHONPATH", "AWS_ENDPOINT_URL"}}
    environment["AWS_DEFAULT_REGION"] = "us-east-1"
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(root), HANDLER],
        capture_output=True,
        text=True,
        env=environment,
        cwd=root,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["handler"] is True
    assert probe["module"].startswith(str(root))
    assert probe["refused"] == "NotAPipelineJobEvent"
    assert probe["powertools"] is False
