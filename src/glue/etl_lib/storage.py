"""Reading inputs and committing outputs: local paths and S3 (on Glue) through one Hadoop FileSystem API.

Staging and commit. A run writes its output and quarantine into staging folders inside their
destinations (`<path>/_staging/<run_id>/`, hidden from readers like Spark's own `_temporary`) and
moves the files into place only after every row has been processed and the data-quality policy has
allowed it, so a failed run leaves the destination's data as it was (and removes its staging).

- Local filesystem: each move is a file rename. `overwrite` renames the old data aside first and
  deletes it only once the new files are in place.
- S3 (on Glue, through EMRFS): S3 has no rename; Hadoop's rename copies each object server-side, then
  deletes the staged one. The commit therefore is not atomic, but it begins only after all data is
  written and validated, so an interrupted commit can leave only a subset of a fully valid run, never
  unvalidated rows; `_SUCCESS` is moved last, so readers that wait for it never see a partial commit,
  and a re-run with `--write_mode overwrite` repairs the destination.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from etl_lib.errors import InputDataError, JobArgumentError
from etl_lib.mapping import VALUE

_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
SUCCESS_MARKER = "_SUCCESS"


def is_uri(path: str) -> bool:
    return bool(_SCHEME_RE.match(path))


def normalize_path(path: str) -> str:
    """Absolute local paths (so Spark and the Hadoop API agree); URIs unchanged but for a trailing slash."""
    if is_uri(path):
        return path.rstrip("/") if not path.endswith("://") else path
    return os.path.abspath(os.path.expanduser(path))


def read_text(location: str) -> str:
    """The text of a small file (mapping, ruleset): a local path, or s3://bucket/key through boto3.

    boto3 honours AWS_ENDPOINT_URL, so tests read from the local emulator exactly as Glue reads from S3.
    """
    if location.startswith(("s3://", "s3a://")):
        import boto3  # only needed for S3 locations; the Glue runtime ships it

        bucket, _, key = location.split("://", 1)[1].partition("/")
        if not bucket or not key:
            raise JobArgumentError(f"{location} is not an s3://bucket/key location.")
        try:
            body = boto3.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()
        except Exception as exc:
            raise JobArgumentError(f"cannot read {location}: {exc}") from exc
        return bytes(body).decode("utf-8")
    try:
        return Path(location).expanduser().read_text(encoding="utf-8")
    except OSError as exc:
        raise JobArgumentError(f"cannot read {location}: {exc.strerror or exc}.") from exc


def read_json_lines(spark: SparkSession, path: str) -> DataFrame:
    """Every non-blank line of every file under `path` (recursively), as a one-column DataFrame `value`.

    Compressed files (.gz, .bz2) are read transparently; files whose names start with '_' or '.' are
    skipped, as Spark does. Blank lines are not records (the JSON-lines convention), so they are dropped.
    Raises `InputDataError` if the path does not exist.
    """
    fs_path = _hadoop_path(spark, path)
    if not _fs(spark, fs_path).exists(fs_path):
        raise InputDataError(f"input_path {path} does not exist.")
    lines = spark.read.option("recursiveFileLookup", "true").text(path)
    return lines.where(F.trim(F.col(VALUE)) != "").select(VALUE)


def records_from_dataframe(df: DataFrame) -> DataFrame:
    """A typed DataFrame (e.g. a Glue catalog table) as JSON text records, so one mapping path serves both."""
    return df.select(F.to_json(F.struct(*[F.col(f"`{name}`") for name in df.columns])).alias(VALUE))


def require_records(records: DataFrame, source: str) -> None:
    """Raise `InputDataError` if there is no record; reads at most the first non-empty split."""
    if not records.head(1):
        raise InputDataError(f"input {source} holds no records (no non-blank line in any file); nothing to do.")


# -- Hadoop FileSystem helpers ------------------------------------------------------------------------


def _jvm(spark: SparkSession) -> Any:
    jvm = spark.sparkContext._jvm
    assert jvm is not None, "the SparkContext has no JVM gateway"
    return jvm


def _hadoop_path(spark: SparkSession, path: str) -> Any:
    return _jvm(spark).org.apache.hadoop.fs.Path(path)


def _fs(spark: SparkSession, path: Any) -> Any:
    return path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())


def _walk(fs: Any, root: Any) -> Iterator[Any]:
    iterator = fs.listFiles(root, True)
    while iterator.hasNext():
        yield iterator.next().getPath()


def path_exists(spark: SparkSession, path: str) -> bool:
    fs_path = _hadoop_path(spark, path)
    return bool(_fs(spark, fs_path).exists(fs_path))


def delete_path(spark: SparkSession, path: str) -> None:
    fs_path = _hadoop_path(spark, path)
    fs = _fs(spark, fs_path)
    if fs.exists(fs_path):
        fs.delete(fs_path, True)


def remove_if_empty(spark: SparkSession, path: str) -> None:
    """Delete a directory if it holds nothing (a shared staging parent); leave it if another run uses it."""
    fs_path = _hadoop_path(spark, path)
    fs = _fs(spark, fs_path)
    try:
        if fs.exists(fs_path) and fs.getFileStatus(fs_path).isDirectory() and len(fs.listStatus(fs_path)) == 0:
            fs.delete(fs_path, False)
    except Exception:  # another run created something meanwhile: keep the directory
        return


def write_text(spark: SparkSession, path: str, text: str) -> None:
    """Write a small text file (the report) through Hadoop, so S3 on Glue and local paths work alike."""
    fs_path = _hadoop_path(spark, path)
    stream = _fs(spark, fs_path).create(fs_path, True)
    try:
        stream.write(bytearray(text.encode("utf-8")))
    finally:
        stream.close()


def _move_tree(spark: SparkSession, fs: Any, source: Any, target: Any) -> None:
    """Move every file under `source` to the same relative place under `target`, `_SUCCESS` last."""
    root = fs.makeQualified(source).toString().rstrip("/")
    files = sorted(
        (fs.makeQualified(path).toString() for path in _walk(fs, source)),
        key=lambda uri: uri.endswith("/" + SUCCESS_MARKER),
    )
    jvm_path = _jvm(spark).org.apache.hadoop.fs.Path
    for uri in files:
        destination_file = jvm_path(target, uri[len(root) + 1 :])
        if fs.exists(destination_file):
            fs.delete(destination_file, False)
        fs.mkdirs(destination_file.getParent())
        if not fs.rename(jvm_path(uri), destination_file):
            raise OSError(f"could not move {uri} to {destination_file.toString()}.")


def staging_path(destination: str, run_id: str) -> str:
    """Where a run stages its files for `destination`: `<destination>/_staging/<run_id>`.

    Inside the destination prefix (so the job needs write access to that prefix only, as with Spark's
    own `_temporary`), and hidden from readers: Spark, Hive and Athena skip names starting with '_'.
    """
    return f"{destination.rstrip('/')}/_staging/{run_id}"


def commit(spark: SparkSession, staged: str, destination: str, mode: str) -> None:
    """Move a staged Spark output (under `destination/_staging/`) into `destination`.

    `append` adds the staged files. `overwrite` first moves the destination's data aside (names
    starting with '_' or '.', such as `_staging` and `_dq_report`, stay), moves the staged files in,
    then deletes the old data; if a move fails, the old data is moved back.
    """
    source = _hadoop_path(spark, staged)
    target = _hadoop_path(spark, destination)
    fs = _fs(spark, source)
    if not fs.exists(source):
        return
    fs.mkdirs(target)
    if mode != "overwrite":
        _move_tree(spark, fs, source, target)
        fs.delete(source, True)
        return
    aside = _hadoop_path(spark, f"{staged}.previous")
    moved = []
    for status in fs.listStatus(target):
        name = status.getPath().getName()
        if name.startswith(("_", ".")):
            continue
        fs.mkdirs(aside)
        if not fs.rename(status.getPath(), _jvm(spark).org.apache.hadoop.fs.Path(aside, name)):
            raise OSError(f"could not move {status.getPath().toString()} aside; the output is unchanged.")
        moved.append(name)
    try:
        _move_tree(spark, fs, source, target)
    except Exception:
        for name in moved:
            jvm_path = _jvm(spark).org.apache.hadoop.fs.Path
            fs.rename(jvm_path(aside, name), jvm_path(target, name))
        raise
    fs.delete(aside, True)
    fs.delete(source, True)
