"""Deterministic build of deployable artifacts into build/.

- `build/lambdas/<name>.zip` for each `src/lambdas/<name>/` (folders starting with `_` are shared
  code and are not functions): the function's files at the archive root, the shared package
  `src/lambdas/_shared/` (shared code, at the archive root), and the packages listed in the
  function's `requirements.txt` that the Lambda runtime lacks (boto3/botocore are never vendored).
- `build/glue/etl_lib.zip`: the Glue shared library `src/glue/etl_lib` for a Spark job's `--extra-py-files`.
- `build/glue/etl_lib-<version>-py3-none-any.whl`: the same library as a wheel, which is what a Python-shell
  job's `--extra-py-files` takes (AWS documents .whl, .egg and .py there, not .zip) and what a data engineer
  installs with pip; it also carries the job scripts as `etl_lib.jobs`. Version from `etl_lib.__version__`, the
  rest of its metadata from src/glue/pyproject.toml.
- `build/glue/pythonshell-wheels/*.whl`: the wheels pinned in `requirements-pythonshell.txt`, downloaded from the
  package index for Glue's Python-shell platform (CPython 3.9, manylinux2014_x86_64), which modules/glue_job uploads
  and the job installs with `--no-index`. Downloaded once: a build whose wheels are present with their pinned (or
  recorded) sha256 downloads nothing. These are the index's bytes, so they are as reproducible as the pins.

Byte-for-byte reproducible: entries sorted, fixed timestamps (1980-01-01), fixed permissions,
fixed compression level, no directory entries, no __pycache__. The same source gives the same
`filebase64sha256` on any machine, so Terraform shows no change; a changed byte changes it.
An artifact is rewritten only when its bytes change.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from platform_tools import BUILD_DIR, REPO_ROOT, ToolingError

FIXED_DATE_TIME = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o100644  # regular file, rw-r--r--
EXCLUDED_PARTS = {"__pycache__", ".pytest_cache", ".mypy_cache", "tests"}
EXCLUDED_SUFFIXES = {".pyc", ".pyo"}
EXCLUDED_NAMES = {".DS_Store", "requirements.txt"}
# Provided by the Lambda Python runtime; vendoring them only bloats the package.
RUNTIME_PROVIDED = {"boto3", "botocore", "s3transfer", "jmespath", "python-dateutil", "urllib3", "six"}
LAMBDA_PYTHON = "3.12"
LAMBDA_PLATFORM = "manylinux2014_x86_64"
SHARED_LAMBDA_DIR = "_shared"
# Glue's Python-shell platform (glue_version 3.0): CPython 3.9 on a glibc 2.17 (manylinux2014) x86_64 image.
PYTHONSHELL_REQUIREMENTS = "requirements-pythonshell.txt"
PYTHONSHELL_PYTHON = "3.9"
PYTHONSHELL_ABI = "cp39"
PYTHONSHELL_PLATFORM = "manylinux2014_x86_64"
PYTHONSHELL_GLIBC = (2, 17)
PYTHONSHELL_WHEELS = "glue/pythonshell-wheels"
# The older manylinux names, by the glibc they require.
LEGACY_MANYLINUX = {"manylinux1_x86_64": (2, 5), "manylinux2010_x86_64": (2, 12), "manylinux2014_x86_64": (2, 17)}


def _included(path: Path, base: Path) -> bool:
    rel = path.relative_to(base)
    return (
        path.is_file()
        and not any(part in EXCLUDED_PARTS for part in rel.parts)
        and path.suffix not in EXCLUDED_SUFFIXES
        and path.name not in EXCLUDED_NAMES
    )


def tree_entries(base: Path, prefix: str = "") -> list[tuple[str, Path]]:
    """(archive name, file) for every included file below `base`, archive names posix and prefixed."""
    return [(f"{prefix}{path.relative_to(base).as_posix()}", path) for path in base.rglob("*") if _included(path, base)]


def zip_bytes(entries: Iterable[tuple[str, Path | bytes]]) -> bytes:
    """A reproducible zip of the given files (or bytes): same names and contents give the same bytes."""
    by_name: dict[str, Path | bytes] = {}
    for name, path in entries:
        if name in by_name and by_name[name] != path:
            raise ToolingError(f"two files map to {name} in one package: rename one of {by_name[name]!r} and {path!r}.")
        by_name[name] = path
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(by_name):
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE_TIME)
            info.external_attr = FILE_MODE << 16
            info.create_system = 3  # unix, whatever the building OS
            info.compress_type = zipfile.ZIP_DEFLATED
            content = by_name[name]
            archive.writestr(info, content if isinstance(content, bytes) else content.read_bytes(), compresslevel=9)
    return buffer.getvalue()


def library_version(package_dir: Path) -> str:
    """The `__version__ = "x.y.z"` line of a package's __init__.py."""
    match = re.search(r'^__version__ = "([0-9]+\.[0-9]+\.[0-9]+)"$', (package_dir / "__init__.py").read_text(), re.M)
    if not match:
        raise ToolingError(f'{package_dir}/__init__.py has no `__version__ = "x.y.z"` line: add one.')
    return match.group(1)


