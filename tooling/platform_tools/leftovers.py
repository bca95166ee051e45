"""What is left in an AWS endpoint (the emulator) after a destroy, listed per service.

`leftovers(endpoint)` lists the resources of every service the stack deploys into; `Leftovers.empty` says
whether a destroy removed everything. KMS keys are never deleted at once: a key pending deletion (or an
AWS-managed key) is not a leftover, an enabled customer-managed key is. A service that cannot be listed is
reported in `unlisted`, never taken as empty. moto 5.2.5 cannot list CodeCommit repositories
(ListRepositories is not implemented): pass the names deployed in `known` ({"codecommit repositories":
[...]}) and each is looked up by name instead (GetRepository works), which is said in the description.

    python -m platform_tools.leftovers --endpoint http://127.0.0.1:4566 [--ignore-bucket local-terraform-state]
        [--known-repository etl-dev-glue-jobs]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.config import Config

from platform_tools.emulator.control import DEFAULT_REGION, aws_env

# Listed by the emulator's own set-up or created by AWS itself, not by a Terraform root.
DEFAULT_ATHENA_WORKGROUPS = frozenset({"primary"})

ClientFactory = Callable[[str], Any]


@dataclass
class Leftovers:
    """Resources found per service, and the services that could not be listed (with the error)."""

    found: dict[str, list[str]] = field(default_factory=dict)
    unlisted: dict[str, str] = field(default_factory=dict)
    # Services that could not list, checked name by name instead (label -> the names looked up).
    looked_up: dict[str, list[str]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.unlisted and not any(self.found.values())

    def describe(self) -> str:
        lines = [f"{service}: {', '.join(names)}" for service, names in sorted(self.found.items()) if names]
        lines += [f"{service}: could not list ({error})" for service, error in sorted(self.unlisted.items())]
        checked = [
            f"{service}: cannot be listed here, looked up by name: {', '.join(names)}"
            for service, names in sorted(self.looked_up.items())
        ]
        return "\n".join((lines or ["nothing left"]) + checked)


def _paged(client: Any, operation: str, key: str, **kwargs: Any) -> Iterable[Any]:
    for page in client.get_paginator(operation).paginate(**kwargs):
        yield from page.get(key, [])


def _kms_keys(kms: Any) -> list[str]:
    left = []
    for key in _paged(kms, "list_keys", "Keys"):
        meta = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
        # A destroyed key waits PendingDeletion for its window; AWS-managed keys are AWS's.
        pending = meta.get("KeyState") in ("PendingDeletion", "PendingReplicaDeletion")
        if meta.get("KeyManager") == "CUSTOMER" and not pending:
            left.append(f"{key['KeyId']} ({meta.get('KeyState')}: {meta.get('Description') or 'no description'})")
    return left


def _listers(ignore_buckets: frozenset[str]) -> dict[str, tuple[str, Callable[[Any], list[str]]]]:
    """service label -> (boto3 service, function listing what is there)."""
    return {
        "s3 buckets": (
            "s3",
            lambda c: [b["Name"] for b in c.list_buckets().get("Buckets", []) if b["Name"] not in ignore_buckets],
        ),
        "kms keys (not pending deletion)": ("kms", _kms_keys),
        "kms aliases": (
            "kms",
            lambda c: [
                a["AliasName"]
                for a in _paged(c, "list_aliases", "Aliases")
                if not a["AliasName"].startswith("alias/aws/")
            ],
        ),
        "iam roles": (
            "iam",
            lambda c: [
                r["RoleName"]
                for r in _paged(c, "list_roles", "Roles")
                if not r["Path"].startswith("/aws-service-role/")
            ],
        ),
        "iam policies": (
            "iam",
            lambda c: [p["PolicyName"] for p in _paged(c, "list_policies", "Policies", Scope="Local")],
        ),
        "log groups": ("logs", lambda c: [g["logGroupName"] for g in _paged(c, "describe_log_groups", "logGroups")]),
        "state machines": (
            "stepfunctions",
            lambda c: [m["name"] for m in _paged(c, "list_state_machines", "stateMachines")],
        ),
        "kinesis streams": ("kinesis", lambda c: list(c.list_streams().get("StreamNames", []))),
        "glue jobs": ("glue", lambda c: list(c.list_jobs().get("JobNames", []))),
        "glue databases": ("glue", lambda c: [d["Name"] for d in _paged(c, "get_databases", "DatabaseList")]),
        "glue security configurations": (
            "glue",
            lambda c: [s["Name"] for s in c.get_security_configurations().get("SecurityConfigurations", [])],
        ),
        "glue data quality rulesets": (
            "glue",
            lambda c: [r["Name"] for r in c.list_data_quality_rulesets().get("Rulesets", [])],
        ),
        "lambda functions": ("lambda", lambda c: [f["FunctionName"] for f in _paged(c, "list_functions", "Functions")]),
        "codepipeline pipelines": (
            "codepipeline",
            lambda c: [p["name"] for p in c.list_pipelines().get("pipelines", [])],
        ),
        "codecommit repositories": (
            "codecommit",
            lambda c: [r["repositoryName"] for r in c.list_repositories().get("repositories", [])],
        ),
        "sns topics": ("sns", lambda c: [t["TopicArn"].rsplit(":", 1)[-1] for t in _paged(c, "list_topics", "Topics")]),
        "sns subscriptions": (
            "sns",
            lambda c: [s["Endpoint"] for s in _paged(c, "list_subscriptions", "Subscriptions")],
        ),
        "sqs queues": ("sqs", lambda c: [u.rsplit("/", 1)[-1] for u in c.list_queues().get("QueueUrls", [])]),
        "eventbridge rules": ("events", lambda c: [r["Name"] for r in c.list_rules().get("Rules", [])]),
        "cloudwatch alarms": (
            "cloudwatch",
            lambda c: [a["AlarmName"] for a in _paged(c, "describe_alarms", "MetricAlarms")],
        ),
        "athena workgroups": (
            "athena",
            lambda c: [
                w["Name"]
                for w in c.list_work_groups().get("WorkGroups", [])
                if w["Name"] not in DEFAULT_ATHENA_WORKGROUPS
            ],
        ),
    }


# Where a service cannot list, how to look one name up: (label) -> (service, exists(client, name)).
def _repository_exists(client: Any, name: str) -> bool:
    try:
        client.get_repository(repositoryName=name)
    except client.exceptions.RepositoryDoesNotExistException:
        return False
    return True


LOOKUPS: dict[str, Callable[[Any, str], bool]] = {"codecommit repositories": _repository_exists}


def leftovers(
    endpoint: str,
    region: str = DEFAULT_REGION,
    ignore_buckets: Iterable[str] = (),
    known: dict[str, list[str]] | None = None,
    client_factory: ClientFactory | None = None,
) -> Leftovers:
    """List what is left on `endpoint`, per service (see the module's docstring for `known`)."""
    client = client_factory or endpoint_client_factory(endpoint, region)
    result = Leftovers()
    clients: dict[str, Any] = {}
    for label, (service, lister) in _listers(frozenset(ignore_buckets)).items():
        try:
            if service not in clients:
                clients[service] = client(service)
            result.found[label] = sorted(lister(clients[service]))
        except Exception as exc:  # any failure to list is reported, never read as "nothing there"
            names = (known or {}).get(label)
            if names is None or label not in LOOKUPS:
                result.unlisted[label] = f"{type(exc).__name__}: {exc}"
                continue
            try:
                result.found[label] = sorted(name for name in names if LOOKUPS[label](clients[service], name))
                result.looked_up[label] = sorted(names)
            except Exception as lookup_exc:  # as above
                result.unlisted[label] = f"{type(lookup_exc).__name__}: {lookup_exc}"
    return result


def endpoint_client_factory(endpoint: str, region: str = DEFAULT_REGION) -> ClientFactory:
    # The emulator answers at once or not at all: no retries, so an unanswered listing fails fast.
    config = Config(retries={"max_attempts": 1, "mode": "standard"})

    def client(service: str) -> Any:
        # The emulator's fake credentials, so a developer's real ones are never sent.
        fake = aws_env(endpoint, region)
        make_client: Any = boto3.client  # a runtime service name defeats the stubs' literal overloads
        return make_client(
            service,
            endpoint_url=endpoint,
            region_name=region,
            config=config,
            aws_access_key_id=fake["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=fake["AWS_SECRET_ACCESS_KEY"],
            aws_session_token=fake["AWS_SESSION_TOKEN"],
        )

    return client


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--endpoint", required=True, help="AWS endpoint URL, e.g. the emulator's http://127.0.0.1:4566")
    parser.add_argument("--region", default=DEFAULT_REGION)
    parser.add_argument("--ignore-bucket", action="append", default=[], help="an expected bucket (the state bucket)")
    parser.add_argument("--known-repository", action="append", default=[], help="a repository to look up by name")
    args = parser.parse_args(argv)
    known = {"codecommit repositories": args.known_repository} if args.known_repository else None
    found = leftovers(args.endpoint, args.region, ignore_buckets=args.ignore_bucket, known=known)
    print(found.describe())
    return 0 if found.empty else 1


if __name__ == "__main__":
    sys.exit(main())
