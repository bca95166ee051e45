# The stack every environment deploys: the data lake (data_lake.tf) and the pipelines built from the
# modules (one file each). Each environment sets only the inputs that differ.
