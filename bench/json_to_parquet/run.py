"""Benchmark json_to_parquet's two engines against a naive Glue-style Spark script and DuckDB's bare COPY.

    python bench/json_to_parquet/run.py                                   # 2,000,000 rows (~410 MB of JSON lines)
    python bench/json_to_parquet/run.py --sizes 100000,500000,2000000,20000000
    python bench/json_to_parquet/run.py --rows 50000                      # a quick run

For each size, generates the input once into build/bench/json_to_parquet/<rows>-<seed>/ (reused while it
exists; sizes above 2,000,000 are copies of the 2,000,000-row input with the ids shifted per copy), then runs
each variant in its own process (see variants.py) on the same files and reports, per variant: seconds (timed
inside the variant, after the Spark session is up), the variant's whole process time, CPU seconds (its process
and JVM, in the timed part), peak memory (RSS of the whole process tree, the JVM included), rows/s, MB/s of
input, ratios against naive Spark measured in the same run, and an ESTIMATE of the Glue cost of one run.

The engines (naive, ours, duckdb_ours, duckdb_ours_640mb, duckdb) run at every size; the Spark floors
(floor_reader, floor_ours) only at 2,000,000 rows. Writes bench/results/json_to_parquet.json with the targets
evaluated, a PNG of time and cost against rows beside it, and prints a table per size.

This is a benchmark, not a test: its numbers depend on the machine and on what else runs on it
(run it on a quiet machine; `--repeat 3` keeps each variant's best time).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
BENCH_DIR = REPO_ROOT / "build" / "bench" / "json_to_parquet"
RESULTS = REPO_ROOT / "bench" / "results" / "json_to_parquet.json"
ENGINES = ("naive", "ours", "duckdb_ours", "duckdb_ours_640mb", "duckdb")
FLOORS = ("floor_reader", "floor_ours")
# Not run by default: the Spark engine's overhead, case by case (see variants.py); `+cache`, `+nocache`, `+deser`
# may follow any Spark variant.
EXTRA = ("ours_rowrules", "ours_clean")
SPARK_VARIANTS = ("naive", "ours", *FLOORS, *EXTRA)
FILES = 4
BASE_ROWS = 2_000_000  # the generator's size; larger inputs are copies of it
TARGET_ROWS = 2_000_000  # where the targets are evaluated, and the floors run

# (numerator, denominator, at most): the targets of issue 13, on wall time at TARGET_ROWS.
TARGETS = (
    ("duckdb_ours", "naive", 0.10),
    ("duckdb_ours", "duckdb", 2.5),
    ("ours", "naive", 0.9),
)

# Glue's billing, for an ESTIMATE of a run's cost from the measured time of the variant's whole process on this
# machine (2 cores): Spark as a Glue ETL job on 2 x G.1X (2 DPU), the DuckDB variants as a Python-shell job at
# 0.0625 DPU, each billed per second with a 1-minute minimum; USD at 0.44 per DPU-hour (us-east-1).
SPARK_DPU = 2.0
PYTHON_SHELL_DPU = 0.0625
MINIMUM_SECONDS = 60.0
USD_PER_DPU_HOUR = 0.44

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


def generate_copies(rows: int, seed: int) -> Path:
    """`rows` (a multiple of BASE_ROWS) as copies of the BASE_ROWS input, each copy's ids shifted by its index
    times BASE_ROWS: the same records, values and share of bad lines, repeated ids only within a copy."""
    if rows % BASE_ROWS:
        raise SystemExit(f"sizes above {BASE_ROWS:,} must be multiples of it, not {rows:,}")
    folder = BENCH_DIR / f"{rows}-{seed}"
    marker = folder / "_COMPLETE"
    if marker.exists():
        return folder
    base = generate(BASE_ROWS, seed)
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "input").mkdir(parents=True)
    print(
        f"writing {rows:,} rows ({rows // BASE_ROWS} copies of {BASE_ROWS:,}) into {folder / 'input'} ...", flush=True
    )
    leading_id = re.compile(rb'^\{"id": ?(\d+)')
    for source in sorted((base / "input").glob("*.jsonl")):
        with (folder / "input" / source.name).open("wb") as out:
            for copy in range(rows // BASE_ROWS):
                shift = copy * BASE_ROWS
                with source.open("rb") as lines:
                    if not shift:
                        shutil.copyfileobj(lines, out, 1 << 24)
                        continue
                    for line in lines:
                        match = leading_id.match(line)
                        if match:
                            line = b'{"id":%d' % (int(match.group(1)) + shift) + line[match.end() :]
                        out.write(line)
    marker.write_text(json.dumps({"rows": rows, "seed": seed, "copies_of": str(base)}))
    return folder


def dataset(rows: int, seed: int) -> Path:
    return generate(rows, seed) if rows <= BASE_ROWS else generate_copies(rows, seed)


def clean_input(folder: Path) -> Path:
    """The input without its malformed lines (for `ours_clean`): every line that is a whole JSON object."""
    clean = folder / "clean"
    marker = clean / "_COMPLETE"
    if not marker.exists():
        shutil.rmtree(clean, ignore_errors=True)
        clean.mkdir()
        for source in sorted((folder / "input").glob("*.jsonl")):
            with source.open("rb") as lines, (clean / source.name).open("wb") as out:
                out.writelines(line for line in lines if line.rstrip().endswith(b"}"))
        marker.write_text("")
    return clean


def input_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in (folder / "input").glob("*.jsonl"))


# -- memory of a process tree ------------------------------------------------------------------------------


def _children() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry.name}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    return children


def _tree(root: int) -> list[int]:
    children, found, queue = _children(), [], [root]
    while queue:
        pid = queue.pop()
        found.append(pid)
        queue.extend(children.get(pid, []))
    return found


def _status_kb(pid: int) -> dict[str, int]:
    values = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(("VmRSS:", "VmHWM:")):
                name, amount = line.split(":", 1)
                values[name] = int(amount.split()[0])
    except OSError:
        pass
    return values


def _folder_bytes(folder: Path) -> int:
    total = 0
    try:
        for entry in os.scandir(folder):
            if entry.is_dir(follow_symlinks=False):
                total += _folder_bytes(Path(entry.path))
            else:
                total += entry.stat(follow_symlinks=False).st_blocks * 512
    except OSError:
        pass
    return total


class TreeMemory(threading.Thread):
    """Samples the resident memory of a process and all its descendants (the JVM is a child of a Spark
    variant's process) every `interval` seconds: the largest sum of VmRSS seen, and each process's own
    kernel-kept peak (VmHWM), whose sum bounds the tree's peak from above. The tree is listed again every
    `relist` seconds (a scan of /proc), so sampling costs little CPU."""

    def __init__(self, root: int, folder: Path, interval: float = 0.1, relist: float = 1.0) -> None:
        super().__init__(daemon=True)
        self.root, self.folder, self.interval, self.relist = root, folder, interval, relist
        self.peak_kb = 0
        self.peak_folder_bytes = 0  # of `folder` (the DuckDB job's --temp_directory), sampled at each relist
        self.hwm_kb: dict[int, int] = {}
        self.stop = threading.Event()

    def run(self) -> None:
        pids: list[int] = []
        listed = 0.0
        while not self.stop.is_set():
            now = time.monotonic()
            if now - listed >= self.relist:
                pids, listed = _tree(self.root), now
                self.peak_folder_bytes = max(self.peak_folder_bytes, _folder_bytes(self.folder))
            total = 0
            for pid in pids:
                status = _status_kb(pid)
                total += status.get("VmRSS", 0)
                if "VmHWM" in status:
                    self.hwm_kb[pid] = max(self.hwm_kb.get(pid, 0), status["VmHWM"])
            self.peak_kb = max(self.peak_kb, total)
            self.stop.wait(self.interval)


def run_variant(variant: str, folder: Path) -> dict[str, Any]:
    output = folder / "output" / variant
    shutil.rmtree(output, ignore_errors=True)
    source = clean_input(folder) if variant.split("+")[0] == "ours_clean" else folder / "input"
    for path in source.glob("*.jsonl"):  # warm the page cache the same way for every variant
        with path.open("rb") as handle:
            while handle.read(1 << 24):
                pass
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT / "src" / "glue")}
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("variants.py")), variant, str(source), str(output)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    memory = TreeMemory(process.pid, output / "tmp")
    memory.start()
    stdout, stderr = process.communicate()
    process_seconds = time.perf_counter() - started
    memory.stop.set()
    memory.join()
    if process.returncode != 0:
        raise SystemExit(f"variant {variant} failed:\n{stderr[-4000:]}")
    result: dict[str, Any] = json.loads(stdout.strip().splitlines()[-1])
    result["process_seconds"] = process_seconds
    result["peak_rss_mb"] = round(memory.peak_kb / 1024, 1)
    result["peak_rss_hwm_sum_mb"] = round(sum(memory.hwm_kb.values()) / 1024, 1)
    if memory.peak_folder_bytes:
        result["peak_temp_directory_mb"] = round(memory.peak_folder_bytes / 2**20, 1)
    shutil.rmtree(output, ignore_errors=True)
    return result


# -- results -----------------------------------------------------------------------------------------------


def cost_estimate(variant: str, process_seconds: float) -> dict[str, Any]:
    spark = variant.split("+")[0] in SPARK_VARIANTS
    dpu = SPARK_DPU if spark else PYTHON_SHELL_DPU
    billed = max(process_seconds, MINIMUM_SECONDS)
    dpu_hours = dpu * billed / 3600
    return {
        "billing": "Glue ETL, 2 x G.1X" if spark else "Glue Python shell, 0.0625 DPU",
        "billed_seconds": round(billed, 1),
        "dpu_hours_estimate": round(dpu_hours, 5),
        "usd_estimate": round(dpu_hours * USD_PER_DPU_HOUR, 5),
    }


def ratio(results: dict[str, dict[str, Any]], numerator: str, denominator: str, key: str = "seconds") -> float | None:
    if numerator not in results or denominator not in results:
        return None
    return round(float(results[numerator][key]) / float(results[denominator][key]), 3)


def evaluate_targets(sizes: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    evaluated = []
    for numerator, denominator, limit in TARGETS:
        target = f"{numerator} <= {limit} x {denominator} (wall time) at {TARGET_ROWS:,} rows"
        at_target = sizes.get(str(TARGET_ROWS), {}).get("results", {})
        value = ratio(at_target, numerator, denominator)
        evaluated.append(
            {
                "target": target,
                "ratio": value,
                "met": None if value is None else value <= limit,
                "ratio_by_size": {rows: ratio(size["results"], numerator, denominator) for rows, size in sizes.items()},
                "cpu_ratio_by_size": {
                    rows: ratio(size["results"], numerator, denominator, "cpu_seconds") for rows, size in sizes.items()
                },
            }
        )
    return evaluated


def measure_size(
    rows: int, seed: int, variants: list[str], repeat: int, save: Any = lambda measured: None
) -> dict[str, Any]:
    """Every variant at `rows`; `save` gets the results so far after each variant (a long run keeps its part)."""
    folder = dataset(rows, seed)
    size = input_bytes(folder)
    free = shutil.disk_usage(folder).free
    print(f"\n{rows:,} rows, {size / 1e6:.0f} MB of JSON lines ({free / 2**30:.0f} GiB free) ...", flush=True)
    results: dict[str, dict[str, Any]] = {}
    for variant in variants:
        runs = [run_variant(variant, folder) for _ in range(repeat)]
        best = min(runs, key=lambda run: run["seconds"])
        best["all_seconds"] = [round(run["seconds"], 3) for run in runs]
        best["all_cpu_seconds"] = [round(run["cpu_seconds"], 3) for run in runs]
        results[variant] = best
        save(summarise(rows, size, results))
        print(
            f"  {variant}: {best['seconds']:.1f} s, {best['cpu_seconds']:.1f} CPU s, {best['peak_rss_mb']:.0f} MB "
            f"({time.strftime('%T')}, load {os.getloadavg()[0]:.1f})",
            flush=True,
        )
    return summarise(rows, size, results)


def summarise(rows: int, size: int, measured: dict[str, dict[str, Any]]) -> dict[str, Any]:
    results = json.loads(json.dumps(measured))
    naive = results.get("naive")
    for variant, result in results.items():
        seconds = result["seconds"]
        result["seconds"] = round(seconds, 3)
        result["process_seconds"] = round(result["process_seconds"], 3)
        result["cpu_seconds"] = round(result["cpu_seconds"], 3)
        result["rows_per_s"] = round(rows / seconds)
        result["mb_per_s"] = round(size / seconds / 1e6, 1)
        result["ratio_vs_naive"] = round(seconds / naive["seconds"], 3) if naive else None
        result["cpu_ratio_vs_naive"] = round(result["cpu_seconds"] / naive["cpu_seconds"], 3) if naive else None
        result["cost"] = cost_estimate(variant, result["process_seconds"])
    return {"rows": rows, "input_bytes": size, "load_average_at_end": list(os.getloadavg()), "results": results}


def print_size(measured: dict[str, Any]) -> None:
    rows, size = measured["rows"], measured["input_bytes"]
    print(f"\njson_to_parquet, {rows:,} rows, {size / 1e6:.0f} MB of JSON lines")
    print(
        f"{'variant':<20} {'seconds':>8} {'process s':>9} {'rows/s':>10} {'vs naive':>8} {'CPU s':>7} "
        f"{'CPU vs naive':>12} {'peak RSS MB':>11} {'temp MB':>7} {'DPU-h (est.)':>12} {'jobs':>5} {'quarantined':>11}"
    )
    for variant, result in measured["results"].items():
        vs = "" if result["ratio_vs_naive"] is None else f"{result['ratio_vs_naive']:.3f}"
        cpu_vs = "" if result["cpu_ratio_vs_naive"] is None else f"{result['cpu_ratio_vs_naive']:.3f}"
        quarantined = "" if result.get("rows_quarantined") is None else f"{result['rows_quarantined']:,}"
        print(
            f"{variant:<20} {result['seconds']:>8.1f} {result['process_seconds']:>9.1f} {result['rows_per_s']:>10,} "
            f"{vs:>8} {result['cpu_seconds']:>7.1f} {cpu_vs:>12} {result['peak_rss_mb']:>11.0f} "
            f"{result.get('peak_temp_directory_mb', 0):>7.0f} "
            f"{result['cost']['dpu_hours_estimate']:>12.5f} {result['jobs']:>5} {quarantined:>11}"
        )


def plot(document: dict[str, Any], path: Path) -> None:
    """Time and estimated cost against rows, for both engines and the baselines, log axes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = {
        "naive": "Spark, naive script",
        "ours": "Spark, ours",
        "duckdb_ours": "DuckDB, ours (1 GB limit)",
        "duckdb_ours_640mb": "DuckDB, ours (640 MB limit)",
        "duckdb": "DuckDB, bare COPY",
    }
    figure, (left, right) = plt.subplots(1, 2, figsize=(12, 4.8))
    sizes = sorted(document["sizes"].values(), key=lambda size: size["rows"])
    for variant, label in labels.items():
        points = [(size["rows"], size["results"][variant]) for size in sizes if variant in size["results"]]
        if not points:
            continue
        style = "--" if variant in ("naive", "duckdb") else "-"
        rows = [row for row, _ in points]
        left.plot(rows, [result["seconds"] for _, result in points], style, marker="o", label=label)
        right.plot(rows, [result["cost"]["dpu_hours_estimate"] for _, result in points], style, marker="o", label=label)
    left.set_title("wall time of the job (this machine, 2 cores)", fontsize=10)
    left.set_ylabel("seconds")
    right.set_title("cost per run: an ESTIMATE at Glue's billing", fontsize=10)
    right.set_ylabel("DPU-hours (estimate)")
    figure.text(
        0.5,
        0.01,
        "Spark as 2 x G.1X (2 DPU), DuckDB as a Python-shell job at 0.0625 DPU; per second, 1-minute minimum; "
        "from the measured time of the variant's process on this machine",
        ha="center",
        fontsize=8,
    )
    for axes in (left, right):
        axes.set_xscale("log")
        axes.set_yscale("log")
        axes.set_xlabel("input rows")
        axes.grid(True, which="both", alpha=0.3)
    left.legend(fontsize=8)
    figure.suptitle(f"json_to_parquet, measured {document['measured_at']}", fontsize=10)
    figure.tight_layout(rect=(0, 0.04, 1, 1))
    figure.savefig(path, dpi=110)
    plt.close(figure)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=str(TARGET_ROWS), help="comma-separated row counts, e.g. 100000,2000000")
    parser.add_argument("--rows", type=int, help="one size (the same as --sizes ROWS)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=1, help="runs per variant; the best time counts")
    parser.add_argument(
        "--variants",
        default=",".join(ENGINES),
        help="comma-separated; run at every size, or up to N rows with a suffix @N (duckdb_ours_640mb@2000000)",
    )
    parser.add_argument(
        "--floors", default=",".join(FLOORS), help=f"comma-separated; run only at {TARGET_ROWS:,} rows (else none)"
    )
    parser.add_argument("--floor-sizes", default=str(TARGET_ROWS), help="where the floors run (comma-separated)")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--no-plot", action="store_true")
    options = parser.parse_args(argv)
    sizes = [options.rows] if options.rows else [int(size) for size in options.sizes.split(",") if size]
    limits = {}
    for item in options.variants.split(","):
        if item:
            name, _, most = item.partition("@")
            limits[name] = int(most) if most else None
    variants = list(limits)
    floors = [v for v in options.floors.split(",") if v]
    floor_sizes = {int(size) for size in options.floor_sizes.split(",") if size}
    known = {*ENGINES, *FLOORS, *EXTRA}
    unknown = sorted(
        v
        for v in [*variants, *floors]
        if v.split("+")[0] not in known or ("+" in v and v.split("+")[0] not in SPARK_VARIANTS)
    )
    if unknown:
        parser.error(f"unknown variant(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}")

    document: dict[str, Any] = {
        "benchmark": "json_to_parquet",
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "load_average_at_start": list(os.getloadavg()),
        "seconds": "wall time inside the variant's process, after the Spark session is up",
        "process_seconds": "wall time of the variant's whole process (interpreter, JVM start, job, exit)",
        "peak_rss_mb": "largest sum of VmRSS over the variant's process tree (the JVM included), sampled every 0.1 s",
        "peak_rss_hwm_sum_mb": "sum of each process's own peak (VmHWM): an upper bound of the tree's peak",
        "peak_temp_directory_mb": "DuckDB jobs: largest size of --temp_directory (database file, spill), every 1 s",
        "cost_model": (
            "ESTIMATE from process_seconds on this machine: Spark variants as a Glue ETL job on 2 x G.1X "
            f"({SPARK_DPU:g} DPU), DuckDB variants as a Python-shell job at {PYTHON_SHELL_DPU} DPU; billed per "
            f"second with a {MINIMUM_SECONDS:.0f}-second minimum; USD at {USD_PER_DPU_HOUR} per DPU-hour. Not "
            "modelled: Glue's start-up time, that 2 x G.1X has 8 vCPUs where this machine has 2 cores, and the CPU "
            "share of a 0.0625-DPU Python shell."
        ),
        "sizes": {},
    }

    def save(measured: dict[str, Any]) -> None:
        document["sizes"][str(measured["rows"])] = measured
        document["targets"] = evaluate_targets(document["sizes"])
        options.output.parent.mkdir(parents=True, exist_ok=True)
        options.output.write_text(json.dumps(document, indent=2) + "\n")

    for rows in sizes:
        chosen = [v for v in variants if limits[v] is None or rows <= limits[v]] + (
            floors if rows in floor_sizes else []
        )
        save(measure_size(rows, options.seed, chosen, options.repeat, save))
        print_size(document["sizes"][str(rows)])
    if not options.no_plot:
        plot(document, options.output.with_suffix(".png"))
    print()
    for target in document["targets"]:
        verdict = "not measured" if target["met"] is None else "MET" if target["met"] else "NOT MET"
        print(f"{target['target']}: {target['ratio']} -> {verdict}")
    print(f"written to {options.output}" + ("" if options.no_plot else f" and {options.output.with_suffix('.png')}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
