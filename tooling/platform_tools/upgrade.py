"""The upgrade check: does the new code adopt a deployment made before the modules/_parts refactor?

For one root module (an example or an env): apply the OLD version of it, from the tree of commit
`DEFAULT_REF` exported with `git archive`, on the emulator; then plan the NEW version (the working tree)
against that same state, as a user's `terraform plan` after pulling the new code would, and return what the
plan would do to each resource: its actions and, for a `moved` block, its previous address. Roots with a
partial `backend "s3" {}` (envs/dev, envs/prod) keep their state in an S3 backend on the emulator, the same
bucket and key for old and new; the others a local state file copied from the old work dir to the new one.
Everything is destroyed at the end, with the new code.

    python -m platform_tools.upgrade                          # every example and envs/dev
    python -m platform_tools.upgrade envs/dev modules/glue_job/examples/pythonshell_hello
    python -m platform_tools.upgrade envs/old_name=envs/new_name   # a root that moved
    python -m platform_tools.upgrade --new-ref bbeba00 ...    # old -> old: checks the mechanics

The rule it enforces (exit 1 otherwise): nothing is destroyed or replaced except `aws_kms_alias`
resources, whose names change under the one alias pattern. Needs `make build` (the old roots read
build/glue/etl_lib.zip and build/lambdas/*.zip) and the commit in the checkout (no shallow clone).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import re
import shutil
import subprocess
import sys
import tarfile
import threading
import time
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platform_tools import BUILD_DIR, REPO_ROOT, ToolingError
from platform_tools.terraform import TerraformError, TerraformRoot

# The last commit before modules/_parts (`git rev-parse bbeba00`).
DEFAULT_REF = "bbeba005e37f7c434a46a4f8563cdcde41e1ae5d"
# Resource types an upgrade may destroy: KMS aliases are renamed by the one alias pattern (in CHANGELOG.md).
ALLOWED_DESTROY_TYPES = frozenset({"aws_kms_alias"})
STATE_BUCKET = "upgrade-terraform-state"
_S3_BACKEND = re.compile(r'^\s*backend\s+"s3"', re.MULTILINE)


# ---------------------------------------------------------------- the old tree


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=False)


def resolve_commit(ref: str, repo: Path = REPO_ROOT) -> str:
    """The full sha of `ref`; ToolingError naming the fix when the checkout does not have it."""
    found = _git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if found.returncode == 0:
        return found.stdout.decode().strip()
    shallow = _git(repo, "rev-parse", "--is-shallow-repository").stdout.decode().strip() == "true"
    where = "this checkout, a shallow clone" if shallow else "this checkout"
    raise ToolingError(
        f"commit {ref} (the code before the refactor) is not in {where}: "
        "fetch the full history with `git fetch --unshallow` and retry."
    )


def export_ref(ref: str, dest: Path, repo: Path = REPO_ROOT) -> Path:
    """Write the tree of commit `ref` into `dest` (created; must be empty) with `git archive`, no worktree.

    `dest/build` is a symlink to the repository's build/, which the old roots read (`make build`).
    """
    sha = resolve_commit(ref, repo)
    dest = Path(dest)
    if dest.exists() and any(dest.iterdir()):
        raise ToolingError(f"{dest} is not empty: give export_ref a new or empty directory.")
    archive = _git(repo, "archive", "--format=tar", sha)
    if archive.returncode != 0:
        raise ToolingError(f"`git archive {sha}` failed ({archive.stderr.decode().strip()}): check the checkout.")
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout), mode="r:") as tar:
        tar.extractall(dest, filter="data")
    (dest / "build").symlink_to(repo / "build", target_is_directory=True)
    return dest


# ---------------------------------------------------------------- the plan


@dataclass(frozen=True)
class ResourceChange:
    """One entry of `resource_changes` in `terraform show -json` of a saved plan."""

    address: str
    type: str
    actions: tuple[str, ...]
    previous_address: str | None = None
    mode: str = "managed"
    action_reason: str | None = None
    replace_paths: tuple[str, ...] = ()
    # Top-level attributes whose value changes (or becomes known only after apply), for updates.
    changed_attributes: tuple[str, ...] = ()

    @property
    def replaced(self) -> bool:
        return "delete" in self.actions and "create" in self.actions

    def describe(self) -> str:
        text = self.address
        if self.previous_address:
            text += f" (moved from {self.previous_address})"
        if self.replace_paths:
            text += f" [replaced for: {', '.join(self.replace_paths)}]"
        elif self.action_reason:
            text += f" [{self.action_reason}]"
        if self.actions == ("update",) and self.changed_attributes:
            text += f" [changes: {', '.join(self.changed_attributes)}]"
        return text


def _path_text(path: Any) -> str:
    return ".".join(str(step) for step in path) if isinstance(path, list) else str(path)


def _any_unknown(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_any_unknown(item) for item in value.values())
    if isinstance(value, list):
        return any(_any_unknown(item) for item in value)
    return value is True


def _changed_attributes(change: Mapping[str, Any]) -> tuple[str, ...]:
    before, after = change.get("before") or {}, change.get("after") or {}
    unknown = change.get("after_unknown") or {}
    if not isinstance(before, dict) or not isinstance(after, dict) or not isinstance(unknown, dict):
        return ()
    names = set(before) | set(after)
    return tuple(sorted(n for n in names if before.get(n) != after.get(n) or _any_unknown(unknown.get(n))))


def parse_plan(plan_json: Mapping[str, Any]) -> list[ResourceChange]:
    """The resource changes of `terraform show -json <planfile>` (data sources included, mode "data")."""
    changes = []
    for entry in plan_json.get("resource_changes", []):
        change = entry.get("change", {})
        changes.append(
            ResourceChange(
                address=entry["address"],
                type=entry["type"],
                actions=tuple(change.get("actions", [])),
                previous_address=entry.get("previous_address"),
                mode=entry.get("mode", "managed"),
                action_reason=entry.get("action_reason"),
                replace_paths=tuple(_path_text(path) for path in change.get("replace_paths", [])),
                changed_attributes=_changed_attributes(change),
            )
        )
    return changes


def state_resources(state_json: Mapping[str, Any]) -> dict[str, str]:
    """Managed resources of `terraform show -json` of a state: address -> resource type."""
    found: dict[str, str] = {}

    def walk(module: Mapping[str, Any]) -> None:
        for resource in module.get("resources", []):
            if resource.get("mode") == "managed":
                found[resource["address"]] = resource["type"]
        for child in module.get("child_modules", []):
            walk(child)

    walk(state_json.get("values", {}).get("root_module", {}))
    return found


@dataclass
class UpgradePlan:
    """What `terraform plan` with the new code would do to a deployment made with the old code."""

    old_root: str
    new_root: str
    ref: str
    changes: list[ResourceChange]
    # Managed resources the old code applied: address -> type.
    old_state: dict[str, str]
    seconds: dict[str, float] = field(default_factory=dict)
    # Set when the destroy at the end failed (the emulator may hold leftovers).
    destroy_error: str | None = None

    def _managed(self) -> list[ResourceChange]:
        return [change for change in self.changes if change.mode == "managed"]

    def destroyed(self) -> list[str]:
        """Addresses whose actions include "delete": removals and replacements."""
        return [change.address for change in self._managed() if "delete" in change.actions]

    def updated(self) -> list[str]:
        return [change.address for change in self._managed() if change.actions == ("update",)]

    def created(self) -> list[str]:
        """Addresses only created (a replacement is listed by destroyed())."""
        return [change.address for change in self._managed() if change.actions == ("create",)]

    def moved(self) -> dict[str, str]:
        """previous_address -> address of every resource a `moved` block moves."""
        return {change.previous_address: change.address for change in self.changes if change.previous_address}

    def forgotten(self) -> list[str]:
        """Addresses a `removed` block drops from state without destroying them."""
        return [change.address for change in self._managed() if "forget" in change.actions]

    def change(self, address: str) -> ResourceChange:
        (found,) = [change for change in self.changes if change.address == address]
        return found

    def unexpected_destroys(self) -> list[ResourceChange]:
        """Destroyed or replaced resources of any type but ALLOWED_DESTROY_TYPES."""
        return [
            change
            for change in self._managed()
            if "delete" in change.actions and change.type not in ALLOWED_DESTROY_TYPES
        ]

    def fate(self, old_address: str) -> ResourceChange | None:
        """The change planned for what the old state held at `old_address` (moved or not); None if none is."""
        for change in self.changes:
            if change.previous_address == old_address:
                return change
        for change in self.changes:
            if change.address == old_address and change.previous_address is None:
                return change
        return None

    @property
    def ok(self) -> bool:
        return not self.unexpected_destroys() and self.destroy_error is None

    def describe(self) -> str:
        """Every move and every change other than no-op, one per line."""
        managed = self._managed()
        lines = [f"{self.old_root} at {self.ref[:12]} -> {self.new_root}: {len(self.old_state)} resources applied"]
        moved = self.moved()
        lines.append(f"moved: {len(moved)}")
        lines += [f"  {old} -> {new}" for old, new in sorted(moved.items())]
        groups = [
            ("created", [c for c in managed if c.actions == ("create",)]),
            ("updated", [c for c in managed if c.actions == ("update",)]),
            ("destroyed", [c for c in managed if "delete" in c.actions]),
            ("forgotten", [c for c in managed if "forget" in c.actions]),
        ]
        for label, group in groups:
            if group or label != "forgotten":
                lines.append(f"{label}: {len(group)}")
                lines += [f"  {change.describe()}" for change in group]
        if self.destroy_error:
            lines.append(f"destroy at the end failed: {self.destroy_error}")
        return "\n".join(lines)


# ---------------------------------------------------------------- running it


def _has_s3_backend(module_dir: Path) -> bool:
    return any(_S3_BACKEND.search(path.read_text(encoding="utf-8")) for path in module_dir.glob("*.tf"))


def _create_state_bucket(emulator_env: Mapping[str, str]) -> None:
    import boto3

    s3 = boto3.client(
        "s3",
        endpoint_url=emulator_env["AWS_ENDPOINT_URL"],
        region_name=emulator_env["AWS_REGION"],
        aws_access_key_id=emulator_env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=emulator_env["AWS_SECRET_ACCESS_KEY"],
        aws_session_token=emulator_env.get("AWS_SESSION_TOKEN"),
    )
    if STATE_BUCKET not in {bucket["Name"] for bucket in s3.list_buckets().get("Buckets", [])}:
        # Another root on the same emulator may have made it first.
        with contextlib.suppress(s3.exceptions.BucketAlreadyOwnedByYou, s3.exceptions.BucketAlreadyExists):
            s3.create_bucket(Bucket=STATE_BUCKET)
    s3.put_bucket_versioning(Bucket=STATE_BUCKET, VersioningConfiguration={"Status": "Enabled"})


def _backend_config(root_rel_path: str, emulator_env: Mapping[str, str]) -> dict[str, str]:
    """As demo.py: the env's S3 backend on the emulator; one key per root, shared by old and new."""
    return {
        "bucket": STATE_BUCKET,
        "key": f"upgrade/{root_rel_path.strip('/')}/terraform.tfstate",
        "region": emulator_env["AWS_REGION"],
        "encrypt": "true",
        "use_lockfile": "true",
        "use_path_style": "true",
    }


