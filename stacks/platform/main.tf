# The platform stack every environment deploys: the data lake (data_lake.tf) and the pipelines built from the
# modules (one file each). An environment (envs/<env>) is a provider, a backend and one call of this stack with
# its `settings`: a new setting is one attribute in variables.tf here plus one line in each env's tfvars.
