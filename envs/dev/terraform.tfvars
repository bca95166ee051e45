environment = "dev"

settings = {
  log_retention_days         = 14
  quarantine_expiration_days = 30
  # dev is throw-away: allow destroying buckets that still hold test data, and delete keys after the minimum wait.
  force_destroy                = true
  kms_key_deletion_window_days = 7
  # Small inputs: the orders job as a Python-shell job on DuckDB (prod runs Spark).
  orders_engine   = "duckdb"
  orders_schedule = "rate(1 hour)"
  # The smallest streaming job on an on-demand stream with the minimum retention.
  stream = {
    retention_hours   = 24
    worker_type       = "G.025X"
    number_of_workers = 2
  }
  # Every push to main deploys the orders job at once.
  deploy = {
    branch           = "main"
    require_approval = false
  }
  # The Batch queues whose import and export jobs write the manifests (created by those jobs' owners).
  manifest_comparison = {
    dependency_queue_names = ["manifest-imports", "manifest-exports"]
    import_type            = "streaming_main"
    snapshot_type          = "incremental"
  }
}
