CREATE EXTERNAL TABLE `$table` (
  `id` string,
  `export_timestamp` bigint,
  `export_type` string,
  `export_source` string
)
STORED AS PARQUET
LOCATION '$location'
TBLPROPERTIES ('classification' = 'parquet')
