# The stack every environment deploys: the data lake and the pipelines built from the modules.
# Pipelines are added here as their modules land; each environment sets only the inputs that differ.

locals {
  glue_job_names = {}
}
