"""Uploading the script and the library zip under keys that name the commit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from .errors import ConfigurationError, error_code, from_client_error

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

    from .artifact import Sources
    from .parameters import DeployParameters


def upload_sources(s3: S3Client, params: DeployParameters, sources: Sources, pipeline_job_id: str) -> list[str]:
    """PutObject the script (and the library zip) under `<script_prefix><commit>/`; return their S3 URIs.

    The same commit always gives the same keys and bytes, so a repeated deploy rewrites identical objects.
    """
    commit = sources.commit_id
    objects = [(params.script_key(commit), sources.script, "text/x-python")]
    library_key = params.library_key(commit)
    if sources.library_zip is not None and library_key is not None:
        objects.append((library_key, sources.library_zip, "application/zip"))
    uris = []
    for key, body, content_type in objects:
        uri = f"s3://{params.script_bucket}/{key}"
        try:
            s3.put_object(
                Bucket=params.script_bucket,
                Key=key,
                Body=body,
                ContentType=content_type,
                Metadata={"commit-id": commit, "codepipeline-job-id": pipeline_job_id},
            )
        except ClientError as exc:
            if error_code(exc) == "NoSuchBucket":
                raise ConfigurationError(
                    f"script_bucket {params.script_bucket!r} does not exist. Fix: set script_bucket in UserParameters "
                    "to the bucket that holds the job's scripts (modules/glue_job's asset bucket)."
                ) from None
            raise from_client_error(
                exc,
                doing=f"uploading {uri}",
                permission_fix=(
                    f"grant the deployer's role s3:PutObject on arn:aws:s3:::{params.script_bucket}/"
                    f"{params.script_prefix}* (and kms:GenerateDataKey on the bucket's key if it uses SSE-KMS)."
                ),
                fix="retry the stage; if it fails again, check the bucket.",
            ) from None
        uris.append(uri)
    return uris