def _state_args(root: TerraformRoot) -> list[str]:
    return [] if root.backend_config is not None else [f"-state={root.state_path}"]


def _show_state(root: TerraformRoot) -> dict[str, str]:
    target = [] if root.backend_config is not None else [str(root.state_path)]
    shown = root.run("show", "-json", "-no-color", *target)
    return state_resources(json.loads(shown.stdout or "{}"))


def _destroy(old: TerraformRoot, new: TerraformRoot, new_ready: bool) -> tuple[str | None, bool]:
    """Destroy with the new code; if it cannot, clean up with the old code.

    Returns what failed (None if nothing did) and whether everything is gone in the end.
    """
    error = None
    if new_ready:
        try:
            new.destroy()
            return None, True
        except ToolingError as exc:
            error = f"destroy with the new code failed: {exc}"
    if old.backend_config is None and new.state_path.exists():
        shutil.copyfile(new.state_path, old.state_path)  # the newest state, wherever it stopped
    try:
        old.destroy(lock=False)  # this emulator's state has no other writer
    except ToolingError as exc:
        return f"{error + '; ' if error else ''}destroy with the old code failed too: {exc}", False
    return (f"{error}; the old code's destroy cleaned up" if error else None), True


def upgrade_plan(
    root_rel_path: str,
    emulator_env: Mapping[str, str],
    work_dir: Path,
    ref: str = DEFAULT_REF,
    *,
    new_rel_path: str | None = None,
    old_tree: Path | None = None,
    new_tree: Path = REPO_ROOT,
) -> UpgradePlan:
    """Apply `root_rel_path` of commit `ref` on the emulator, plan `new_rel_path` (default: the same path) of
    `new_tree` (default: this working tree) against its state, destroy, and return the planned changes.

    `old_tree` is a tree exported by `export_ref` (exported into `work_dir` when not given). A failed destroy
    is reported in `destroy_error`; if the plan failed, its error is raised, with the destroy's if leftovers
    remain.
    """
    work_dir = Path(work_dir).resolve()
    sha = resolve_commit(ref)
    if old_tree is None:
        old_tree = export_ref(sha, work_dir / f"tree-{sha[:12]}")
    new_rel_path = new_rel_path or root_rel_path
    old_dir, new_dir = Path(old_tree) / root_rel_path, Path(new_tree) / new_rel_path
    for label, path in (("old", old_dir), ("new", new_dir)):
        if not any(path.glob("*.tf")):
            raise ToolingError(f"the {label} code has no root module at {path}: check the root's {label} path.")
    backend = None
    if _has_s3_backend(old_dir) != _has_s3_backend(new_dir):
        raise ToolingError(
            f"{root_rel_path} and {new_rel_path}: only one has an S3 backend (a user would migrate state): "
            "give both the same backend."
        )
    if _has_s3_backend(old_dir):
        _create_state_bucket(emulator_env)
        backend = _backend_config(root_rel_path, emulator_env)
    old = TerraformRoot(old_dir, work_dir / "old", env=dict(emulator_env), backend_config=backend)
    new = TerraformRoot(new_dir, work_dir / "new", env=dict(emulator_env), backend_config=backend)

    seconds: dict[str, float] = {}
    applied = new_ready = False
    result: UpgradePlan | None = None
    started = time.monotonic()
    try:
        old.init()
        applied = True  # a failed apply leaves resources too
        old.apply()
        old_state = _show_state(old)
        seconds["old apply"] = time.monotonic() - started
        if backend is None:
            shutil.copyfile(old.state_path, new.state_path)
        mark = time.monotonic()
        new.init()
        new_ready = True
        plan_file = new.work_dir / "upgrade.tfplan"
        new.run("plan", "-input=false", "-no-color", f"-out={plan_file}", *_state_args(new))
        shown = new.run("show", "-json", "-no-color", str(plan_file))
        (new.work_dir / "upgrade-plan.json").write_text(shown.stdout)
        seconds["new plan"] = time.monotonic() - mark
        result = UpgradePlan(
            old_root=root_rel_path,
            new_root=new_rel_path,
            ref=sha,
            changes=parse_plan(json.loads(shown.stdout)),
            old_state=old_state,
            seconds=seconds,
        )
        return result
    finally:
        if applied:
            mark = time.monotonic()
            destroy_error, cleaned = _destroy(old, new, new_ready)
            seconds["destroy"] = time.monotonic() - mark
            seconds["total"] = time.monotonic() - started
            if result is not None:
                result.destroy_error = destroy_error
            elif not cleaned:  # the failure raised below is the plan's (a broken new config fails destroy too)
                failure = sys.exception()
                raise TerraformError(f"{failure}\nand the destroy afterwards: {destroy_error}") from failure


