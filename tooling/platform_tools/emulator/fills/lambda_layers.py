"""Gap: a Lambda function cannot use a layer published by another account.

moto 5.2.5 looks every `Layers` entry of CreateFunction and UpdateFunctionConfiguration up among the
layer versions published in the emulator, so a function using a public layer of another account
(AWS's Powertools for AWS Lambda, `arn:aws:lambda:<region>:017000801446:layer:...`) fails with 404
"LayerVersion does not exist" and `aws_lambda_function` with such `layers` cannot be created.

Fill: a layer version ARN of another account is accepted as it is and listed as `{Arn, CodeSize: 0}`
(its size is unknown here), in the order given; layers of the function's own account are still
looked up as moto ships it (an unknown one is still refused).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from platform_tools.emulator.fills import patch


def foreign_layer_account(arn: str, account_id: str) -> str | None:
    """The account of a layer version ARN (`arn:<p>:lambda:<region>:<account>:layer:<name>:<version>`)
    if it is not `account_id`, else None (also for anything that is not such an ARN)."""
    parts = arn.split(":")
    if len(parts) == 8 and parts[2] == "lambda" and parts[5] == "layer" and parts[7].isdigit():
        return parts[4] if parts[4] != account_id else None
    return None


def apply() -> None:
    from moto.awslambda.models import LambdaFunction

    original = LambdaFunction._get_layers_data

    def get_layers_data(self: Any, layer_version_arns: list[str]) -> list[dict[str, Any]]:
        own = [arn for arn in layer_version_arns if not foreign_layer_account(arn, self.account_id)]
        found: Iterator[Any] = iter(original(self, own))  # looks up (or refuses) the own account's layers
        return [
            {"Arn": arn, "CodeSize": 0} if foreign_layer_account(arn, self.account_id) else next(found)
            for arn in layer_version_arns
        ]

    patch(LambdaFunction, "_get_layers_data", get_layers_data)
