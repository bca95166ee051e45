"""The batch launcher: once its AWS Batch queues have drained, rebuild the manifest tables and start the comparison.

Modules, one step each, every function taking its AWS clients as arguments:

- `settings`: the environment, read and checked once at cold start (`Settings.from_environ`)
- `events`: the EventBridge "Batch Job State Change" event, validated into `BatchJobStateChange`
- `queues`: is any dependency queue still busy (`ListJobs` by status, paginated)
- `storage`: clearing S3 prefixes (batched `DeleteObjects`)
- `sql` and `athena`: the table DDL from the templates in `sql/`, and running it with a bounded poll
- `glue_runs`: the job's runs today and any active run; starting the run
- `core`: `launch()`, the steps in order, returning a `LaunchResult`
- `handler`: the Lambda entry point (`launcher.handler.lambda_handler`), clients and logger at module scope
"""

from aws_lambda_powertools import Logger

SERVICE_NAME = "batch-launcher"
# One logger for the package (structured JSON on stdout); the handler adds the Lambda context to it.
logger = Logger(service=SERVICE_NAME)
