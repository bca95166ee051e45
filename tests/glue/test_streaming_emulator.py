"""kinesis_to_parquet over a Kinesis stream on the emulator: records put with boto3 are read back with
GetShardIterator/GetRecords, through the same batch transform, into Parquet and the quarantine; a rerun goes
on after the last committed batch, and a batch read but not committed is replayed under its id."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from etl_lib import streaming
from etl_lib.streaming import BatchResult
from jobs import kinesis_to_parquet

pytestmark = [pytest.mark.spark, pytest.mark.emulator]

FIELDS = [
    {"name": "id", "type": "bigint", "comment": "order id"},
    {"name": "amount", "type": "decimal(12,2)", "comment": "total"},
    {"name": "event_time", "type": "timestamp", "comment": "epoch milliseconds or ISO-8601"},
]


def put(client: Any, stream: str, payloads: list[bytes]) -> None:
    for index, data in enumerate(payloads):
        client.put_record(StreamName=stream, Data=data, PartitionKey=f"key-{index}")


def read_back(spark: Any, tmp_path: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    output = tmp_path / "lake" / "orders"
    good = [row.asDict() for row in spark.read.parquet(str(output)).orderBy("id").collect()]
    quarantined = []
    for file in sorted((tmp_path / "lake" / "quarantine").rglob("batch-*.json")):
        quarantined += [json.loads(line) for line in file.read_text().splitlines() if line.strip()]
    return good, quarantined


def test_records_put_on_the_emulators_stream_are_read_back_into_parquet(
    spark: Any, aws: Callable[[str], Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kinesis = aws("kinesis")
    stream = f"orders-{uuid.uuid4().hex[:8]}"
    kinesis.create_stream(StreamName=stream, ShardCount=2)
    kinesis.get_waiter("stream_exists").wait(StreamName=stream, WaiterConfig={"Delay": 1})
    good_records = [
        json.dumps({"id": i, "amount": f"{i}.25", "event_time": 1704164645000 + i * 3_600_000}).encode()
        for i in range(12)
    ]
    bad_records = [b"", b"\x00\xff\xfe", b"[1, 2]", b'{"id": "x", "event_time": 1}', b'{"id": 99']
    put(kinesis, stream, good_records + bad_records)

    argv = [
        "kinesis_to_parquet.py",
        "--output_path", str(tmp_path / "lake" / "orders"),
        "--quarantine_path", str(tmp_path / "lake" / "quarantine"),
        "--checkpoint_location", str(tmp_path / "checkpoint"),
        "--field_schema", json.dumps(FIELDS),
        "--event_time_field", "event_time",
        "--max_fetch_records_per_shard", "100",
        "--local_stream_name", stream,
        "--local_mode", "true",
    ]  # fmt: skip
    results = kinesis_to_parquet.main(argv)
    assert [(r.batch_id, r.rows_in, r.rows_written, r.rows_quarantined) for r in results] == [(0, 17, 12, 5)]
    good, quarantined = read_back(spark, tmp_path)
    assert [row["id"] for row in good] == list(range(12))
    assert int(good[1]["ingest_hour"]) == 4 and str(good[1]["amount"]) == "1.25"  # Spark types partitions
    assert sorted(row["reason"] for row in quarantined) == [
        "binary_payload",
        "empty_payload",
        "json_array",
        "malformed_json",
        "schema_mismatch",
    ]
    shards = {row["shard_id"] for row in quarantined} | {
        r["ShardId"] for r in kinesis.list_shards(StreamName=stream)["Shards"]
    }
    assert all(shard.startswith("shardId-") for shard in shards)
    assert all(row["sequence_number"] and row["stream_name"] == stream for row in quarantined)
    binary = next(row for row in quarantined if row["reason"] == "binary_payload")
    assert (binary["payload"], binary["payload_encoding"]) == ("AP/+", "base64")

    # A rerun reads only what arrived since; a batch that fails after its commit is replayed under its id.
    assert kinesis_to_parquet.main(argv) == []
    put(kinesis, stream, [json.dumps({"id": 100 + i, "event_time": "2024-01-03T00:00:00Z"}).encode() for i in range(4)])
    real = streaming.process_batch

    def commit_then_crash(*args: Any, **kwargs: Any) -> BatchResult:
        result = real(*args, **kwargs)
        raise RuntimeError(f"simulated crash after committing batch {result.batch_id}")

    monkeypatch.setattr(streaming, "process_batch", commit_then_crash)
    with pytest.raises(RuntimeError, match="after committing batch 1"):
        kinesis_to_parquet.main(argv)
    monkeypatch.setattr(streaming, "process_batch", real)
    replayed = kinesis_to_parquet.main(argv)
    assert [(r.batch_id, r.rows_in, r.replaced_files > 0) for r in replayed] == [(1, 4, True)]
    good, quarantined = read_back(spark, tmp_path)
    assert [row["id"] for row in good] == [*range(12), 100, 101, 102, 103]
    assert len(quarantined) == 5
