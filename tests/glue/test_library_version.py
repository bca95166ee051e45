"""Job scripts and the etl_lib release they run with: each script's REQUIRES_ETL_LIB, the caret rule of
etl_lib.edge.check_library_version (the rule modules/glue_job applies at plan time), and main() refusing an
installed etl_lib too old for the script before it reads any argument."""

from __future__ import annotations

import importlib
import re
from types import ModuleType

import pytest

import etl_lib
from etl_lib.edge import LibraryVersionError, check_library_version
from etl_lib.errors import EtlError
from platform_tools import REPO_ROOT

JOBS_DIR = REPO_ROOT / "src" / "glue" / "jobs"
JOB_SCRIPTS = sorted(path.stem for path in JOBS_DIR.glob("*.py") if path.stem != "__init__")
# What modules/glue_job reads from a script with file() and regex (storage.tf, local.etl_lib_required).
TERRAFORM_LINE = re.compile(r'^REQUIRES_ETL_LIB = "(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)"', re.M)


@pytest.mark.parametrize(
    ("required", "installed"),
    [
        ("1.0.0", "1.0.0"),  # equal
        ("1.2.3", "1.3.0"),  # newer minor
        ("1.2.3", "1.2.4"),  # newer patch
        ("1.2.3", "1.10.0"),  # compared as numbers, not text
        ("0.2.1", "0.2.5"),  # 0.x: a newer patch of the same minor
        ("0.0.0", "0.0.0"),
    ],
)
def test_compatible_versions_pass(required: str, installed: str) -> None:
    check_library_version(required, installed)


@pytest.mark.parametrize(
    ("required", "installed", "accepted"),
    [
        ("1.2.3", "1.2.2", "any 1.x"),  # older patch
        ("1.2.0", "1.1.9", "any 1.x"),  # older minor
        ("1.0.0", "2.0.0", "any 1.x"),  # other major, newer
        ("2.0.0", "1.9.9", "any 2.x"),  # other major, older
        ("0.2.0", "0.3.0", "any 0.2.x"),  # 0.x: a minor change is breaking
        ("0.2.0", "1.2.0", "any 0.2.x"),
    ],
)
def test_incompatible_versions_are_refused_naming_both(required: str, installed: str, accepted: str) -> None:
    with pytest.raises(LibraryVersionError) as caught:
        check_library_version(required, installed)
    message = str(caught.value)
    assert f"needs etl_lib {required} (REQUIRES_ETL_LIB; {accepted} at or above it)" in message
    assert f"but etl_lib {installed} is installed" in message
    assert "deploy the library artifact of the release the script came from" in message
    assert f"etl_lib-{required}.zip" in message
    assert f"etl_lib-{required}-py3-none-any.whl" in message


def test_a_version_error_is_a_user_facing_bad_input_error() -> None:
    assert issubclass(LibraryVersionError, EtlError)
    assert LibraryVersionError.user_facing


@pytest.mark.parametrize("malformed", ["1.0", "1", "1.0.0.0", "v1.0.0", "1.0.0rc1", "1.0.0-dev", "01.0.0", "1.x.0", ""])
def test_malformed_required_version_is_refused(malformed: str) -> None:
    with pytest.raises(LibraryVersionError, match=r"^REQUIRES_ETL_LIB '.*' is not an etl_lib version: write MAJOR"):
        check_library_version(malformed, "1.0.0")


@pytest.mark.parametrize("malformed", ["1.0", "1.0.0+local", " 1.0.0"])
def test_malformed_installed_version_is_refused(malformed: str) -> None:
    with pytest.raises(LibraryVersionError, match=r"^the installed etl_lib version '.*' is not an etl_lib version"):
        check_library_version("1.0.0", malformed)


def test_the_installed_default_is_this_library() -> None:
    check_library_version(etl_lib.__version__)
    major = int(etl_lib.__version__.split(".")[0])
    with pytest.raises(LibraryVersionError, match=rf"but etl_lib {re.escape(etl_lib.__version__)} is installed"):
        check_library_version(f"{major + 1}.0.0")


def test_job_scripts_are_found() -> None:
    assert {"hello_shell", "json_to_parquet", "json_to_parquet_duckdb"} <= set(JOB_SCRIPTS)


def _job(name: str) -> ModuleType:
    return importlib.import_module(f"jobs.{name}")


@pytest.mark.parametrize("name", JOB_SCRIPTS)
def test_every_script_declares_a_requirement_this_library_satisfies(name: str) -> None:
    text = (JOBS_DIR / f"{name}.py").read_text(encoding="utf-8")
    lines = TERRAFORM_LINE.findall(text)
    assert len(lines) == 1, f'{name}.py needs one line REQUIRES_ETL_LIB = "X.Y.Z" (modules/glue_job reads it)'
    job = _job(name)
    declared = ".".join(lines[0])
    assert declared == job.REQUIRES_ETL_LIB
    check_library_version(job.REQUIRES_ETL_LIB, etl_lib.__version__)


@pytest.mark.parametrize("name", JOB_SCRIPTS)
def test_main_refuses_an_installed_library_too_old_before_reading_arguments(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """main() checks first: with no arguments at all, the error is the version, not a missing argument."""
    job = _job(name)
    major, minor, _ = (int(part) for part in etl_lib.__version__.split("."))
    newer = f"{major}.{minor + 1}.0"
    monkeypatch.setattr(job, "REQUIRES_ETL_LIB", newer)
    with pytest.raises(LibraryVersionError, match=rf"needs etl_lib {re.escape(newer)} .* but etl_lib "):
        job.main([f"{name}.py"])


def test_main_refuses_when_the_installed_version_is_older(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same through the installed side: the script's check sees an older etl_lib than it declares."""
    job = _job("hello_shell")

    def installed_is_older(required: str) -> None:
        check_library_version(required, installed="0.9.0")

    monkeypatch.setattr(job, "check_library_version", installed_is_older)
    with pytest.raises(LibraryVersionError, match=r"needs etl_lib 1\.0\.0 .* but etl_lib 0\.9\.0 is installed"):
        job.main(["hello_shell.py", "--message", "hi"])
