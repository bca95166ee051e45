"""The five flows `make demo` drives over what envs/<env> deployed (its `pipelines` output).

What runs where: the emulator (moto + fills) holds every resource and executes the Step Functions state
machines, the Glue .sync task and the job-run states, S3, Kinesis, CodeCommit, SNS/SQS and the CodePipeline
job results. moto runs no Glue script and no Lambda code, so the demo runs them here: the Glue scripts on the
engine each job is deployed with (DuckDB in-process, or local Spark), the Lambda handlers' code in-process,
each with boto3 pointed at the emulator. Each flow returns (outcome sentence, rows/records, details) and
raises FlowFailed when an expected fact does not hold.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import uuid
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from platform_tools import REPO_ROOT, ToolingError
from platform_tools.demo_progress import LogFile, Progress
from platform_tools.emulator import EmulatorProcess

EXECUTION_TIMEOUT_S = 90.0


class FlowFailed(ToolingError):
    """An expected fact of a flow did not hold; the message says which, with what was seen."""


_sessions = threading.local()


@dataclass
class Context:
    emulator: EmulatorProcess
    outputs: dict[str, Any]
    work: Path
    progress: Progress
    log: LogFile

    def client(self, service: str) -> Any:
        """A client of this thread's own boto3 session (creating clients of one session from two threads races)."""
        session = getattr(_sessions, "session", None)
        if session is None:
            import boto3

            session = _sessions.session = boto3.session.Session()
        env = self.emulator.env()
        make_client: Any = session.client  # a runtime service name defeats the stubs' literal overloads
        return make_client(
            service,
            endpoint_url=self.emulator.endpoint,
            region_name=env["AWS_REGION"],
            aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
            aws_session_token=env["AWS_SESSION_TOKEN"],
        )

    def pipeline(self, name: str) -> dict[str, Any]:
        pipelines = self.outputs.get("pipelines") or {}
        config = pipelines.get(name)
        if not config:
            raise FlowFailed(
                f"the env has no `pipelines.{name}` output (outputs: {sorted(self.outputs)}; pipelines: "
                f"{sorted(pipelines)}): add it to stacks/platform/outputs.tf and envs/<env>/outputs.tf."
            )
        found: dict[str, Any] = config
        return found


FlowOutcome = tuple[str, int | None, dict[str, Any]]


@contextlib.contextmanager
def emulator_environment(emulator: EmulatorProcess) -> Iterator[None]:
    """os.environ points boto3 at the emulator inside the block (code that makes its own clients)."""
    keys = [*emulator.env(), "AWS_PROFILE"]
    saved = {key: os.environ.get(key) for key in keys}
    os.environ.pop("AWS_PROFILE", None)
    os.environ.update(emulator.env())
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def split_uri(uri: str) -> tuple[str, str]:
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    return bucket, key


def list_keys(s3: Any, uri: str) -> list[str]:
    bucket, prefix = split_uri(uri)
    keys: list[str] = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        keys += [item["Key"] for item in page.get("Contents", [])]
    return sorted(keys)


def read_json_lines(s3: Any, bucket: str, keys: list[str]) -> list[dict[str, Any]]:
    records = []
    for key in keys:
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode("utf-8")
        records += [json.loads(line) for line in body.splitlines() if line.strip()]
    return records


def partitions_of(keys: list[str], prefix: str) -> list[str]:
    """The partition folders (`a=1/b=2`) under `prefix` that hold at least one data file."""
    found = set()
    for key in keys:
        parts = key.removeprefix(prefix).split("/")[:-1]
        folders = [part for part in parts if "=" in part]
        if folders and not key.rsplit("/", 1)[-1].startswith(("_", ".")):
            found.add("/".join(folders))
    return sorted(found)


def of_run(keys: list[str], run_id: str) -> list[str]:
    """The keys a run wrote (their names carry its run id), or all of them if none does."""
    named = [key for key in keys if run_id in key]
    return named or keys


def parquet_rows(s3: Any, bucket: str, keys: list[str], folder: Path) -> int:
    """Rows in these Parquet objects, counted by DuckDB over downloaded copies."""
    import duckdb

    folder.mkdir(parents=True, exist_ok=True)
    rows = 0
    for index, key in enumerate(keys):
        path = folder / f"{index}.parquet"
        s3.download_file(bucket, key, str(path))
        found = duckdb.sql(f"select count(*) from read_parquet('{path.as_posix()}')").fetchone()
        rows += int(found[0]) if found else 0
    return rows


def upload_tree(s3: Any, folder: Path, uri: str) -> list[str]:
    """Put every file under `folder` below `uri` (local Spark writes locally; the lake is the emulator's S3);
    the keys written."""
    bucket, prefix = split_uri(uri)
    keys = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.name.endswith(".crc"):
            key = f"{prefix}{path.relative_to(folder).as_posix()}"
            s3.put_object(Bucket=bucket, Key=key, Body=path.read_bytes())
            keys.append(key)
    return keys


def wait_for_execution(sfn: Any, execution_arn: str, timeout: float = EXECUTION_TIMEOUT_S) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        described: dict[str, Any] = sfn.describe_execution(executionArn=execution_arn)
        if described["status"] != "RUNNING":
            return described
        if time.monotonic() > deadline:
            raise FlowFailed(f"execution {execution_arn} still RUNNING after {timeout:.0f} s: see the emulator log.")
        time.sleep(0.25)


