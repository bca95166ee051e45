"""The main job against the local emulator: `make demo` (ENV=dev by default); `make demo-down` cleans up.

1. check that no earlier demo's emulator is still up and that EMULATOR_PORT (if set) is free;
2. start a fresh emulator (Step Functions execution on), create the Terraform state bucket there and
   `terraform init` envs/<ENV> with its S3 backend pointed at it (the backend the env uses on AWS);
3. `terraform apply`, then a second plan that must show no changes;
4. drive the five flows (demo_flows.py): Step Functions hello and orders, Kinesis, CodePipeline, Batch launcher;
5. `terraform destroy`, list what is left on the emulator per service, stop the emulator;
6. print the summary table and write build/demo/report.md, result.json and outcomes.png.

A line per step with the elapsed time goes to the screen (a spinner on the long waits when it is a terminal);
what the code under demonstration logs (the Lambdas' JSON lines, Spark, the job scripts) goes to
build/demo/demo.log. `run()` returns a DemoResult (one FlowResult per flow), which the tests assert on.
DEMO_KEEP=1 keeps the emulator and the stack up until Ctrl-C (or `make demo-down` from another terminal).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import Any

from platform_tools import BUILD_DIR, REPO_ROOT, ToolingError
from platform_tools.demo_flows import FLOWS, Context, emulator_environment, start_local_spark
from platform_tools.demo_progress import LogFile, Progress, screen
from platform_tools.demo_result import DemoResult, FlowResult, table, write_reports
from platform_tools.emulator import EmulatorProcess, start_emulator
from platform_tools.terraform import TerraformRoot

STATE_BUCKET = "local-terraform-state"
DEMO_DIR = BUILD_DIR / "demo"
PID_FILE = DEMO_DIR / "emulator.json"
# What the demo makes besides its reports, removed at the end of a run and by `make demo-down` (with the
# folders earlier versions of the demo left: dev/, prod/, etl/).
WORK_DIRS = ("work", "terraform", "dev", "prod", "etl")
# Set by SIGTERM (`make demo-down`): stop at once, without destroying (the emulator's memory is all there is).
STOP_REQUESTED = threading.Event()


# ---------------------------------------------------------------- an earlier demo, a busy port


def _process_command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _alive(pid: int, marker: str) -> bool:
    """Is `pid` running and still the process we recorded (its command line names `marker`)?"""
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    command = _process_command(pid)
    return marker in command if command else True


def previous_demo() -> dict[str, Any] | None:
    """The record of an earlier demo whose emulator still runs; a stale record is removed."""
    if not PID_FILE.exists():
        return None
    try:
        record: dict[str, Any] = json.loads(PID_FILE.read_text())
    except (OSError, ValueError):
        PID_FILE.unlink(missing_ok=True)
        return None
    if _alive(int(record.get("emulator_pid", 0)), "platform_tools.emulator.server"):
        return record
    PID_FILE.unlink(missing_ok=True)
    return None


def port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def check_can_start(port: int) -> None:
    record = previous_demo()
    if record is not None:
        raise ToolingError(
            f"a previous demo's emulator is still running (pid {record['emulator_pid']}, "
            f"http://127.0.0.1:{record['port']}, started by pid {record['demo_pid']}): stop it with `make demo-down`."
        )
    if port and port_in_use(port):
        raise ToolingError(
            f"port {port} (EMULATOR_PORT) on 127.0.0.1 is in use: stop what listens there (`make demo-down` if "
            f"it is an earlier demo; `ss -ltnp | grep :{port}` shows the process) or run with EMULATOR_PORT=0 (a free "
            "port)."
        )


def _shown(path: Path) -> str:
    return str(path.relative_to(REPO_ROOT)) if path.is_relative_to(REPO_ROOT) else str(path)


def down() -> list[str]:
    """`make demo-down`: stop a demo's emulator (and the demo process, if it still waits), remove its work."""
    done = []
    if PID_FILE.exists():
        with contextlib.suppress(OSError, ValueError):
            record = json.loads(PID_FILE.read_text())
            # The demo first: it stops its emulator itself; then the emulator, if it is still up.
            for key, marker in (
                ("demo_pid", "platform_tools.demo"),
                ("emulator_pid", "platform_tools.emulator.server"),
            ):
                pid = int(record.get(key, 0))
                if pid and pid != os.getpid() and _alive(pid, marker):
                    os.kill(pid, signal.SIGTERM)
                    deadline = time.monotonic() + 30
                    while _alive(pid, marker) and time.monotonic() < deadline:
                        time.sleep(0.2)
                    done.append(f"stopped {key.removesuffix('_pid')} process {pid}")
        PID_FILE.unlink(missing_ok=True)
    for name in WORK_DIRS:
        if (DEMO_DIR / name).exists():
            shutil.rmtree(DEMO_DIR / name, ignore_errors=True)
            done.append(f"removed {_shown(DEMO_DIR / name)}")
    return done


# ---------------------------------------------------------------- the run


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