@dataclass(frozen=True)
class LibraryMetadata:
    """A wheel's core metadata (PEP 566), from the [project] table of the package's pyproject.toml."""

    name: str
    version: str
    summary: str = ""
    requires_python: str = ">=3.9"
    requires_dist: tuple[str, ...] = ()
    extras: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def text(self) -> bytes:
        lines = ["Metadata-Version: 2.1", f"Name: {self.name}", f"Version: {self.version}"]
        if self.summary:
            lines.append(f"Summary: {self.summary}")
        lines.append(f"Requires-Python: {self.requires_python}")
        lines += [f"Requires-Dist: {requirement}" for requirement in self.requires_dist]
        for extra, requirements in self.extras:
            lines.append(f"Provides-Extra: {extra}")
            lines += [f'Requires-Dist: {requirement}; extra == "{extra}"' for requirement in requirements]
        return ("\n".join(lines) + "\n").encode()


def library_metadata(glue_dir: Path, version: str) -> LibraryMetadata:
    """The library's metadata from glue_dir/pyproject.toml (name etl_lib and no dependencies when it has none)."""
    pyproject = glue_dir / "pyproject.toml"
    if not pyproject.exists():
        return LibraryMetadata(name="etl_lib", version=version)
    project = tomllib.loads(pyproject.read_text()).get("project", {})
    return LibraryMetadata(
        name=project.get("name", "etl_lib"),
        version=version,
        summary=project.get("description", ""),
        requires_python=project.get("requires-python", ">=3.9"),
        requires_dist=tuple(project.get("dependencies", [])),
        extras=tuple((extra, tuple(reqs)) for extra, reqs in sorted(project.get("optional-dependencies", {}).items())),
    )


JOBS_PACKAGE_INIT = (
    b'"""The Glue job scripts of this etl_lib release (src/glue/jobs/ in its repository): Glue runs each as a script;\n'
    b'`python -m etl_lib.jobs.<job> --argument value ...` runs one locally."""\n'
)


def library_entries(glue_dir: Path, with_jobs: bool) -> list[tuple[str, Path | bytes]]:
    """etl_lib's files under etl_lib/, and with_jobs, the job scripts under etl_lib/jobs/."""
    entries: list[tuple[str, Path | bytes]] = list(tree_entries(glue_dir / "etl_lib", prefix="etl_lib/"))
    jobs = glue_dir / "jobs"
    if with_jobs and jobs.is_dir():
        scripts = [(f"etl_lib/jobs/{path.name}", path) for path in sorted(jobs.glob("*.py")) if _included(path, jobs)]
        entries += [("etl_lib/jobs/__init__.py", JOBS_PACKAGE_INIT), *scripts]
    return entries


