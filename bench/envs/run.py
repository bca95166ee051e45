"""envs/dev on the emulator: apply time and no-op plan time, against the provider's start-up floor (not a test).

    python bench/envs/run.py                # envs/dev, 3 no-op plans of each kind
    python bench/envs/run.py --plans 5 --env prod

One emulator for the run. The floor first: bench/envs/floor (one SNS topic) applied, then timed as a no-op
`plan -refresh=false`, which is Terraform and the AWS provider starting and configuring, nothing more. Then the
env, initialised with its S3 backend on the emulator (as `make demo` does): one apply, then no-op plans with
refresh (what a user runs) and with -refresh=false (configuration and graph only), each repeated, medians
reported as seconds and as multiples of the floor. Everything is destroyed at the end and what is left is
listed (platform_tools.leftovers). The resource count comes from the state. Results: bench/envs/results.json
and a printed table (pasted in bench/envs/README.md).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO_ROOT / "tooling")]

from platform_tools.emulator import start_emulator  # noqa: E402
from platform_tools.leftovers import leftovers  # noqa: E402
from platform_tools.terraform import TerraformRoot  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results.json"
STATE_BUCKET = "bench-envs-state"


def timed(action: object) -> float:
    started = time.monotonic()
    action()  # type: ignore[operator]
    return time.monotonic() - started


def plan_seconds(root: TerraformRoot, refresh: bool) -> float:
    args = ["plan", "-input=false", "-no-color", "-detailed-exitcode", "-lock=false", *root._state_args()]
    if not refresh:
        args.append("-refresh=false")
    started = time.monotonic()
    result = root.run(*args, check=False)
    seconds = time.monotonic() - started
    if result.returncode != 0:
        output = result.stdout[-2000:] + result.stderr[-2000:]
        raise SystemExit(f"the no-op plan was not a no-op (exit {result.returncode}) in {root.module_dir}:\n{output}")
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    envs = sorted(p.parent.name for p in (REPO_ROOT / "envs").glob("*/terraform.tfvars"))
    parser.add_argument("--env", default="dev", choices=envs)
    parser.add_argument("--plans", type=int, default=3, help="no-op plans of each kind (median reported)")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="bench-envs-"))
    with start_emulator() as emulator:
        emulator.client("s3").create_bucket(Bucket=STATE_BUCKET)
        floor = TerraformRoot(Path(__file__).resolve().parent / "floor", work / "floor", env=emulator.env())
        env = TerraformRoot(
            REPO_ROOT / "envs" / args.env,
            work / args.env,
            env=emulator.env(),
            backend_config={
                "bucket": STATE_BUCKET,
                "key": f"{args.env}/terraform.tfstate",
                "region": emulator.env()["AWS_REGION"],
                "use_path_style": "true",
            },
        )
        try:
            floor.init()
            floor.apply()
            floor_plans = [plan_seconds(floor, refresh=False) for _ in range(args.plans)]
            # Gone before the env is measured, so what is left at the end is the env's alone.
            floor.destroy()
            env.init()
            started = time.monotonic()
            outputs = env.apply()
            apply_s = time.monotonic() - started
            resources = len(env.state_resources())
            refresh_plans = [plan_seconds(env, refresh=True) for _ in range(args.plans)]
            cached_plans = [plan_seconds(env, refresh=False) for _ in range(args.plans)]
            destroy_s = timed(env.destroy)
            known = {"codecommit repositories": [outputs["pipelines"]["deploy"]["repository_name"]]}
            left = leftovers(emulator.endpoint, ignore_buckets=[STATE_BUCKET], known=known)
        finally:
            if floor.state_resources():
                floor.run("destroy", "-input=false", "-no-color", "-auto-approve", *floor._state_args(), check=False)

    floor_s = statistics.median(floor_plans)
    rows = [
        ("floor: no-op plan -refresh=false, one resource", floor_s),
        (f"envs/{args.env}: apply ({resources} resources)", apply_s),
        (f"envs/{args.env}: no-op plan", statistics.median(refresh_plans)),
        (f"envs/{args.env}: no-op plan -refresh=false", statistics.median(cached_plans)),
        (f"envs/{args.env}: destroy", destroy_s),
    ]
    results = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "load_1m": os.getloadavg()[0]},
        "env": args.env,
        "resources": resources,
        "plans_each": args.plans,
        "left_after_destroy": left.describe(),
        "seconds": {
            "floor_plan_no_refresh": floor_plans,
            "apply": apply_s,
            "plan": refresh_plans,
            "plan_no_refresh": cached_plans,
            "destroy": destroy_s,
        },
    }
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print("| what | seconds | x floor |\n| --- | ---: | ---: |")
    for label, seconds in rows:
        print(f"| {label} | {seconds:.1f} | {seconds / floor_s:.1f} |")
    print(f"left after destroy: {left.describe()}")
    load = os.getloadavg()[0]
    print(f"(medians of {args.plans}; load {load:.1f} on {os.cpu_count()} CPUs; {RESULTS.relative_to(REPO_ROOT)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