def delete_state_bucket(emulator: EmulatorProcess) -> None:
    """The demo's own bucket goes too, so the leftover check sees only what the env left."""
    s3 = emulator.client("s3")
    versions = s3.list_object_versions(Bucket=STATE_BUCKET)
    for item in versions.get("Versions", []) + versions.get("DeleteMarkers", []):
        s3.delete_object(Bucket=STATE_BUCKET, Key=item["Key"], VersionId=item["VersionId"])
    s3.delete_bucket(Bucket=STATE_BUCKET)


def leftovers(endpoint: str, outputs: dict[str, Any]) -> tuple[dict[str, list[str]], dict[str, str]]:
    """What the emulator still holds per service, and the services it could not list (platform_tools.leftovers,
    shared with the envs' tests: KMS keys pending deletion are not leftovers there). The emulator cannot list
    CodeCommit repositories, so the deployed one is looked up by name."""
    from platform_tools.leftovers import leftovers as list_leftovers

    repository = ((outputs.get("pipelines") or {}).get("deploy") or {}).get("repository_name")
    known = {"codecommit repositories": [repository]} if repository else None
    found = list_leftovers(endpoint, ignore_buckets=[STATE_BUCKET], known=known)
    return {service: names for service, names in found.found.items() if names}, dict(found.unlisted)


def log_terraform(root: TerraformRoot, log: LogFile) -> None:
    """The last terraform command's output into the log (its work directory goes at the end of the run)."""
    with contextlib.suppress(OSError):
        log.stream.write((root.work_dir / "last-command.log").read_text() + "\n")


def spark_session() -> Any:
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        return None
    return SparkSession.getActiveSession()


def warm_spark(log: LogFile) -> None:
    try:
        start_local_spark()
    except Exception:  # the streaming flow starts it again and reports the failure
        log.stream.write(f"starting Spark ahead failed:\n{traceback.format_exc()}\n")


def run_flow(name: str, flow: Any, ctx: Context) -> FlowResult:
    """One flow; a failure is recorded (with the traceback in the log) and the demo goes on to the next."""
    started = time.monotonic()
    with ctx.progress.step(f"flow {name}") as step:
        try:
            outcome, rows, details = flow(ctx)
            result = FlowResult(name, True, outcome, rows, details=details)
        except Exception as exc:  # any failure of one flow is reported, and the other flows still run
            ctx.log.stream.write(f"flow {name} failed:\n{traceback.format_exc()}\n")
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            result = FlowResult(name, False, first_line[:300], error=f"{type(exc).__name__}: {exc}")
        step.note = result.outcome if result.ok else f"FAILED: {result.outcome}"
    result.seconds = time.monotonic() - started
    return result