def wheel_bytes(entries: list[tuple[str, Path | bytes]], metadata: LibraryMetadata) -> bytes:
    """A pure-Python wheel (py3-none-any) of the given files, reproducible like zip_bytes: the files, and
    METADATA, WHEEL and RECORD in <name>-<version>.dist-info/ (PEP 427)."""
    entries = list(entries)
    info_dir = f"{metadata.name.replace('-', '_')}-{metadata.version}.dist-info"
    wheel = b"Wheel-Version: 1.0\nGenerator: platform_tools.package\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    entries += [(f"{info_dir}/METADATA", metadata.text()), (f"{info_dir}/WHEEL", wheel)]
    record_lines = []
    for name, content in sorted(entries, key=lambda entry: entry[0]):
        data = content if isinstance(content, bytes) else content.read_bytes()
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record_lines.append(f"{name},sha256={digest},{len(data)}")
    record_lines.append(f"{info_dir}/RECORD,,")
    entries.append((f"{info_dir}/RECORD", ("\n".join(record_lines) + "\n").encode()))
    return zip_bytes(entries)


def base64sha256(data: bytes) -> str:
    """What Terraform's filebase64sha256() gives for a file with these bytes."""
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def write_if_changed(path: Path, data: bytes) -> bool:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.read_bytes() == data:
        return False
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return True


def _requirement_lines(requirements: Path) -> list[str]:
    lines = []
    for raw in requirements.read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        name = line.split("[")[0].split("=")[0].split("<")[0].split(">")[0].strip().lower()
        if name in RUNTIME_PROVIDED:
            raise ToolingError(
                f"{requirements} lists {name}, which the Lambda runtime provides: remove it from the file."
            )
        if "==" not in line:
            raise ToolingError(f"{requirements}: '{line}' is not pinned: write it as name==version.")
        lines.append(line)
    return sorted(lines)


def vendored_dependencies(requirements: Path, cache_dir: Path) -> Path | None:
    """Install a function's pinned requirements for the Lambda runtime into a cache keyed by their text."""
    if not requirements.exists():
        return None
    lines = _requirement_lines(requirements)
    if not lines:
        return None
    key = hashlib.sha256("\n".join([LAMBDA_PYTHON, LAMBDA_PLATFORM, *lines]).encode()).hexdigest()[:16]
    target = cache_dir / key
    if (target / ".complete").exists():
        return target
    shutil.rmtree(target, ignore_errors=True)
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--no-compile",
        "--no-deps",
        "--only-binary=:all:",
        f"--platform={LAMBDA_PLATFORM}",
        f"--python-version={LAMBDA_PYTHON}",
        "--implementation=cp",
        "--target",
        str(target),
        *lines,
    ]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise ToolingError(
            f"pip could not install {requirements}: "
            f"{result.stderr.strip().splitlines()[-1] if result.stderr.strip() else 'no output'} "
            "— check the pins (and that the package index is reachable)."
        )
    # pip writes the installer name and a per-machine REQUESTED marker; neither belongs in a package.
    for marker in [
        *target.glob("*.dist-info/INSTALLER"),
        *target.glob("*.dist-info/REQUESTED"),
        *target.glob("*.dist-info/direct_url.json"),
    ]:
        marker.unlink()
    shutil.rmtree(target / "bin", ignore_errors=True)
    (target / ".complete").write_text("\n".join(lines))
    return target


@dataclass(frozen=True)
class PinnedWheel:
    """One `name==version [--hash=sha256:<hex> ...]` line of requirements-pythonshell.txt."""

    name: str  # normalized (PEP 503)
    version: str
    sha256: frozenset[str]  # allowed hex digests; empty when the line pins no hash
    line: str


def normalized_name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pythonshell_pins(requirements: Path) -> list[PinnedWheel]:
    """The pinned lines of a requirements file (continuations joined, comments dropped)."""
    text = re.sub(r"\\\n", " ", requirements.read_text())
    pins = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        requirement, *options = line.split()
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([A-Za-z0-9.+!_-]+)", requirement)
        hashes = [option.removeprefix("--hash=sha256:") for option in options]
        if not match or not all(re.fullmatch(r"[0-9a-f]{64}", digest) for digest in hashes):
            raise ToolingError(
                f"{requirements}: '{line}' is not a pinned wheel: write it as name==version, "
                "optionally followed by --hash=sha256:<64 hex digits>."
            )
        pins.append(PinnedWheel(normalized_name(match.group(1)), match.group(2), frozenset(hashes), line))
    return pins


