"""API calls per Batch event of the launcher, against the number of dependency queues (not a timed test).

    python bench/batch_launcher/run.py                       # queues 1, 2, 5, 10, 20
    python bench/batch_launcher/run.py --queues 1,50 --objects 2500

Starts its own emulator (with the gap fills; Batch without Docker), builds a fresh set of dependency queues,
Glue job, workgroup and bucket per case, delivers one event to `launch()` and counts every AWS API call its
clients make with botocore's `before-call` hook (`before-send` counts HTTP requests, retries included).

Cases:
- skipped: the event's status is RUNNING
- waiting, first queue RUNNING: the first queue has a RUNNING job (found on the 5th status)
- waiting, last queue SUBMITTED: only the last queue has a job (found on its 1st status)
- started: every queue drained (clears `--objects` objects under one prefix in the largest case only)
- capped: the same again, after today's run

The baseline is the seed's queue check, measured in the same run on the same queues: it listed all five
statuses of every queue (no early stop), so its ListJobs calls are 5 x queues whatever it found. The
ratio column is our queue-check calls over the seed's. Athena answers at once on the emulator, so each
statement costs one GetQueryExecution here; on AWS the poll adds about log2(seconds / 0.25) + seconds / 5
calls a statement.

Writes build/bench/batch_launcher/results.json (or --output) and prints a table.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO_ROOT / "tooling"), str(REPO_ROOT / "src" / "lambdas")]

from batch_launcher.launcher import logger  # noqa: E402
from batch_launcher.launcher.core import Clients, launch  # noqa: E402
from batch_launcher.launcher.settings import TABLE_KINDS, ResultTable, Settings  # noqa: E402
from platform_tools.emulator import EmulatorProcess, start_emulator  # noqa: E402
from platform_tools.emulator.fills.batch_job_status import set_batch_job_status  # noqa: E402

DEFAULT_OUTPUT = REPO_ROOT / "build" / "bench" / "batch_launcher" / "results.json"
ACTIVE = ("SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING")


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@dataclass
class CallCounter:
    calls: Counter[str] = field(default_factory=Counter)
    requests: int = 0

    def attach(self, client: Any) -> Any:
        service = client.meta.service_model.service_name

        def count_call(model: Any, **_: Any) -> None:
            self.calls[f"{service}:{model.name}"] += 1

        def count_request(**_: Any) -> None:
            self.requests += 1

        client.meta.events.register("before-call", count_call)
        client.meta.events.register("before-send", count_request)
        return client

    def reset(self) -> None:
        self.calls.clear()
        self.requests = 0


@dataclass
class Bench:
    emulator: EmulatorProcess
    counter: CallCounter
    clients: Clients
    setup: Clients  # uncounted clients for building each case
    bucket: str
    environment_arn: str
    job_definition: str

    def queues(self, count: int) -> list[str]:
        return [
            self.setup.batch.create_job_queue(
                jobQueueName=unique("bench"),
                state="ENABLED",
                priority=1,
                computeEnvironmentOrder=[{"order": 1, "computeEnvironment": self.environment_arn}],
            )["jobQueueArn"]
            for _ in range(count)
        ]

    def hold(self, queue: str, status: str) -> None:
        job = self.setup.batch.submit_job(jobName="held", jobQueue=queue, jobDefinition=self.job_definition)
        set_batch_job_status(self.emulator.endpoint, job["jobId"], status)

    def settings(self, queues: list[str], clear: tuple[str, ...] = ()) -> Settings:
        run = unique("bench").replace("-", "_")
        workgroup = unique("bench")
        self.setup.athena.create_work_group(
            Name=workgroup,
            Configuration={"ResultConfiguration": {"OutputLocation": f"s3://{self.bucket}/athena/{run}/"}},
        )
        job = unique("bench-job")
        self.setup.glue.create_job(
            Name=job,
            Role="arn:aws:iam::123456789012:role/glue",
            Command={"Name": "glueetl", "ScriptLocation": f"s3://{self.bucket}/job.py"},
            ExecutionProperty={"MaxConcurrentRuns": 1},
        )
        tables = tuple(
            ResultTable(kind=kind, name=f"{run}_{kind}", location=f"s3://{self.bucket}/results/{run}/{kind}/")
            for kind in TABLE_KINDS
        )
        return Settings(
            dependency_queue_arns=tuple(queues),
            glue_job_name=job,
            athena_workgroup=workgroup,
            athena_database="bench",
            result_tables=tables,
            import_manifest_location=f"s3://{self.bucket}/manifests/import/",
            export_manifest_location=f"s3://{self.bucket}/manifests/export/",
            snapshot_type="incremental",
            import_type="streaming_main",
            clear_prefixes=clear,
        )

    def measure(self, event: dict[str, Any], settings: Settings) -> dict[str, Any]:
        self.counter.reset()
        result = launch(event, settings, self.clients, now=datetime.now(UTC))
        calls = dict(sorted(self.counter.calls.items()))
        return {
            "outcome": result.outcome,
            "calls": sum(calls.values()),
            "requests": self.counter.requests,
            "list_jobs": calls.get("batch:ListJobs", 0),
            "by_operation": calls,
        }


def event(queue: str, status: str = "SUCCEEDED") -> dict[str, Any]:
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Batch Job State Change",
        "source": "aws.batch",
        "account": "123456789012",
        "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": "us-east-1",
        "resources": [],
        "detail": {"jobName": "bench", "jobId": str(uuid.uuid4()), "jobQueue": queue, "status": status},
    }


def seed_queue_check(batch: Any, queues: list[str]) -> int:
    """The seed's check: every status of every queue, every page, summed (no early stop)."""
    operational = 0
    for queue in queues:
        for status in ACTIVE:
            response = batch.list_jobs(jobQueue=queue, jobStatus=status)
            operational += len(response["jobSummaryList"])
            while response.get("nextToken"):
                response = batch.list_jobs(jobQueue=queue, jobStatus=status, nextToken=response["nextToken"])
                operational += len(response["jobSummaryList"])
    return operational


