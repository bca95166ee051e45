CREATE EXTERNAL TABLE `$table` (
  `id` string,
  `import_timestamp` bigint,
  `export_timestamp` bigint,
  `difference_ms` bigint,
  `earlier_side` string,
  `import_type` string,
  `import_source` string,
  `export_type` string,
  `export_source` string
)
STORED AS PARQUET
LOCATION '$location'
TBLPROPERTIES ('classification' = 'parquet')
