"""Deterministic build of deployable artifacts into build/.

- `build/lambdas/<name>.zip` for each `src/lambdas/<name>/` (folders starting with `_` are shared
  code and are not functions): the function's files at the archive root, the shared package
  `src/lambdas/_shared/` (shared code, at the archive root), and the packages listed in the
  function's `requirements.txt` that the Lambda runtime lacks (boto3/botocore are never vendored).
- `build/glue/etl_lib.zip`: the Glue shared library `src/glue/etl_lib` for a Spark job's `--extra-py-files`.
- `build/glue/etl_lib-<version>-py3-none-any.whl`: the same library as a wheel, which is what a Python-shell
  job's `--extra-py-files` takes (AWS documents .whl, .egg and .py there, not .zip); version from
  `etl_lib.__version__`.

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
import zipfile
from collections.abc import Iterable
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


def wheel_bytes(package_dir: Path, distribution: str, version: str, requires_python: str = ">=3.9") -> bytes:
    """A pure-Python wheel (py3-none-any) of one package, reproducible like zip_bytes: the package's files, and
    METADATA, WHEEL and RECORD in <distribution>-<version>.dist-info/ (PEP 427)."""
    entries: list[tuple[str, Path | bytes]] = list(tree_entries(package_dir, prefix=f"{package_dir.name}/"))
    info_dir = f"{distribution}-{version}.dist-info"
    metadata = (
        f"Metadata-Version: 2.1\nName: {distribution.replace('_', '-')}\nVersion: {version}\n"
        f"Requires-Python: {requires_python}\n"
    ).encode()
    wheel = b"Wheel-Version: 1.0\nGenerator: platform_tools.package\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    entries += [(f"{info_dir}/METADATA", metadata), (f"{info_dir}/WHEEL", wheel)]
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
    etl_lib = repo / "src" / "glue" / "etl_lib"
    if etl_lib.is_dir():
        built["glue/etl_lib.zip"] = zip_bytes(tree_entries(etl_lib, prefix="etl_lib/"))
        version = library_version(etl_lib)
        built[f"glue/etl_lib-{version}-py3-none-any.whl"] = wheel_bytes(etl_lib, "etl_lib", version)
    # A wheel of an earlier version would leave two for a root's fileset() to choose from.
    for stale in (build_dir / "glue").glob("etl_lib-*.whl"):
        if f"glue/{stale.name}" not in built:
            stale.unlink()
    manifest = {}
    for name, data in built.items():
        write_if_changed(build_dir / name, data)
        manifest[name] = base64sha256(data)
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
