"""Job arguments: which to ask `getResolvedOptions` for, and their validation into a typed config.

`getResolvedOptions(argv, names)` makes every name it is given required, so a job asks it only for
the optional names present in argv (`present_options`, used by `etl_lib.edge`, which also refuses
unknown names), then `JsonToParquetConfig.from_args` checks the combination (exactly one input,
exactly one mapping, choices, ranges) and raises `JobArgumentError` naming the argument before
anything is read or written.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from etl_lib.dqdl import Ruleset, parse_dqdl
from etl_lib.errors import JobArgumentError
from etl_lib.job_args import present_options
from etl_lib.mapping import FieldMapping, parse_mapping
from etl_lib.paths import is_uri, normalize_path, read_text

POLICIES = ("fail", "quarantine", "warn")
WRITE_MODES = ("overwrite", "append")
INPUT_FORMATS = ("jsonl", "json", "auto")
DEFAULT_MAX_QUARANTINE_RATIO = 0.5

# json_to_parquet's arguments, as `--name value` pairs.
JSON_TO_PARQUET_OPTIONS = (
    "input_path",
    "input_format",
    "database",
    "table_name",
    "mapping",
    "mapping_path",
    "dq_rules",
    "dq_rules_path",
    "dq_policy",
    "output_path",
    "quarantine_path",
    "report_path",
    "partition_columns",
    "write_mode",
    "max_quarantine_ratio",
    "JOB_NAME",
)

__all__ = ["JSON_TO_PARQUET_OPTIONS", "JsonToParquetConfig", "present_options"]


def _get(args: Mapping[str, str | None], name: str) -> str | None:
    value = args.get(name)
    if value is None:
        return None
    value = value.strip()
    return value or None


def _one_of(args: Mapping[str, str | None], inline: str, path: str, read: Callable[[str], str]) -> str | None:
    text, location = _get(args, inline), _get(args, path)
    if text is not None and location is not None:
        raise JobArgumentError(f"give either --{inline} or --{path}, not both.")
    if location is not None:
        return read(location)
    return text


@dataclass(frozen=True)
class JsonToParquetConfig:
    """The validated arguments of json_to_parquet (all paths normalized: local ones absolute)."""

    output_path: str
    quarantine_path: str
    mapping: list[FieldMapping]
    ruleset: Ruleset
    dq_policy: str = "fail"
    input_path: str | None = None
    database: str | None = None
    table_name: str | None = None
    report_path: str | None = None
    partition_columns: tuple[str, ...] = ()
    write_mode: str = "overwrite"
    job_name: str = "json_to_parquet"
    input_format: str = "jsonl"
    max_quarantine_ratio: float = DEFAULT_MAX_QUARANTINE_RATIO

    @property
    def source(self) -> str:
        return self.input_path or f"glue catalog table {self.database}.{self.table_name}"

    @property
    def report_prefix(self) -> str:
        return self.report_path or f"{self.output_path}/_dq_report"

    @classmethod
    def from_args(cls, args: Mapping[str, str | None], read: Callable[[str], str] = read_text) -> JsonToParquetConfig:
        """Validate resolved job arguments; raises `JobArgumentError`, `MappingError` or `DqdlError`."""
        output_path = _get(args, "output_path")
        quarantine_path = _get(args, "quarantine_path")
        for name, value in (("output_path", output_path), ("quarantine_path", quarantine_path)):
            if value is None:
                raise JobArgumentError(f"missing required job argument --{name}.")
        assert output_path is not None and quarantine_path is not None

        input_path, database, table = _get(args, "input_path"), _get(args, "database"), _get(args, "table_name")
        if input_path is not None and (database or table):
            raise JobArgumentError("give either --input_path or --database with --table_name, not both.")
        if input_path is None and not (database and table):
            raise JobArgumentError(
                "missing required job argument --input_path (or --database and --table_name for a catalog table)."
            )

        mapping_text = _one_of(args, "mapping", "mapping_path", read)
        if mapping_text is None:
            raise JobArgumentError("missing required job argument --mapping (JSON text) or --mapping_path (a file).")
        mapping = parse_mapping(mapping_text)

        rules_text = _one_of(args, "dq_rules", "dq_rules_path", read)
        ruleset = parse_dqdl(rules_text) if rules_text is not None else Ruleset()

        policy = (_get(args, "dq_policy") or "fail").lower()
        if policy not in POLICIES:
            raise JobArgumentError(f"--dq_policy must be one of {', '.join(POLICIES)}, not {policy!r}.")
        write_mode = (_get(args, "write_mode") or "overwrite").lower()
        if write_mode not in WRITE_MODES:
            raise JobArgumentError(f"--write_mode must be one of {', '.join(WRITE_MODES)}, not {write_mode!r}.")

        input_format = (_get(args, "input_format") or "jsonl").lower()
        if input_format not in INPUT_FORMATS:
            raise JobArgumentError(
                f"--input_format must be one of {', '.join(INPUT_FORMATS)} (JSON lines, JSON documents, or decided "
                f"per file), not {input_format!r}."
            )
        if input_format != "jsonl" and input_path is None:
            raise JobArgumentError("--input_format applies to --input_path; a catalog table is read as rows.")
        max_ratio = _ratio(_get(args, "max_quarantine_ratio"))

        targets = [field.target for field in mapping]
        partitions = tuple(name.strip() for name in (_get(args, "partition_columns") or "").split(",") if name.strip())
        for name in partitions:
            if name not in targets:
                raise JobArgumentError(
                    f"--partition_columns names '{name}', which is not a mapping target ({', '.join(targets)})."
                )
        if len(set(partitions)) != len(partitions):
            raise JobArgumentError("--partition_columns names a column twice.")
        if partitions and len(partitions) == len(targets):
            raise JobArgumentError("--partition_columns cannot name every column: no data column would be left.")

        output = normalize_path(output_path)
        quarantine = normalize_path(quarantine_path)
        if _overlaps(output, quarantine):
            raise JobArgumentError("--output_path and --quarantine_path must not contain one another.")
        for name, value in (("output_path", output), ("quarantine_path", quarantine)):
            if is_uri(value) and value.split("://", 1)[1].count("/") == 0:
                raise JobArgumentError(f"--{name} {value} is a bucket root; give a prefix such as {value}/data.")
        report = _get(args, "report_path")
        return cls(
            output_path=output,
            quarantine_path=quarantine,
            mapping=mapping,
            ruleset=ruleset,
            dq_policy=policy,
            input_path=normalize_path(input_path) if input_path else None,
            database=database,
            table_name=table,
            report_path=normalize_path(report) if report else None,
            partition_columns=partitions,
            write_mode=write_mode,
            job_name=_get(args, "JOB_NAME") or "json_to_parquet",
            input_format=input_format,
            max_quarantine_ratio=max_ratio,
        )


def _ratio(text: str | None) -> float:
    """--max_quarantine_ratio: a fraction in [0, 1]; 1 disables the ceiling."""
    if text is None:
        return DEFAULT_MAX_QUARANTINE_RATIO
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if math.isnan(value) or not 0.0 <= value <= 1.0:
        raise JobArgumentError(
            f"--max_quarantine_ratio must be a fraction between 0 and 1 (e.g. 0.05; 1 disables the ceiling), "
            f"not {text!r}."
        )
    return value


def _overlaps(first: str, second: str) -> bool:
    a, b = first.rstrip("/") + "/", second.rstrip("/") + "/"
    return a.startswith(b) or b.startswith(a)