def run_execution(sfn: Any, machine_arn: str, payload: dict[str, Any]) -> dict[str, Any]:
    arn = sfn.start_execution(
        stateMachineArn=machine_arn, name=f"demo-{uuid.uuid4().hex[:12]}", input=json.dumps(payload)
    )["executionArn"]
    return wait_for_execution(sfn, arn)


def entered_states(sfn: Any, execution_arn: str) -> list[str]:
    events = sfn.get_execution_history(executionArn=execution_arn, maxResults=1000)["events"]
    return [e["stateEnteredEventDetails"]["name"] for e in events if "stateEnteredEventDetails" in e]


def the_job_run(execution: dict[str, Any]) -> dict[str, Any]:
    """The one job run an execution's output reports (`jobRuns` by task name, as modules/sfn_glue writes it)."""
    runs = json.loads(execution.get("output") or "{}").get("jobRuns") or {}
    if len(runs) != 1:
        raise FlowFailed(f"expected one job run in the execution's output `jobRuns`, found {sorted(runs)}.")
    (run,) = runs.values()
    found: dict[str, Any] = run
    return found


class Inbox:
    """An SQS queue subscribed (raw delivery) to a topic: what the topic published, by execution name."""

    def __init__(self, ctx: Context, topic_arn: str) -> None:
        self.sqs = ctx.client("sqs")
        self.url = self.sqs.create_queue(QueueName=f"demo-inbox-{uuid.uuid4().hex[:8]}")["QueueUrl"]
        arn = self.sqs.get_queue_attributes(QueueUrl=self.url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        self.subscription = ctx.client("sns").subscribe(
            TopicArn=topic_arn, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"}
        )["SubscriptionArn"]
        self.sns = ctx.client("sns")

    def messages(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        while True:
            batch = self.sqs.receive_message(QueueUrl=self.url, MaxNumberOfMessages=10, WaitTimeSeconds=0)
            if not batch.get("Messages"):
                return found
            for message in batch["Messages"]:
                found.append(json.loads(message["Body"]))
                self.sqs.delete_message(QueueUrl=self.url, ReceiptHandle=message["ReceiptHandle"])

    def close(self) -> None:
        """The demo's own queue and subscription go, so destroy leaves nothing the demo made."""
        self.sns.unsubscribe(SubscriptionArn=self.subscription)
        self.sqs.delete_queue(QueueUrl=self.url)


# ---------------------------------------------------------------- 1. Step Functions: hello

HELLO_MESSAGE = "hello from make demo"
HELLO_FAILURE = "hello_shell: a failure the demo asked the emulator for"


def hello_flow(ctx: Context) -> FlowOutcome:
    from platform_tools.emulator.fills.glue_job_runs import set_job_run_outcomes

    config = ctx.pipeline("hello")
    sfn, glue = ctx.client("stepfunctions"), ctx.client("glue")
    machine, job = config["state_machine_arn"], config["glue_job_name"]

    done = run_execution(sfn, machine, {"message": HELLO_MESSAGE})
    if done["status"] != "SUCCEEDED":
        raise FlowFailed(f"the hello execution ended {done['status']}: {done.get('error')} {done.get('cause')}")
    run_id = the_job_run(done)["JobRunId"]
    run = glue.get_job_run(JobName=job, RunId=run_id)["JobRun"]
    received = run.get("Arguments", {}).get("--message")
    if received != HELLO_MESSAGE:
        raise FlowFailed(f"the Glue run got --message {received!r}, not the execution's {HELLO_MESSAGE!r}.")

    # The second execution's run fails (the emulator's test control decides how a run ends).
    inbox = Inbox(ctx, config["failure_topic_arn"])
    try:
        set_job_run_outcomes(ctx.emulator.endpoint, job, [{"state": "FAILED", "error_message": HELLO_FAILURE}])
        failed = run_execution(sfn, machine, {"message": "this run fails"})
        set_job_run_outcomes(ctx.emulator.endpoint, job, [])
        messages = [m for m in inbox.messages() if m.get("ExecutionName") == failed["name"]]
    finally:
        inbox.close()
    states = entered_states(sfn, failed["executionArn"])
    definition = json.loads(sfn.describe_state_machine(stateMachineArn=machine)["definition"])
    last_state = states[-1] if states else ""
    last_type = definition["States"].get(last_state, {}).get("Type")
    if failed["status"] != "FAILED" or last_type != "Fail":
        raise FlowFailed(
            f"the failing execution ended {failed['status']} in {last_state!r} ({last_type}), not a Fail state."
        )
    if len(messages) != 1:
        raise FlowFailed(f"expected one failure notification for {failed['name']}, got {len(messages)}.")
    (message,) = messages
    cause = message.get("Cause")
    details = {
        "succeeded": {
            "execution": done["name"],
            "status": done["status"],
            "job_run_id": run_id,
            "job_run_state": run["JobRunState"],
            "message_sent": HELLO_MESSAGE,
            "message_received": received,
        },
        "failed": {
            "execution": failed["name"],
            "status": failed["status"],
            "error": failed.get("error"),
            "fail_state": last_state,
            "states": states,
            "notification": {
                "JobName": message.get("JobName"),
                "JobRunId": message.get("JobRunId"),
                "Error": message.get("Error"),
                "ExecutionName": message.get("ExecutionName"),
                "ErrorMessage": json.loads(cause).get("ErrorMessage")
                if isinstance(cause, str) and cause.startswith("{")
                else None,
            },
        },
    }
    outcome = (
        f"run got --message, SUCCEEDED; failed run -> 1 SNS message ({message.get('Error')}), Fail state {last_state!r}"
    )
    return outcome, None, details


# ---------------------------------------------------------------- 2. Step Functions: orders on its engine


@dataclass(frozen=True)
class SampleOrder:
    """One sample record and what should happen to it: None = written, else why it is quarantined
    (`rule` = the data-quality rule it fails, which makes the rule FAIL in the report)."""

    record: Any
    quarantined: str | None = None
    rule: str | None = None


def _order(order_id: Any, customer: str, amount: Any, currency: str, day: str, **extra: Any) -> dict[str, Any]:
    return {
        "order_id": order_id,
        "customer": {"id": customer},
        "amount": amount,
        "currency": currency,
        "order_date": day,
        **extra,
    }


SAMPLE_LINES = [
    SampleOrder(_order(1, "c-1", "19.90", "EUR", "2026-11-20", ordered_at="2026-11-20T10:00:00Z")),
    SampleOrder(_order(2, "c-2", 5, "GBP", "2026-11-20")),
    SampleOrder(_order(3, "c-1", 120.5, "USD", "2026-11-21")),
    SampleOrder(_order(4, "c-3", 0, "EUR", "2026-11-21")),
    SampleOrder(_order(5, "c-8", 42, "USD", "2026-11-22")),
    SampleOrder(
        _order(6, "c-4", 10, "JPY", "2026-11-21"), "data quality", 'ColumnValues "currency" in ["EUR", "GBP", "USD"]'
    ),
    SampleOrder(_order(7, "c-5", -3, "EUR", "2026-11-21"), "data quality", 'ColumnValues "amount" >= 0'),
    SampleOrder(_order("seven", "c-6", 1, "EUR", "2026-11-21"), "order_id is not a bigint"),
    SampleOrder('{"order_id": 8, "customer": {"id": "c-7"}, "amount": 1, "currency": "EUR", "order_', "malformed JSON"),
]
SAMPLE_ARRAY = [
    SampleOrder(_order(9, "c-9", 12, "EUR", "2026-11-22")),
    SampleOrder(_order(10, "c-2", 7.5, "GBP", "2026-11-22")),
    SampleOrder(42, "array element that is not an object"),
]
SAMPLE_FILES = {"orders-1.jsonl": SAMPLE_LINES, "orders-2.json": SAMPLE_ARRAY}


def sample_file(name: str) -> bytes:
    records = SAMPLE_FILES[name]
    if name.endswith(".jsonl"):
        lines = [r.record if isinstance(r.record, str) else json.dumps(r.record) for r in records]
        return ("\n".join(lines) + "\n").encode()
    return (json.dumps([r.record for r in records], indent=2) + "\n").encode()


def sample_expectation() -> dict[str, Any]:
    """What the sample implies: rows in, written, quarantined, and the rules that must fail."""
    every = [record for records in SAMPLE_FILES.values() for record in records]
    return {
        "rows_in": len(every),
        "rows_written": sum(1 for r in every if r.quarantined is None),
        "rows_quarantined": sum(1 for r in every if r.quarantined is not None),
        "failed_rules": sorted({r.rule for r in every if r.rule}),
    }


def scheduled_input(ctx: Context, machine_arn: str) -> dict[str, Any] | None:
    """The input the state machine's schedule would start it with (moto never fires scheduled rules)."""
    events = ctx.client("events")
    for rule in events.list_rule_names_by_target(TargetArn=machine_arn).get("RuleNames", []):
        for target in events.list_targets_by_rule(Rule=rule)["Targets"]:
            if target["Arn"] == machine_arn and target.get("Input"):
                found: dict[str, Any] = json.loads(target["Input"])
                return found
    return None


def job_engine(job: dict[str, Any]) -> str:
    """duckdb: a Python-shell job given wheels (--additional-python-modules); spark: a glueetl job."""
    command = job["Command"]["Name"]
    if command == "pythonshell" and "--additional-python-modules" in job.get("DefaultArguments", {}):
        return "duckdb"
    if command == "glueetl":
        return "spark"
    raise FlowFailed(f"the orders job is a {command} job without --additional-python-modules: no engine to run it on.")


def download(s3: Any, uri: str, folder: Path) -> Path:
    bucket, key = split_uri(uri)
    target = folder / key.rsplit("/", 1)[-1]
    s3.download_file(bucket, key, str(target))
    return target


def as_argv(script: str, arguments: dict[str, str]) -> list[str]:
    argv = [script]
    for name, value in arguments.items():
        argv += [name, value]
    return argv


def own_arguments(arguments: dict[str, str], job_name: str) -> dict[str, str]:
    """The job's own arguments and --JOB_NAME: Glue's parameters (installer options, --TempDir, metrics, the
    pipeline's run tag...) are settings for Glue itself, with no meaning to a local run."""
    from etl_lib.job_args import GLUE_PARAMETERS

    own = {name: value for name, value in arguments.items() if name.removeprefix("--") not in GLUE_PARAMETERS}
    return {**own, "--JOB_NAME": job_name}


def run_orders_duckdb(ctx: Context, job: dict[str, Any], arguments: dict[str, str], work: Path) -> dict[str, Any]:
    """The deployed script (downloaded from the emulator) in-process: it reads and writes s3:// itself."""
    script = download(ctx.client("s3"), job["Command"]["ScriptLocation"], work)
    spec = importlib.util.spec_from_file_location(f"demo_deployed_{script.stem}", script)
    if spec is None or spec.loader is None:
        raise FlowFailed(f"cannot load the deployed script {script}.")
    module = importlib.util.module_from_spec(spec)
    with emulator_environment(ctx.emulator):
        spec.loader.exec_module(module)
        result = module.main(as_argv(script.name, arguments))
    return {"run_id": result.run_id, "status": result.status, "report_path": result.report_path}


LOCATION_ARGUMENTS = ("--input_path", "--output_path", "--quarantine_path", "--report_path")


def run_orders_spark(ctx: Context, job: dict[str, Any], arguments: dict[str, str], work: Path) -> dict[str, Any]:
    """The deployed script and library on local Spark (a subprocess): local Spark has no S3, so the input is
    downloaded first and the output, quarantine and report uploaded to the job's S3 locations after."""
    s3 = ctx.client("s3")
    script = download(s3, job["Command"]["ScriptLocation"], work)
    local = {name: work / name.strip("-").removesuffix("_path") for name in LOCATION_ARGUMENTS}
    bucket, prefix = split_uri(arguments["--input_path"])
    local["--input_path"].mkdir(parents=True)
    for key in list_keys(s3, arguments["--input_path"]):
        s3.download_file(bucket, key, str(local["--input_path"] / key.removeprefix(prefix).replace("/", "_")))
    command = [sys.executable, "-m", "platform_tools.run_job"]
    library = job.get("DefaultArguments", {}).get("--extra-py-files")
    if library:
        command += ["--extra-py-files", str(download(s3, library, work))]
    command.append(str(script))
    for name, value in arguments.items():
        command += [name, str(local[name]) if name in local else value]
    python_path = os.pathsep.join([str(REPO_ROOT / "tooling"), os.environ.get("PYTHONPATH", "")])
    finished = subprocess.run(
        command, capture_output=True, text=True, timeout=600, check=False, env={**os.environ, "PYTHONPATH": python_path}
    )
    ctx.log.stream.write(finished.stdout + finished.stderr)
    if finished.returncode != 0:
        raise FlowFailed(f"the orders job on local Spark failed:\n{(finished.stderr or finished.stdout)[-3000:]}")
    for name in ("--output_path", "--quarantine_path", "--report_path"):
        if local[name].exists():
            upload_tree(s3, local[name], arguments[name])
    (report_file,) = local["--report_path"].rglob("*.json")
    report = json.loads(report_file.read_text())
    return {"run_id": report.get("run_id"), "status": report.get("status"), "report_path": None}


def orders_flow(ctx: Context) -> FlowOutcome:
    config = ctx.pipeline("orders")
    sfn, glue, s3 = ctx.client("stepfunctions"), ctx.client("glue"), ctx.client("s3")
    job_name = config["glue_job_name"]
    job = glue.get_job(JobName=job_name)["Job"]
    engine = job_engine(job)
    if engine != config.get("engine", engine):
        raise FlowFailed(f"the orders output says engine {config['engine']!r}, the job definition says {engine!r}.")
    input_format = job.get("DefaultArguments", {}).get("--input_format", "jsonl")
    if input_format not in ("auto", "json"):
        raise FlowFailed(
            f"the orders job reads --input_format {input_format!r}, and the sample has a file that is a JSON array: "
            'set "--input_format" = "auto" in the orders job\'s default_arguments (stacks/platform).'
        )

    # The sample goes into the input bucket on the emulator's S3.
    bucket, prefix = split_uri(config["input_uri"])
    for name in SAMPLE_FILES:
        s3.put_object(Bucket=bucket, Key=f"{prefix}{name}", Body=sample_file(name))

    payload = scheduled_input(ctx, config["state_machine_arn"]) or {"input_path": config["input_uri"]}
    done = run_execution(sfn, config["state_machine_arn"], payload)
    if done["status"] != "SUCCEEDED":
        raise FlowFailed(f"the orders execution ended {done['status']}: {done.get('error')} {done.get('cause')}")
    run = glue.get_job_run(JobName=job_name, RunId=the_job_run(done)["JobRunId"])["JobRun"]
    # What Glue would run the script with: the job's defaults, overridden by the run's arguments.
    arguments = own_arguments({**job.get("DefaultArguments", {}), **run.get("Arguments", {})}, job_name)

    work = ctx.work / "orders"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    with ctx.progress.step(f"orders: the deployed script on {engine}", long=True) as step:
        ran = (run_orders_duckdb if engine == "duckdb" else run_orders_spark)(ctx, job, arguments, work)
        step.note = str(ran["status"])

    # Read back from the emulator's S3: the written partitions, the quarantine and the report.
    output_uri, quarantine_uri, report_uri = (arguments[f"--{n}_path"] for n in ("output", "quarantine", "report"))
    data_files = [k for k in list_keys(s3, output_uri) if k.endswith(".parquet")]
    output_keys = of_run(data_files, str(ran["run_id"]))
    output_bucket, output_prefix = split_uri(output_uri)
    rows_by_partition = {
        partition: parquet_rows(
            s3, output_bucket, [k for k in output_keys if f"/{partition}/" in k], work / "read-back" / partition
        )
        for partition in partitions_of(output_keys, output_prefix)
    }
    quarantine_files = [k for k in list_keys(s3, quarantine_uri) if not k.rsplit("/", 1)[-1].startswith(("_", "."))]
    quarantined = read_json_lines(s3, split_uri(quarantine_uri)[0], of_run(quarantine_files, str(ran["run_id"])))
    report_keys = [k for k in list_keys(s3, report_uri) if k.endswith(".json") and str(ran["run_id"]) in k]
    if len(report_keys) != 1:
        raise FlowFailed(f"expected one report of run {ran['run_id']} under {report_uri}, found {report_keys}.")
    report_bucket = split_uri(report_uri)[0]
    report = json.loads(s3.get_object(Bucket=report_bucket, Key=report_keys[0])["Body"].read())
    counts = report["counts"]
    rules = [{"rule": r["rule"], "outcome": r["outcome"]} for r in report["data_quality"]["rules"]]
    details = {
        "engine": engine,
        "execution": done["name"],
        "execution_status": done["status"],
        "job_run_id": run["Id"],
        "input_files": [f"{config['input_uri']}{name}" for name in SAMPLE_FILES],
        "run_id": ran["run_id"],
        "status": report["status"],
        "rows_in": counts["rows_in"],
        "rows_written": counts["rows_written"],
        "rows_quarantined": counts["rows_quarantined"],
        "partitions": sorted(rows_by_partition),
        "rows_by_partition": rows_by_partition,
        "quarantine_records": len(quarantined),
        "report": f"s3://{report_bucket}/{report_keys[0]}",
        "rules": rules,
        "expected": sample_expectation(),
    }
    failed = [r["rule"] for r in rules if r["outcome"] == "FAIL"]
    expected = details["expected"]
    seen = {key: details[key] for key in ("rows_in", "rows_written", "rows_quarantined")}
    seen["failed_rules"] = sorted(failed)
    if seen != expected or len(quarantined) != expected["rows_quarantined"]:
        raise FlowFailed(
            f"the orders run differs from what the sample implies: {seen} (quarantine files: "
            f"{len(quarantined)} records), expected {expected}."
        )
    outcome = (
        f"{engine}: {counts['rows_in']} in, {counts['rows_written']} written to {len(details['partitions'])} "
        f"partitions, {counts['rows_quarantined']} quarantined; {report['status']}; {len(failed)} rule(s) failed"
    )
    return outcome, int(counts["rows_in"]), details


# ---------------------------------------------------------------- 3. Kinesis -> streaming transform

# Malformed records put on the stream, by the quarantine reason the transform must give them.
MALFORMED_RECORDS = {
    "empty_payload": b"",
    "binary_payload": b"\x00\xff\xfe",
    "json_array": b"[1, 2]",
    "malformed_json": b'{"id": 99',
}
GOOD_STREAM_RECORDS = 8
STREAM_BASE_MS = 1_795_000_000_000  # 2026-11-18: event times a few hours apart, one partition each


def stream_value(type_name: str, index: int, time_field: bool) -> Any:
    """A valid value of a Glue type for the index-th good record."""
    kind = type_name.lower()
    if time_field or kind == "timestamp":
        return STREAM_BASE_MS + index * 3 * 3_600_000
    if kind in ("bigint", "int", "integer", "smallint", "tinyint"):
        return index
    if kind.startswith("decimal") or kind in ("double", "float"):
        return f"{index}.25"
    if kind == "boolean":
        return index % 2 == 0
    if kind == "date":
        return f"2026-11-{10 + index:02d}"
    return f"value-{index}"


def stream_records(fields: list[dict[str, Any]], time_field: str | None) -> tuple[list[bytes], dict[str, bytes]]:
    good = [
        json.dumps({f["name"]: stream_value(f["type"], i, f["name"] == time_field) for f in fields}).encode()
        for i in range(GOOD_STREAM_RECORDS)
    ]
    bad = dict(MALFORMED_RECORDS)
    numeric = next((f["name"] for f in fields if f["type"].lower() in ("bigint", "int", "integer", "double")), None)
    if numeric:
        bad["schema_mismatch"] = json.dumps({numeric: "not a number"}).encode()
    return good, bad


def start_local_spark() -> Any:
    """The local Spark session the streaming job will use (getOrCreate finds it), with the local runner's
    settings: local[2], few shuffle partitions, no UI (Spark's defaults cost minutes on 2 cores). An existing
    session is used as it is. Started early, in a thread, its JVM start overlaps with terraform's waits."""
    from pyspark.sql import SparkSession

    from platform_tools.run_job import parse_args, spark_submit_args

    if SparkSession.getActiveSession() is None:
        options, _ = parse_args(["job.py"])
        os.environ["PYSPARK_SUBMIT_ARGS"] = spark_submit_args(options)
    return SparkSession.builder.getOrCreate()


def stream_flow(ctx: Context) -> FlowOutcome:
    config = ctx.pipeline("stream")
    kinesis, glue, s3 = ctx.client("kinesis"), ctx.client("glue"), ctx.client("s3")
    job = glue.get_job(JobName=config["glue_job_name"])["Job"]
    arguments = own_arguments(job.get("DefaultArguments", {}), job["Name"])
    fields = json.loads(arguments["--field_schema"])
    time_field = arguments.get("--event_time_field")
    good, bad = stream_records(fields, time_field)
    put_at = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=1)
    for index, data in enumerate([*good, *bad.values()]):
        kinesis.put_record(StreamName=config["stream_name"], Data=data, PartitionKey=f"demo-{index}")

    work = ctx.work / "stream"
    shutil.rmtree(work, ignore_errors=True)
    local = {
        "--output_path": work / "output",
        "--quarantine_path": work / "quarantine",
        "--checkpoint_location": work / "checkpoint",
    }
    arguments.update({name: str(path) for name, path in local.items()})
    arguments.update({"--local_mode": "true", "--local_stream_name": config["stream_name"]})
    if arguments.get("--starting_position", "latest") == "latest":
        # On Glue the job runs before the records arrive, so "latest" sees them; this run starts after they were
        # put, so it starts at that time instead.
        arguments["--starting_position"] = put_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    with ctx.progress.step("stream: Spark start and the streaming transform", long=True) as step:
        with emulator_environment(ctx.emulator):
            start_local_spark()
            from jobs import kinesis_to_parquet

            batches = kinesis_to_parquet.main(as_argv("kinesis_to_parquet.py", arguments))
        step.note = f"{len(batches)} batch(es)"
    # Local Spark writes local files; the lake is the emulator's S3, so the files go to the job's locations.
    # Read back from the emulator's S3 what this run put there.
    output_keys = set(upload_tree(s3, local["--output_path"], config["output_uri"])) & set(
        list_keys(s3, config["output_uri"])
    )
    uploaded = upload_tree(s3, local["--quarantine_path"], config["quarantine_uri"])
    quarantine_keys = [k for k in list_keys(s3, config["quarantine_uri"]) if k in uploaded]
    quarantined = read_json_lines(
        s3,
        split_uri(config["quarantine_uri"])[0],
        [k for k in quarantine_keys if k.rsplit("/", 1)[-1].startswith("batch-")],
    )
    written = sum(b.rows_written for b in batches)
    reasons = sorted(str(r.get("reason")) for r in quarantined)
    if written != len(good) or sorted(set(reasons)) != sorted(bad) or len(reasons) != len(bad):
        raise FlowFailed(
            f"the streaming transform wrote {written} of {len(good)} good records and quarantined {reasons} "
            f"(expected one of each of {sorted(bad)}); batches: {batches}."
        )
    details = {
        "stream": config["stream_name"],
        "starting_position": arguments["--starting_position"],
        "records_put": len(good) + len(bad),
        "good_records_put": len(good),
        "malformed_put": sorted(bad),
        "batches": [
            {
                "batch_id": b.batch_id,
                "rows_in": b.rows_in,
                "rows_written": b.rows_written,
                "rows_quarantined": b.rows_quarantined,
            }
            for b in batches
        ],
        "rows_written": written,
        "rows_quarantined": sum(b.rows_quarantined for b in batches),
        "partitions": partitions_of(sorted(output_keys), split_uri(config["output_uri"])[1]),
        "quarantine_reasons": reasons,
        "output_uri": config["output_uri"],
        "quarantine_uri": config["quarantine_uri"],
    }
    outcome = (
        f"{details['records_put']} records put, {written} written to {len(details['partitions'])} partitions, "
        f"{len(quarantined)} quarantined ({', '.join(sorted(set(details['quarantine_reasons'])))})"
    )
    return outcome, int(details["records_put"]), details


# ---------------------------------------------------------------- 4. CodePipeline: commit -> deployer

SKIPPED_PARTS = {"__pycache__", ".pytest_cache", ".mypy_cache"}


def glue_sources() -> dict[str, bytes]:
    """src/glue as a repository holds it (paths from the repository root)."""
    folder = REPO_ROOT / "src" / "glue"
    return {
        path.relative_to(REPO_ROOT).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not SKIPPED_PARTS & set(path.parts) and path.suffix != ".pyc"
    }


def deployer_action(pipeline: dict[str, Any], function_name: str) -> dict[str, Any]:
    """The first Lambda invoke action of the pipeline that calls the deployer (the first deploy stage)."""
    for stage in pipeline["stages"]:
        for action in stage["actions"]:
            configuration = action.get("configuration", {})
            if action["actionTypeId"]["provider"] == "Lambda" and configuration.get("FunctionName") == function_name:
                found: dict[str, Any] = action
                return found
    raise FlowFailed(f"the pipeline {pipeline['name']} has no Lambda invoke action calling {function_name}.")


def pipeline_job_event(
    job_id: str, configuration: dict[str, str], bucket: str, key: str, revision: str, **data: Any
) -> dict[str, Any]:
    """A CodePipeline job event for a Lambda invoke action, in the shape AWS documents."""
    return {
        "CodePipeline.job": {
            "id": job_id,
            "accountId": "123456789012",
            "data": {
                "actionConfiguration": {"configuration": configuration},
                "inputArtifacts": [
                    {
                        "name": "source",
                        "revision": revision,
                        "location": {"type": "S3", "s3Location": {"bucketName": bucket, "objectKey": key}},
                    }
                ],
                "outputArtifacts": [],
                "artifactCredentials": {"accessKeyId": "ASIADEMO", "secretAccessKey": "demo", "sessionToken": "demo"},
                **data,
            },
        }
    }


def commit_files(codecommit: Any, repository: str, branch: str, files: dict[str, bytes], message: str) -> str:
    parent: str | None = None
    with contextlib.suppress(codecommit.exceptions.BranchDoesNotExistException):
        parent = codecommit.get_branch(repositoryName=repository, branchName=branch)["branch"]["commitId"]
    request: dict[str, Any] = {
        "repositoryName": repository,
        "branchName": branch,
        "commitMessage": message,
        "authorName": "make demo",
        "putFiles": [{"filePath": path, "fileContent": content} for path, content in files.items()],
    }
    if parent:
        request["parentCommitId"] = parent
    commit: str = codecommit.create_commit(**request)["commitId"]
    return commit


def artifact_of(codecommit: Any, repository: str, commit: str, paths: list[str]) -> bytes:
    """The source artifact (CODE_ZIP) of `commit`: each file as the commit holds it, read back from CodeCommit."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in paths:
            content = codecommit.get_file(repositoryName=repository, commitSpecifier=commit, filePath=path)[
                "fileContent"
            ]
            archive.writestr(path, content)
    return buffer.getvalue()


def deploy_flow(ctx: Context) -> FlowOutcome:
    from glue_deployer.deployer.core import Clients, handle
    from platform_tools.emulator.fills.codepipeline import job_result

    config = ctx.pipeline("deploy")
    codecommit, s3, glue = ctx.client("codecommit"), ctx.client("s3"), ctx.client("glue")
    repository, branch = config["repository_name"], config["branch"]
    pipeline = ctx.client("codepipeline").get_pipeline(name=config["pipeline_name"])["pipeline"]
    action = deployer_action(pipeline, config["deployer_function_name"])
    parameters = json.loads(action["configuration"]["UserParameters"])
    script_path = parameters["script_path"]

    # The repository's sources, then a commit that changes the job's script.
    sources = glue_sources()
    if script_path not in sources:
        raise FlowFailed(f"the deployer's script_path {script_path} is not in src/glue of this repository.")
    first = commit_files(codecommit, repository, branch, sources, "the Glue sources")
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    changed = sources[script_path] + f"\n# changed by make demo at {stamp}\n".encode()
    commit = commit_files(codecommit, repository, branch, {script_path: changed}, "make demo: a changed script")

    bucket = config["artifact_bucket"]
    key = f"{config['pipeline_name'][:20]}/source/{uuid.uuid4().hex[:7]}"
    s3.put_object(Bucket=bucket, Key=key, Body=artifact_of(codecommit, repository, commit, sorted(sources)))
    target = parameters["job_name"]
    before = glue.get_job(JobName=target)["Job"]["Command"]["ScriptLocation"]

    clients = Clients(s3=s3, glue=glue, codepipeline=ctx.client("codepipeline"))
    first_job, second_job = str(uuid.uuid4()), str(uuid.uuid4())
    started = handle(pipeline_job_event(first_job, action["configuration"], bucket, key, commit), clients)
    first_report = job_result(ctx.emulator.endpoint, first_job) or {}
    token = first_report.get("continuationToken")
    if started.outcome != "in_progress" or not token:
        raise FlowFailed(f"the deployer's first invocation answered {started.outcome}: {first_report}")
    finished = handle(
        pipeline_job_event(second_job, action["configuration"], bucket, key, commit, continuationToken=token), clients
    )
    second_report = job_result(ctx.emulator.endpoint, second_job) or {}
    job = glue.get_job(JobName=target)["Job"]
    after = job["Command"]["ScriptLocation"]
    runs = [
        r
        for r in glue.get_job_runs(JobName=target)["JobRuns"]
        if r.get("Arguments", {}).get("--codepipeline_job_id") == first_job
    ]
    if finished.outcome != "succeeded" or commit not in after:
        raise FlowFailed(f"the continuation answered {finished.outcome} and the job points at {after}: {second_report}")
    details = {
        "repository": repository,
        "branch": branch,
        "first_commit": first,
        "commit": commit,
        "changed_file": script_path,
        "target_job": target,
        "target_job_matches_output": target == config.get("target_job_name", target),
        "script_before": before,
        "script_after": after,
        "extra_py_files": job.get("DefaultArguments", {}).get("--extra-py-files"),
        "first_invocation": {
            "job_id": first_job,
            "outcome": started.outcome,
            "reported": first_report.get("status"),
            "continuation": bool(token),
        },
        "continuation": {
            "job_id": second_job,
            "outcome": finished.outcome,
            "reported": second_report.get("status"),
            "output_variables": second_report.get("outputVariables", {}),
        },
        "job_run": {"id": runs[0]["Id"], "state": runs[0]["JobRunState"]} if runs else None,
    }
    run_state = details["job_run"]["state"] if runs else "no run found"
    outcome = (
        f"commit {commit[:8]} deployed: {target} now runs the script of that commit; run {run_state}; "
        f"reported {first_report.get('status')} + continuation, then {second_report.get('status')}"
    )
    return outcome, None, details


# ---------------------------------------------------------------- 5. Batch launcher


def batch_job_state_change(queue_arn: str, job_name: str, status: str) -> dict[str, Any]:
    """A `Batch Job State Change` event as EventBridge delivers it (moto sends none itself)."""
    _, partition, _, region, account, _ = queue_arn.split(":", 5)
    job_id = str(uuid.uuid4())
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Batch Job State Change",
        "source": "aws.batch",
        "account": account,
        "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [f"arn:{partition}:batch:{region}:{account}:job/{job_id}"],
        "detail": {"jobName": job_name, "jobId": job_id, "jobQueue": queue_arn, "status": status},
    }


@contextlib.contextmanager
def batch_queues(ctx: Context, queue_arns: list[str]) -> Iterator[str]:
    """Stand in for the Batch side (owned by the manifest jobs' team): an unmanaged environment and the
    queues, removed again afterwards so destroy leaves nothing the demo made. Yields a job definition ARN."""
    iam, batch = ctx.client("iam"), ctx.client("batch")
    role = iam.create_role(RoleName="demo-batch-service", AssumeRolePolicyDocument='{"Version": "2012-10-17"}')
    environment = batch.create_compute_environment(
        computeEnvironmentName="demo-manifest-jobs", type="UNMANAGED", state="ENABLED", serviceRole=role["Role"]["Arn"]
    )["computeEnvironmentArn"]
    for arn in queue_arns:
        batch.create_job_queue(
            jobQueueName=arn.rsplit("/", 1)[1],
            state="ENABLED",
            priority=1,
            computeEnvironmentOrder=[{"order": 1, "computeEnvironment": environment}],
        )
    definition = batch.register_job_definition(
        jobDefinitionName="export-manifests",
        type="container",
        containerProperties={"image": "busybox", "vcpus": 1, "memory": 128, "command": ["true"]},
    )["jobDefinitionArn"]
    try:
        yield definition
    finally:
        batch.deregister_job_definition(jobDefinition=definition)
        for arn in queue_arns:
            with contextlib.suppress(Exception):
                batch.update_job_queue(jobQueue=arn, state="DISABLED")
                batch.delete_job_queue(jobQueue=arn)
        with contextlib.suppress(Exception):
            batch.update_compute_environment(computeEnvironment=environment, state="DISABLED")
            batch.delete_compute_environment(computeEnvironment=environment)
        iam.delete_role(RoleName="demo-batch-service")


def batch_config(ctx: Context) -> dict[str, Any]:
    pipelines = ctx.outputs.get("pipelines") or {}
    config = pipelines.get("batch") or ctx.outputs.get("manifest_comparison")
    if not config:
        return ctx.pipeline("batch")  # raises, naming the missing output
    found: dict[str, Any] = config
    return found


def batch_flow(ctx: Context) -> FlowOutcome:
    """Batch events delivered to the deployed launcher's code (in-process, with the settings the module
    rendered into the function's environment): it waits, starts the comparison once, then caps."""
    from batch_launcher.launcher.core import Clients, LaunchResult, launch
    from batch_launcher.launcher.settings import Settings
    from platform_tools.emulator.fills.batch_job_status import set_batch_job_status

    config = batch_config(ctx)
    ctx.emulator.configure({"batch": {"use_docker": False}})  # jobs are held by the control, not run
    function = ctx.client("lambda").get_function_configuration(FunctionName=config["function_name"])
    settings = Settings.from_environ(function["Environment"]["Variables"])
    clients = Clients(*(ctx.client(service) for service in ("batch", "s3", "athena", "glue")))
    # Last run's results, which the launcher clears before it starts the next run.
    results_bucket, results_prefix = split_uri(config["result_tables"]["counts"]["location"])
    ctx.client("s3").put_object(Bucket=results_bucket, Key=f"{results_prefix}part-0.parquet", Body=b"old")
    queues = list(config["dependency_queue_arns"])
    answers: list[LaunchResult] = []

    def deliver(expected: str) -> LaunchResult:
        event = batch_job_state_change(queues[0], "import-manifests", "SUCCEEDED")
        result = launch(event, settings, clients, now=datetime.now(UTC))
        answers.append(result)
        if result.outcome != expected:
            raise FlowFailed(f"the launcher answered {result.outcome} ({result.reason}), expected {expected}.")
        return result

    with batch_queues(ctx, queues) as definition:
        batch = ctx.client("batch")
        still_running = batch.submit_job(jobName="export-manifests", jobQueue=queues[0], jobDefinition=definition)
        set_batch_job_status(ctx.emulator.endpoint, still_running["jobId"], "RUNNING")
        waiting = deliver("waiting")
        set_batch_job_status(ctx.emulator.endpoint, still_running["jobId"], "SUCCEEDED")
        started = deliver("started")
        capped = deliver("capped")
    run = clients.glue.get_job_run(JobName=settings.glue_job_name, RunId=started.job_run_id or "")["JobRun"]
    runs_today = len(clients.glue.get_job_runs(JobName=settings.glue_job_name)["JobRuns"])
    details = {
        "outcomes": [a.outcome for a in answers],
        "waiting_reason": waiting.reason,
        "started": {
            "job_name": settings.glue_job_name,
            "job_run_id": run["Id"],
            "cut_off_time_start": run["Arguments"].get("--cut_off_time_start"),
            "cut_off_time_end": run["Arguments"].get("--cut_off_time_end"),
            "tables_rebuilt": list(started.tables_rebuilt),
            "objects_deleted": sum(started.objects_deleted.values()),
        },
        "capped_reason": capped.reason,
        "job_runs": runs_today,
    }
    outcome = (
        f"waiting (queue busy); started {settings.glue_job_name} once ({len(started.tables_rebuilt)} tables "
        f"rebuilt, cut-off window set); capped on the duplicate"
    )
    return outcome, None, details


FLOWS: list[tuple[str, Callable[[Context], FlowOutcome]]] = [
    ("hello", hello_flow),
    ("orders", orders_flow),
    ("stream", stream_flow),
    ("deploy", deploy_flow),
    ("batch", batch_flow),
]
