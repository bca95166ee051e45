"""Packaging is byte-for-byte reproducible, and a changed source changes the hash."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from platform_tools import ToolingError
from platform_tools.package import base64sha256, build_all, lambda_entries, tree_entries, zip_bytes


def _make_repo(root: Path) -> Path:
    fn = root / "src" / "lambdas" / "launcher"
    (fn / "sql").mkdir(parents=True)
    (fn / "handler.py").write_text("def handler(event, context):\n    return {'ok': True}\n")
    (fn / "sql" / "create.sql").write_text("CREATE EXTERNAL TABLE t (id string)\n")
    (fn / "__pycache__").mkdir()
    (fn / "__pycache__" / "handler.cpython-311.pyc").write_bytes(b"\x00junk")
    shared = root / "src" / "lambdas" / "_shared" / "lambda_shared"
    shared.mkdir(parents=True)
    (shared / "__init__.py").write_text("VERSION = 1\n")
    lib = root / "src" / "glue" / "etl_lib"
    lib.mkdir(parents=True)
    (lib / "__init__.py").write_text('__version__ = "2.3.4"\n')
    (lib / "dq.py").write_text("RULES = []\n")
    return root


def test_two_builds_from_different_checkouts_are_identical(tmp_path: Path) -> None:
    first = _make_repo(tmp_path / "a")
    second = tmp_path / "b"
    shutil.copytree(first, second)
    # A different checkout has different mtimes and permissions; neither may leak into the zip.
    for path in (second / "src").rglob("*.py"):
        os.utime(path, (1_700_000_000, 1_700_000_000))
        path.chmod(0o755)
    manifest_a = build_all(first, tmp_path / "build-a")
    manifest_b = build_all(second, tmp_path / "build-b")
    assert manifest_a == manifest_b
    assert set(manifest_a) == {"lambdas/launcher.zip", "glue/etl_lib.zip", "glue/etl_lib-2.3.4-py3-none-any.whl"}
    for name in manifest_a:
        assert (tmp_path / "build-a" / name).read_bytes() == (tmp_path / "build-b" / name).read_bytes()


def test_one_byte_edit_changes_the_hash_and_rebuild_without_edit_does_not_rewrite(tmp_path: Path) -> None:
    repo = _make_repo(tmp_path / "repo")
    build = tmp_path / "build"
    before = build_all(repo, build)
    mtime = (build / "glue" / "etl_lib.zip").stat().st_mtime_ns
    assert build_all(repo, build) == before
    assert (build / "glue" / "etl_lib.zip").stat().st_mtime_ns == mtime

    handler = repo / "src" / "lambdas" / "launcher" / "handler.py"
    handler.write_text(handler.read_text().replace("True", "Frue"))  # same length, one byte differs
    after = build_all(repo, build)
    assert after["lambdas/launcher.zip"] != before["lambdas/launcher.zip"]
    assert after["glue/etl_lib.zip"] == before["glue/etl_lib.zip"]


def test_archive_layout_and_fixed_metadata(tmp_path: Path) -> None:
    repo = _make_repo(tmp_path / "repo")
    build_all(repo, tmp_path / "build")
    with zipfile.ZipFile(tmp_path / "build" / "lambdas" / "launcher.zip") as archive:
        names = archive.namelist()
        assert names == sorted(names)
        assert names == ["handler.py", "lambda_shared/__init__.py", "sql/create.sql"]
        for info in archive.infolist():
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            assert info.external_attr >> 16 == 0o100644
    with zipfile.ZipFile(tmp_path / "build" / "glue" / "etl_lib.zip") as archive:
        assert archive.namelist() == ["etl_lib/__init__.py", "etl_lib/dq.py"]


def test_hash_matches_terraform_filebase64sha256(tmp_path: Path) -> None:
    terraform = shutil.which("terraform")
    if terraform is None:
        pytest.skip("terraform not on PATH")
    repo = _make_repo(tmp_path / "repo")
    manifest = build_all(repo, tmp_path / "build")
    zip_path = tmp_path / "build" / "lambdas" / "launcher.zip"
    result = subprocess.run(
        [terraform, "console"],
        input=f'filebase64sha256("{zip_path}")\n',
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=True,
    )
    assert result.stdout.strip().strip('"') == manifest["lambdas/launcher.zip"]


def test_duplicate_archive_names_are_rejected(tmp_path: Path) -> None:
    a = tmp_path / "a.py"
    b = tmp_path / "b.py"
    a.write_text("a")
    b.write_text("b")
    with pytest.raises(ToolingError, match=r"two files map to x\.py"):
        zip_bytes([("x.py", a), ("x.py", b)])


def test_runtime_provided_and_unpinned_requirements_are_rejected(tmp_path: Path) -> None:
    repo = _make_repo(tmp_path / "repo")
    requirements = repo / "src" / "lambdas" / "launcher" / "requirements.txt"
    requirements.write_text("boto3==1.40.0\n")
    with pytest.raises(ToolingError, match="boto3, which the Lambda runtime provides"):
        build_all(repo, tmp_path / "build")
    requirements.write_text("aws-lambda-powertools>=3\n")
    with pytest.raises(ToolingError, match="is not pinned"):
        build_all(repo, tmp_path / "build")


def test_excludes_caches_and_tests(tmp_path: Path) -> None:
    repo = _make_repo(tmp_path / "repo")
    fn = repo / "src" / "lambdas" / "launcher"
    (fn / "tests").mkdir()
    (fn / "tests" / "test_x.py").write_text("")
    names = [name for name, _ in lambda_entries(fn, None, None)]
    assert sorted(names) == ["handler.py", "sql/create.sql"]
    assert [n for n, _ in tree_entries(fn)] and base64sha256(b"") == "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="


def test_library_wheel_installs_with_pip_and_imports(tmp_path: Path) -> None:
    """A Python-shell job takes the library as a wheel: pip must accept it and the package must import."""
    repo = _make_repo(tmp_path / "repo")
    build_all(repo, tmp_path / "build")
    wheel = tmp_path / "build" / "glue" / "etl_lib-2.3.4-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        record = archive.read("etl_lib-2.3.4.dist-info/RECORD").decode()
    assert names == sorted(names) and "etl_lib/dq.py" in names
    assert "etl_lib/dq.py,sha256=" in record and "etl_lib-2.3.4.dist-info/RECORD,," in record
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-index",
            "--no-deps",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
    )
    result = subprocess.run(
        [sys.executable, "-c", "import etl_lib, etl_lib.dq; print(etl_lib.__version__, etl_lib.dq.RULES)"],
        env={**os.environ, "PYTHONPATH": str(target)},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "2.3.4 []"


def test_library_without_a_version_is_refused(tmp_path: Path) -> None:
    repo = _make_repo(tmp_path / "repo")
    (repo / "src" / "glue" / "etl_lib" / "__init__.py").write_text("")
    with pytest.raises(ToolingError, match=r"no `__version__ = \"x.y.z\"` line"):
        build_all(repo, tmp_path / "build")
