"""`make release VERSION=x.y.z`: tag the commit and build every artifact of the release into dist/.

Refused, with the reason and the fix, before anything is tagged or built, when:
- VERSION is not a semantic version (MAJOR.MINOR.PATCH, an optional -pre.release; https://semver.org);
- the working tree is not clean (a release is a commit: everything in it is committed, nothing else is);
- CHANGELOG.md has no `## VERSION` section (the release's changes, breaking ones with the edit a caller makes);
- etl_lib's `__version__` is not VERSION (the library ships with the release's version);
- a job script's REQUIRES_ETL_LIB is not met by VERSION (it would be refused at plan time);
- tag vVERSION exists on another commit, or VERSION is lower than the last release's.

On the commit already tagged vVERSION it builds again: the same tag gives the same dist/ bytes (`make build`'s
reproducible packaging), which is how a release is checked. dist/ holds:

  etl_lib-V-py3-none-any.whl     the Glue library as a wheel (pip, and a Python-shell job's --extra-py-files)
  etl_lib-V.zip                  the same library for a Spark job's --extra-py-files
  jobs/<job>.py                  the job scripts (Glue runs a script file), each naming the etl_lib it needs
  lambdas/<function>-V.zip       each Lambda package
  pythonshell-wheels/*.whl       the DuckDB engine's pinned dependency wheels (requirements-pythonshell.txt)
  SHA256SUMS                     `sha256sum -c SHA256SUMS` checks them all
"""

from __future__ import annotations

import argparse
import hashlib
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from etl_lib.edge import LibraryVersionError, check_library_version
from platform_tools import REPO_ROOT, ToolingError
from platform_tools.package import PYTHONSHELL_WHEELS, build_all, library_version

# https://semver.org/#is-there-a-suggested-regular-expression-regex-to-check-a-semver-string (no build metadata:
# it does not order releases, so two versions differing only in it would be the same tag).
SEMVER = re.compile(
    r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
)
REQUIRES_ETL_LIB = re.compile(r'^REQUIRES_ETL_LIB = "([^"]*)"', re.M)
TAG_PREFIX = "v"


@dataclass(frozen=True, order=False)
class Version:
    major: int
    minor: int
    patch: int
    prerelease: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str) -> Version:
        match = SEMVER.fullmatch(text)
        if "+" in text and SEMVER.fullmatch(text.split("+", 1)[0]):
            raise ToolingError(
                f"VERSION {text!r} carries build metadata (+{text.split('+', 1)[1]}), which semver ignores when "
                f"ordering releases, so it cannot name one: release {text.split('+', 1)[0]}."
            )
        if not match:
            raise ToolingError(
                f"VERSION {text!r} is not a semantic version: write MAJOR.MINOR.PATCH, e.g. 1.4.0 "
                "(no leading v, no leading zeros; https://semver.org)."
            )
        prerelease = tuple(match.group(4).split(".")) if match.group(4) else ()
        return cls(int(match.group(1)), int(match.group(2)), int(match.group(3)), prerelease)

    def __str__(self) -> str:
        core = f"{self.major}.{self.minor}.{self.patch}"
        return f"{core}-{'.'.join(self.prerelease)}" if self.prerelease else core

    def precedence(self) -> tuple[int, int, int, int, tuple[tuple[int, int, str], ...]]:
        """Semver precedence: a pre-release sorts before its release; numeric identifiers before alphanumeric."""
        identifiers = tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in self.prerelease)
        return (self.major, self.minor, self.patch, 0 if self.prerelease else 1, identifiers)


def _git(repo: Path, *args: str, check: bool = True) -> str:
    result = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise ToolingError(f"`git {' '.join(args)}` failed: {result.stderr.strip() or result.stdout.strip()}.")
    return result.stdout.strip()


def release_tags(repo: Path) -> dict[str, str]:
    """{version: commit} for every tag that names a release (v + a semantic version)."""
    tags = {}
    listing = _git(repo, "tag", "--list", f"{TAG_PREFIX}*", "--format=%(refname:short) %(*objectname)%(objectname)")
    for line in listing.splitlines():
        name, _, commit = line.partition(" ")
        version = name.removeprefix(TAG_PREFIX)
        if SEMVER.fullmatch(version):
            # An annotated tag gives the commit it points at (%(*objectname)) then its own object id; keep the first.
            tags[version] = commit[:40]
    return tags


def check_clean(repo: Path) -> None:
    status = _git(repo, "status", "--porcelain", "--untracked-files=normal")
    if status:
        changed = ", ".join(line[3:] for line in status.splitlines()[:5])
        more = " …" if len(status.splitlines()) > 5 else ""
        raise ToolingError(
            f"the working tree is not clean ({changed}{more}): commit or stash the changes, then run "
            "`make release` again: a release is exactly a commit."
        )


def check_changelog(repo: Path, version: Version) -> None:
    changelog = repo / "CHANGELOG.md"
    text = changelog.read_text() if changelog.exists() else ""
    if not re.search(rf"^## \[?{re.escape(str(version))}\]?(?:\s|$)", text, re.M):
        raise ToolingError(
            f"CHANGELOG.md has no section for {version}: rename `## Unreleased` to `## {version}` (keeping a new, "
            "empty `## Unreleased` above it), list breaking changes under `### Breaking` with the edit a caller "
            "makes, commit, and run `make release` again."
        )


