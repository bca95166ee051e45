"""json_to_parquet's DuckDB engine: the same contract as the Spark engine, on one machine (a Glue Python-shell job).

- `types`: the mapping's Spark SQL type strings, parsed without Spark, as DuckDB types (or a clear refusal);
- `mapping`: the mapping compiled to DuckDB SQL (parse each record once, convert, say why a row is rejected);
- `rules`: DQDL compiled to DuckDB SQL (row flags, the metrics of `etl_lib.outcomes`, the distinct-value rules
  and CustomSql);
- `io`: input files (local or S3 through boto3, nothing downloaded at run time but the data), staging and commit;
- `pipeline`: the run, deciding and reporting through `etl_lib.report` exactly as the Spark engine does.

Everything here is importable on Python 3.9 (Glue's Python-shell runtime); the job script is
`jobs/json_to_parquet_duckdb.py`.
"""
