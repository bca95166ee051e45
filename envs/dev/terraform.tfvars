log_retention_days         = 14
quarantine_expiration_days = 30
# dev is throw-away: allow destroying buckets that still hold test data.
force_destroy_buckets = true
