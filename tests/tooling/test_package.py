"""Packaging is byte-for-byte reproducible, and a changed source changes the hash."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from platform_tools import REPO_ROOT, ToolingError, package
from platform_tools.package import (
    base64sha256,
    build_all,
    lambda_entries,
    pythonshell_pins,
    tree_entries,
    wheel_runs_on_pythonshell,
    zip_bytes,
)


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
        pytest.fail("terraform is not on PATH: install Terraform >= 1.7 (README, Prerequisites) and run again.")
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


# ---------------------------------------------------------------- Python-shell wheels (requirements-pythonshell.txt)

PYTHONSHELL_REQUIREMENTS = REPO_ROOT / "requirements-pythonshell.txt"
WHEELS = "glue/pythonshell-wheels"


@pytest.fixture(scope="module")
def downloaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, str]]:
    """One real build with the project's pins: pip runs once for the whole module. It takes the wheels from the
    project's build/ when `make build` has put them there (pip still resolves the pins and checks their hashes),
    and from the package index otherwise."""
    root = tmp_path_factory.mktemp("pythonshell")
    repo = _make_repo(root / "repo")
    shutil.copy(PYTHONSHELL_REQUIREMENTS, repo / "requirements-pythonshell.txt")
    build = root / "build"
    with pytest.MonkeyPatch.context() as env:
        built_wheels = REPO_ROOT / "build" / WHEELS
        if any(built_wheels.glob("*.whl")):
            env.setenv("PIP_CONFIG_FILE", os.devnull)
            env.setenv("PIP_NO_INDEX", "1")
            env.setenv("PIP_FIND_LINKS", str(built_wheels))
        return repo, build, build_all(repo, build)


def _only_wheel(build: Path) -> Path:
    (wheel,) = (build / WHEELS).glob("*.whl")
    return wheel


def test_pinned_wheels_are_downloaded_for_glue_python_shell(downloaded: tuple[Path, Path, dict[str, str]]) -> None:
    _, build, manifest = downloaded
    wheel = _only_wheel(build)
    (pin,) = pythonshell_pins(PYTHONSHELL_REQUIREMENTS)
    assert wheel.name.startswith(f"duckdb-{pin.version}-cp39-cp39-") and wheel_runs_on_pythonshell(wheel.name)
    data = wheel.read_bytes()
    assert hashlib.sha256(data).hexdigest() in pin.sha256
    assert manifest[f"{WHEELS}/{wheel.name}"] == base64sha256(data)
    recorded = json.loads((build / "manifest.json").read_text())
    assert recorded[f"{WHEELS}/{wheel.name}"] == base64sha256(data)
    with zipfile.ZipFile(wheel) as archive:
        assert "duckdb-1.2.2.dist-info/WHEEL" in archive.namelist()


def test_a_second_build_downloads_nothing(
    downloaded: tuple[Path, Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo, build, manifest = downloaded
    mtime = _only_wheel(build).stat().st_mtime_ns

    def no_download(requirements: Path, destination: Path) -> None:
        raise AssertionError("the wheels are present with their sha256: nothing may be downloaded")

    monkeypatch.setattr(package, "pip_download", no_download)
    assert build_all(repo, build) == manifest
    assert _only_wheel(build).stat().st_mtime_ns == mtime


@pytest.mark.parametrize("pinned_hash", [True, False], ids=["pin-with-hash", "pin-without-hash"])
def test_a_changed_missing_or_stale_wheel_is_put_right(
    downloaded: tuple[Path, Path, dict[str, str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pinned_hash: bool
) -> None:
    """A wheel whose bytes are not the pinned (or, without a hash, the recorded) ones is downloaded again, and a wheel
    no pin names is removed, so a root's fileset(..., "*.whl") sees exactly the pinned set."""
    _, downloaded_build, _ = downloaded
    good = _only_wheel(downloaded_build)
    repo = _make_repo(tmp_path / "repo")
    requirements = repo / "requirements-pythonshell.txt"
    requirements.write_text(
        "duckdb==1.2.2"
        + (f" --hash=sha256:{hashlib.sha256(good.read_bytes()).hexdigest()}" if pinned_hash else "")
        + "\n"
    )
    calls: list[Path] = []

    def copy_download(requirements_file: Path, destination: Path) -> None:
        assert requirements_file == requirements
        calls.append(destination)
        shutil.copy(good, destination / good.name)

    monkeypatch.setattr(package, "pip_download", copy_download)
    build = tmp_path / "build"
    first = build_all(repo, build)
    assert len(calls) == 1 and first[f"{WHEELS}/{good.name}"] == base64sha256(good.read_bytes())
    assert build_all(repo, build) == first and len(calls) == 1

    wheel = build / WHEELS / good.name
    wheel.write_bytes(wheel.read_bytes() + b"x")
    (build / WHEELS / "duckdb-1.1.0-cp39-cp39-manylinux_2_17_x86_64.manylinux2014_x86_64.whl").write_bytes(b"old")
    assert build_all(repo, build) == first and len(calls) == 2
    assert [path.name for path in (build / WHEELS).iterdir()] == [good.name]
    assert wheel.read_bytes() == good.read_bytes()

    wheel.unlink()
    assert build_all(repo, build) == first and len(calls) == 3


