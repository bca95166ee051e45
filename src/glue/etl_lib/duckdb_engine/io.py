"""Files of the DuckDB engine: local paths, or S3 through boto3 (in Glue's Python-shell runtime).

Why boto3 and not DuckDB's httpfs extension or pyarrow's S3 filesystem: httpfs is an extension DuckDB downloads
from the internet when first used, which a job in a private subnet cannot do (and shipping it pins a platform
build); pyarrow is not part of the wheel set this engine ships. boto3 is in every Glue runtime, honours the job
role and AWS_ENDPOINT_URL (so the tests and the demo read the local emulator's S3 exactly as Glue reads S3), and
streams objects to disk, so the job's memory does not bound an input's size.

Inputs are copied into the run's temporary directory (`--temp_directory`; ~14 GiB free on a Python-shell
job) and read there by DuckDB's own multithreaded readers; outputs are written there, then uploaded. Staging
and commit follow the Spark engine's `etl_lib.storage` contract: nothing reaches a destination before the
run's data is validated; `overwrite` replaces the destination's data files (names starting with '_' or '.'
stay), `append` adds; `_SUCCESS` is written last. On S3 the commit is not atomic (S3 has no rename): an
interrupted commit can leave a subset of a fully valid run, never unvalidated rows, and a re-run with
`--write_mode overwrite` repairs it.
"""

from __future__ import annotations

import bz2
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from etl_lib.errors import EtlError, InputDataError
from etl_lib.paths import is_uri

SUCCESS_MARKER = "_SUCCESS"
# DuckDB reads these compressions itself; .bz2 is decompressed into the temporary directory first.
_DUCKDB_COMPRESSED = (".gz", ".zst")
_UNSUPPORTED = (".deflate", ".lz4", ".snappy", ".zip")


class StorageAccessError(EtlError):
    """S3 refused an object: names the object and the permission to grant."""


@dataclass(frozen=True)
class InputFile:
    """One input file: where it is (`uri`, as the Spark engine names it in reasons) and its local copy."""

    uri: str
    local: Path


def split_s3(uri: str) -> tuple[str, str]:
    rest = uri.split("://", 1)[1]
    bucket, _, key = rest.partition("/")
    return bucket, key


def _s3() -> Any:
    import boto3  # in every Glue runtime; only needed for s3:// locations

    return boto3.client("s3")


def _client_error(exc: Exception, uri: str, action: str) -> Exception:
    code = getattr(exc, "response", {}).get("Error", {}).get("Code", "")
    if code in ("AccessDenied", "403", "AllAccessDisabled", "InvalidAccessKeyId", "SignatureDoesNotMatch"):
        return StorageAccessError(
            f"access denied to {uri} ({action}, {code}): grant the job's role {action} on it (and kms:Decrypt / "
            "kms:GenerateDataKey on the bucket's key); nothing was committed."
        )
    return StorageAccessError(f"{action} on {uri} failed ({code or type(exc).__name__}: {exc}); nothing was committed.")


def _hidden(relative: str) -> bool:
    """Spark (Hadoop) skips files and folders whose names start with '_' or '.'."""
    return any(part.startswith(("_", ".")) for part in relative.split("/") if part)


def _check_compression(uri: str) -> None:
    if uri.lower().endswith(_UNSUPPORTED):
        raise InputDataError(
            f"{uri}: the DuckDB engine reads plain, .gz, .bz2 and .zst files; recompress it with gzip, or run "
            "the job with engine spark."
        )


def list_inputs(path: str) -> list[str]:
    """Every input file under `path` (a folder, prefix or single file), sorted, hidden names skipped; raises
    `InputDataError` if nothing is there, as the Spark engine does."""
    if path.startswith(("s3://", "s3a://")):
        bucket, prefix = split_s3(path)
        client = _s3()
        keys: list[str] = []
        folder = prefix.rstrip("/") + "/" if prefix else ""
        try:
            paginator = client.get_paginator("list_objects_v2")
            for page in paginator.paginate(Bucket=bucket, Prefix=folder):
                for item in page.get("Contents", []):
                    key = item["Key"]
                    if not key.endswith("/") and not _hidden(key[len(folder) :]):
                        keys.append(key)
            if not keys and prefix:
                client.head_object(Bucket=bucket, Key=prefix)
                keys = [prefix]
        except Exception as exc:
            code = getattr(exc, "response", {}).get("Error", {}).get("Code", "")
            if code in ("404", "NoSuchKey", "NotFound", "NoSuchBucket"):
                raise InputDataError(f"input_path {path} does not exist.") from exc
            raise _client_error(exc, path, "s3:ListBucket") from exc
        scheme = path.split("://", 1)[0]
        return [f"{scheme}://{bucket}/{key}" for key in sorted(keys)]
    if is_uri(path) and not path.startswith("file://"):
        raise InputDataError(f"input_path {path}: the DuckDB engine reads local paths and s3:// locations.")
    root = Path(path[len("file://") :] if path.startswith("file://") else path)
    if not root.exists():
        raise InputDataError(f"input_path {path} does not exist.")
    if root.is_file():
        return [str(root)]
    found = []
    for file in root.rglob("*"):
        if file.is_file() and not _hidden(str(file.relative_to(root))):
            found.append(str(file))
    return sorted(found)


