settings = {
  log_retention_days         = 365
  quarantine_expiration_days = 180
  force_destroy              = false
  orders_job_workers         = 10
  manifest_comparison = {
    dependency_queue_names = ["manifest-imports", "manifest-exports"]
    import_type            = "streaming_main"
    snapshot_type          = "incremental"
    max_daily_runs         = 5 # the seed's production setting: up to five catch-up runs a day
  }
}
