"""The errors a job raises for bad input, each with a message that names the argument, field or rule.

Every class derives from `EtlError`; `user_facing = True` tells the local runner to print the message
alone (no traceback). On Glue the message becomes the job run's error message.
"""

from __future__ import annotations


class EtlError(ValueError):
    """A failure caused by the job's input or arguments, not by a bug; the message says what to fix."""

    user_facing = True


class JobArgumentError(EtlError):
    """A job argument is missing, conflicts with another, or has a value outside its choices."""


class MappingError(EtlError):
    """The declared target mapping is malformed, names an unknown type or a type Spark cannot cast to."""


class DqdlError(EtlError):
    """The data-quality ruleset does not parse, or uses a rule type this library does not evaluate."""


class InputDataError(EtlError):
    """The input does not exist or holds no records."""


class DataQualityFailure(EtlError):
    """Policy `fail`: at least one data-quality rule failed, so nothing was committed to the output."""


class QuarantineCeilingExceeded(EtlError):
    """More than --max_quarantine_ratio of the rows would be quarantined, so nothing was committed."""
