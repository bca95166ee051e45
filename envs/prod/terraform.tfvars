log_retention_days         = 365
quarantine_expiration_days = 180
force_destroy_buckets      = false
orders_job_workers         = 10
