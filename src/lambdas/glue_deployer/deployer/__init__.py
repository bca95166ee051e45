"""The Glue deployer: a CodePipeline Lambda invoke action that deploys one Glue job from the pushed commit.

Modules, one concern each, every function taking its AWS clients as arguments:

- `events`: the CodePipeline job event, read into a `PipelineJob` (credentials hidden)
- `parameters`: the action's UserParameters JSON, checked into `DeployParameters`
- `artifact`: the input artifact zip: read, commit id, script and deterministically zipped library
- `storage`: uploading them under keys that name the commit
- `glue_job`: GetJob -> JobUpdate -> UpdateJob in place; finding, starting and reading the run
- `results`: the one PutJobSuccessResult/PutJobFailureResult of an invocation, and the continuation token
- `errors`: ConfigurationError / PermissionDenied / JobFailed, CodePipeline's failure types
- `core`: `handle()`, the steps in order, returning the `Report` it sent
- `logs`: JSON log lines (standard library), with redaction of the event's credentials
- `handler`: the Lambda entry point (`deployer.handler.lambda_handler`), clients at module scope
"""

from .logs import JsonLogger

SERVICE_NAME = "glue-deployer"
# One logger for the package (JSON lines on stdout); the handler adds the invocation's keys to it.
logger = JsonLogger(service=SERVICE_NAME)