def spark_file_uri(location: str) -> str:
    """How Spark's input_file_name() names a file: `file:///abs/path` locally, the URI on S3."""
    return location if is_uri(location) else Path(location).absolute().as_uri()


def fetch(locations: list[str], folder: Path) -> list[InputFile]:
    """Local copies of the inputs (S3 objects downloaded, .bz2 decompressed); local plain files are used in place."""
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for index, location in enumerate(locations):
        _check_compression(location)
        name = location.rsplit("/", 1)[-1] or f"part-{index}"
        if location.startswith(("s3://", "s3a://")):
            local = folder / f"{index:06d}-{name}"
            bucket, key = split_s3(location)
            try:
                _s3().download_file(bucket, key, str(local))
            except Exception as exc:
                raise _client_error(exc, location, "s3:GetObject") from exc
        else:
            local = Path(location)
        if local.name.lower().endswith(".bz2"):
            plain = folder / f"{index:06d}-{name[:-4]}"
            with bz2.open(local, "rb") as source, plain.open("wb") as target:
                shutil.copyfileobj(source, target, 1024 * 1024)
            local = plain
        files.append(InputFile(spark_file_uri(location), local))
    return files


def read_head(file: InputFile, size: int = 65536) -> str:
    """The first bytes of a file as text (decompressed), to decide its format."""
    if file.local.name.lower().endswith(".gz"):
        import gzip

        with gzip.open(file.local, "rb") as handle:
            data = handle.read(size)
    elif file.local.name.lower().endswith(".zst"):
        return ""  # decided by DuckDB's reader instead (no zstd module in the Python-shell runtime)
    else:
        with file.local.open("rb") as handle:
            data = handle.read(size)
    return data.decode("utf-8", errors="replace")


def read_whole(file: InputFile) -> str:
    """A JSON document's text (documents are read whole, as Spark's multiLine reader reads them)."""
    if file.local.name.lower().endswith(".gz"):
        import gzip

        with gzip.open(file.local, "rb") as handle:
            return handle.read().decode("utf-8", errors="replace")
    return file.local.read_bytes().decode("utf-8", errors="replace")


def exists(path: str) -> bool:
    if path.startswith(("s3://", "s3a://")):
        bucket, prefix = split_s3(path)
        response = _s3().list_objects_v2(Bucket=bucket, Prefix=prefix.rstrip("/") + "/", MaxKeys=1)
        return bool(response.get("KeyCount", 0))
    return Path(path).exists()


def write_text(path: str, text: str) -> None:
    if path.startswith(("s3://", "s3a://")):
        bucket, key = split_s3(path)
        try:
            _s3().put_object(Bucket=bucket, Key=key, Body=text.encode("utf-8"))
        except Exception as exc:
            raise _client_error(exc, path, "s3:PutObject") from exc
        return
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def _data_files(staged: Path) -> list[Path]:
    return sorted(p for p in staged.rglob("*") if p.is_file() and not _hidden(str(p.relative_to(staged))))


def commit(staged: Path, destination: str, mode: str) -> int:
    """Put the files of a local staging folder into `destination` (local or S3); returns the files committed."""
    files = _data_files(staged)
    if destination.startswith(("s3://", "s3a://")):
        return _commit_s3(staged, files, destination, mode)
    target = Path(destination)
    target.mkdir(parents=True, exist_ok=True)
    aside = target / f"_staging/{staged.name}.previous"
    moved: list[str] = []
    if mode == "overwrite":
        for entry in sorted(target.iterdir()):
            if entry.name.startswith(("_", ".")):
                continue
            aside.mkdir(parents=True, exist_ok=True)
            entry.rename(aside / entry.name)
            moved.append(entry.name)
    try:
        for file in files:
            relative = file.relative_to(staged)
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(file), str(target / relative))
    except Exception:
        for name in moved:
            (aside / name).rename(target / name)
        raise
    (target / SUCCESS_MARKER).write_bytes(b"")
    shutil.rmtree(aside, ignore_errors=True)
    _remove_empty(target / "_staging")
    return len(files)


def _commit_s3(staged: Path, files: list[Path], destination: str, mode: str) -> int:
    bucket, prefix = split_s3(destination)
    folder = prefix.rstrip("/") + "/"
    client = _s3()
    old: list[str] = []
    try:
        if mode == "overwrite":
            for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=folder):
                old += [o["Key"] for o in page.get("Contents", []) if not _hidden(o["Key"][len(folder) :])]
        new = set()
        for file in files:
            key = folder + str(file.relative_to(staged)).replace(os.sep, "/")
            client.upload_file(str(file), bucket, key)
            new.add(key)
        stale = [key for key in old if key not in new]
        for start in range(0, len(stale), 1000):
            client.delete_objects(
                Bucket=bucket, Delete={"Objects": [{"Key": key} for key in stale[start : start + 1000]], "Quiet": True}
            )
        client.put_object(Bucket=bucket, Key=folder + SUCCESS_MARKER, Body=b"")
    except StorageAccessError:
        raise
    except Exception as exc:
        raise _client_error(exc, destination, "s3:PutObject/s3:DeleteObject") from exc
    return len(files)


def _remove_empty(folder: Path) -> None:
    if folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