# ---------------------------------------------------------------- CLI


def default_roots(old_tree: Path) -> list[str]:
    """Every example of the old tree, and envs/dev."""
    examples = sorted(
        str(path.relative_to(old_tree)) for path in old_tree.glob("modules/*/examples/*") if path.is_dir()
    )
    return [*examples, "envs/dev"]


def _split(spec: str) -> tuple[str, str]:
    old, _, new = spec.partition("=")
    return old.strip("/"), (new or old).strip("/")


def _timings(seconds: Mapping[str, float]) -> str:
    parts = ", ".join(f"{name} {value:.0f} s" for name, value in seconds.items() if name != "total")
    return f"{seconds.get('total', 0):.0f} s ({parts})"


def report(plan: UpgradePlan) -> str:
    lines = [f"== {plan.old_root}" + (f" -> {plan.new_root}" if plan.new_root != plan.old_root else "")]
    lines.append(f"time: {_timings(plan.seconds)}")
    lines += plan.describe().splitlines()[1:]
    unexpected = plan.unexpected_destroys()
    if unexpected:
        lines.append(f"FAIL: destroys what is not an aws_kms_alias: {', '.join(c.address for c in unexpected)}")
    elif plan.destroy_error:
        lines.append("FAIL: the destroy at the end failed")
    else:
        lines.append("OK: nothing destroyed but KMS aliases")
    return "\n".join(lines)


