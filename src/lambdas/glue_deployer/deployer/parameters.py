"""The action's UserParameters: one JSON object, checked field by field into `DeployParameters`.

modules/codepipeline_glue renders it (jsonencode) from typed inputs; the schema is in the README
("UserParameters"). Every problem is reported at once in one ParameterError (a ConfigurationError), each
naming the field, the rule and what was given. Unknown keys are refused, so a misspelt optional key
(`wait_for_runs`) cannot silently fall back to its default.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from .errors import ConfigurationError

# CodePipeline caps every action configuration value, UserParameters included, at 1000 characters.
MAX_USER_PARAMETERS_CHARS: Final = 1000

# The run argument that carries the pipeline job id (how a repeated invocation finds its run).
PIPELINE_JOB_ID_ARGUMENT: Final = "--codepipeline_job_id"
# Default arguments the deployer owns or Glue sets from the job's Command.
RESERVED_ARGUMENTS: Final = frozenset({PIPELINE_JOB_ID_ARGUMENT, "--scriptLocation"})

REQUIRED: Final = ("job_name", "script_path", "script_bucket", "script_prefix")
OPTIONAL: Final = ("library_dir", "default_arguments", "wait_for_run", "input_artifact", "use_artifact_credentials")

_JOB_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$")
_SEGMENT = r"[A-Za-z0-9_][A-Za-z0-9_.-]*"  # never "." or ".." (a segment starts with no dot)
_SCRIPT_PATH = re.compile(rf"^(?:{_SEGMENT}/)*{_SEGMENT}\.py$")
_LIBRARY_DIR = re.compile(rf"^(?:{_SEGMENT}/)*{_SEGMENT}$")
_PACKAGE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_PREFIX = re.compile(r"^(?:[A-Za-z0-9_][A-Za-z0-9_.=-]*/)+$")
_ARGUMENT_NAME = re.compile(r"^--[A-Za-z0-9][A-Za-z0-9_.-]{0,126}$")
_ARTIFACT_NAME = re.compile(r"^[A-Za-z0-9_-]{1,100}$")
MAX_PATH_CHARS: Final = 512
MAX_ARGUMENT_VALUE_CHARS: Final = 4096

EXAMPLE: Final = (
    '{"job_name": "orders-json-to-parquet", "script_path": "src/glue/jobs/json_to_parquet.py", '
    '"library_dir": "src/glue/etl_lib", "script_bucket": "orders-glue-assets", "script_prefix": "deploy/orders/"}'
)


class ParameterError(ConfigurationError):
    """UserParameters is missing, not JSON, or a field breaks its rule; the message lists every problem."""


@dataclass(frozen=True)
class DeployParameters:
    """One target: which job to update, where its sources are in the artifact, where to upload them."""

    job_name: str
    script_path: str
    script_bucket: str
    script_prefix: str
    library_dir: str | None = None
    default_arguments: Mapping[str, str] = field(default_factory=dict)
    wait_for_run: bool = True
    input_artifact: str | None = None
    use_artifact_credentials: bool = False

    @property
    def script_name(self) -> str:
        return posixpath.basename(self.script_path)

    @property
    def library_name(self) -> str | None:
        """The library's import name: the last segment of library_dir, the top folder inside its zip."""
        return posixpath.basename(self.library_dir) if self.library_dir else None

    def script_key(self, commit_id: str) -> str:
        return f"{self.script_prefix}{commit_id}/{self.script_name}"

    def library_key(self, commit_id: str) -> str | None:
        return f"{self.script_prefix}{commit_id}/{self.library_name}.zip" if self.library_name else None

    def script_uri(self, commit_id: str) -> str:
        return f"s3://{self.script_bucket}/{self.script_key(commit_id)}"

    def library_uri(self, commit_id: str) -> str | None:
        key = self.library_key(commit_id)
        return f"s3://{self.script_bucket}/{key}" if key else None


