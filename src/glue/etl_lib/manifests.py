"""Manifest comparison: which records the import side and the export side disagree on, inside a cut-off window.

A manifest is a set of CSV files (no header) of records `id,timestamp,type,source`, the timestamp in epoch
milliseconds. The job compares import manifests (`<import_prefix>/<import_type>/`) with export manifests
(`<export_prefix>/<snapshot_type>/`) for the window the launcher passes:

- `start` = --cut_off_time_start, `end` = --cut_off_time_end, `margin_of_error` = --margin_of_error (all
  epoch ms; margin_of_error is the end plus the allowed lag, so the margin is `margin_of_error - end`).
- Each side is reduced to one record per id: its latest in `[start, margin_of_error)` (ties broken by the
  greater type, then source). A record is *in the window* when its timestamp is before `end`; records
  between `end` and `margin_of_error` only serve as matches for the other side (a late arrival within
  the margin is not missing).

Four results, each written as Parquet to its own location (the Athena tables the launcher creates):

- missing_imports: exported ids in the window with no import record
  (`id, export_timestamp, export_type, export_source`)
- missing_exports: imported ids in the window with no export record
  (`id, import_timestamp, import_type, import_source`)
- mismatched_timestamps: ids on both sides, at least one of the two in the window, whose timestamps differ
  by more than the margin (`id, import_timestamp, export_timestamp, difference_ms, earlier_side,
  import_type, import_source, export_type, export_source`)
- counts: per side, type and source, the records in the window (`side, type, source, record_count,
  missing_count` = of those, ids absent on the other side, `mismatched_count`)

Everything but reading and writing is a function of DataFrames, tested on local Spark.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from etl_lib.errors import InputDataError, JobArgumentError
from etl_lib.paths import normalize_path

IMPORT_TYPES: Final = ("historic", "streaming_main", "streaming_equality")
SNAPSHOT_TYPES: Final = ("full", "incremental")
RESULT_KINDS: Final = ("missing_imports", "missing_exports", "counts", "mismatched_timestamps")
MANIFEST_COLUMNS: Final = ("id", "timestamp", "type", "source")

# The job's arguments: all required (getResolvedOptions makes every name it is given required).
WINDOW_OPTIONS: Final = ("cut_off_time_start", "cut_off_time_end", "margin_of_error")
MANIFEST_COMPARISON_OPTIONS: Final = (
    *WINDOW_OPTIONS,
    "import_type",
    "snapshot_type",
    "import_prefix",
    "export_prefix",
    *(f"{kind}_location" for kind in RESULT_KINDS),
)

IMPORT: Final = "import"
EXPORT: Final = "export"
_EXAMPLES = 3
_DIGITS = re.compile(r"^-?[0-9]{1,18}$")


# ---------------------------------------------------------------- arguments


@dataclass(frozen=True)
class CutOffWindow:
    """Epoch-millisecond bounds: records from `start_ms` to before `end_ms`; matches until `margin_of_error_ms`."""

    start_ms: int
    end_ms: int
    margin_of_error_ms: int

    def __post_init__(self) -> None:
        if not self.start_ms < self.end_ms <= self.margin_of_error_ms:
            raise JobArgumentError(
                "the cut-off window must satisfy --cut_off_time_start < --cut_off_time_end <= --margin_of_error; "
                f"got {self.start_ms}, {self.end_ms}, {self.margin_of_error_ms}."
            )

    @property
    def margin_ms(self) -> int:
        return self.margin_of_error_ms - self.end_ms


@dataclass(frozen=True)
class ManifestComparisonConfig:
    window: CutOffWindow
    import_type: str
    snapshot_type: str
    import_path: str
    export_path: str
    outputs: Mapping[str, str]  # result kind -> location
    job_name: str = "manifest_comparison"

    @classmethod
    def from_args(cls, args: Mapping[str, str | None]) -> ManifestComparisonConfig:
        """Validate resolved job arguments; raise JobArgumentError naming the argument."""

        def required(name: str) -> str:
            value = (args.get(name) or "").strip()
            if not value:
                raise JobArgumentError(f"missing required job argument --{name}.")
            return value

        def epoch_ms(name: str) -> int:
            value = required(name)
            if not _DIGITS.match(value):
                raise JobArgumentError(f"--{name} must be epoch milliseconds (a whole number); got {value!r}.")
            return int(value)

        def choice(name: str, choices: tuple[str, ...]) -> str:
            value = required(name)
            if value not in choices:
                raise JobArgumentError(f"--{name} must be one of {', '.join(choices)}; got {value!r}.")
            return value

        window = CutOffWindow(*(epoch_ms(name) for name in WINDOW_OPTIONS))
        import_type = choice("import_type", IMPORT_TYPES)
        snapshot_type = choice("snapshot_type", SNAPSHOT_TYPES)
        import_path = normalize_path(f"{required('import_prefix').rstrip('/')}/{import_type}")
        export_path = normalize_path(f"{required('export_prefix').rstrip('/')}/{snapshot_type}")
        outputs = {kind: normalize_path(required(f"{kind}_location")) for kind in RESULT_KINDS}

        locations = list(outputs.values())
        if len({_as_folder(location) for location in locations}) != len(locations):
            raise JobArgumentError(f"the four result locations must differ; got {locations}.")
        for kind, location in outputs.items():
            for side, path in (("import", import_path), ("export", export_path)):
                if _overlaps(location, path):
                    raise JobArgumentError(
                        f"--{kind}_location ({location}) overlaps the {side} manifests ({path}): "
                        "the results are overwritten on each run, so they must live apart from the inputs."
                    )
        return cls(
            window=window,
            import_type=import_type,
            snapshot_type=snapshot_type,
            import_path=import_path,
            export_path=export_path,
            outputs=outputs,
            job_name=(args.get("JOB_NAME") or "manifest_comparison").strip(),
        )


def _as_folder(path: str) -> str:
    return path.rstrip("/") + "/"


def _overlaps(first: str, second: str) -> bool:
    a, b = _as_folder(first), _as_folder(second)
    return a.startswith(b) or b.startswith(a)


# ---------------------------------------------------------------- reading and checking manifests


def manifest_schema() -> T.StructType:
    """Every column read as text, so a malformed value is reported instead of silently becoming null."""
    return T.StructType([T.StructField(name, T.StringType()) for name in MANIFEST_COLUMNS])


def read_manifest_text(spark: SparkSession, path: str) -> DataFrame:
    """The CSV records under `path` (read recursively), as text columns id, timestamp, type, source."""
    try:
        return (
            spark.read.schema(manifest_schema())
            .option("header", "false")
            .option("quote", '"')
            .option("escape", '"')
            .option("recursiveFileLookup", "true")
            .csv(path)
        )
    except Exception as exc:  # AnalysisException: the path does not exist
        if "PATH_NOT_FOUND" in str(exc) or "Path does not exist" in str(exc):
            raise InputDataError(f"no manifests at {path}: check the prefix and the import or snapshot type.") from exc
        raise


def typed_manifest(records: DataFrame) -> DataFrame:
    """Text records -> id (trimmed), timestamp (bigint), type, source; a row with a missing id or a timestamp
    that is not whole epoch milliseconds gets a `problem`, otherwise null."""
    record_id = F.trim(F.col("id"))
    timestamp = F.trim(F.col("timestamp"))
    problem = (
        F.when(record_id.isNull() | (record_id == ""), F.lit("missing id"))
        .when(timestamp.isNull() | ~timestamp.rlike(r"^-?[0-9]{1,18}$"), F.lit("timestamp is not epoch milliseconds"))
        .otherwise(F.lit(None).cast("string"))
    )
    return records.select(
        record_id.alias("id"),
        timestamp.cast("bigint").alias("timestamp"),
        F.col("type"),
        F.col("source"),
        problem.alias("problem"),
    )


def check_manifest(typed: DataFrame, side: str, path: str) -> DataFrame:
    """Raise InputDataError with a few examples if any record has a problem; return the valid columns."""
    bad = typed.filter(F.col("problem").isNotNull()).limit(_EXAMPLES).collect()
    if bad:
        examples = "; ".join(f"{row['problem']} (id={row['id']!r}, timestamp={row['timestamp']!r})" for row in bad)
        raise InputDataError(f"malformed {side} manifest records under {path}, e.g. {examples}.")
    return typed.drop("problem")


# ---------------------------------------------------------------- the comparison


def latest_per_id(records: DataFrame, window: CutOffWindow) -> DataFrame:
    """One record per id: its latest in [start, margin_of_error), ties broken by the greater type, then source."""
    in_range = records.filter(
        (F.col("timestamp") >= F.lit(window.start_ms)) & (F.col("timestamp") < F.lit(window.margin_of_error_ms))
    )
    latest = in_range.groupBy("id").agg(F.max(F.struct("timestamp", "type", "source")).alias("latest"))
    return latest.select("id", "latest.timestamp", "latest.type", "latest.source")


def _prefixed(records: DataFrame, side: str) -> DataFrame:
    return records.select(
        "id",
        F.col("timestamp").alias(f"{side}_timestamp"),
        F.col("type").alias(f"{side}_type"),
        F.col("source").alias(f"{side}_source"),
    )


def pair_latest(imports: DataFrame, exports: DataFrame, window: CutOffWindow) -> DataFrame:
    """Both sides' latest records side by side (full outer join on id), with a flag per finding.

    Columns: id, import_* and export_* (timestamp, type, source; null where that side has no record),
    import_in_window, export_in_window, missing_import, missing_export, mismatched.
    """
    pairs = _prefixed(latest_per_id(imports, window), IMPORT).join(
        _prefixed(latest_per_id(exports, window), EXPORT), on="id", how="full_outer"
    )
    import_ts, export_ts = F.col("import_timestamp"), F.col("export_timestamp")
    import_in = import_ts.isNotNull() & (import_ts < F.lit(window.end_ms))
    export_in = export_ts.isNotNull() & (export_ts < F.lit(window.end_ms))
    both = import_ts.isNotNull() & export_ts.isNotNull()
    return pairs.select(
        "*",
        import_in.alias("import_in_window"),
        export_in.alias("export_in_window"),
        (export_in & import_ts.isNull()).alias("missing_import"),
        (import_in & export_ts.isNull()).alias("missing_export"),
        (both & (import_in | export_in) & (F.abs(import_ts - export_ts) > F.lit(window.margin_ms))).alias("mismatched"),
    )


@dataclass(frozen=True)
class ComparisonResult:
    missing_imports: DataFrame
    missing_exports: DataFrame
    counts: DataFrame
    mismatched_timestamps: DataFrame

    def by_kind(self) -> dict[str, DataFrame]:
        return {kind: getattr(self, kind) for kind in RESULT_KINDS}


def _side_counts(pairs: DataFrame, side: str, missing_flag: str) -> DataFrame:
    def total(flag: str) -> Column:
        return F.sum(F.col(flag).cast("bigint")).alias(f"{'missing' if flag == missing_flag else flag}_count")

    return (
        pairs.filter(F.col(f"{side}_in_window"))
        .groupBy(F.col(f"{side}_type").alias("type"), F.col(f"{side}_source").alias("source"))
        .agg(F.count(F.lit(1)).alias("record_count"), total(missing_flag), total("mismatched"))
        .select(F.lit(side).alias("side"), "type", "source", "record_count", "missing_count", "mismatched_count")
    )


def results_from_pairs(pairs: DataFrame) -> ComparisonResult:
    """The four results from `pair_latest`'s output (each a lazy DataFrame over it)."""
    import_ts, export_ts = F.col("import_timestamp"), F.col("export_timestamp")
    return ComparisonResult(
        missing_imports=pairs.filter("missing_import").select("id", "export_timestamp", "export_type", "export_source"),
        missing_exports=pairs.filter("missing_export").select("id", "import_timestamp", "import_type", "import_source"),
        counts=_side_counts(pairs, EXPORT, "missing_import").unionByName(_side_counts(pairs, IMPORT, "missing_export")),
        mismatched_timestamps=pairs.filter("mismatched").select(
            "id",
            "import_timestamp",
            "export_timestamp",
            F.abs(import_ts - export_ts).alias("difference_ms"),
            F.when(import_ts < export_ts, F.lit(IMPORT)).otherwise(F.lit(EXPORT)).alias("earlier_side"),
            "import_type",
            "import_source",
            "export_type",
            "export_source",
        ),
    )


