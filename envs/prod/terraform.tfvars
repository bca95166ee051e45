environment = "prod"

settings = {
  log_retention_days           = 365
  quarantine_expiration_days   = 180
  force_destroy                = false
  kms_key_deletion_window_days = 30
  # Refuse any plan that destroys or replaces the data bucket or its key (stacks/platform/protection.tf).
  protect_data       = true
  orders_engine      = "spark"
  orders_job_workers = 10
  orders_schedule    = "rate(1 hour)"
  # A week of replay on the stream; bigger streaming workers.
  stream = {
    retention_hours   = 168
    worker_type       = "G.1X"
    number_of_workers = 4
  }
  # A push to main waits for a manual approval before it deploys the orders job.
  deploy = {
    branch           = "main"
    require_approval = true
  }
  # One topic for every pipeline's failures and alarms; replace the address with the on-call list.
  alerts = {
    subscriptions = [{ protocol = "email", endpoint = "data-platform-oncall@example.com" }]
  }
  manifest_comparison = {
    dependency_queue_names = ["manifest-imports", "manifest-exports"]
    import_type            = "streaming_main"
    snapshot_type          = "incremental"
    max_daily_runs         = 5 # the seed's production setting: up to five catch-up runs a day
  }
}
