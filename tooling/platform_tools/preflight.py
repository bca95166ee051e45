"""Check the machine's prerequisites before anything is installed or run (stdlib only).

`python3 tooling/platform_tools/preflight.py [python|terraform|java ...]` prints one sentence per
missing tool, naming the fix, and exits 1; prints nothing and exits 0 when all are there.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

MIN_TERRAFORM = (1, 7)
MIN_JAVA = 17


def check_python() -> str | None:
    if shutil.which("python3.11") is None and sys.version_info[:2] != (3, 11):
        return (
            "Python 3.11 was not found (the Glue 5.0 runtime is 3.11): install it "
            "(e.g. `apt-get install python3.11 python3.11-venv` or pyenv) and retry."
        )
    return None


def check_terraform() -> str | None:
    terraform = shutil.which("terraform")
    if terraform is None:
        return (
            "terraform was not found on PATH: install Terraform >= 1.7 "
            "(https://developer.hashicorp.com/terraform/install) and retry."
        )
    try:
        out = subprocess.run([terraform, "version", "-json"], capture_output=True, text=True, timeout=30, check=True)
        version = json.loads(out.stdout)["terraform_version"]
    except (subprocess.SubprocessError, ValueError, KeyError):
        return f"{terraform} did not report its version: reinstall Terraform >= 1.7 and retry."
    match = re.match(r"(\d+)\.(\d+)", version)
    if not match or (int(match[1]), int(match[2])) < MIN_TERRAFORM:
        return f"terraform {version} is too old: install Terraform >= 1.7 and retry."
    return None


def check_java() -> str | None:
    java = shutil.which("java")
    if java is None:
        return (
            "java was not found on PATH (local Spark needs it): install Java 17 "
            "(e.g. `apt-get install openjdk-17-jre-headless`) and retry."
        )
    out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30)
    match = re.search(r'version "(\d+)', out.stderr + out.stdout)
    if not match or int(match[1]) < MIN_JAVA:
        return f"{java} is not Java 17 or newer (Spark 3.5 as on Glue 5.0 wants 17): install Java 17 and retry."
    return None


CHECKS = {"python": check_python, "terraform": check_terraform, "java": check_java}


def main(argv: list[str]) -> int:
    wanted = argv or list(CHECKS)
    unknown = [name for name in wanted if name not in CHECKS]
    if unknown:
        print(f"preflight: unknown check {unknown[0]}: choose from {', '.join(CHECKS)}.", file=sys.stderr)
        return 2
    problems = [message for name in wanted if (message := CHECKS[name]()) is not None]
    for message in problems:
        print(f"error: {message}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
