"""`make release VERSION=x.y.z` (platform_tools.release): its refusals, the tag, and dist/ built twice the same.

Each test cuts releases in a copy of this checkout (release_helpers.copy_checkout), never in this repository.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from release_helpers import GIT_IDENTITY, commit_all, copy_checkout, git

from etl_lib.edge import LibraryVersionError, check_library_version
from platform_tools import REPO_ROOT, ToolingError
from platform_tools.package import library_version
from platform_tools.release import Version, release

VERSION = library_version(REPO_ROOT / "src/glue/etl_lib")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    for key, value in GIT_IDENTITY.items():
        monkeypatch.setenv(key, value)
    yield copy_checkout(tmp_path / "repo")


def dist_bytes(dist: Path) -> dict[str, bytes]:
    return {path.relative_to(dist).as_posix(): path.read_bytes() for path in sorted(dist.rglob("*")) if path.is_file()}


def test_release_tags_head_and_builds_every_artifact_with_checksums(repo: Path) -> None:
    dist = release(repo, VERSION)

    assert git(repo, "rev-parse", f"v{VERSION}^{{commit}}") == git(repo, "rev-parse", "HEAD")
    files = dist_bytes(dist)
    assert f"etl_lib-{VERSION}-py3-none-any.whl" in files
    assert f"etl_lib-{VERSION}.zip" in files
    assert {f"lambdas/{name}-{VERSION}.zip" for name in ("batch_launcher", "glue_deployer")} <= set(files)
    assert {f"jobs/{script.name}" for script in (REPO_ROOT / "src/glue/jobs").glob("*.py")} <= set(files)
    assert any(name.startswith("pythonshell-wheels/duckdb-") for name in files)
    # SHA256SUMS in `sha256sum -c` form lists every other file.
    sums = dict(reversed(line.split("  ", 1)) for line in files.pop("SHA256SUMS").decode().splitlines())
    assert sums == {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
    check = subprocess.run(["sha256sum", "--check", "--quiet", "SHA256SUMS"], cwd=dist, capture_output=True)
    assert check.returncode == 0, check.stdout + check.stderr
    # The Spark zip is this checkout's build/glue/etl_lib.zip, the scripts are the repository's files.
    assert files[f"etl_lib-{VERSION}.zip"] == (repo / "build/glue/etl_lib.zip").read_bytes()
    assert (
        files["jobs/json_to_parquet_duckdb.py"] == (REPO_ROOT / "src/glue/jobs/json_to_parquet_duckdb.py").read_bytes()
    )


def test_release_twice_on_the_same_tag_gives_identical_dist_bytes(repo: Path, tmp_path: Path) -> None:
    first = dist_bytes(release(repo, VERSION))
    # The second run starts from nothing built: every artifact is made again.
    for built in [*(repo / "build/glue").glob("etl_lib*"), *(repo / "build/lambdas").glob("*.zip")]:
        built.unlink()
    second = dist_bytes(release(repo, VERSION))
    assert second == first
    assert git(repo, "tag", "--list", "v*") == f"v{VERSION}"


def test_the_wheel_is_the_library_and_its_jobs_with_the_pyproject_metadata(repo: Path, tmp_path: Path) -> None:
    dist = release(repo, VERSION)
    wheel = dist / f"etl_lib-{VERSION}-py3-none-any.whl"
    target = tmp_path / "site"
    install = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            "--target",
            str(target),
            str(wheel),
        ],
        capture_output=True,
        text=True,
    )
    assert install.returncode == 0, install.stderr
    # Imported from the installed wheel alone, not from this checkout's src/glue.
    probe = (
        "import etl_lib, etl_lib.jobs.json_to_parquet_duckdb as job, etl_lib.duckdb_engine.pipeline as p; "
        "from importlib.metadata import metadata; m = metadata('etl_lib'); "
        f"print(etl_lib.__version__, etl_lib.__file__.startswith({str(target)!r}), job.REQUIRES_ETL_LIB, "
        "m['Requires-Python']); print(*sorted(m.get_all('Requires-Dist')), sep='|')"
    )
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    run = subprocess.run(
        [sys.executable, "-c", probe], env={**env, "PYTHONPATH": str(target)}, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    first, second = run.stdout.splitlines()
    assert first.split() == [VERSION, "True", first.split()[2], ">=3.9"]
    check_library_version(first.split()[2], VERSION)  # raises if the wheel's scripts need another etl_lib
    # Every name of the public API (src/glue/README.md) imports from the installed wheel.
    readme = (REPO_ROOT / "src/glue/README.md").read_text()
    public = sorted(
        set(
            re.findall(
                r"`(etl_lib(?:\.\w+)+)`", readme[readme.index("**Public API**") : readme.index("## Run a job locally")]
            )
        )
    )
    assert len(public) >= 20, public
    importer = (
        "import importlib, sys\n"
        "for name in sys.argv[1:]:\n"
        "    module, _, attribute = name.rpartition('.')\n"
        "    getattr(importlib.import_module(module), attribute)\n"
    )
    imported = subprocess.run(
        [sys.executable, "-c", importer, *public],
        env={**env, "PYTHONPATH": str(target)},
        capture_output=True,
        text=True,
    )
    assert imported.returncode == 0, imported.stderr
    pin = next(
        line.split()[0]
        for line in (REPO_ROOT / "requirements-pythonshell.txt").read_text().splitlines()
        if line.startswith("duckdb==")
    )
    assert f'{pin}; extra == "duckdb"' in second.split("|")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("1.0", "is not a semantic version: write MAJOR.MINOR.PATCH"),
        ("v1.0.0", "is not a semantic version: write MAJOR.MINOR.PATCH"),
        ("01.0.0", "is not a semantic version: write MAJOR.MINOR.PATCH"),
        ("1.0.0-", "is not a semantic version: write MAJOR.MINOR.PATCH"),
        ("latest", "is not a semantic version: write MAJOR.MINOR.PATCH"),
        ("1.0.0+build.5", r"carries build metadata \(\+build.5\), which semver ignores when ordering releases"),
    ],
)
def test_a_version_that_is_not_semver_is_refused(repo: Path, text: str, reason: str) -> None:
    with pytest.raises(ToolingError, match=rf"VERSION {re.escape(repr(text))} {reason}"):
        release(repo, text)
    assert git(repo, "tag", "--list") == ""


def test_a_pre_release_is_refused_before_anything_is_tagged_or_built(repo: Path) -> None:
    """The library's version is MAJOR.MINOR.PATCH wherever it is checked (etl_lib.edge at a job's start,
    modules/glue_job at plan time): a pre-release library would be refused by every job, so none is cut."""
    core = Version.parse(VERSION)
    text = f"{core.major + 1}.0.0-rc.1"
    (repo / "src/glue/etl_lib/__init__.py").write_text(
        (repo / "src/glue/etl_lib/__init__.py").read_text().replace(f'"{VERSION}"', f'"{text}"')
    )
    commit_all(repo, "a pre-release version")
    with pytest.raises(
        ToolingError, match=rf"VERSION {re.escape(text)} is a pre-release: .* release {core.major + 1}.0.0"
    ):
        release(repo, text)
    assert git(repo, "tag", "--list") == ""
    assert not (repo / "dist").exists()
    # and the job-start check would indeed refuse such a library
    with pytest.raises(LibraryVersionError):
        check_library_version(f"{core.major + 1}.0.0", text)


def test_make_release_without_version_or_with_a_bad_one_exits_with_the_reason(repo: Path) -> None:
    # As the Makefile runs the tooling: tooling/ and src/glue/ (the release checks scripts with etl_lib.edge).
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(repo / "tooling"), str(repo / "src/glue")])}
    for args, code, message in [
        ([], 2, "no VERSION: run `make release VERSION=x.y.z`"),
        (["1.0"], 1, "'1.0' is not a semantic version"),
    ]:
        run = subprocess.run(
            [sys.executable, "-m", "platform_tools.release", *args], cwd=repo, env=env, capture_output=True, text=True
        )
        assert (run.returncode, message in run.stderr) == (code, True), run.stderr


def test_a_dirty_tree_is_refused_naming_the_fix(repo: Path) -> None:
    (repo / "modules/glue_job/notes.txt").write_text("work in progress\n")
    with pytest.raises(ToolingError, match=r"not clean \(modules/glue_job/notes.txt\): commit or stash"):
        release(repo, VERSION)
    assert git(repo, "tag", "--list") == "" and not (repo / "dist").exists()


def _bump_library(repo: Path, version: str) -> None:
    init = repo / "src/glue/etl_lib/__init__.py"
    init.write_text(init.read_text().replace(f'__version__ = "{VERSION}"', f'__version__ = "{version}"'))


def test_a_missing_changelog_entry_is_refused_naming_the_fix(repo: Path) -> None:
    release(repo, VERSION)
    _bump_library(repo, "1.1.0")
    commit_all(repo, "library 1.1.0")
    with pytest.raises(
        ToolingError, match=r"CHANGELOG.md has no section for 1.1.0: rename `## Unreleased` to `## 1.1.0`"
    ):
        release(repo, "1.1.0")


def test_a_library_version_other_than_the_release_is_refused(repo: Path) -> None:
    changelog = repo / "CHANGELOG.md"
    changelog.write_text(changelog.read_text().replace("## Unreleased\n", "## Unreleased\n\n## 1.1.0\n", 1))
    commit_all(repo, "changelog 1.1.0")
    with pytest.raises(ToolingError, match=rf"etl_lib's __version__ is {VERSION}, not 1.1.0: set"):
        release(repo, "1.1.0")


def test_a_version_that_exists_on_another_commit_or_is_lower_is_refused(repo: Path) -> None:
    release(repo, VERSION)
    (repo / "README.md").write_text((repo / "README.md").read_text() + "\nA later change.\n")
    commit_all(repo, "a later change")
    with pytest.raises(ToolingError, match=rf"release {VERSION} already exists: tag v{VERSION} is on commit"):
        release(repo, VERSION)
    lower = Version.parse(VERSION)
    lower_text = f"{lower.major - 1}.9.0" if lower.major else f"0.{lower.minor - 1}.0"
    with pytest.raises(ToolingError, match=rf"VERSION {lower_text} is lower than the last release, {VERSION}"):
        release(repo, lower_text)


@pytest.mark.parametrize(
    ("lower", "higher"),
    [
        ("1.0.0-alpha", "1.0.0-alpha.1"),
        ("1.0.0-alpha.1", "1.0.0-alpha.beta"),
        ("1.0.0-beta.2", "1.0.0-beta.11"),
        ("1.0.0-rc.1", "1.0.0"),
        ("1.0.0", "1.0.1"),
        ("1.9.0", "1.10.0"),
        ("1.10.0", "2.0.0"),
    ],
)
def test_versions_order_by_semver_precedence(lower: str, higher: str) -> None:
    assert Version.parse(lower).precedence() < Version.parse(higher).precedence()


@pytest.mark.parametrize(
    ("library", "required", "runs"),
    [
        ("1.0.0", "1.0.0", True),
        ("1.4.2", "1.2.0", True),
        ("1.2.0", "1.2.1", False),
        ("2.0.0", "1.0.0", False),
        ("0.3.5", "0.3.1", True),
        ("0.4.0", "0.3.1", False),
    ],
)
def test_a_release_satisfies_a_script_by_semvers_caret(library: str, required: str, runs: bool) -> None:
    """The release checks a script's REQUIRES_ETL_LIB with the rule the job applies at start (etl_lib.edge)."""
    try:
        check_library_version(required, library)
    except LibraryVersionError:
        assert not runs
    else:
        assert runs


def test_make_release_passes_version_to_the_release_tool() -> None:
    dry = subprocess.run(
        ["make", "--dry-run", "--no-print-directory", "release", "VERSION=1.2.3"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.strip().splitlines()[-1].endswith("-m platform_tools.release 1.2.3")