def compare_manifests(imports: DataFrame, exports: DataFrame, window: CutOffWindow) -> ComparisonResult:
    """Typed import and export records (id, timestamp, type, source) -> the four results."""
    return results_from_pairs(pair_latest(imports, exports, window))


def summarize(pairs: DataFrame) -> dict[str, int]:
    """Totals for the log and the run's result, in one aggregation over the pairs."""
    row = pairs.agg(
        F.sum(F.col("import_in_window").cast("bigint")).alias("import_records"),
        F.sum(F.col("export_in_window").cast("bigint")).alias("export_records"),
        F.sum(F.col("missing_import").cast("bigint")).alias("missing_imports"),
        F.sum(F.col("missing_export").cast("bigint")).alias("missing_exports"),
        F.sum(F.col("mismatched").cast("bigint")).alias("mismatched_timestamps"),
    ).first()
    return {key: int(value or 0) for key, value in (row.asDict() if row is not None else {}).items()}


# ---------------------------------------------------------------- the job's body


def run_manifest_comparison(spark: SparkSession, config: ManifestComparisonConfig) -> dict[str, Any]:
    """Read and check both sides, compare, overwrite the four result locations; return the totals."""
    imports = check_manifest(typed_manifest(read_manifest_text(spark, config.import_path)), IMPORT, config.import_path)
    exports = check_manifest(typed_manifest(read_manifest_text(spark, config.export_path)), EXPORT, config.export_path)
    pairs = pair_latest(imports, exports, config.window).persist()
    try:
        results = results_from_pairs(pairs)
        for kind, frame in results.by_kind().items():
            # The counts are a few rows: one file. The others keep Spark's (adaptive) partitioning.
            (frame.coalesce(1) if kind == "counts" else frame).write.mode("overwrite").parquet(config.outputs[kind])
        totals: dict[str, Any] = summarize(pairs)
    finally:
        pairs.unpersist()
    totals["window"] = {
        "start_ms": config.window.start_ms,
        "end_ms": config.window.end_ms,
        "margin_of_error_ms": config.window.margin_of_error_ms,
    }
    totals["outputs"] = dict(config.outputs)
    return totals
