"""The deployer's package size and cold import time, against `import boto3` alone (not a test).

    python bench/glue_deployer/run.py                 # 30 rounds
    python bench/glue_deployer/run.py --rounds 60

Builds the deployer's zip exactly as `make build` does (tooling/platform_tools/package.py), in memory, and
extracts it. Size: the zip's bytes, next to the batch_launcher package built by the same packager in the
same run (its powertools and typing_extensions vendored from the packager's cache; skipped if pip cannot
get them) and to Lambda's 50 MB limit for a zip uploaded directly.

Cold import: each round starts one fresh interpreter per variant, in an order rotated every round, and
times only the import statement (perf_counter around it, interpreter start-up excluded, identical for
all). `-B` keeps the package from writing bytecode, as on Lambda, where /var/task is read-only and the
package ships no .pyc: the deployer's modules are compiled at every cold start, while boto3's bytecode
comes with the runtime (here: the virtualenv's). Variants:

- `boto3`: `import boto3`, the baseline
- `boto3 + 3 clients`: `import boto3` and the three clients the handler builds (s3, glue, codepipeline)
- `deployer.handler`: the handler module from the extracted zip (boto3, its three clients, our code)
- `boto3 + powertools Logger`: what importing powertools would have added (the road not taken)

Reports medians and 90th percentiles, and each median over boto3's. Writes bench/glue_deployer/results.md
and prints the same table.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO_ROOT / "tooling")]

from platform_tools import ToolingError  # noqa: E402
from platform_tools.package import SHARED_LAMBDA_DIR, lambda_entries, vendored_dependencies, zip_bytes  # noqa: E402

LAMBDAS = REPO_ROOT / "src" / "lambdas"
RESULTS = Path(__file__).resolve().parent / "results.md"
DIRECT_UPLOAD_LIMIT = 50 * 1024 * 1024  # Lambda: a .zip uploaded directly (not from S3)
CLIENTS = (
    "from botocore.config import Config\n"
    "config = Config(retries={'mode': 'standard', 'max_attempts': 3}, connect_timeout=5, read_timeout=30)\n"
    "[boto3.client(name, config=config) for name in ('s3', 'glue', 'codepipeline')]\n"
)
VARIANTS = {
    "boto3": "import boto3\n",
    "boto3 + 3 clients": "import boto3\n" + CLIENTS,
    "deployer.handler": "import deployer.handler\n",
    "boto3 + powertools Logger": "import boto3\nfrom aws_lambda_powertools import Logger\n",
}
PROBE = """
import sys, time
sys.path.insert(0, sys.argv[1])
wall, cpu = time.perf_counter(), time.process_time()
exec(compile(sys.argv[2], "<import>", "exec"))
print(time.perf_counter() - wall, time.process_time() - cpu)
"""


def build(name: str) -> bytes:
    function = LAMBDAS / name
    deps = vendored_dependencies(function / "requirements.txt", REPO_ROOT / "build" / "cache" / "lambda-deps")
    return zip_bytes(lambda_entries(function, LAMBDAS / SHARED_LAMBDA_DIR, deps))


def uncompressed(data: bytes) -> tuple[int, int]:
    infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    return sum(info.file_size for info in infos), len(infos)


@dataclass
class Timing:
    wall: list[float]
    cpu: list[float]


def median(values: list[float]) -> float:
    return statistics.median(values)


def p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]


def time_imports(root: Path, rounds: int) -> dict[str, Timing]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "AWS_"))}
    environment["AWS_DEFAULT_REGION"] = "us-east-1"
    names = list(VARIANTS)
    timings = {name: Timing([], []) for name in names}
    for index in range(rounds + 1):  # round 0 warms the page cache and is dropped
        order = names[index % len(names) :] + names[: index % len(names)]
        for name in order:
            result = subprocess.run(
                [sys.executable, "-B", "-c", PROBE, str(root), VARIANTS[name]],
                capture_output=True,
                text=True,
                env=environment,
                cwd=root,
                timeout=120,
            )
            if result.returncode != 0:
                raise SystemExit(f"{name} failed to import: {result.stderr.strip().splitlines()[-1]}")
            if index:
                wall, cpu = (float(value) for value in result.stdout.split())
                timings[name].wall.append(wall)
                timings[name].cpu.append(cpu)
    return timings


def kib(size: int) -> str:
    return f"{size / 1024:,.1f} KiB"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def report(rounds: int, sizes: dict[str, tuple[int, int, int] | str], timings: dict[str, Timing]) -> str:
    ours = sizes["glue_deployer"]
    assert not isinstance(ours, str)
    lines = [
        "# bench/glue_deployer: results",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `python bench/glue_deployer/run.py --rounds {rounds}`; "
        f"Python {platform.python_version()} (the Lambda runtime is 3.12), {os.cpu_count()} cores, "
        f"{platform.platform()}. Method: [README.md](README.md).",
        "",
        "## Package size (the zip `make build` writes)",
        "",
        "| package | zip | uncompressed | files | zip / deployer's | zip / Lambda's 50 MB direct-upload limit |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, size in sizes.items():
        if isinstance(size, str):
            lines.append(f"| {name} | {size} | | | | |")
            continue
        zipped, raw, files = size
        lines.append(
            f"| {name} | {kib(zipped)} ({zipped:,} B) | {kib(raw)} | {files} | {zipped / ours[0]:.2f} | "
            f"{zipped / DIRECT_UPLOAD_LIMIT:.5f} |"
        )
    base = timings["boto3"]
    lines += [
        "",
        f"## Cold import time ({rounds} fresh interpreters per variant, rotated order)",
        "",
        "| import | CPU median | CPU p90 | CPU median / `import boto3` | wall median | wall p90 | wall median / "
        "`import boto3` |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, timing in timings.items():
        lines.append(
            f"| {name} | {ms(median(timing.cpu))} | {ms(p90(timing.cpu))} | "
            f"{median(timing.cpu) / median(base.cpu):.2f} | {ms(median(timing.wall))} | {ms(p90(timing.wall))} | "
            f"{median(timing.wall) / median(base.wall):.2f} |"
        )
    ours_cpu = median(timings["deployer.handler"].cpu) - median(timings["boto3 + 3 clients"].cpu)
    powertools_cpu = median(timings["boto3 + powertools Logger"].cpu) - median(base.cpu)
    lines += [
        "",
        f"CPU time is the figure to read on a shared machine (other work inflates wall time, not CPU time). The "
        f"deployer's own modules, compiled from source as on Lambda, add {ms(ours_cpu)} of CPU to boto3 and the three "
        f"clients the handler builds at module scope; importing powertools' Logger would add {ms(powertools_cpu)} to "
        "`import boto3` alone.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=30, help="fresh interpreters per variant")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    deployer = build("glue_deployer")
    sizes: dict[str, tuple[int, int, int] | str] = {"glue_deployer": (len(deployer), *uncompressed(deployer))}
    try:
        launcher = build("batch_launcher")
        sizes["batch_launcher (powertools vendored)"] = (len(launcher), *uncompressed(launcher))
    except ToolingError as exc:
        sizes["batch_launcher (powertools vendored)"] = f"not built: {exc}"

    with tempfile.TemporaryDirectory(prefix="glue_deployer_bench_") as tmp:
        root = Path(tmp)
        zipfile.ZipFile(io.BytesIO(deployer)).extractall(root)
        timings = time_imports(root, args.rounds)

    text = report(args.rounds, sizes, timings)
    args.output.write_text(text)
    print(text)
    print(f"wrote {args.output.relative_to(REPO_ROOT) if args.output.is_relative_to(REPO_ROOT) else args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