def check_library(repo: Path, version: Version) -> None:
    package = repo / "src/glue/etl_lib"
    library = library_version(package)
    if library != str(version):
        raise ToolingError(
            f'etl_lib\'s __version__ is {library}, not {version}: set `__version__ = "{version}"` in '
            "src/glue/etl_lib/__init__.py (the library ships with the release's version), commit, and run "
            "`make release` again."
        )
    for script in sorted((repo / "src/glue/jobs").glob("*.py")):
        match = REQUIRES_ETL_LIB.search(script.read_text())
        if match is None:
            continue
        try:  # the rule the job applies at start (and modules/glue_job at plan time)
            check_library_version(match.group(1), str(version))
        except LibraryVersionError as exc:
            raise ToolingError(
                f"src/glue/jobs/{script.name} requires etl_lib {match.group(1)} (REQUIRES_ETL_LIB), which {version} "
                f"does not satisfy: fix the script's requirement or the release version ({exc})"
            ) from exc


def check_tag(repo: Path, version: Version, head: str) -> bool:
    """Whether the release exists on HEAD already (a rebuild); refuses a tag elsewhere and a version not higher."""
    tags = release_tags(repo)
    if str(version) in tags:
        if tags[str(version)] == head:
            return True
        raise ToolingError(
            f"release {version} already exists: tag {TAG_PREFIX}{version} is on commit {tags[str(version)][:12]}, not "
            f"on HEAD ({head[:12]}): choose the next version (a release is never moved), or check out "
            f"{TAG_PREFIX}{version} to rebuild it."
        )
    if tags:
        last = max((Version.parse(tag) for tag in tags), key=Version.precedence)
        if version.precedence() < last.precedence():
            raise ToolingError(
                f"VERSION {version} is lower than the last release, {last}: releases only go up; choose a version "
                f"above {last}."
            )
    return False


def dist_files(repo: Path, build_dir: Path, version: Version) -> dict[str, bytes]:
    """{path under dist/: bytes} of the release, built by `make build`'s packaging."""
    manifest = build_all(repo, build_dir)
    files: dict[str, bytes] = {}
    for name in manifest:
        data = (build_dir / name).read_bytes()
        if name == "glue/etl_lib.zip":
            files[f"etl_lib-{version}.zip"] = data
        elif name.startswith("glue/etl_lib-") and name.endswith(".whl"):
            files[name.removeprefix("glue/")] = data
        elif name.startswith("lambdas/"):
            files[f"lambdas/{Path(name).stem}-{version}.zip"] = data
        elif name.startswith(f"{PYTHONSHELL_WHEELS}/"):
            files[f"pythonshell-wheels/{Path(name).name}"] = data
    for script in sorted((repo / "src/glue/jobs").glob("*.py")):
        files[f"jobs/{script.name}"] = script.read_bytes()
    files["SHA256SUMS"] = "".join(
        f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in sorted(files.items())
    ).encode()
    return files


def release(repo: Path, version_text: str, build_dir: Path | None = None) -> Path:
    """Check, tag (unless HEAD is the release already) and build dist/; returns the dist directory."""
    version = Version.parse(version_text)
    if version.prerelease:
        # Tags may be pre-releases (they are parsed and ordered as semver says), but this repository cuts none: the
        # library's version is what every job script checks at start (etl_lib.edge) and modules/glue_job at plan
        # time, and both read MAJOR.MINOR.PATCH only, so a pre-release library would be refused by every job.
        core = f"{version.major}.{version.minor}.{version.patch}"
        raise ToolingError(
            f"VERSION {version} is a pre-release: etl_lib's version, which job scripts (REQUIRES_ETL_LIB) and "
            f"modules/glue_job check, is MAJOR.MINOR.PATCH only, so every job would refuse a {version} library; "
            f"release {core} when it is ready (try a build before that with `make build`, unreleased)."
        )
    rebuild = check_tag(repo, version, _git(repo, "rev-parse", "HEAD"))
    check_clean(repo)
    check_changelog(repo, version)
    check_library(repo, version)
    files = dist_files(repo, build_dir or repo / "build", version)
    if not rebuild:
        _git(repo, "tag", "--annotate", f"{TAG_PREFIX}{version}", "--message", f"Release {version}")
    dist = repo / "dist"
    shutil.rmtree(dist, ignore_errors=True)
    for name, data in files.items():
        (dist / name).parent.mkdir(parents=True, exist_ok=True)
        (dist / name).write_bytes(data)
    return dist


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Tag a release and build its artifacts into dist/.")
    parser.add_argument("version", nargs="?", default="", help="the release's semantic version, e.g. 1.4.0")
    args = parser.parse_args(argv)
    if not args.version:
        print("error: no VERSION: run `make release VERSION=x.y.z` (a semantic version, e.g. 1.4.0).", file=sys.stderr)
        return 2
    try:
        dist = release(REPO_ROOT, args.version)
    except ToolingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print((dist / "SHA256SUMS").read_text(), end="")
    print(f"release {args.version}: tagged {TAG_PREFIX}{args.version}; artifacts in {dist} (SHA256SUMS above)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