def _run_one(
    spec: str, ref: str, old_tree: Path, new_tree: Path, work_root: Path, timeout: float, lock: threading.Lock
) -> bool:
    from platform_tools.emulator import start_emulator

    old_rel, new_rel = _split(spec)
    work_dir = work_root / re.sub(r"[^A-Za-z0-9]+", "-", old_rel)
    shutil.rmtree(work_dir, ignore_errors=True)
    started = time.monotonic()
    try:
        with start_emulator(timeout=timeout) as emulator:
            plan = upgrade_plan(
                old_rel, emulator.env(), work_dir, ref, new_rel_path=new_rel, old_tree=old_tree, new_tree=new_tree
            )
        text, ok = report(plan), plan.ok
    except Exception as exc:  # one root's failure is reported, the others still run
        message = str(exc) if isinstance(exc, ToolingError) else f"{type(exc).__name__}: {exc}"
        text, ok = f"== {spec}\ntime: {time.monotonic() - started:.0f} s\nERROR: {message}", False
    with lock:
        print(text + "\n", flush=True)
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("roots", nargs="*", help="OLD[=NEW] root paths (default: every example and envs/dev)")
    parser.add_argument("--ref", default=DEFAULT_REF, help="the old commit (default: the one before the refactor)")
    parser.add_argument("--new-ref", help="plan this commit's code instead of the working tree")
    parser.add_argument("--jobs", "-j", type=int, default=1, help="roots at a time, each on its own emulator")
    parser.add_argument("--work-dir", type=Path, default=BUILD_DIR / "upgrade")
    parser.add_argument("--emulator-timeout", type=float, default=60.0)
    args = parser.parse_args(argv)
    try:
        sha = resolve_commit(args.ref)
        work_root = args.work_dir.resolve()
        old_tree = work_root / f"tree-{sha[:12]}"
        shutil.rmtree(old_tree, ignore_errors=True)
        export_ref(sha, old_tree)
        new_tree = REPO_ROOT
        if args.new_ref:
            new_sha = resolve_commit(args.new_ref)
            new_tree = work_root / f"new-tree-{new_sha[:12]}"
            shutil.rmtree(new_tree, ignore_errors=True)
            export_ref(new_sha, new_tree)
    except ToolingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    roots: Iterable[str] = args.roots or default_roots(old_tree)
    print(f"upgrade check: {sha[:12]} -> {args.new_ref or 'working tree'}", flush=True)
    lock = threading.Lock()
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(
            pool.map(
                lambda spec: _run_one(spec, sha, old_tree, new_tree, work_root, args.emulator_timeout, lock), roots
            )
        )
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
