"""Benchmark kinesis_to_parquet's batch transform against the AWS Solutions Construct sample's, in one run.

    python bench/kinesis_to_parquet/run.py                        # 100,000 records a batch, 5 batches a variant
    python bench/kinesis_to_parquet/run.py --records 20000 --batches 3     # a quick run

Generates one batch of Kinesis records once into build/bench/kinesis_to_parquet/<records>-<seed>/ (JSON lines of
Kinesis records as `aws kinesis get-records` prints them; the payloads are the construct sample's ventilator
metrics, 0.5% of them cut short), then runs each variant in
a fresh process (variants.py) on the same records: `--batches` batches of them, with new batch ids. Reports, per
variant, the seconds of a batch (the median after the first, which pays for JIT and code generation, and the
first), records per second, the CPU seconds of a batch (this process and its JVM: other load on the machine
does not inflate them), each as a ratio against the construct's approach measured in this same run, the JVM
heap's peak during one batch and the in-memory size of the cached batch. `--repeat N` runs each variant N
times in fresh processes and keeps the fastest. Writes
bench/kinesis_to_parquet/results.json and results.svg, and prints a table.

This is a benchmark, not a test: its numbers depend on the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT / "src" / "glue"))
from etl_lib.streaming import envelope_line  # noqa: E402 - after the path is set

HERE = Path(__file__).resolve().parent
BENCH_DIR = REPO_ROOT / "build" / "bench" / "kinesis_to_parquet"
RESULTS = HERE / "results.json"
PICTURE = HERE / "results.svg"
VARIANTS = ("construct", "ours", "construct_transform", "ours_transform")
BASELINES = {"construct": "construct", "ours": "construct", "construct_transform": "construct_transform"}
BASELINES["ours_transform"] = "construct_transform"
MANUFACTURERS = ["GE", "Philips", "Medtronic", "Getinge", "Hamilton", "Dräger"]


def payload(rng: random.Random, index: int, start: datetime) -> bytes:
    """One record as the construct sample's stream producer writes it; one in 200 cut short."""
    event = start + timedelta(milliseconds=index * 250)
    record = {
        "ventilatorid": rng.randint(1, 20),
        "eventtime": event.strftime("%Y-%m-%d %H:%M:%S"),
        "serialnumber": f"{rng.getrandbits(128):032x}",
        "pressurecontrol": rng.randint(5, 30),
        "o2stats": rng.randint(90, 100),
        "minutevolume": rng.randint(2, 8),
        "manufacturer": rng.choice(MANUFACTURERS),
    }
    text = json.dumps(record)
    if index % 200 == 199:
        text = text[: len(text) // 2]
    return text.encode()


def generate(records: int, seed: int) -> Path:
    folder = BENCH_DIR / f"{records}-{seed}"
    marker = folder / "_COMPLETE"
    if marker.exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    print(f"generating {records:,} records into {folder} ...", flush=True)
    rng = random.Random(seed)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    with (folder / "records.jsonl").open("w", encoding="utf-8") as out:
        for index in range(records):
            arrival = start + timedelta(milliseconds=index * 250 + 40)
            record = {
                "Data": payload(rng, index, start),
                "SequenceNumber": str(49_590_000_000_000_000_000 + index),
                "PartitionKey": str(index % 20),
                "ApproximateArrivalTimestamp": arrival,
            }
            out.write(envelope_line(record, f"shardId-{index % 4:012d}") + "\n")
    marker.write_text(json.dumps({"records": records, "seed": seed}))
    return folder


def run_variant(variant: str, folder: Path, batches: int) -> dict[str, Any]:
    output = folder / "output" / variant
    shutil.rmtree(output, ignore_errors=True)
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT / "src" / "glue")}
    done = subprocess.run(
        [sys.executable, str(HERE / "variants.py"), variant, str(folder / "records.jsonl"), str(output), str(batches)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"variant {variant} failed:\n{done.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    shutil.rmtree(output, ignore_errors=True)
    return result


def picture(results: dict[str, dict[str, Any]], records: int) -> str:
    """A bar chart of records per second (steady state), as SVG."""
    names = [name for name in VARIANTS if name in results]
    top = max(results[name]["records_per_s"] for name in names) or 1
    width, bar, gap, left = 640, 34, 18, 170
    height = 60 + len(names) * (bar + gap)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" '
        'font-size="13">',
        f'<text x="10" y="22" font-size="15">kinesis_to_parquet: records per second, batches of {records:,} '
        "(higher is better)</text>",
    ]
    for row, name in enumerate(names):
        y = 45 + row * (bar + gap)
        value = results[name]["records_per_s"]
        length = (width - left - 90) * value / top
        colour = "#2b6cb0" if name.startswith("ours") else "#a0aec0"
        parts.append(f'<text x="10" y="{y + bar * 0.65:.0f}">{name}</text>')
        parts.append(f'<rect x="{left}" y="{y}" width="{length:.0f}" height="{bar}" fill="{colour}"/>')
        parts.append(f'<text x="{left + length + 6:.0f}" y="{y + bar * 0.65:.0f}">{value:,}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=100_000, help="records a batch")
    parser.add_argument("--batches", type=int, default=5, help="batches a variant (the first one warms up)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--repeat", type=int, default=1, help="fresh runs a variant; the fastest counts")
    parser.add_argument("--variants", default=",".join(VARIANTS), help=f"comma-separated subset of {VARIANTS}")
    parser.add_argument("--output", type=Path, default=RESULTS)
    options = parser.parse_args(argv)
    variants = [v for v in options.variants.split(",") if v]
    unknown = sorted(set(variants) - set(VARIANTS))
    if unknown:
        parser.error(f"unknown variant(s): {', '.join(unknown)}")
    if options.batches < 2:
        parser.error("--batches must be at least 2 (the first batch warms up)")

    folder = generate(options.records, options.seed)
    results: dict[str, dict[str, Any]] = {}
    for variant in variants:
        runs = []
        for _ in range(options.repeat):
            result = run_variant(variant, folder, options.batches)
            result["batch_seconds"] = round(statistics.median(result["batches"][1:]), 3)
            result["batch_cpu"] = round(statistics.median(result["batch_cpu_seconds"][1:]), 3)
            runs.append(result)
        best = min(runs, key=lambda run: run["batch_seconds"])
        best["first_batch_seconds"] = best["batches"][0]
        best["records_per_s"] = round(options.records / best["batch_seconds"])
        best["records_per_cpu_s"] = round(options.records / best["batch_cpu"])
        best["all_batch_seconds"] = [run["batch_seconds"] for run in runs]
        results[variant] = best
        print(f"{variant}: {best['batch_seconds']:.2f} s, {best['batch_cpu']:.2f} CPU s a batch", flush=True)
    for name, result in results.items():
        base = results.get(BASELINES[name])
        result["time_vs_construct"] = round(result["batch_seconds"] / base["batch_seconds"], 3) if base else None
        result["cpu_vs_construct"] = round(result["batch_cpu"] / base["batch_cpu"], 3) if base else None

    document = {
        "benchmark": "kinesis_to_parquet",
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "records_per_batch": options.records,
        "batches": options.batches,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "load_average_at_end": list(os.getloadavg()),
        "baselines": {name: BASELINES[name] for name in results},
        "results": results,
    }
    options.output.parent.mkdir(parents=True, exist_ok=True)
    options.output.write_text(json.dumps(document, indent=2) + "\n")
    if options.output == RESULTS:
        PICTURE.write_text(picture(results, options.records))

    print(f"\nkinesis_to_parquet, batches of {options.records:,} records ({time.strftime('%F %T')})")
    print(
        f"{'variant':<20} {'s/batch':>8} {'first':>7} {'records/s':>10} {'vs base':>8} {'CPU s/batch':>12} "
        f"{'CPU vs base':>12} {'heap peak MB':>13} {'cached MB':>10} {'written':>8} {'quarantined':>12}"
    )
    for name, r in results.items():
        ratio = "" if r["time_vs_construct"] is None else f"{r['time_vs_construct']:.2f}"
        cpu_ratio = "" if r["cpu_vs_construct"] is None else f"{r['cpu_vs_construct']:.2f}"
        print(
            f"{name:<20} {r['batch_seconds']:>8.2f} {r['first_batch_seconds']:>7.2f} {r['records_per_s']:>10,} "
            f"{ratio:>8} {r['batch_cpu']:>12.2f} {cpu_ratio:>12} {r['heap_peak_mb']:>13.0f} "
            f"{r['cached_batch_mb']:>10.1f} {r['rows_written']:>8} {r['rows_quarantined']:>12}"
        )
    print(f"written to {options.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
