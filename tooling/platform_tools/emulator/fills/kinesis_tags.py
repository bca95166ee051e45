"""Gap: Kinesis `CreateStream` ignores `Tags`, so every plan of a tagged `aws_kinesis_stream` drifts.

The provider (5.100) passes the tags in CreateStream and reads them back with ListTagsForStream;
moto 5.2.5 creates the stream untagged.

Fill: after moto creates the stream, add the given tags as `AddTagsToStream` would.
"""

from __future__ import annotations

from typing import Any

from platform_tools.emulator.fills import patch


def apply() -> None:
    from moto.kinesis.responses import KinesisResponse

    original_create_stream = KinesisResponse.create_stream

    def create_stream(self: Any) -> Any:
        result = original_create_stream(self)
        tags = self._get_param("Tags")
        if tags:
            self.kinesis_backend.add_tags_to_stream(None, self._get_param("StreamName"), tags)
        return result

    patch(KinesisResponse, "create_stream", create_stream)
