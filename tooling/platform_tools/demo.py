"""The main job against the local emulator: `make demo` (ENV=dev by default).

1. start a fresh emulator (EMULATOR_PORT, default: a free port);
2. create the Terraform state bucket there and `terraform init` envs/<ENV> with its S3 backend
   pointed at it (the same backend the env uses on AWS, with use_lockfile);
3. `terraform apply`, then a second plan that must show no changes;
4. exercise what was deployed (every exercise below whose output the env has): run each Glue job on the
   emulator, run the deployed JSON-to-Parquet job on local Spark over sample orders, drive the manifest
   launcher with Batch events;
5. `terraform destroy` and stop the emulator (DEMO_KEEP=1 keeps both up for poking around).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from platform_tools import BUILD_DIR, REPO_ROOT, ToolingError
from platform_tools.emulator import EmulatorProcess, start_emulator
from platform_tools.terraform import TerraformRoot

STATE_BUCKET = "local-terraform-state"
RUN_TIMEOUT_S = 60.0
TERMINAL_RUN_STATES = {"SUCCEEDED", "FAILED", "TIMEOUT", "STOPPED", "ERROR"}


def say(message: str) -> None:
    print(f"[demo] {message}", flush=True)


def create_state_bucket(emulator: EmulatorProcess) -> None:
    s3 = emulator.client("s3")
    s3.create_bucket(Bucket=STATE_BUCKET)
    s3.put_bucket_versioning(Bucket=STATE_BUCKET, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_encryption(
        Bucket=STATE_BUCKET,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )


def run_glue_jobs(outputs: dict[str, Any], emulator: EmulatorProcess) -> list[str]:
    """Start one run of each deployed Glue job and wait for its final state."""
    glue = emulator.client("glue")
    lines = []
    for label, job_name in sorted(outputs.get("glue_job_names", {}).items()):
        run_id = glue.start_job_run(JobName=job_name)["JobRunId"]
        deadline = time.monotonic() + RUN_TIMEOUT_S
        state = "STARTING"
        while time.monotonic() < deadline:
            state = glue.get_job_run(JobName=job_name, RunId=run_id)["JobRun"]["JobRunState"]
            if state in TERMINAL_RUN_STATES:
                break
            time.sleep(1)
        else:
            raise ToolingError(f"Glue job {job_name} run {run_id} did not finish within {RUN_TIMEOUT_S:.0f} s.")
        lines.append(f"glue job {label} ({job_name}) run {run_id[:12]}…: {state}")
        if state != "SUCCEEDED":
            raise ToolingError(f"Glue job {job_name} run ended {state}: see the emulator log {emulator.log_path}.")
    return lines


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


def create_batch_queues(emulator: EmulatorProcess, queue_arns: list[str]) -> None:
    """Stand in for the Batch side (owned by the manifest jobs' team): one unmanaged environment, the queues."""
    iam, batch = emulator.client("iam"), emulator.client("batch")
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


def drive_manifest_launcher(outputs: dict[str, Any], emulator: EmulatorProcess) -> list[str]:
    """Deliver Batch events to the deployed launcher's code: it waits, starts the comparison once, then caps.

    moto runs no Lambda code, so the launcher runs here, in-process, with the settings the module rendered
    into the deployed function's environment.
    """
    config = outputs.get("manifest_comparison")
    if not config:
        return []
    from batch_launcher.launcher.core import Clients, LaunchResult, launch
    from batch_launcher.launcher.settings import Settings
    from platform_tools.emulator.fills.batch_job_status import set_batch_job_status

    emulator.configure({"batch": {"use_docker": False}})  # jobs are held by the control, not run
    create_batch_queues(emulator, config["dependency_queue_arns"])
    function = emulator.client("lambda").get_function_configuration(FunctionName=config["function_name"])
    settings = Settings.from_environ(function["Environment"]["Variables"])
    clients = Clients(*(emulator.client(service) for service in ("batch", "s3", "athena", "glue")))
    # Last run's results, which the launcher clears before it starts the next run.
    results_bucket, _, results_prefix = config["result_tables"]["counts"]["location"][5:].partition("/")
    emulator.client("s3").put_object(Bucket=results_bucket, Key=f"{results_prefix}part-0.parquet", Body=b"old")

    first_queue = config["dependency_queue_arns"][0]
    batch = emulator.client("batch")
    definition = batch.register_job_definition(
        jobDefinitionName="export-manifests",
        type="container",
        containerProperties={"image": "busybox", "vcpus": 1, "memory": 128, "command": ["true"]},
    )["jobDefinitionArn"]
    still_running = batch.submit_job(jobName="export-manifests", jobQueue=first_queue, jobDefinition=definition)
    set_batch_job_status(emulator.endpoint, still_running["jobId"], "RUNNING")

    def deliver(expected: str) -> LaunchResult:
        event = batch_job_state_change(first_queue, "import-manifests", "SUCCEEDED")
        result = launch(event, settings, clients, now=datetime.now(UTC))
        if result.outcome != expected:
            raise ToolingError(f"the launcher answered {result.outcome} ({result.reason}), expected {expected}.")
        return result

    lines = [f"launcher, a job still RUNNING on a queue: {deliver('waiting').reason}"]
    set_batch_job_status(emulator.endpoint, still_running["jobId"], "SUCCEEDED")
    started = deliver("started")
    run = clients.glue.get_job_run(JobName=settings.glue_job_name, RunId=started.job_run_id or "")["JobRun"]
    lines.append(
        f"launcher, queues drained: cleared {sum(started.objects_deleted.values())} object(s), rebuilt "
        f"{len(started.tables_rebuilt)} tables, started {settings.glue_job_name} run {run['Id'][:12]}… "
        f"(window {run['Arguments']['--cut_off_time_start']}..{run['Arguments']['--cut_off_time_end']} ms)"
    )
    lines.append(f"launcher, the same event again: {deliver('capped').reason}")
    return lines


# Sample raw orders for the local ETL run: four clean, then one of each kind of bad record.
SAMPLE_ORDERS = [
    '{"order_id": 1, "customer": {"id": "c-1"}, "amount": "19.90", "currency": "EUR", '
    '"ordered_at": "2026-11-20T10:00:00Z", "order_date": "2026-11-20"}',
    '{"order_id": 2, "customer": {"id": "c-2"}, "amount": 5, "currency": "GBP", "order_date": "2026-11-20"}',
    '{"order_id": 3, "customer": {"id": "c-1"}, "amount": 120.5, "currency": "USD", "order_date": "2026-11-21"}',
    '{"order_id": 4, "customer": {"id": "c-3"}, "amount": 0, "currency": "EUR", "order_date": "2026-11-21"}',
    '{"order_id": 5, "customer": {"id": "c-4"}, "amount": 10, "currency": "JPY", "order_date": "2026-11-21"}',
    '{"order_id": 6, "customer": {"id": "c-5"}, "amount": -3, "currency": "EUR", "order_date": "2026-11-21"}',
    '{"order_id": "seven", "customer": {"id": "c-6"}, "amount": 1, "currency": "EUR", "order_date": "2026-11-21"}',
    '{"order_id": 8, "customer": {"id": "c-7"}, "amount": 1, "currency": "EUR", "order_',
]
# The deployed arguments that carry a job's locations; the local run replaces them with local folders.
LOCATION_ARGUMENTS = ("input_path", "output_path", "quarantine_path", "report_path")


def run_json_to_parquet_locally(outputs: dict[str, Any], emulator: EmulatorProcess) -> list[str]:
    """Run each deployed JSON-to-Parquet job's script, library and arguments (read back from the emulator)
    on local Spark over sample orders: moto runs no Glue script, so this is where the ETL itself is shown."""
    from etl_lib.config import JSON_TO_PARQUET_OPTIONS

    glue, s3 = emulator.client("glue"), emulator.client("s3")
    lines = []
    for label, job_name in sorted(outputs.get("glue_job_names", {}).items()):
        job = glue.get_job(JobName=job_name)["Job"]
        arguments = job.get("DefaultArguments", {})
        if "--mapping" not in arguments:
            continue
        work = BUILD_DIR / "demo" / "etl" / label
        shutil.rmtree(work, ignore_errors=True)
        (work / "input").mkdir(parents=True)
        (work / "input" / "orders.jsonl").write_text("\n".join(SAMPLE_ORDERS) + "\n", encoding="utf-8")

        def download(uri: str, folder: Path = work) -> Path:
            bucket, _, key = uri.removeprefix("s3://").partition("/")
            target = folder / key.rsplit("/", 1)[-1]
            s3.download_file(bucket, key, str(target))
            return target

        script = download(job["Command"]["ScriptLocation"])
        command = [sys.executable, "-m", "platform_tools.run_job"]
        if "--extra-py-files" in arguments:
            command += ["--extra-py-files", str(download(arguments["--extra-py-files"]))]
        command.append(str(script))
        for name in JSON_TO_PARQUET_OPTIONS:
            if name in LOCATION_ARGUMENTS:
                command += [f"--{name}", str(work / name.removesuffix("_path"))]
            elif f"--{name}" in arguments:
                command += [f"--{name}", arguments[f"--{name}"]]
        python_path = os.pathsep.join([str(REPO_ROOT / "tooling"), os.environ.get("PYTHONPATH", "")])
        env = {**os.environ, "PYTHONPATH": python_path}
        finished = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False, env=env)
        if finished.returncode != 0:
            raise ToolingError(f"{label} on local Spark failed:\n{(finished.stderr or finished.stdout)[-3000:]}")
        (report_file,) = (work / "report").glob("*.json")
        report = json.loads(report_file.read_text())
        counts = report["counts"]
        failed_rules = [rule["rule"] for rule in report["data_quality"]["rules"] if rule["outcome"] == "FAIL"]
        partitions = sorted(path.name for path in (work / "output").glob("*=*"))
        lines.append(
            f"{label} on local Spark (deployed script, library and arguments): {counts['rows_in']} sample "
            f"orders in, {counts['rows_written']} written to {', '.join(partitions)}, "
            f"{counts['rows_quarantined']} quarantined; {report['status']}; failed rules: {'; '.join(failed_rules)}"
        )
    return lines