def _platform_runs_on_pythonshell(platform: str) -> bool:
    if platform == "any":
        return True
    if platform in LEGACY_MANYLINUX:
        return LEGACY_MANYLINUX[platform] <= PYTHONSHELL_GLIBC
    match = re.fullmatch(r"manylinux_(\d+)_(\d+)_x86_64", platform)
    return match is not None and (int(match.group(1)), int(match.group(2))) <= PYTHONSHELL_GLIBC


def _interpreter_abi_runs_on_pythonshell(interpreter: str, abi: str) -> bool:
    if abi == PYTHONSHELL_ABI:
        return interpreter == "cp39"
    if abi == "abi3":  # the stable ABI: built for CPython 3.N, runs on every later 3.x
        match = re.fullmatch(r"cp3(\d+)", interpreter)
        return match is not None and int(match.group(1)) <= 9
    if abi == "none":
        match = re.fullmatch(r"(?:py|cp)3(\d*)", interpreter)
        return match is not None and (match.group(1) == "" or int(match.group(1)) <= 9)
    return False


def wheel_runs_on_pythonshell(filename: str) -> bool:
    """Whether a wheel's tags (PEP 425, compressed sets allowed) admit CPython 3.9 on manylinux2014_x86_64."""
    parts = filename.removesuffix(".whl").split("-")
    if not filename.endswith(".whl") or len(parts) not in (5, 6):
        return False
    interpreters, abis, platforms = (part.split(".") for part in parts[-3:])
    return any(_platform_runs_on_pythonshell(platform) for platform in platforms) and any(
        _interpreter_abi_runs_on_pythonshell(interpreter, abi) for interpreter in interpreters for abi in abis
    )


def _wheel_for(pin: PinnedWheel, directory: Path) -> list[Path]:
    return [
        path
        for path in sorted(directory.glob("*.whl"))
        if len(parts := path.name.split("-")) >= 5 and normalized_name(parts[0]) == pin.name and parts[1] == pin.version
    ]


def pip_download(requirements: Path, destination: Path) -> None:
    """Download the pinned wheels for the Python-shell platform (binary only, no dependencies resolved)."""
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--quiet",
        "--no-deps",
        "--only-binary=:all:",
        f"--python-version={PYTHONSHELL_PYTHON}",
        "--implementation=cp",
        f"--abi={PYTHONSHELL_ABI}",
        f"--platform={PYTHONSHELL_PLATFORM}",
        "--requirement",
        str(requirements),
        "--dest",
        str(destination),
    ]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
        raise ToolingError(
            f"pip could not download the wheels of {requirements.name} for CPython {PYTHONSHELL_PYTHON} on "
            f"{PYTHONSHELL_PLATFORM} ({lines[-1].strip() if lines else 'no output'}): run `make build` once where "
            "PyPI is reachable (later builds reuse build/glue/pythonshell-wheels/), and check the pins."
        )


