"""The main job against the local emulator: `make demo` (ENV=dev by default).

1. start a fresh emulator (EMULATOR_PORT, default: a free port);
2. create the Terraform state bucket there and `terraform init` envs/<ENV> with its S3 backend
   pointed at it (the same backend the env uses on AWS, with use_lockfile);
3. `terraform apply`, then a second plan that must show no changes;
4. exercise what was deployed (every exercise below whose output the env has);
5. `terraform destroy` and stop the emulator (DEMO_KEEP=1 keeps both up for poking around).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
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


# Each exercise takes the env's outputs and the emulator and returns lines to report.
EXERCISES: list[Callable[[dict[str, Any], EmulatorProcess], list[str]]] = [run_glue_jobs]


def run(env_name: str, keep: bool) -> int:
    env_dir = REPO_ROOT / "envs" / env_name
    # An environment is a root module with its own tfvars; envs/stack is the module they share.
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
