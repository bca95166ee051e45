# The Glue database and table that describe the stream (unless an existing table is passed in): the schema is
# declared (field_schema), never inferred, and the same columns are what the job parses each record against.

resource "aws_glue_catalog_database" "this" {
  count = local.create_table ? 1 : 0

  name        = local.database_name
  description = "Records on Kinesis stream ${local.stream_name} (pipeline ${var.name})"
  tags        = var.tags
}

resource "aws_glue_catalog_table" "stream" {
  count = local.create_table ? 1 : 0

  name          = local.table_name
  database_name = aws_glue_catalog_database.this[0].name
  description   = "JSON records on Kinesis stream ${local.stream_name}"
  table_type    = "EXTERNAL_TABLE"
  parameters = {
    classification = "json"
    typeOfData     = "kinesis"
    streamARN      = local.stream_arn_static
    streamName     = local.stream_name
    endpointUrl    = local.kinesis_endpoint
  }

  storage_descriptor {
    location      = local.stream_name
    input_format  = "org.apache.hadoop.mapred.TextInputFormat"
    output_format = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"

    parameters = {
      streamARN   = local.stream_arn_static
      streamName  = local.stream_name
      endpointUrl = local.kinesis_endpoint
      typeOfData  = "kinesis"
    }

    ser_de_info {
      serialization_library = "org.openx.data.jsonserde.JsonSerDe"
    }

    dynamic "columns" {
      for_each = var.field_schema
      content {
        name    = columns.value.name
        type    = columns.value.type
        comment = columns.value.comment
      }
    }
  }
}