def pythonshell_wheels(requirements: Path, wheels_dir: Path, recorded: dict[str, str]) -> dict[str, str]:
    """The pinned Python-shell wheels in wheels_dir, downloaded only when one is missing or not the recorded bytes.

    A present wheel is trusted when its sha256 is one the pin allows, or, for a pin without a hash, the one
    build/manifest.json recorded when it was downloaded. Returns {path relative to build/: base64 sha256}.
    """
    pins = pythonshell_pins(requirements)

    def trusted(pin: PinnedWheel) -> bool:
        present = _wheel_for(pin, wheels_dir)
        if len(present) != 1 or not wheel_runs_on_pythonshell(present[0].name):
            return False
        data = present[0].read_bytes()
        if pin.sha256:
            return hashlib.sha256(data).hexdigest() in pin.sha256
        return recorded.get(f"{PYTHONSHELL_WHEELS}/{present[0].name}") == base64sha256(data)

    if not all(trusted(pin) for pin in pins):
        wheels_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=wheels_dir.parent, prefix=".pythonshell-download-") as tmp:
            download = Path(tmp)
            pip_download(requirements, download)
            for pin in pins:
                fetched = _wheel_for(pin, download)
                if len(fetched) != 1:
                    raise ToolingError(f"pip did not download one wheel for '{pin.line}': check {requirements.name}.")
                if not wheel_runs_on_pythonshell(fetched[0].name):
                    raise ToolingError(
                        f"{fetched[0].name} (for '{pin.line}') does not run on CPython {PYTHONSHELL_PYTHON} with "
                        f"{PYTHONSHELL_PLATFORM} (glibc 2.17): pin a version that has such a wheel in "
                        f"{requirements.name}."
                    )
                for old in _wheel_for(pin, wheels_dir):
                    old.unlink()
                fetched[0].replace(wheels_dir / fetched[0].name)
    # Only the pinned wheels may remain: a root passes fileset(<dir>, "*.whl") to the module.
    keep = {path for pin in pins for path in _wheel_for(pin, wheels_dir)}
    for stale in wheels_dir.glob("*.whl"):
        if stale not in keep:
            stale.unlink()
    return {f"{PYTHONSHELL_WHEELS}/{path.name}": base64sha256(path.read_bytes()) for path in sorted(keep)}


def lambda_entries(function_dir: Path, shared_dir: Path | None, deps_dir: Path | None) -> list[tuple[str, Path]]:
    entries = tree_entries(function_dir)
    if shared_dir is not None and shared_dir.is_dir():
        entries += tree_entries(shared_dir)
    if deps_dir is not None:
        entries += [(name, path) for name, path in tree_entries(deps_dir) if name != ".complete"]
    return entries


def build_all(repo: Path = REPO_ROOT, build_dir: Path = BUILD_DIR) -> dict[str, str]:
    """Build every artifact; return {artifact path relative to build/: base64 sha256}."""
    built: dict[str, bytes] = {}
    lambdas_dir = repo / "src" / "lambdas"
    shared = lambdas_dir / SHARED_LAMBDA_DIR
    if lambdas_dir.is_dir():
        functions = sorted(p for p in lambdas_dir.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
        for function_dir in functions:
            deps = vendored_dependencies(function_dir / "requirements.txt", build_dir / "cache" / "lambda-deps")
            built[f"lambdas/{function_dir.name}.zip"] = zip_bytes(lambda_entries(function_dir, shared, deps))
    glue_dir = repo / "src" / "glue"
    if (glue_dir / "etl_lib").is_dir():
        built["glue/etl_lib.zip"] = zip_bytes(library_entries(glue_dir, with_jobs=False))
        version = library_version(glue_dir / "etl_lib")
        metadata = library_metadata(glue_dir, version)
        built[f"glue/etl_lib-{version}-py3-none-any.whl"] = wheel_bytes(library_entries(glue_dir, True), metadata)
    # A wheel of an earlier version would leave two for a root's fileset() to choose from.
    for stale in (build_dir / "glue").glob("etl_lib-*.whl"):
        if f"glue/{stale.name}" not in built:
            stale.unlink()
    manifest = {}
    for name, data in built.items():
        write_if_changed(build_dir / name, data)
        manifest[name] = base64sha256(data)
    requirements = repo / PYTHONSHELL_REQUIREMENTS
    if requirements.exists():
        manifest_path = build_dir / "manifest.json"
        recorded = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
        manifest.update(pythonshell_wheels(requirements, build_dir / PYTHONSHELL_WHEELS, recorded))
    write_if_changed(build_dir / "manifest.json", (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode())
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build Lambda and Glue packages reproducibly into build/.")
    parser.parse_args(argv)
    try:
        manifest = build_all()
    except ToolingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for name, digest in sorted(manifest.items()):
        print(f"{digest}  build/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