def test_an_unreachable_index_fails_with_what_to_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """pip for real, with no index and no local wheels: the error names the file, the fix and that PyPI is needed."""
    repo = _make_repo(tmp_path / "repo")
    shutil.copy(PYTHONSHELL_REQUIREMENTS, repo / "requirements-pythonshell.txt")
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)  # no index or find-links from the machine's pip.conf
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.delenv("PIP_FIND_LINKS", raising=False)
    with pytest.raises(
        ToolingError, match=r"requirements-pythonshell\.txt.*run `make build` once where PyPI is reachable"
    ):
        build_all(repo, tmp_path / "build")
    assert not list((tmp_path / "build" / WHEELS).glob("*.whl"))


def test_a_wheel_for_a_newer_glibc_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = _make_repo(tmp_path / "repo")
    (repo / "requirements-pythonshell.txt").write_text("duckdb==1.4.1\n")

    def newer_glibc(requirements: Path, destination: Path) -> None:
        (destination / "duckdb-1.4.1-cp39-cp39-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl").write_bytes(b"w")

    monkeypatch.setattr(package, "pip_download", newer_glibc)
    with pytest.raises(
        ToolingError, match=r"duckdb-1\.4\.1-cp39.*does not run on CPython 3\.9 with manylinux2014_x86_64"
    ):
        build_all(repo, tmp_path / "build")
    assert not list((tmp_path / "build" / WHEELS).glob("*.whl"))


@pytest.mark.parametrize(
    ("filename", "runs"),
    [
        ("duckdb-1.2.2-cp39-cp39-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", True),
        ("duckdb-1.4.1-cp39-cp39-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl", False),
        ("duckdb-1.2.2-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", False),
        ("duckdb-1.2.2-cp39-cp39-manylinux_2_17_aarch64.manylinux2014_aarch64.whl", False),
        ("duckdb-1.2.2-cp39-cp39-musllinux_1_2_x86_64.whl", False),
        ("duckdb-1.2.2-cp39-cp39-macosx_11_0_arm64.whl", False),
        ("numpy-1.26.4-cp39-cp39-manylinux_2_12_x86_64.manylinux2010_x86_64.whl", True),
        ("pyarrow-17.0.0-cp38-abi3-manylinux2014_x86_64.whl", True),
        ("pyarrow-17.0.0-cp310-abi3-manylinux2014_x86_64.whl", False),
        ("six-1.16.0-py2.py3-none-any.whl", True),
        ("tomli-2.0.1-py3-none-any.whl", True),
        ("only_new-1.0-py310-none-any.whl", False),
        ("etl_lib-1.0.0-1-py3-none-any.whl", True),
        ("not-a-wheel.zip", False),
    ],
)
def test_wheel_tags_must_admit_cpython_39_on_manylinux2014(filename: str, runs: bool) -> None:
    assert wheel_runs_on_pythonshell(filename) is runs


@pytest.mark.parametrize("line", ["duckdb>=1.2", "duckdb", "duckdb==1.2.2 --hash=md5:abc", "-r other.txt"])
def test_a_python_shell_requirement_must_be_pinned(tmp_path: Path, line: str) -> None:
    repo = _make_repo(tmp_path / "repo")
    (repo / "requirements-pythonshell.txt").write_text(f"# comment\n{line}\n")
    with pytest.raises(ToolingError, match=r"is not a pinned wheel: write it as name==version"):
        build_all(repo, tmp_path / "build")
