settings = {
  log_retention_days         = 14
  quarantine_expiration_days = 30
  # dev is throw-away: allow destroying buckets that still hold test data.
  force_destroy = true
  # The Batch queues whose import and export jobs write the manifests (created by those jobs' owners).
  manifest_comparison = {
    dependency_queue_names = ["manifest-imports", "manifest-exports"]
    import_type            = "streaming_main"
    snapshot_type          = "incremental"
  }
}