def measure_seed(bench: Bench, queues: list[str]) -> int:
    bench.counter.reset()
    seed_queue_check(bench.clients.batch, queues)
    return bench.counter.calls["batch:ListJobs"]


def run_cases(bench: Bench, count: int, objects: int) -> dict[str, Any]:
    cases: dict[str, Any] = {}

    queues = bench.queues(count)
    cases["skipped"] = bench.measure(event(queues[0], "RUNNING"), bench.settings(queues))

    queues = bench.queues(count)
    bench.hold(queues[0], "RUNNING")
    cases["waiting_first_running"] = bench.measure(event(queues[0]), bench.settings(queues))
    cases["waiting_first_running"]["seed_list_jobs"] = measure_seed(bench, queues)

    queues = bench.queues(count)
    bench.hold(queues[-1], "SUBMITTED")
    cases["waiting_last_submitted"] = bench.measure(event(queues[0]), bench.settings(queues))
    cases["waiting_last_submitted"]["seed_list_jobs"] = measure_seed(bench, queues)

    queues = bench.queues(count)
    clear: tuple[str, ...] = ()
    if objects:
        prefix = f"scratch/{unique('objects')}/"
        for index in range(objects):
            bench.setup.s3.put_object(Bucket=bench.bucket, Key=f"{prefix}part-{index:05d}", Body=b"x")
        clear = (f"s3://{bench.bucket}/{prefix}",)
    settings = bench.settings(queues, clear)
    cases["started"] = bench.measure(event(queues[0]), settings)
    cases["started"]["seed_list_jobs"] = measure_seed(bench, queues)
    cases["started"]["objects_cleared"] = objects
    cases["capped"] = bench.measure(event(queues[0]), settings)
    return cases


@contextmanager
def emulator_for_bench() -> Iterator[EmulatorProcess]:
    with start_emulator() as emulator:
        emulator.configure({"batch": {"use_docker": False}})
        yield emulator


def make_clients(emulator: EmulatorProcess, wrap: Callable[[Any], Any]) -> Clients:
    return Clients(
        batch=wrap(emulator.client("batch")),
        s3=wrap(emulator.client("s3")),
        athena=wrap(emulator.client("athena")),
        glue=wrap(emulator.client("glue")),
    )


def table(results: dict[int, Any]) -> str:
    header = (
        f"{'queues':>6} | {'skipped':>7} | {'waiting: 1st RUNNING':>20} | {'waiting: last SUBMITTED':>23} | "
        f"{'started':>7} | {'capped':>6} | {'queue check ours/seed (drained)':>31}"
    )
    lines = [header, "-" * len(header)]
    for count, cases in results.items():
        first, last, started = cases["waiting_first_running"], cases["waiting_last_submitted"], cases["started"]
        ratio = started["list_jobs"] / started["seed_list_jobs"] if started["seed_list_jobs"] else 0.0
        lines.append(
            f"{count:>6} | {cases['skipped']['calls']:>7} | "
            f"{first['calls']:>9} (seed {first['seed_list_jobs']:>3}) | "
            f"{last['calls']:>12} (seed {last['seed_list_jobs']:>3}) | "
            f"{started['calls']:>7} | {cases['capped']['calls']:>6} | "
            f"{started['list_jobs']:>4}/{started['seed_list_jobs']:<4} = {ratio:.2f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--queues", default="1,2,5,10,20", help="comma-separated dependency queue counts")
    parser.add_argument("--objects", type=int, default=2500, help="objects cleared in the largest started case")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    counts = sorted({int(n) for n in args.queues.split(",")})
    logger.setLevel("WARNING")  # the launcher's per-step INFO lines would bury the table

    results: dict[int, Any] = {}
    with emulator_for_bench() as emulator:
        counter = CallCounter()
        setup = make_clients(emulator, lambda client: client)
        role = emulator.client("iam").create_role(RoleName=unique("bench"), AssumeRolePolicyDocument="{}")
        environment = setup.batch.create_compute_environment(
            computeEnvironmentName=unique("bench"), type="UNMANAGED", state="ENABLED", serviceRole=role["Role"]["Arn"]
        )["computeEnvironmentArn"]
        definition = setup.batch.register_job_definition(
            jobDefinitionName="bench",
            type="container",
            containerProperties={"image": "busybox", "vcpus": 1, "memory": 128, "command": ["true"]},
        )["jobDefinitionArn"]
        bucket = unique("bench-launcher")
        setup.s3.create_bucket(Bucket=bucket)
        bench = Bench(emulator, counter, make_clients(emulator, counter.attach), setup, bucket, environment, definition)
        for count in counts:
            results[count] = run_cases(bench, count, args.objects if count == counts[-1] else 0)

    report = {
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
        "objects_cleared_in_largest_started_case": args.objects,
        "results": results,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n")
    print(table(results))
    print(f"\nstarted, by operation ({counts[-1]} queues):")
    for operation, calls in results[counts[-1]]["started"]["by_operation"].items():
        print(f"  {operation:<32} {calls}")
    print(f"\nwrote {args.output.relative_to(REPO_ROOT) if args.output.is_relative_to(REPO_ROOT) else args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
