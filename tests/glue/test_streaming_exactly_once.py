"""kinesis_to_parquet's exactly-once output on local Spark: a batch replayed under its id (forEachBatch's retry,
a restart from the checkpoint, a commit interrupted half way) leaves each record once; the file stream source
stopped and restarted from its checkpoint writes nothing twice and loses nothing; the job end to end locally."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from etl_lib import streaming
from etl_lib.streaming import (
    BatchResult,
    StreamingConfig,
    StreamSchema,
    envelope_line,
    parse_field_schema,
    records_dataframe,
)
from jobs import kinesis_to_parquet

pytestmark = pytest.mark.spark

FIELDS = [
    {"name": "id", "type": "bigint", "comment": "order id"},
    {"name": "amount", "type": "decimal(12,2)", "comment": "total"},
    {"name": "event_time", "type": "timestamp", "comment": "when the order was placed"},
]


def payloads(start: int, count: int) -> list[bytes]:
    """`count` records from id `start`, over three event hours; every fifth one malformed, every seventh one not
    fitting the schema."""
    out = []
    for index in range(start, start + count):
        if index % 5 == 4:
            out.append(b'{"id": ' + str(index).encode() + b', "amount": ')
        elif index % 7 == 6:
            out.append(json.dumps({"id": index, "amount": "n/a", "event_time": 1704164645}).encode())
        else:
            hour = 1704164645 + 3600 * (index % 3)
            out.append(json.dumps({"id": index, "amount": f"{index}.50", "event_time": hour}).encode())
    return out


def expected_ids(start: int, count: int) -> tuple[list[int], list[int]]:
    good = [i for i in range(start, start + count) if i % 5 != 4 and i % 7 != 6]
    bad = [i for i in range(start, start + count) if i % 5 == 4 or i % 7 == 6]
    return good, bad


def config(tmp_path: Path, **extra: Any) -> StreamingConfig:
    return StreamingConfig(
        output_path=str(tmp_path / "lake" / "orders"),
        quarantine_path=str(tmp_path / "lake" / "quarantine"),
        checkpoint_location=str(tmp_path / "checkpoint"),
        schema=StreamSchema(parse_field_schema(json.dumps(FIELDS)), "event_time"),
        **extra,
    )


def batch(spark: Any, data: list[bytes], partitions: int = 2) -> Any:
    arrival = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
    records = [
        {
            "Data": d,
            "SequenceNumber": str(i),
            "PartitionKey": "k",
            "ApproximateArrivalTimestamp": arrival,
            "ShardId": "s",
        }
        for i, d in enumerate(data)
    ]
    return records_dataframe(spark, records, "orders").repartition(partitions)


def written_ids(spark: Any, cfg: StreamingConfig) -> list[int]:
    if not Path(cfg.output_path).exists():
        return []
    return sorted(row["id"] for row in spark.read.parquet(cfg.output_path).select("id").collect())


def quarantined_rows(cfg: StreamingConfig) -> list[dict[str, Any]]:
    rows = []
    for file in sorted(Path(cfg.quarantine_path).rglob("batch-*.json")):
        rows += [json.loads(line) for line in file.read_text().splitlines() if line.strip()]
    return rows


def data_files(root: str) -> list[str]:
    """The data files under `root`: not in `_` folders (staging, manifests), not hidden (checksums)."""
    found = []
    for path in Path(root).rglob("*"):
        relative = str(path.relative_to(root))
        if path.is_file() and "/_" not in f"/{relative}" and not path.name.startswith("."):
            found.append(relative)
    return sorted(found)


def test_a_batch_replayed_with_the_same_id_leaves_no_duplicate(spark: Any, tmp_path: Path) -> None:
    cfg = config(tmp_path)
    data = payloads(0, 40)
    first = streaming.process_batch(spark, batch(spark, data), 5, cfg, run_id="run-a")
    files = data_files(cfg.output_path)
    replay = streaming.process_batch(spark, batch(spark, data, partitions=1), 5, cfg, run_id="run-a")

    good, bad = expected_ids(0, 40)
    for result in (first, replay):
        assert (result.rows_in, result.rows_written, result.rows_quarantined) == (40, len(good), len(bad))
    assert written_ids(spark, cfg) == good  # once, though written twice
    quarantined = quarantined_rows(cfg)
    assert len(quarantined) == len(bad) and {row["batch_id"] for row in quarantined} == {5}
    assert Counter(row["reason"] for row in quarantined) == {"malformed_json": 8, "schema_mismatch": 4}
    # The replay wrote fewer files (one input partition), and removed the first attempt's extra ones.
    assert replay.replaced_files == len(first.files_written) + len(first.files_quarantined)
    assert len(data_files(cfg.output_path)) < len(files)
    assert all(Path(name).name.startswith("batch-000000000005-") for name in data_files(cfg.output_path))
    assert sorted({name.rsplit("/", 1)[0] for name in files}) == [
        f"ingest_year=2024/ingest_month=01/ingest_day=02/ingest_hour={hour}" for hour in ("03", "04", "05")
    ]
    assert not (Path(cfg.output_path) / "_staging").exists() or not any((Path(cfg.output_path) / "_staging").iterdir())

    # The checkpoint is deleted to reprocess the stream: batch ids start again at 0, under another query id, whose
    # files never replace those of the earlier checkpoint.
    streaming.process_batch(
        spark, batch(spark, payloads(40, 10)), 5, cfg, run_id="7c9e6679-7425-40de-944b-e07fc1f90ae7"
    )
    assert written_ids(spark, cfg) == sorted(good + expected_ids(40, 10)[0])
    assert {Path(name).name.rsplit("-", 1)[-1].split(".")[0] for name in data_files(cfg.output_path)} == {
        "runa",
        "7c9e66797425",
    }


def test_a_commit_interrupted_half_way_is_repaired_by_the_replay(
    spark: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = config(tmp_path)
    data = payloads(100, 30)
    real_move = streaming._Fs.move
    moves = {"count": 0}

    def crash_on_third_move(self: Any, source: str, target: str) -> None:
        moves["count"] += 1
        if moves["count"] == 3:
            raise OSError("simulated crash during the commit")
        real_move(self, source, target)

    monkeypatch.setattr(streaming._Fs, "move", crash_on_third_move)
    with pytest.raises(OSError, match="simulated crash"):
        streaming.process_batch(spark, batch(spark, data, partitions=3), 1, cfg, run_id="run-a")
    monkeypatch.setattr(streaming._Fs, "move", real_move)
    assert 0 < len([i for i in written_ids(spark, cfg) if i >= 100]) < len(expected_ids(100, 30)[0])  # half done

    streaming.process_batch(spark, batch(spark, data, partitions=1), 1, cfg, run_id="run-a")
    assert written_ids(spark, cfg) == expected_ids(100, 30)[0]
    assert len(quarantined_rows(cfg)) == len(expected_ids(100, 30)[1])


def write_records(folder: Path, name: str, data: list[bytes], first_sequence: int) -> None:
    """A file of Kinesis records, one a line, as the local file source reads them (`envelope_line`)."""
    folder.mkdir(parents=True, exist_ok=True)
    arrival = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
    records = [
        {
            "Data": d,
            "SequenceNumber": str(first_sequence + i),
            "PartitionKey": "k",
            "ApproximateArrivalTimestamp": arrival,
        }
        for i, d in enumerate(data)
    ]
    (folder / name).write_text("".join(envelope_line(r, "shardId-000000000000") + "\n" for r in records))


def test_a_file_stream_restarted_from_its_checkpoint_writes_nothing_twice_and_loses_nothing(
    spark: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = config(tmp_path)
    source = tmp_path / "records"
    write_records(source, "a.json", payloads(0, 20), 0)
    write_records(source, "b.json", payloads(20, 20), 20)
    argv = [
        "kinesis_to_parquet.py",
        "--output_path", cfg.output_path,
        "--quarantine_path", cfg.quarantine_path,
        "--checkpoint_location", cfg.checkpoint_location,
        "--field_schema", json.dumps(FIELDS),
        "--event_time_field", "event_time",
        "--local_input_path", str(source),
        "--local_mode", "true",
    ]  # fmt: skip
    first = kinesis_to_parquet.main(argv)  # the job script, in local mode
    assert [r.batch_id for r in first] == [0]

    # Stopped; more records arrive; restarted from the checkpoint: only the new file is read.
    write_records(source, "c.json", payloads(40, 20), 40)
    second = streaming.run_file_stream(spark, cfg, str(source), max_files_per_trigger=1)
    assert [r.batch_id for r in second] == [1]

    # The next batch fails after its files are committed but before Spark records the batch as done (a crash,
    # or forEachBatch's retry): the restart replays it under the same id, over the same records.
    write_records(source, "d.json", payloads(60, 20), 60)
    real = streaming.process_batch

    def commit_then_crash(*args: Any, **kwargs: Any) -> BatchResult:
        result = real(*args, **kwargs)
        raise RuntimeError(f"simulated crash after committing batch {result.batch_id}")

    monkeypatch.setattr(streaming, "process_batch", commit_then_crash)
    with pytest.raises(Exception, match="simulated crash after committing batch 2"):
        streaming.run_file_stream(spark, cfg, str(source))
    monkeypatch.setattr(streaming, "process_batch", real)
    replayed = streaming.run_file_stream(spark, cfg, str(source))
    assert [(r.batch_id, r.replaced_files > 0) for r in replayed] == [(2, True)]
    assert streaming.run_file_stream(spark, cfg, str(source)) == []  # nothing left to read

    results = first + second + replayed
    good, bad = expected_ids(0, 80)
    assert written_ids(spark, cfg) == good  # nothing twice, nothing lost
    quarantined = quarantined_rows(cfg)
    assert sorted(int(row["sequence_number"]) for row in quarantined) == bad
    assert sum(r.rows_in for r in results) == 80 == len(good) + len(quarantined)  # in total
    assert all(r.rows_in == r.rows_written + r.rows_quarantined for r in results)  # per batch
    assert {row["shard_id"] for row in quarantined} == {"shardId-000000000000"}


def test_records_without_shard_and_sequence_number_are_quarantined_too(spark: Any, tmp_path: Path) -> None:
    """The quarantine pass finds a batch's bad records by shard and sequence number; without them (rows a Glue
    catalog source parsed, a source without metadata) it classifies the whole batch again."""
    cfg = config(tmp_path)
    frame = spark.createDataFrame([(d.decode(),) for d in payloads(0, 15)], "data string")
    result = streaming.process_batch(spark, frame, 0, cfg, run_id="run-a")
    good, bad = expected_ids(0, 15)
    assert (result.rows_in, result.rows_written, result.rows_quarantined) == (15, len(good), len(bad))
    assert written_ids(spark, cfg) == good
    quarantined = quarantined_rows(cfg)
    assert sorted(json.loads(row["payload"].split(",")[0] + "}")["id"] for row in quarantined) == bad
    assert {(row["shard_id"], row["sequence_number"]) for row in quarantined} == {(None, None)}
