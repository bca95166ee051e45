# The DQDL the script evaluates (passed as --dq_rules in main.tf), stored as a Glue Data Quality ruleset
# so it is visible and reusable in Glue; one input feeds both, so they cannot drift apart.

resource "aws_glue_data_quality_ruleset" "this" {
  count = var.data_quality != null ? 1 : 0

  name        = var.name
  description = "Rules evaluated by Glue job ${var.name}"
  ruleset     = var.data_quality.ruleset
  tags        = var.tags

  dynamic "target_table" {
    for_each = var.data_quality.target_table == null ? [] : [var.data_quality.target_table]
    content {
      database_name = target_table.value.database
      table_name    = target_table.value.table
    }
  }
}
