"""The input artifact: read the source zip from S3, name its commit, take out the script and the library.

The source action's output artifact (format CODE_ZIP, the default) is a zip of the repository at the
pushed commit, whatever the provider (CodeCommit, a CodeStar connection to GitHub/GitLab/Bitbucket, S3).
Paths in UserParameters are relative to the repository root; when a provider wraps everything in one top
folder (`<repo>-<sha>/...`), that folder is taken as the root.

The library folder is re-zipped deterministically for `--extra-py-files` with the same rules as
`tooling/platform_tools/package.py` (names sorted, 1980-01-01 timestamps, mode 0644, deflate level 9, no
directories, no `__pycache__`, `.pyc`, `tests/`, `requirements.txt`, `.DS_Store`): the same folder gives
the same bytes as `make build`'s `build/glue/etl_lib.zip`, and the same commit the same object.
"""

from __future__ import annotations

import hashlib
import io
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from botocore.exceptions import ClientError

from .errors import ConfigurationError, JobFailed, error_code, from_client_error
from .events import InputArtifact, PipelineJob

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

    from .parameters import DeployParameters

# Bounds that keep one invocation inside the function's memory (the module gives it 512 MB).
MAX_ARTIFACT_BYTES: Final = 128 * 1024 * 1024
MAX_SOURCE_BYTES: Final = 128 * 1024 * 1024  # script + library, uncompressed

# A revision used as is in S3 keys (a git commit id, a CodeCommit/GitHub/GitLab/Bitbucket sha).
_SAFE_REVISION = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")

# The packager's rules (tooling/platform_tools/package.py), kept identical: a test compares the bytes.
FIXED_DATE_TIME: Final = (1980, 1, 1, 0, 0, 0)
FILE_MODE: Final = 0o100644
EXCLUDED_PARTS: Final = frozenset({"__pycache__", ".pytest_cache", ".mypy_cache", "tests"})
EXCLUDED_SUFFIXES: Final = frozenset({".pyc", ".pyo"})
EXCLUDED_NAMES: Final = frozenset({".DS_Store", "requirements.txt"})


@dataclass(frozen=True)
class Sources:
    """What the deployer uploads: the script and, when configured, the library zip."""

    commit_id: str
    script: bytes
    library_zip: bytes | None
    library_files: int
    root: str  # "" or the single top folder the paths were found under


def select_artifact(job: PipelineJob, name: str | None) -> InputArtifact:
    """The configured input artifact (by name), or the first; ConfigurationError if there is none."""
    if not job.input_artifacts:
        raise ConfigurationError(
            "the action has no input artifact. Fix: give the deploy action the source action's output artifact "
            "as its input artifact (modules/codepipeline_glue does)."
        )
    if name is None:
        return job.input_artifacts[0]
    for artifact in job.input_artifacts:
        if artifact.name == name:
            return artifact
    names = [artifact.name for artifact in job.input_artifacts]
    raise ConfigurationError(
        f"input_artifact {name!r} is not among the action's input artifacts {names}. Fix: set input_artifact in "
        "UserParameters to one of them, or add that artifact to the action's input artifacts."
    )


def read_artifact(s3: S3Client, artifact: InputArtifact, credentials_used: bool) -> bytes:
    """The artifact zip's bytes (GetObject), with the failure type and fix for each way it can fail."""
    if artifact.location_type != "S3" or not artifact.bucket or not artifact.key:
        raise ConfigurationError(
            f"input artifact {artifact.name!r} has no S3 location (type {artifact.location_type!r}). Fix: use the "
            "source action's output artifact, which CodePipeline stores in the pipeline's S3 artifact store."
        )
    who = "the artifact credentials CodePipeline passed" if credentials_used else "the deployer's role"
    doing = f"reading the input artifact {artifact.uri} with {who}"
    try:
        response = s3.get_object(Bucket=artifact.bucket, Key=artifact.key)
        size = response.get("ContentLength", 0)
        if size > MAX_ARTIFACT_BYTES:
            response["Body"].close()
            raise JobFailed(
                f"the input artifact {artifact.uri} is {size} bytes, more than the deployer reads "
                f"({MAX_ARTIFACT_BYTES}). Fix: keep large data out of the repository, or give the Glue sources "
                "their own repository."
            )
        return response["Body"].read()
    except ClientError as exc:
        if error_code(exc) in {"NoSuchKey", "NoSuchBucket", "404"}:
            raise JobFailed(
                f"{doing} failed: it does not exist ({error_code(exc)}). Fix: the artifact store lost it (a "
                "lifecycle rule expiring objects, or a deleted bucket?); release the change again to make a new one."
            ) from None
        raise from_client_error(
            exc,
            doing=doing,
            permission_fix=(
                "the pipeline's artifact credentials should read their own artifact store: set "
                "use_artifact_credentials to false and grant the deployer's role s3:GetObject on the artifact bucket "
                "and kms:Decrypt on its key."
                if credentials_used
                else "grant the deployer's role s3:GetObject on the pipeline's artifact bucket and kms:Decrypt on its "
                "artifact key (or set use_artifact_credentials to true in UserParameters); S3 also answers "
                "AccessDenied for a missing object when s3:ListBucket is not granted."
            ),
            fix="retry the stage; if it fails again, check the artifact bucket.",
        ) from None


