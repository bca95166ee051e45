CREATE EXTERNAL TABLE `$table` (
  `side` string,
  `type` string,
  `source` string,
  `record_count` bigint,
  `missing_count` bigint,
  `mismatched_count` bigint
)
STORED AS PARQUET
LOCATION '$location'
TBLPROPERTIES ('classification' = 'parquet')
