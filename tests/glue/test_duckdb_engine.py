"""What only the DuckDB engine has: S3 through boto3 (on the emulator), its memory limit and spill directory, its
own arguments and refusals. The contract it shares with Spark is tested by tests/glue/test_conformance_*.py."""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from botocore.exceptions import ClientError

from etl_lib.duckdb_engine import io as engine_io
from etl_lib.duckdb_engine.pipeline import EngineResourceError
from etl_lib.duckdb_engine.types import parse_type
from etl_lib.errors import InputDataError, JobArgumentError, MappingError
from jobs import json_to_parquet_duckdb

MAPPING = [
    {"source": "id", "target": "id", "type": "bigint", "required": True},
    {"source": "name", "target": "name", "type": "string"},
    {"source": "day", "target": "day", "type": "date"},
]
RULES = 'Rules = [ IsUnique "id" ]'


def argv(input_path: str, output: str, quarantine: str, *extra: str) -> list[str]:
    return [
        "json_to_parquet_duckdb.py",
        "--input_path",
        input_path,
        "--output_path",
        output,
        "--quarantine_path",
        quarantine,
        "--mapping",
        json.dumps(MAPPING),
        "--dq_rules",
        RULES,
        "--dq_policy",
        "quarantine",
        "--max_quarantine_ratio",
        "1",
        *extra,
    ]


def keys(s3: Any, bucket: str, prefix: str) -> list[str]:
    return sorted(item["Key"] for item in s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", []))


@pytest.mark.emulator
def test_reads_and_writes_s3_through_boto3(aws: Callable[[str], Any], tmp_path: Path) -> None:
    s3 = aws("s3")
    bucket = "duckdb-engine-s3"
    s3.create_bucket(Bucket=bucket)
    lines = [json.dumps({"id": 1, "name": "a", "day": "2024-01-02"}), json.dumps({"id": 1, "name": "dup"}), "oops"]
    s3.put_object(Bucket=bucket, Key="in/part-0.jsonl", Body="\n".join(lines).encode())
    s3.put_object(Bucket=bucket, Key="in/part-1.json.gz", Body=gzip.compress(b'[{"id": 2, "name": "b"}, {"id": 3}]'))
    s3.put_object(Bucket=bucket, Key="in/_ignored/x.json", Body=b"not read: hidden, as Spark skips it")
    s3.put_object(Bucket=bucket, Key="out/stale.snappy.parquet", Body=b"replaced by an overwrite")
    base = f"s3://{bucket}"
    result = json_to_parquet_duckdb.main(
        [
            *argv(f"{base}/in", f"{base}/out", f"{base}/quarantine"),
            "--input_format",
            "auto",
            "--temp_directory",
            str(tmp_path),
        ]
    )
    assert (result.status, result.rows_in, result.rows_written, result.rows_quarantined) == (
        "SUCCEEDED_WITH_DQ_FAILURES",
        5,
        2,
        3,
    )
    written = keys(s3, bucket, "out/")
    assert "out/stale.snappy.parquet" not in written and "out/_SUCCESS" in written
    parquet = [key for key in written if key.endswith(".snappy.parquet")]
    rows = []
    for key in parquet:
        table = pq.read_table(io.BytesIO(s3.get_object(Bucket=bucket, Key=key)["Body"].read()))
        rows += table.to_pylist()
    assert sorted(row["id"] for row in rows) == [2, 3]
    quarantined = []
    for key in keys(s3, bucket, "quarantine/"):
        if key.endswith(".json"):
            body = s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode()
            quarantined += [json.loads(line) for line in body.splitlines()]
    assert sorted((row["stage"], row["raw_record"]) for row in quarantined) == sorted(
        [("data_quality", lines[0]), ("data_quality", lines[1]), ("mapping", "oops")]
    )
    report = json.loads(s3.get_object(Bucket=bucket, Key=f"out/_dq_report/{result.run_id}.json")["Body"].read())
    assert report["engine"] == "duckdb" and report["counts"]["rows_in"] == 5
    assert not any(tmp_path.iterdir()), "the run's temporary files are removed"


def test_access_denied_names_the_object_and_commits_nothing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    class DeniedS3:
        def get_paginator(self, name: str) -> Any:
            raise ClientError({"Error": {"Code": "AccessDenied", "Message": "Access Denied"}}, "ListObjectsV2")

    monkeypatch.setattr(engine_io, "_s3", DeniedS3)
    output = tmp_path / "out"
    with pytest.raises(engine_io.StorageAccessError, match=r"access denied to s3://locked/in \(s3:ListBucket"):
        json_to_parquet_duckdb.main(argv("s3://locked/in", str(output), str(tmp_path / "q")))
    assert not output.exists()


def big_input(folder: Path, rows: int) -> Path:
    folder.mkdir(parents=True)
    with (folder / "part-0.jsonl").open("w") as handle:
        for index in range(rows):
            handle.write(json.dumps({"id": index, "name": "n" * 80 + str(index), "day": "2024-01-02"}) + "\n")
    return folder


def test_a_run_larger_than_its_memory_limit_spills_to_disk(tmp_path: Path) -> None:
    source = big_input(tmp_path / "in", 400_000)  # ~45 MB of JSON lines, ~2x that as tables
    assert (source / "part-0.jsonl").stat().st_size > 40 * 2**20
    result = json_to_parquet_duckdb.main(
        [
            *argv(str(source), str(tmp_path / "out"), str(tmp_path / "q")),
            "--memory_limit",
            "96MB",
            "--temp_directory",
            str(tmp_path / "tmp"),
            "--threads",
            "1",
        ]
    )
    assert (result.rows_in, result.rows_written, result.rows_quarantined) == (400_000, 400_000, 0)


def test_a_memory_limit_too_small_to_finish_says_so_and_commits_nothing(tmp_path: Path) -> None:
    source = big_input(tmp_path / "in", 20_000)
    output = tmp_path / "out"
    with pytest.raises(EngineResourceError, match=r"--memory_limit 4MB .* raise --memory_limit"):
        json_to_parquet_duckdb.main(
            [
                *argv(str(source), str(output), str(tmp_path / "q")),
                "--memory_limit",
                "4MB",
                "--temp_directory",
                str(tmp_path / "t"),
            ]
        )
    assert not output.exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--memory_limit", "lots"], r"--memory_limit must be an amount of memory such as 640MB"),
        (["--threads", "0"], r"--threads must be a whole number of at least 1"),
        (["--database", "db", "--table_name", "t"], r"give either --input_path or --database"),
    ],
)
def test_its_own_arguments_are_checked(tmp_path: Path, extra: list[str], message: str) -> None:
    with pytest.raises(JobArgumentError, match=message):
        json_to_parquet_duckdb.main([*argv(str(tmp_path), str(tmp_path / "o"), str(tmp_path / "q")), *extra])