def commit_id_of(artifact: InputArtifact, data: bytes) -> str:
    """The source revision (the commit id for git providers) when it is safe in an S3 key; otherwise a content
    id `sha256-<first 40 hex of the artifact's SHA-256>`, so that keys still name exactly this source."""
    if artifact.revision and _SAFE_REVISION.match(artifact.revision):
        return artifact.revision
    return "sha256-" + hashlib.sha256(data).hexdigest()[:40]


def _excluded(relative: str) -> bool:
    parts = relative.split("/")
    return (
        any(part in EXCLUDED_PARTS for part in parts)
        or posixpath.splitext(relative)[1] in EXCLUDED_SUFFIXES
        or parts[-1] in EXCLUDED_NAMES
    )


def deterministic_zip(files: dict[str, bytes]) -> bytes:
    """A reproducible zip: the same names and contents always give the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE_TIME)
            info.external_attr = FILE_MODE << 16
            info.create_system = 3
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[name], compresslevel=9)
    return buffer.getvalue()


def _root(names: list[str], script_path: str) -> str:
    """ "" when the script is at its path from the archive root; else the single top folder that holds it."""
    if script_path in names:
        return ""
    tops = {name.split("/", 1)[0] for name in names}
    if len(tops) == 1 and all("/" in name for name in names):
        top = f"{tops.pop()}/"
        if f"{top}{script_path}" in names:
            return top
    return ""


def _scripts_near(names: list[str], script_path: str) -> list[str]:
    folder = posixpath.dirname(script_path)
    nearby = [name for name in names if name.endswith(".py") and posixpath.dirname(name).endswith(folder)]
    return sorted(nearby or [name for name in names if name.endswith(".py")])[:5]


def extract_sources(data: bytes, params: DeployParameters, commit_id: str, artifact_uri: str) -> Sources:
    """The script and the library zip from the artifact; ConfigurationError when either is not in it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise JobFailed(
            f"the input artifact {artifact_uri} is not a zip file. Fix: set the source action's output artifact "
            "format to CODE_ZIP (the default), not CODEBUILD_CLONE_REF."
        ) from None
    try:
        return _extract(archive, params, commit_id, artifact_uri)
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError) as exc:
        raise JobFailed(
            f"the input artifact {artifact_uri} is damaged ({type(exc).__name__}: {exc}). Fix: release the change "
            "again to make a new artifact."
        ) from None
    finally:
        archive.close()


def _too_big(artifact_uri: str) -> JobFailed:
    return JobFailed(
        f"the script and library in {artifact_uri} exceed {MAX_SOURCE_BYTES} bytes uncompressed. Fix: keep data "
        "files out of library_dir."
    )


def _extract(archive: zipfile.ZipFile, params: DeployParameters, commit_id: str, artifact_uri: str) -> Sources:
    infos = [info for info in archive.infolist() if not info.is_dir()]
    names = [info.filename for info in infos]
    root = _root(names, params.script_path)
    script_name = f"{root}{params.script_path}"
    if script_name not in names:
        raise ConfigurationError(
            f"script_path {params.script_path!r} is not in the input artifact {artifact_uri} (commit {commit_id}); "
            f"Python files found: {_scripts_near(names, params.script_path) or 'none'}. Fix: set script_path in "
            "UserParameters to the script's path from the repository root, or push the script."
        )
    budget = sum(info.file_size for info in infos if info.filename == script_name)
    library: dict[str, bytes] = {}
    if params.library_dir is not None and params.library_name is not None:
        folder = f"{root}{params.library_dir}/"
        members = [info for info in infos if info.filename.startswith(folder)]
        if not members:
            raise ConfigurationError(
                f"library_dir {params.library_dir!r} is not a folder in the input artifact {artifact_uri} "
                f"(commit {commit_id}). Fix: set library_dir in UserParameters to the library's folder from the "
                "repository root, or remove library_dir."
            )
        for info in members:
            relative = info.filename[len(folder) :]
            if relative.startswith("/") or ".." in relative.split("/") or "\\" in relative:
                raise JobFailed(
                    f"the input artifact {artifact_uri} holds an unsafe path {info.filename!r}. Fix: rebuild "
                    "the artifact from the repository; it was not made by a source action."
                )
            if _excluded(relative):
                continue
            budget += info.file_size
            if budget > MAX_SOURCE_BYTES:
                raise _too_big(artifact_uri)
            library[f"{params.library_name}/{relative}"] = archive.read(info)
        if not library:
            raise ConfigurationError(
                f"library_dir {params.library_dir!r} in {artifact_uri} holds no file to ship (only excluded "
                "ones: tests/, __pycache__, .pyc, requirements.txt). Fix: point library_dir at the package folder."
            )
    if budget > MAX_SOURCE_BYTES:
        raise _too_big(artifact_uri)
    script = archive.read(script_name)
    return Sources(
        commit_id=commit_id,
        script=script,
        library_zip=deterministic_zip(library) if library else None,
        library_files=len(library),
        root=root,
    )
