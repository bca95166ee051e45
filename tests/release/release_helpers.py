"""A copy of this checkout as its own git repository, for cutting releases without touching this one.

The copy holds what `git ls-files` would commit from the working tree (so uncommitted edits are tested too), and
this checkout's downloaded build inputs (the Lambda dependency cache and the Python-shell wheels), so a release
in it downloads nothing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from platform_tools import BUILD_DIR, REPO_ROOT

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Release Test",
    "GIT_AUTHOR_EMAIL": "release-test@example.com",
    "GIT_COMMITTER_NAME": "Release Test",
    "GIT_COMMITTER_EMAIL": "release-test@example.com",
    # The same dates every run, so the copy's commits are the same objects too.
    "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z",
    "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z",
}
# What `make build` downloads; copied so a release in the copy runs offline.
DOWNLOADED = ["cache/lambda-deps", "glue/pythonshell-wheels", "manifest.json"]


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, **GIT_IDENTITY}
    result = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed in {repo}: {result.stderr.strip()}")
    return result.stdout.strip()


def copy_checkout(dest: Path) -> Path:
    """dest as a one-commit git repository of this checkout's working tree (branch main)."""
    listed = git(REPO_ROOT, "ls-files", "--cached", "--others", "--exclude-standard", "-z")
    for name in filter(None, listed.split("\0")):
        source = REPO_ROOT / name
        if source.is_file():  # a file deleted in the working tree is still in the index
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    missing = [part for part in DOWNLOADED if not (BUILD_DIR / part).exists()]
    if missing:
        raise AssertionError(f"build/{', build/'.join(missing)} missing: run `make build` first.")
    for part in DOWNLOADED:
        source, target = BUILD_DIR / part, dest / "build" / part
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copy2(source, target)
    git(dest, "init", "--quiet", "--initial-branch=main")
    git(dest, "add", "--all")
    git(dest, "commit", "--quiet", "--message", "the checkout under test")
    return dest


def commit_all(repo: Path, message: str) -> None:
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "--message", message)