class _Checker:
    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.raw = raw
        self.errors: list[str] = []

    def text(self, name: str, pattern: re.Pattern[str], rule: str, required: bool) -> str | None:
        value = self.raw.get(name)
        if value is None:
            if required:
                self.errors.append(f"{name} is required ({rule})")
            return None
        if not isinstance(value, str) or len(value) > MAX_PATH_CHARS or not pattern.match(value):
            self.errors.append(f"{name} must be {rule}; got {value!r}")
            return None
        return value

    def flag(self, name: str, default: bool) -> bool:
        value = self.raw.get(name, default)
        if not isinstance(value, bool):
            self.errors.append(f"{name} must be true or false (a JSON boolean); got {value!r}")
            return default
        return value

    def arguments(self, name: str) -> dict[str, str]:
        value = self.raw.get(name)
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            self.errors.append(f'{name} must be a JSON object of "--name": "value" strings; got {value!r}')
            return {}
        arguments: dict[str, str] = {}
        for key, item in value.items():
            if not _ARGUMENT_NAME.match(key):
                self.errors.append(f"{name} key {key!r} must be a Glue argument name: -- then letters, digits, _ . -")
            elif key in RESERVED_ARGUMENTS:
                self.errors.append(f"{name} must not set {key}: the deployer sets it")
            elif not isinstance(item, str) or len(item) > MAX_ARGUMENT_VALUE_CHARS:
                self.errors.append(
                    f"{name}[{key!r}] must be a string of at most {MAX_ARGUMENT_VALUE_CHARS} characters "
                    f'(write numbers and booleans quoted, e.g. "5", "true"); got {item!r}'
                )
            else:
                arguments[key] = item
        return arguments


def parse_user_parameters(raw: str | None) -> DeployParameters:
    """Parse and check the UserParameters text; ParameterError lists every problem with the fix."""
    fix = f"set the action's UserParameters to a JSON object such as {EXAMPLE} (modules/codepipeline_glue renders it)"
    if raw is None or not raw.strip():
        raise ParameterError(f"UserParameters is missing or empty. Fix: {fix}.")
    try:
        parsed: object = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ParameterError(f"UserParameters is not JSON ({exc.msg} at position {exc.pos}). Fix: {fix}.") from None
    if not isinstance(parsed, Mapping):
        raise ParameterError(f"UserParameters must be a JSON object, not a {type(parsed).__name__}. Fix: {fix}.")

    check = _Checker(parsed)
    unknown = sorted(set(parsed) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        check.errors.append(f"unknown keys {unknown} (allowed: {', '.join(REQUIRED + OPTIONAL)})")
    segment_rule = "segments of letters, digits, _ . - (not starting with a dot)"
    job_name = check.text("job_name", _JOB_NAME, "a Glue job name: letters, digits, _ . -, up to 255", True)
    script_path = check.text(
        "script_path",
        _SCRIPT_PATH,
        f"the script's path inside the artifact, a relative path of {segment_rule}, ending in .py",
        True,
    )
    library_dir = check.text(
        "library_dir",
        _LIBRARY_DIR,
        f"a folder inside the artifact, a relative path of {segment_rule}, without a leading or trailing /",
        False,
    )
    if library_dir is not None and not _PACKAGE_NAME.match(posixpath.basename(library_dir)):
        check.errors.append(
            f"library_dir must end in a folder whose name is a Python package name (it is the import name in the "
            f"zip); got {library_dir!r}"
        )
    script_bucket = check.text("script_bucket", _BUCKET, "an S3 bucket name", True)
    script_prefix = check.text(
        "script_prefix",
        _PREFIX,
        "an S3 key prefix of segments of letters, digits, _ . = -, each ending in /, "
        'with no leading / (e.g. "deploy/orders/")',
        True,
    )
    input_artifact = check.text("input_artifact", _ARTIFACT_NAME, "an artifact name: letters, digits, _ -", False)
    default_arguments = check.arguments("default_arguments")
    wait_for_run = check.flag("wait_for_run", True)
    use_artifact_credentials = check.flag("use_artifact_credentials", False)

    if check.errors:
        raise ParameterError(f"UserParameters is invalid: {'; '.join(check.errors)}. Fix: {fix}.")
    assert job_name and script_path and script_bucket and script_prefix
    return DeployParameters(
        job_name=job_name,
        script_path=script_path,
        script_bucket=script_bucket,
        script_prefix=script_prefix,
        library_dir=library_dir,
        default_arguments=default_arguments,
        wait_for_run=wait_for_run,
        input_artifact=input_artifact,
        use_artifact_credentials=use_artifact_credentials,
    )