# Each exercise takes the env's outputs and the emulator and returns lines to report.
EXERCISES: list[Callable[[dict[str, Any], EmulatorProcess], list[str]]] = [
    run_glue_jobs,
    run_json_to_parquet_locally,
    drive_manifest_launcher,
]


def run(env_name: str, keep: bool) -> int:
    env_dir = REPO_ROOT / "envs" / env_name
    # An environment is a root module with its own tfvars; stacks/platform is the module they share.
    if not (env_dir / "terraform.tfvars").is_file():
        choices = sorted(p.parent.name for p in (REPO_ROOT / "envs").glob("*/terraform.tfvars"))
        raise ToolingError(f"envs/{env_name} does not exist: choose ENV from {choices}.")
    port = int(os.environ.get("EMULATOR_PORT", "0"))
    started = time.monotonic()
    emulator = start_emulator(port=port, timeout=float(os.environ.get("EMULATOR_START_TIMEOUT", "60")))
    say(f"emulator up on {emulator.endpoint} (log {emulator.log_path.relative_to(REPO_ROOT)})")
    root: TerraformRoot | None = None
    applied = False
    try:
        create_state_bucket(emulator)
        work_dir = BUILD_DIR / "demo" / env_name
        root = TerraformRoot(
            env_dir,
            work_dir,
            env=emulator.env(),
            backend_config={
                "bucket": STATE_BUCKET,
                "key": f"{env_name}/terraform.tfstate",
                "region": emulator.env()["AWS_REGION"],
                "encrypt": "true",
                "use_lockfile": "true",
                "use_path_style": "true",
            },
        )
        say(f"terraform init envs/{env_name} (S3 backend on the emulator)")
        root.init()
        say("terraform apply")
        applied = True
        outputs = root.apply()
        say(f"applied {len(root.state_resources())} resources")
        changes, plan = root.plan_has_changes()
        if changes:
            raise ToolingError(f"a second plan shows changes after apply (not idempotent):\n{plan[-3000:]}")
        say("second plan: no changes")
        for exercise in EXERCISES:
            for line in exercise(outputs, emulator):
                say(line)
        if keep:
            say(f"DEMO_KEEP=1: emulator left running at {emulator.endpoint}; state in s3://{STATE_BUCKET}")
            say("press Ctrl-C to destroy and stop")
            try:
                while True:
                    time.sleep(1)
            except KeyboardInterrupt:
                pass
        say("terraform destroy")
        root.destroy()
        applied = False
        say(f"done in {time.monotonic() - started:.0f} s")
        return 0
    finally:
        if applied and root is not None and not keep:
            try:
                root.destroy(lock=False)  # this fresh emulator's state has no other writer
            except ToolingError as exc:
                say(f"destroy after failure also failed: {exc}")
        emulator.stop()


def main(argv: list[str] | None = None) -> int:
    env_name = os.environ.get("ENV", "dev")
    try:
        return run(env_name, keep=os.environ.get("DEMO_KEEP") == "1")
    except ToolingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
