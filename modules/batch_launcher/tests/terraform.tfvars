# The inputs every test file of this module starts from (terraform test loads this file); a run's own
# variables block overrides them. The package, library and script files are only hashed, never read or run.
name                     = "manifests"
lambda_package_path      = "tests/fixtures/launcher.zip"
glue_library_path        = "tests/fixtures/etl_lib.zip"
glue_script_path         = "tests/fixtures/manifest_comparison.py"
dependency_queue_arns    = ["arn:aws:batch:eu-west-2:123456789012:job-queue/imports", "arn:aws:batch:eu-west-2:123456789012:job-queue/exports"]
import_manifest_location = "s3://lake-manifests/import/"
export_manifest_location = "s3://lake-manifests/export/"
results_location         = "s3://lake-results/comparison/"
query_results_location   = "s3://lake-athena/results/"
snapshot_type            = "full"
import_type              = "historic"
