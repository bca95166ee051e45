"""A small Terraform runner for tests, the demo and `make` quality gates.

Every call runs with the project's CLI configuration (tfconfig.py). Root modules are used in
place (relative module sources keep working) with `.terraform` and state kept in a work
directory outside the repo, so parallel runs of one module do not collide.

`python -m platform_tools.terraform validate|test|fmt-check` runs the gates over the repo.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platform_tools import REPO_ROOT, ToolingError
from platform_tools.tfconfig import terraform_env

MIN_TERRAFORM = (1, 7)
# `terraform test` runs of different roots side by side (mocked provider: CPU-bound, 2 cores in CI).
GATE_WORKERS = int(os.environ.get("TF_TEST_WORKERS", "2"))


class TerraformError(ToolingError):
    """A terraform command failed; the message carries the command and its error output."""


def terraform_binary() -> str:
    found = shutil.which("terraform")
    if not found:
        raise ToolingError(
            "terraform was not found on PATH: install Terraform >= 1.7 "
            "(https://developer.hashicorp.com/terraform/install) and retry."
        )
    return found


def terraform_version() -> tuple[int, int, int]:
    out = subprocess.run([terraform_binary(), "version", "-json"], capture_output=True, text=True, check=True)
    match = re.match(r"(\d+)\.(\d+)\.(\d+)", json.loads(out.stdout)["terraform_version"])
    if not match:
        raise ToolingError("could not read `terraform version -json`: reinstall Terraform >= 1.7.")
    major, minor, patch = (int(g) for g in match.groups())
    return major, minor, patch


def _display(path: Path) -> str:
    return str(path.relative_to(REPO_ROOT)) if path.is_relative_to(REPO_ROOT) else str(path)


def _tail(text: str, lines: int = 40) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


@dataclass
class TerraformRoot:
    """One root module, run in place with its working data under `work_dir`."""

    module_dir: Path
    work_dir: Path
    env: Mapping[str, str] = field(default_factory=dict)
    variables: Mapping[str, Any] = field(default_factory=dict)
    # For roots with a (partial) `backend "s3" {}`: its settings. Without it, state is a local
    # file in work_dir, passed with -state so nothing is written into the repo.
    backend_config: Mapping[str, str] | None = None

    def __post_init__(self) -> None:
        self.module_dir = Path(self.module_dir).resolve()
        self.work_dir = Path(self.work_dir).resolve()
        self.work_dir.mkdir(parents=True, exist_ok=True)

    @property
    def state_path(self) -> Path:
        return self.work_dir / "terraform.tfstate"

    def _state_args(self) -> list[str]:
        return [] if self.backend_config is not None else [f"-state={self.state_path}"]

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.pop("AWS_PROFILE", None)
        env.update(terraform_env())
        env["TF_DATA_DIR"] = str(self.work_dir / ".terraform")
        env.update(self.env)
        return env

    def _var_args(self) -> list[str]:
        if not self.variables:
            return []
        var_file = self.work_dir / "inputs.tfvars.json"
        var_file.write_text(json.dumps(dict(self.variables), indent=2, sort_keys=True))
        return [f"-var-file={var_file}"]

    def run(self, *args: str, check: bool = True, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        command = [terraform_binary(), *args]
        try:
            result = subprocess.run(
                command,
                cwd=self.module_dir,
                env=self._env(),
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired as exc:
            raise TerraformError(
                f"`terraform {' '.join(args)}` in {self.module_dir} did not finish within {timeout:.0f} s: "
                "check the emulator log for a call it does not answer."
            ) from exc
        (self.work_dir / "last-command.log").write_text(f"$ {' '.join(command)}\n{result.stdout}\n{result.stderr}")
        if check and result.returncode != 0:
            raise TerraformError(
                f"`terraform {args[0]}` failed in {_display(self.module_dir)}:\n{_tail(result.stderr or result.stdout)}"
            )
        return result

    def init(self, backend: bool = True) -> None:
        args = ["init", "-input=false", "-no-color"]
        if not backend:
            args.append("-backend=false")
        elif self.backend_config is not None:
            args += ["-reconfigure", *(f"-backend-config={k}={v}" for k, v in sorted(self.backend_config.items()))]
        self.run(*args)

    def apply(self) -> dict[str, Any]:
        self.run("apply", "-input=false", "-no-color", "-auto-approve", *self._state_args(), *self._var_args())
        return self.outputs()

    def plan_has_changes(self) -> tuple[bool, str]:
        """Run `plan -detailed-exitcode`; return (changes pending, plan text)."""
        result = self.run(
            "plan",
            "-input=false",
            "-no-color",
            "-detailed-exitcode",
            *self._state_args(),
            *self._var_args(),
            check=False,
        )
        if result.returncode == 1:
            raise TerraformError(f"`terraform plan` failed in {self.module_dir}:\n{_tail(result.stderr)}")
        return result.returncode == 2, result.stdout

    def outputs(self) -> dict[str, Any]:
        result = self.run("output", "-json", "-no-color", *self._state_args())
        return {name: value["value"] for name, value in json.loads(result.stdout or "{}").items()}

    def state_resources(self) -> list[str]:
        result = self.run("state", "list", *self._state_args(), check=False)
        return result.stdout.split()

    def destroy(self, lock: bool = True) -> None:
        """Destroy everything; lock=False for clean-up after a killed run left its lock behind."""
        lock_args = [] if lock else ["-lock=false"]
        self.run(
            "destroy", "-input=false", "-no-color", "-auto-approve", *lock_args, *self._state_args(), *self._var_args()
        )


# ---------------------------------------------------------------- repo-wide gates


def root_modules(repo: Path = REPO_ROOT) -> list[Path]:
    """Every directory with .tf files that is a module, an example, an env or a test fixture."""
    roots: set[Path] = set()
    for pattern in (
        "modules/*",
        "modules/_parts/*",
        "modules/*/examples/*",
        "modules/*/tests/fixtures/*",
        "stacks/*",
        "envs/*",
        "tests/**/fixtures/*",
    ):
        for path in repo.glob(pattern):
            if path.is_dir() and any(path.glob("*.tf")):
                roots.add(path)
    return sorted(roots)


def _gate_root(path: Path) -> TerraformRoot:
    rel = path.relative_to(REPO_ROOT)
    return TerraformRoot(path, REPO_ROOT / "build" / "terraform" / "gates" / str(rel).replace(os.sep, "__"))


def validate_all(paths: Iterable[Path]) -> None:
    for path in paths:
        root = _gate_root(path)
        root.init(backend=False)
        root.run("validate", "-no-color")
        print(f"valid: {path.relative_to(REPO_ROOT)}", flush=True)


def test_all(paths: Iterable[Path], workers: int = GATE_WORKERS) -> None:
    """`terraform test` for every root with tests: inits one at a time (they share the plugin cache), then
    runs the tests `workers` at a time (each root has its own data directory); every failure is reported."""
    roots = [(path, _gate_root(path)) for path in paths if any((path / "tests").glob("*.tftest.hcl"))]
    for _, root in roots:
        root.init(backend=False)

    def run_tests(item: tuple[Path, TerraformRoot]) -> tuple[Path, subprocess.CompletedProcess[str]]:
        path, root = item
        return path, root.run("test", "-no-color", check=False, timeout=1800)

    failures = []
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for path, result in pool.map(run_tests, roots):
            print(f"terraform test {path.relative_to(REPO_ROOT)}:\n{result.stdout}", flush=True)
            if result.returncode != 0:
                failures.append(f"`terraform test` failed in {path.relative_to(REPO_ROOT)}:\n{_tail(result.stderr)}")
    if failures:
        raise TerraformError("\n".join(failures))


def fmt_check() -> None:
    dirs = [name for name in ("modules", "stacks", "envs", "tests") if (REPO_ROOT / name).is_dir()]
    result = subprocess.run(
        [terraform_binary(), "fmt", "-check", "-recursive", "-list=true", *dirs],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        unformatted = " ".join(result.stdout.split())
        if not unformatted:
            raise ToolingError(f"terraform fmt could not check the files:\n{_tail(result.stderr)}")
        raise ToolingError(f"terraform fmt would change: {unformatted} — run `make fmt` and commit.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("command", choices=["validate", "test", "fmt-check", "roots"])
    parser.add_argument("paths", nargs="*", type=Path, help="root modules (default: all)")
    args = parser.parse_args(argv)
    paths = [p.resolve() for p in args.paths] or root_modules()
    try:
        if terraform_version()[:2] < MIN_TERRAFORM:
            raise ToolingError("terraform is older than 1.7: install Terraform >= 1.7 and retry.")
        if args.command == "validate":
            validate_all(paths)
        elif args.command == "test":
            test_all(paths)
        elif args.command == "fmt-check":
            fmt_check()
        else:
            print("\n".join(str(p.relative_to(REPO_ROOT)) for p in paths))
    except ToolingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