def run(env_name: str = "dev", keep: bool = False, flows: list[str] | None = None) -> DemoResult:
    """The whole demo; returns its result (check `.ok`). Raises ToolingError before anything is started
    (unknown env, earlier emulator, busy port) or when a step the flows depend on fails (init, apply)."""
    env_dir = REPO_ROOT / "envs" / env_name
    # An environment is a root module with its own tfvars; stacks/platform is the module they share.
    if not (env_dir / "terraform.tfvars").is_file():
        choices = sorted(p.parent.name for p in (REPO_ROOT / "envs").glob("*/terraform.tfvars"))
        raise ToolingError(f"envs/{env_name} does not exist: choose ENV from {choices}.")
    port = int(os.environ.get("EMULATOR_PORT", "0"))
    check_can_start(port)
    for name in WORK_DIRS:
        shutil.rmtree(DEMO_DIR / name, ignore_errors=True)

    progress = Progress(out=screen())
    log = LogFile(DEMO_DIR / "demo.log")
    result = DemoResult(env=env_name)
    emulator: EmulatorProcess | None = None
    root: TerraformRoot | None = None
    applied = False
    spark_was_running = spark_session() is not None
    redirected = contextlib.ExitStack()
    try:
        log.route_loggers()
        # Spark's JVM and anything else printing on the process's own stdout/stderr go to the log from here on.
        redirected.enter_context(log.quiet())
        with progress.step("emulator start") as step:
            emulator = start_emulator(port=port, timeout=float(os.environ.get("EMULATOR_START_TIMEOUT", "60")))
            PID_FILE.write_text(
                json.dumps({"demo_pid": os.getpid(), "emulator_pid": emulator.process.pid, "port": emulator.port})
            )
            # Executions run for real; moto keeps machines made with this off in another backend, so it is set first.
            emulator.configure({"stepfunctions": {"execute_state_machine": True}})
            create_state_bucket(emulator)
            result.endpoint = emulator.endpoint
            step.note = f"{emulator.endpoint} (log {emulator.log_path.relative_to(REPO_ROOT)})"
        # Code that makes its own clients (the job scripts) finds the emulator here; set once, for every thread.
        redirected.enter_context(emulator_environment(emulator))
        selected = [(name, flow) for name, flow in FLOWS if flows is None or name in flows]
        if any(name == "stream" for name, _ in selected):
            # The JVM starts while terraform mostly waits on the provider's polling.
            threading.Thread(target=warm_spark, args=(log,), daemon=True).start()
        root = TerraformRoot(
            env_dir,
            DEMO_DIR / "terraform" / env_name,
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
        with progress.step(f"terraform init envs/{env_name} (S3 backend on the emulator)", long=True):
            root.init()
        with progress.step("terraform apply", long=True) as step:
            applied = True
            try:
                root.run("apply", "-input=false", "-no-color", "-auto-approve")
            finally:
                log_terraform(root, log)  # before `output` replaces the last command's log
            outputs = root.outputs()
            result.resources_applied = len(root.state_resources())
            step.note = f"{result.resources_applied} resources"
        ctx = Context(emulator, outputs, DEMO_DIR / "work", progress, log)
        done: dict[str, FlowResult] = {}
        # The streaming flow (Spark, the longest) runs beside the second plan: it only puts records on the stream
        # and objects in its bucket, which no plan reads. The others change deployed resources: after the plan.
        beside = [(name, flow) for name, flow in selected if name == "stream"]
        threads = [threading.Thread(target=lambda n=n, f=f: done.update({n: run_flow(n, f, ctx)})) for n, f in beside]
        if threads:
            import boto3

            # The default session's first clients, made here: two threads making them at once can race.
            for service in ("s3", "kinesis"):
                boto3.client(service)
        for thread in threads:
            thread.start()
        with progress.step("second plan", long=True) as step:
            changes, _ = root.plan_has_changes()  # the plan text goes to the log
            log_terraform(root, log)
            result.second_plan_clean = not changes
            step.note = "no changes" if not changes else "CHANGES after apply (not idempotent): see build/demo/demo.log"
        for name, flow in selected:
            if (name, flow) not in beside:
                done[name] = run_flow(name, flow, ctx)
        for thread in threads:
            thread.join()
        result.flows = [done[name] for name, _ in selected]
        if keep:
            progress.say(f"DEMO_KEEP=1: the emulator stays at {emulator.endpoint}; state in s3://{STATE_BUCKET}")
            progress.say("press Ctrl-C (or run `make demo-down`) to destroy and stop")
            with contextlib.suppress(KeyboardInterrupt):
                while emulator.process.poll() is None and not STOP_REQUESTED.is_set():
                    time.sleep(1)
            if STOP_REQUESTED.is_set() or emulator.process.poll() is not None:
                raise ToolingError("stopped by `make demo-down`: the emulator and everything it held are gone.")
        with progress.step("terraform destroy", long=True):
            try:
                root.destroy()
            finally:
                log_terraform(root, log)
            applied = False
            result.destroyed = True
        with progress.step("left on the emulator after destroy") as step:
            delete_state_bucket(emulator)
            result.leftovers, result.unlisted = leftovers(emulator.endpoint, outputs)
            found = [f"{k}: {len(v)}" for k, v in result.leftovers.items()]
            found += [f"{k}: could not list" for k in result.unlisted]
            step.note = ", ".join(found) or "nothing"
    finally:
        up = emulator is not None and emulator.process.poll() is None and not STOP_REQUESTED.is_set()
        if applied and root is not None and up:
            with contextlib.suppress(ToolingError):
                root.destroy(lock=False)  # this fresh emulator's state has no other writer
        if emulator is not None:
            emulator.stop()
        session = spark_session()
        if session is not None and not spark_was_running:
            session.stop()
        redirected.close()
        PID_FILE.unlink(missing_ok=True)
        for name in WORK_DIRS:
            shutil.rmtree(DEMO_DIR / name, ignore_errors=True)
        result.steps = {step.name: round(step.seconds, 1) for step in progress.steps}
        result.seconds = round(progress.elapsed(), 1)
        log.close()
        if result.flows:
            write_reports(result, DEMO_DIR)
            print(f"\n{table(result)}\n", file=progress.out)
            for label, path in result.files.items():
                progress.say(f"{label}: {Path(path).relative_to(REPO_ROOT)}")
            progress.say(f"log: {(DEMO_DIR / 'demo.log').relative_to(REPO_ROOT)}; done in {result.seconds:.0f} s")
    return result


def _terminate(*_: object) -> None:
    # `make demo-down` sends SIGTERM: leave through the `finally` blocks, which stop the emulator.
    STOP_REQUESTED.set()
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if args[:1] == ["down"]:
            done = down()
            print("\n".join(f"[demo-down] {line}" for line in done) or "[demo-down] nothing to stop or remove")
            return 0
        signal.signal(signal.SIGTERM, _terminate)
        result = run(os.environ.get("ENV", "dev"), keep=os.environ.get("DEMO_KEEP") == "1")
    except ToolingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted: the emulator was stopped, and everything it held with it", file=sys.stderr)
        return 130
    if not result.ok:
        failed = [f.flow for f in result.flows if not f.ok]
        print(
            f"error: the demo did not go as expected (failed flows: {failed or 'none'}; second plan clean: "
            f"{result.second_plan_clean}; leftovers: {result.leftovers or 'none'}{result.unlisted or ''}): see "
            f"{(DEMO_DIR / 'report.md').relative_to(REPO_ROOT)} and {(DEMO_DIR / 'demo.log').relative_to(REPO_ROOT)}.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