def test_a_catalog_table_needs_the_spark_engine(tmp_path: Path) -> None:
    args = argv(str(tmp_path), str(tmp_path / "o"), str(tmp_path / "q"))
    position = args.index("--input_path")
    del args[position : position + 2]
    with pytest.raises(
        JobArgumentError, match=r"only the Spark engine has; use --input_path, or run the job with engine spark"
    ):
        json_to_parquet_duckdb.main([*args, "--database", "db", "--table_name", "t"])


@pytest.mark.parametrize(
    ("type_name", "message"),
    [
        ("interval day to second", r"type 'interval day to second' 'interval' is not a type the DuckDB engine reads"),
        ("varchar(10)", r"'varchar\(n\)' is not supported; use string"),
        ("map<int,string>", r"map keys must be string"),
        ("void", r"cannot be stored in Parquet"),
        ("bigint<int>", r"unknown type 'bigint<int>'"),
    ],
)
def test_a_type_the_engine_cannot_express_is_refused_naming_the_target(
    tmp_path: Path, type_name: str, message: str
) -> None:
    mapping = json.dumps([{"source": "a", "target": "a", "type": type_name}])
    args = argv(str(tmp_path), str(tmp_path / "o"), str(tmp_path / "q"))
    args[args.index("--mapping") + 1] = mapping
    args[args.index("--dq_rules") + 1] = "Rules = [ RowCount > 0 ]"
    with pytest.raises(MappingError, match=r"mapping for target 'a': .*" + message):
        json_to_parquet_duckdb.main(args)


def test_type_strings_parse_as_spark_spells_them() -> None:
    assert parse_type("DECIMAL(12, 2)").sql == "DECIMAL(12,2)"
    assert parse_type("Long").spark_name == "bigint"
    nested = parse_type("array<struct<a:int,`b c`:map<string,array<timestamp>>>>")
    assert nested.spark_name == "array<struct<a:int,b c:map<string,array<timestamp>>>>"
    assert nested.sql == 'STRUCT("a" INTEGER, "b c" MAP(VARCHAR, TIMESTAMPTZ[]))[]'


def test_unsupported_compression_is_refused_with_the_fix(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "part-0.json.snappy").write_bytes(b"\x00")
    with pytest.raises(InputDataError, match=r"recompress it with gzip, or run the job with engine spark"):
        json_to_parquet_duckdb.main(argv(str(tmp_path / "in"), str(tmp_path / "o"), str(tmp_path / "q")))
