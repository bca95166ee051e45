"""etl_lib: the Glue jobs' shared library (a zip through `--extra-py-files` for Spark jobs, a wheel for
Python-shell jobs), for json_to_parquet's two engines and the other jobs.

Engine-free, importable on Python 3.9 (what a Python-shell job imports; `make lint` checks it):

- `edge`: the Glue edge every job script uses: argument resolution, GlueContext, job.commit(), local mode
- `job_args`: which arguments a job accepts (its own and AWS Glue's job parameters), the refusal of others
- `config`: json_to_parquet's arguments, validated into a typed config
- `mapping`: the declared target mapping (fields, paths, Spark SQL type strings), parsed and checked
- `dqdl`: a parser for DQDL, the rule types we evaluate
- `outcomes`: the rules' metrics turned into PASS/FAIL outcomes, the same for both engines
- `json_input`: --input_format: deciding a file's format, splitting JSON documents, their parser messages
- `report`: counts, conservation, the quarantine ceiling, policies, statuses, the report and its errors
- `paths`: local paths and URIs, small text files (mapping, rules) from a path or S3
- `errors`: the exceptions raised for bad input, each naming the argument, field or rule

The Spark engine: `spark_mapping` (the mapping as column expressions), `dq` (rules as flags and observed
metrics), `storage` (reading, staging, committing through Hadoop's FileSystem), `pipeline` (the run); also
`streaming` (kinesis_to_parquet) and `manifests` (manifest_comparison). The DuckDB engine: `duckdb_engine`.
"""

__version__ = "1.0.0"
