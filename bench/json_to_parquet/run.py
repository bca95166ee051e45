"""Benchmark json_to_parquet against a naive Glue-style script and DuckDB, in one run.

    python bench/json_to_parquet/run.py                 # 2,000,000 rows (~400 MB of JSON lines)
    python bench/json_to_parquet/run.py --rows 100000   # a quick run

Generates the input once into build/bench/json_to_parquet/<rows>-<seed>/ (reused while it exists),
then runs each variant in its own process (see variants.py) on the same files, and reports seconds,
rows/s, MB/s of input and the time ratio against the naive script measured in this same run, plus
each variant's CPU seconds (its process and JVM), which other load on the machine does not inflate.
Writes bench/results/json_to_parquet.json and prints a table. The target: ours <= 0.4 x naive.

This is a benchmark, not a test: its numbers depend on the machine and on what else runs on it
(run it on a quiet machine; `--repeat 3` keeps each variant's best time).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
BENCH_DIR = REPO_ROOT / "build" / "bench" / "json_to_parquet"
RESULTS = REPO_ROOT / "bench" / "results" / "json_to_parquet.json"
VARIANTS = ("naive", "ours", "floor_reader", "floor_ours", "duckdb")
FILES = 4
TARGET_RATIO = 0.4

CITIES = ["Oslo", "Bergen", "Lisbon", "Porto", "Lyon", "Turin", "Graz", "Ghent", "Malmo", "Tartu"]
STREETS = ["Main St", "High St", "Station Rd", "Church Ln", "Mill Way", "Park Ave"]
WORDS = ["alpha", "beta", "gamma", "delta", "omega", "sigma", "kappa"]


def record(rng: random.Random, index: int, start: datetime) -> str:
    """One JSON line; a few percent of values are null or break a rule, one in 10,000 is malformed."""
    if rng.random() < 0.0001:
        return f'{{"id": {index}, "name": "truncated'
    name = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 14)))
    row: dict[str, Any] = {
        "id": index if rng.random() > 0.0001 else max(index - 1, 0),
        "name": None if rng.random() < 0.05 else name.capitalize(),
        "address": {
            "street": f"{rng.randint(1, 999)} {rng.choice(STREETS)}",
            "city": rng.choice(CITIES),
            "zip": f"{rng.randint(0, 99999):05d}",
        },
        "value": None if rng.random() < 0.03 else round(rng.uniform(0.01, 999.99 if rng.random() > 0.005 else 5000), 2),
        "ts": (start + timedelta(seconds=index * 7)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "tags": rng.sample(WORDS, rng.randint(0, 3)),
        "type": "a" if rng.random() < 0.6 else ("b" if rng.random() < 0.99 else "c"),
        "email": f"{name}@example.com",
    }
    return json.dumps(row, separators=(",", ":"))


def generate(rows: int, seed: int) -> Path:
    folder = BENCH_DIR / f"{rows}-{seed}"
    marker = folder / "_COMPLETE"
    if marker.exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "input").mkdir(parents=True)
    rng = random.Random(seed)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    per_file = -(-rows // FILES)
    print(f"generating {rows:,} rows into {folder / 'input'} ...", flush=True)
    for part in range(FILES):
        with (folder / "input" / f"part-{part:02d}.jsonl").open("w", encoding="utf-8") as out:
            for index in range(part * per_file, min(rows, (part + 1) * per_file)):
                out.write(record(rng, index, start) + "\n")
    marker.write_text(json.dumps({"rows": rows, "seed": seed}))
    return folder


def input_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in (folder / "input").glob("*.jsonl"))


def run_variant(variant: str, folder: Path) -> dict[str, Any]:
    output = folder / "output" / variant
    shutil.rmtree(output, ignore_errors=True)
    for path in (folder / "input").glob("*.jsonl"):  # warm the page cache the same way for every variant
        with path.open("rb") as handle:
            while handle.read(1 << 24):
                pass
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT / "src" / "glue")}
    done = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("variants.py")), variant, str(folder / "input"), str(output)],
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=1, help="runs per variant; the best time counts")
    parser.add_argument(
        "--variants", default=",".join(VARIANTS), help=f"comma-separated subset of {','.join(VARIANTS)}"
    )
    parser.add_argument("--output", type=Path, default=RESULTS)
    options = parser.parse_args(argv)
    variants = [v for v in options.variants.split(",") if v]
    unknown = sorted(set(variants) - set(VARIANTS))
    if unknown:
        parser.error(f"unknown variant(s): {', '.join(unknown)}")

    folder = generate(options.rows, options.seed)
    size = input_bytes(folder)
    results: dict[str, dict[str, Any]] = {}
    for variant in variants:
        runs = [run_variant(variant, folder) for _ in range(options.repeat)]
        best = min(runs, key=lambda run: run["seconds"])
        best["all_seconds"] = [round(run["seconds"], 3) for run in runs]
        best["all_cpu_seconds"] = [round(run["cpu_seconds"], 3) for run in runs]
        results[variant] = best
        print(f"{variant}: {best['seconds']:.1f} s", flush=True)

    naive_seconds = results.get("naive", {}).get("seconds")
    naive_cpu = results.get("naive", {}).get("cpu_seconds")
    for result in results.values():
        seconds = result["seconds"]
        result["seconds"] = round(seconds, 3)
        result["cpu_ratio_vs_naive"] = round(result["cpu_seconds"] / naive_cpu, 3) if naive_cpu else None
        result["cpu_seconds"] = round(result["cpu_seconds"], 3)
        result["rows_per_s"] = round(options.rows / seconds)
        result["mb_per_s"] = round(size / seconds / 1e6, 1)
        result["ratio_vs_naive"] = round(seconds / naive_seconds, 3) if naive_seconds else None
    ours_ratio = results.get("ours", {}).get("ratio_vs_naive")
    document = {
        "benchmark": "json_to_parquet",
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "rows": options.rows,
        "input_bytes": size,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "load_average_at_end": list(os.getloadavg()),
        "target": f"ours <= {TARGET_RATIO} x naive",
        "meets_target": None if ours_ratio is None else ours_ratio <= TARGET_RATIO,
        "results": results,
    }
    options.output.parent.mkdir(parents=True, exist_ok=True)
    options.output.write_text(json.dumps(document, indent=2) + "\n")

    print(f"\njson_to_parquet, {options.rows:,} rows, {size / 1e6:.0f} MB of JSON lines ({time.strftime('%F %T')})")
    print(
        f"{'variant':<12} {'seconds':>8} {'rows/s':>10} {'MB/s':>6} {'vs naive':>9} "
        f"{'CPU s':>7} {'CPU vs naive':>13} {'spark jobs':>11}"
    )
    for variant, result in results.items():
        ratio = "" if result["ratio_vs_naive"] is None else f"{result['ratio_vs_naive']:.2f}"
        cpu_ratio = "" if result["cpu_ratio_vs_naive"] is None else f"{result['cpu_ratio_vs_naive']:.2f}"
        print(
            f"{variant:<12} {result['seconds']:>8.1f} {result['rows_per_s']:>10,} {result['mb_per_s']:>6.1f} "
            f"{ratio:>9} {result['cpu_seconds']:>7.1f} {cpu_ratio:>13} {result['jobs']:>11}"
        )
    if ours_ratio is not None:
        verdict = "meets" if ours_ratio <= TARGET_RATIO else "misses"
        print(f"ours/naive = {ours_ratio:.2f}: {verdict} the target of {TARGET_RATIO}")
    print(f"written to {options.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
