"""Gap: Glue `UpdateJob` is missing, and `GetJob` always answers `ExecutionClass = "STANDARD"`.

`aws_glue_job` updates in place with `UpdateJob`; moto 5.2.5 has no such action, so any change to a
job fails. moto also stores `ExecutionClass or "STANDARD"`, so a job created without it reads back
as STANDARD and every plan shows `execution_class: "STANDARD" -> null`. moto drops `JobMode`,
`JobRunQueuingEnabled` and `MaintenanceWindow` at create too.

Fill: remember what CreateJob was given for those fields, echo each only when set, and add
`UpdateJob`, which (like AWS) replaces the whole definition with the `JobUpdate` given.
"""

from __future__ import annotations

from typing import Any

from platform_tools.emulator.fills import patch

# Job fields moto's FakeJob does not keep (or keeps wrongly): API name -> attribute we store.
_CREATE_ONLY_FIELDS = {
    "ExecutionClass": "execution_class",
    "JobMode": "job_mode",
    "JobRunQueuingEnabled": "job_run_queuing_enabled",
    "MaintenanceWindow": "maintenance_window",
}

# Every JobUpdate member: API name -> FakeJob attribute.
_JOB_UPDATE_FIELDS = {
    "Description": "description",
    "LogUri": "log_uri",
    "Role": "role",
    "ExecutionProperty": "execution_property",
    "Command": "command",
    "DefaultArguments": "default_arguments",
    "NonOverridableArguments": "non_overridable_arguments",
    "Connections": "connections",
    "MaxRetries": "max_retries",
    "AllocatedCapacity": "allocated_capacity",
    "Timeout": "timeout",
    "MaxCapacity": "max_capacity",
    "WorkerType": "worker_type",
    "NumberOfWorkers": "number_of_workers",
    "SecurityConfiguration": "security_configuration",
    "NotificationProperty": "notification_property",
    "GlueVersion": "glue_version",
    "CodeGenConfigurationNodes": "code_gen_configuration_nodes",
    "SourceControlDetails": "source_control_details",
    **_CREATE_ONLY_FIELDS,
}

# Unset in a JobUpdate means reset; these two must stay dicts because moto's StartJobRun reads them.
_EMPTY_DICTS = {"execution_property", "default_arguments"}
# A job without a role or command is not valid on AWS; keep them if an update leaves them out.
_KEEP_IF_MISSING = {"role", "command"}


def apply() -> None:
    from moto.core.responses import ActionResult
    from moto.core.utils import utcnow
    from moto.glue.models import FakeJob
    from moto.glue.responses import GlueResponse

    original_create_job = GlueResponse.create_job
    original_as_dict = FakeJob.as_dict

    def create_job(self: Any) -> Any:
        result = original_create_job(self)
        job = self.glue_backend.get_job(self._get_param("Name"))
        for key, attr in _CREATE_ONLY_FIELDS.items():
            setattr(job, attr, self._get_param(key))
        return result

    def as_dict(self: Any) -> dict[str, Any]:
        data: dict[str, Any] = original_as_dict(self)
        for key, attr in _CREATE_ONLY_FIELDS.items():
            data[key] = getattr(self, attr, None)
        return {key: value for key, value in data.items() if value is not None}

    def update_job(self: Any) -> Any:
        name = self._get_param("JobName")
        update: dict[str, Any] = self._get_param("JobUpdate") or {}
        job = self.glue_backend.get_job(name)
        for key, attr in _JOB_UPDATE_FIELDS.items():
            if key in update:
                setattr(job, attr, update[key])
            elif attr not in _KEEP_IF_MISSING:
                setattr(job, attr, {} if attr in _EMPTY_DICTS else None)
        job.last_modified_on = utcnow()
        return ActionResult({"JobName": name})

    patch(GlueResponse, "create_job", create_job)
    patch(GlueResponse, "update_job", update_job)
    patch(FakeJob, "as_dict", as_dict)
