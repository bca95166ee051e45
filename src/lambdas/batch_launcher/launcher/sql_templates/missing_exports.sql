CREATE EXTERNAL TABLE `$table` (
  `id` string,
  `import_timestamp` bigint,
  `import_type` string,
  `import_source` string
)
STORED AS PARQUET
LOCATION '$location'
TBLPROPERTIES ('classification' = 'parquet')
