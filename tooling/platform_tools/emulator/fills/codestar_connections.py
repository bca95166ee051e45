"""Gap: moto has no CodeStar Connections service, so `aws_codestarconnections_connection` cannot exist.

moto 5.2.5 finds no backend for requests signed for `codestar-connections` (the
`com.amazonaws.codestar.connections.CodeStar_connections_20191201.*` JSON target) and answers HTTP
500, which the provider retries for minutes.

Fill: a small service of its own, registered with moto's dispatcher as any moto service is (a URL
pattern plus a `moto.codestarconnections` backend module), so requests are routed, answers and errors
are serialised by the botocore service model, and /moto-api/reset clears it. Per account and region:
CreateConnection (`ProviderType` one of AWS's, or a `HostArn`; the ARN is
`arn:aws:codestar-connections:<region>:<account>:connection/<uuid>`), GetConnection, ListConnections
(filters by provider type and host; no paging), DeleteConnection, and ListTagsForResource,
TagResource, UntagResource on connections. Every connection stays `PENDING`, as a new one does on AWS
until someone completes the handshake in the console; hosts are not emulated (a `HostArn` is kept
as given).
"""

from __future__ import annotations

import re
import sys
import types
import uuid
from typing import Any

SERVICE = "codestar-connections"
PROVIDER_TYPES = frozenset(
    {"Bitbucket", "GitHub", "GitHubEnterpriseServer", "GitLab", "GitLabSelfManaged", "AzureDevOps"}
)
_URL_BASE = r"https?://codestar-connections\.(.+)\.amazonaws\.com"


def apply() -> None:
    import moto.backend_index
    from moto.core.base_backend import BackendDict, BaseBackend
    from moto.core.exceptions import ServiceException
    from moto.core.responses import ActionResult, BaseResponse, EmptyResult
    from moto.utilities.utils import get_partition

    class CodeStarConnectionsError(ServiceException):
        """An AWS error, serialised by the service model (not moto's base class: see codecommit.py)."""

    def not_found(arn: str) -> ServiceException:
        return CodeStarConnectionsError("ResourceNotFoundException", f"Resource not found: {arn}")

    class CodeStarConnectionsBackend(BaseBackend):
        def __init__(self, region_name: str, account_id: str) -> None:
            super().__init__(region_name, account_id)
            self.connections: dict[str, dict[str, str]] = {}
            self.tags: dict[str, dict[str, str]] = {}

        @property
        def _url_module(self) -> Any:  # moto reads url_bases/url_paths from the service's urls module
            return types.SimpleNamespace(
                url_bases=[_URL_BASE], url_paths={"{0}/$": CodeStarConnectionsResponse.dispatch}
            )

        def connection(self, arn: str) -> dict[str, str]:
            if arn not in self.connections:
                raise not_found(arn)
            return self.connections[arn]

    backends = BackendDict(CodeStarConnectionsBackend, SERVICE)

    class CodeStarConnectionsResponse(BaseResponse):
        def __init__(self) -> None:
            super().__init__(service_name=SERVICE)

        @property
        def backend(self) -> CodeStarConnectionsBackend:
            found: CodeStarConnectionsBackend = backends[self.current_account][self.region]
            return found

        def create_connection(self) -> Any:
            name, provider, host = (self._get_param(key) for key in ("ConnectionName", "ProviderType", "HostArn"))
            if not name or len(name) > 32:
                raise CodeStarConnectionsError("ValidationException", "ConnectionName must be 1 to 32 characters long.")
            if (provider is None) == (host is None):
                raise CodeStarConnectionsError("ValidationException", "Give either a ProviderType or a HostArn.")
            if provider is not None and provider not in PROVIDER_TYPES:
                raise CodeStarConnectionsError(
                    "ValidationException", f"ProviderType must be one of {', '.join(sorted(PROVIDER_TYPES))}."
                )
            backend = self.backend
            partition = get_partition(backend.region_name)
            arn = f"arn:{partition}:{SERVICE}:{backend.region_name}:{backend.account_id}:connection/{uuid.uuid4()}"
            connection = {
                "ConnectionName": name,
                "ConnectionArn": arn,
                "ProviderType": provider,
                "OwnerAccountId": backend.account_id,
                "ConnectionStatus": "PENDING",
                "HostArn": host,
            }
            backend.connections[arn] = {key: value for key, value in connection.items() if value is not None}
            tags = self._get_param("Tags") or []
            backend.tags[arn] = {tag["Key"]: tag["Value"] for tag in tags}
            return ActionResult({"ConnectionArn": arn, "Tags": tags})

        def get_connection(self) -> Any:
            return ActionResult({"Connection": self.backend.connection(self._get_param("ConnectionArn"))})

        def list_connections(self) -> Any:
            provider, host = self._get_param("ProviderTypeFilter"), self._get_param("HostArnFilter")
            listed = [
                connection
                for connection in self.backend.connections.values()
                if provider in (None, connection.get("ProviderType")) and host in (None, connection.get("HostArn"))
            ]
            return ActionResult({"Connections": listed})

        def delete_connection(self) -> Any:
            arn = self._get_param("ConnectionArn")
            self.backend.connection(arn)
            del self.backend.connections[arn]
            del self.backend.tags[arn]
            return EmptyResult()

        def list_tags_for_resource(self) -> Any:
            arn = self._get_param("ResourceArn")
            self.backend.connection(arn)
            return ActionResult({"Tags": [{"Key": k, "Value": v} for k, v in self.backend.tags[arn].items()]})

        def tag_resource(self) -> Any:
            arn = self._get_param("ResourceArn")
            self.backend.connection(arn)
            self.backend.tags[arn].update({tag["Key"]: tag["Value"] for tag in self._get_param("Tags") or []})
            return EmptyResult()

        def untag_resource(self) -> Any:
            arn = self._get_param("ResourceArn")
            self.backend.connection(arn)
            for key in self._get_param("TagKeys") or []:
                self.backend.tags[arn].pop(key, None)
            return EmptyResult()

    # What moto's dispatcher needs to find a service: a URL pattern naming it, then
    # `moto.<name without dashes>.<name>_backends` (moto.backends.get_backend imports it by name).
    module = types.ModuleType("moto.codestarconnections", __doc__)
    module.codestarconnections_backends = backends  # type: ignore[attr-defined]
    sys.modules[module.__name__] = module
    moto.backend_index.backend_url_patterns.append((SERVICE, re.compile(_URL_BASE)))
