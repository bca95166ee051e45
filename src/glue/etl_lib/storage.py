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

from collections.abc import Iterator
from typing import Any

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

from etl_lib.errors import InputDataError
from etl_lib.json_input import DOCUMENT_ERROR, document_error_messages
from etl_lib.mapping import INPUT_REASON, VALUE

SUCCESS_MARKER = "_SUCCESS"


def read_json_lines(spark: SparkSession, path: str) -> DataFrame:
    """Every non-blank line of every file under `path` (recursively), as a one-column DataFrame `value`.

    Compressed files (.gz, .bz2) are read transparently; files whose names start with '_' or '.' are
    skipped, as Spark does. Blank lines are not records (the JSON-lines convention), so they are dropped.
    Raises `InputDataError` if the path does not exist.
    """
    _require_path(spark, path)
    lines = spark.read.option("recursiveFileLookup", "true").text(path)
    return lines.where(F.trim(F.col(VALUE)) != "").select(VALUE)


_FILE = "__file"
_TEXT = "__text"
_FIRST = "__first"
_DOC = "__doc"


def _first_char(text: Column) -> Column:
    return F.regexp_extract(text, r"^\s*(\S)", 1)


def read_json_documents(spark: SparkSession, path: str, auto: bool = False) -> DataFrame:
    """The records of the JSON documents under `path` (recursively): one DataFrame `value` (a record's JSON
    text) plus `__input_reason` (why a record cannot be mapped at all, else null).

    Each file is read whole (as Spark's `multiLine` JSON reader reads it) and decided by its first non-blank
    character: `[` is an array of records, `{` one record (pretty-printed over many lines or not), nothing a
    file without records. A record's text is re-serialised compactly by Spark's JSON parser. A file that does
    not parse as one JSON document is a single record, its whole text, with the reason
    `invalid JSON document <path>` (the parser's message is added to the quarantine, see
    `document_error_messages`). An element of an array that is not an object is a record with the reason
    `record <n> of <path> is not a JSON object`.

    With `auto`, a file whose first non-blank line is a whole JSON object is JSON lines (each non-blank line
    a record), and so is any file not starting with `[` or `{`; the others are documents.
    """
    _require_path(spark, path)
    files = (
        spark.read.option("recursiveFileLookup", "true")
        .text(path, wholetext=True)
        .select(F.input_file_name().alias(_FILE), F.regexp_replace(F.col(VALUE), "^\ufeff", "").alias(_TEXT))
        .withColumn(_FIRST, _first_char(F.col(_TEXT)))
    )
    document = F.col(_FIRST).isin("[", "{")
    if auto:
        first_line = F.regexp_extract(F.col(_TEXT), r"^\s*([^\r\n]*)", 1)
        one_line_object = (F.col(_FIRST) == F.lit("{")) & F.get_json_object(first_line, "$").isNotNull()
        document = document & ~one_line_object
        lines = files.where(~document & (F.col(_FIRST) != F.lit(""))).select(
            F.explode(F.split(F.col(_TEXT), "\r?\n")).alias(VALUE)
        )
        lines = lines.where(F.trim(F.col(VALUE)) != "").select(VALUE, F.lit(None).cast("string").alias(INPUT_REASON))
    else:
        not_document = files.where(~document & (F.col(_FIRST) != F.lit("")))
        lines = not_document.select(
            F.col(_TEXT).alias(VALUE),
            F.concat(
                F.lit(f"{DOCUMENT_ERROR} "),
                F.col(_FILE),
                F.lit(": a JSON document is an array of records or one record; this file starts with '"),
                F.col(_FIRST),
                F.lit("' (for JSON lines, use --input_format jsonl or auto)"),
            ).alias(INPUT_REASON),
        )
    # Wrapped in [ ], a document parses to exactly one element; anything after it (a second object, garbage)
    # makes the whole text invalid, where Spark's parser alone would ignore it.
    wrapped = F.from_json(F.concat(F.lit("["), F.col(_TEXT), F.lit("]")), "array<string>")
    documents = files.where(document).select(_FILE, _TEXT, _FIRST, wrapped.alias(_DOC))
    parsed = F.col(_DOC).isNotNull() & (F.size(F.col(_DOC)) == F.lit(1))
    broken = documents.where(~parsed).select(
        F.col(_TEXT).alias(VALUE), F.concat(F.lit(f"{DOCUMENT_ERROR} "), F.col(_FILE)).alias(INPUT_REASON)
    )
    elements = F.when(
        F.col(_FIRST) == F.lit("["), F.from_json(F.element_at(F.col(_DOC), 1), "array<string>")
    ).otherwise(F.col(_DOC))
    exploded = documents.where(parsed).select(_FILE, F.posexplode(elements).alias("__n", "__element"))
    element = F.col("__element")
    is_object = F.coalesce(_first_char(element) == F.lit("{"), F.lit(False))
    json_literal = element.rlike(r"^(-?[0-9][0-9.eE+-]*|true|false|\[.*)$")
    text = (
        F.when(element.isNull(), F.lit("null"))
        .when(is_object | json_literal, element)
        .otherwise(F.expr("substring(to_json(array(__element)), 2, length(to_json(array(__element))) - 2)"))
    )
    records = exploded.select(
        text.alias(VALUE),
        F.when(
            ~is_object,
            F.concat(
                F.lit("record "),
                (F.col("__n") + 1).cast("string"),
                F.lit(" of "),
                F.col(_FILE),
                F.lit(" is not a JSON object"),
            ),
        ).alias(INPUT_REASON),
    )
    return records.unionByName(broken).unionByName(lines)


def records_from_dataframe(df: DataFrame) -> DataFrame:
    """A typed DataFrame (e.g. a Glue catalog table) as JSON text records, so one mapping path serves both."""
    return df.select(F.to_json(F.struct(*[F.col(f"`{name}`") for name in df.columns])).alias(VALUE))


def _require_path(spark: SparkSession, path: str) -> None:
    fs_path = _hadoop_path(spark, path)
    if not _fs(spark, fs_path).exists(fs_path):
        raise InputDataError(f"input_path {path} does not exist.")


def has_records(records: DataFrame) -> bool:
    """Whether there is at least one record; reads at most the first non-empty split."""
    return bool(records.head(1))


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


__all__ = ["DOCUMENT_ERROR", "document_error_messages"]
