"""platform_tools.leftovers on its own emulator: what is there is listed per service, a key pending deletion is
not, and a service that cannot be listed is reported instead of read as empty."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from platform_tools.emulator import EmulatorProcess, start_emulator
from platform_tools.leftovers import endpoint_client_factory, leftovers

pytestmark = [pytest.mark.emulator]


@pytest.fixture(scope="module")
def fresh_emulator() -> Iterator[EmulatorProcess]:
    with start_emulator() as process:
        yield process


def test_lists_what_is_left_per_service_and_nothing_once_removed(fresh_emulator: EmulatorProcess) -> None:
    client = fresh_emulator.client
    endpoint = fresh_emulator.endpoint
    known = {"codecommit repositories": ["left-repo", "never-created"]}
    assert leftovers(endpoint, known=known).empty, leftovers(endpoint, known=known).describe()

    client("s3").create_bucket(Bucket="left-bucket")
    client("s3").create_bucket(Bucket="state-bucket")
    key_id = client("kms").create_key(Description="left key")["KeyMetadata"]["KeyId"]
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "glue.amazonaws.com"}, "Action": "sts:AssumeRole"}],
    }
    client("iam").create_role(RoleName="left-role", AssumeRolePolicyDocument=json.dumps(trust))
    client("logs").create_log_group(logGroupName="/left/group")
    topic_arn = client("sns").create_topic(Name="left-topic")["TopicArn"]
    client("kinesis").create_stream(StreamName="left-stream", StreamModeDetails={"StreamMode": "ON_DEMAND"})
    client("codecommit").create_repository(repositoryName="left-repo")

    left = leftovers(endpoint, ignore_buckets=["state-bucket"], known=known)
    assert not left.unlisted, left.unlisted
    assert {service: names for service, names in left.found.items() if names} == {
        "s3 buckets": ["left-bucket"],
        "kms keys (not pending deletion)": [f"{key_id} (Enabled: left key)"],
        "iam roles": ["left-role"],
        "log groups": ["/left/group"],
        "sns topics": ["left-topic"],
        "kinesis streams": ["left-stream"],
        "codecommit repositories": ["left-repo"],
    }
    assert "s3 buckets: left-bucket" in left.describe() and not left.empty

    client("s3").delete_bucket(Bucket="left-bucket")
    client("kms").schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    client("iam").delete_role(RoleName="left-role")
    client("logs").delete_log_group(logGroupName="/left/group")
    client("sns").delete_topic(TopicArn=topic_arn)
    client("kinesis").delete_stream(StreamName="left-stream")
    client("codecommit").delete_repository(repositoryName="left-repo")
    # A key pending deletion is what a destroy leaves by design: not a leftover.
    after = leftovers(endpoint, ignore_buckets=["state-bucket"], known=known)
    assert after.empty, after.describe()
    assert leftovers(endpoint, known=known).found["s3 buckets"] == ["state-bucket"]
    # moto cannot list repositories: without names to look up, that is said, not taken as empty.
    unknown = leftovers(endpoint, ignore_buckets=["state-bucket"])
    assert not unknown.empty and "codecommit repositories" in unknown.unlisted


def test_a_service_that_cannot_be_listed_is_reported_not_empty(fresh_emulator: EmulatorProcess) -> None:
    no_retries = endpoint_client_factory(fresh_emulator.endpoint)

    def client(service: str) -> Any:
        if service == "glue":
            raise ConnectionError("glue is down")
        return no_retries(service)

    left = leftovers(fresh_emulator.endpoint, client_factory=client)
    assert not left.empty
    assert left.unlisted["glue jobs"] == "ConnectionError: glue is down"
    assert "glue jobs: could not list (ConnectionError: glue is down)" in left.describe()
