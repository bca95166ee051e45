# The inputs every test file of this module starts from (terraform test loads this file); a run's own
# variables block overrides them.
name        = "orders"
script_path = "tests/fixtures/job.py"
