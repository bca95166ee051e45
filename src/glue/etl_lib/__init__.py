"""etl_lib: the Glue jobs' shared library, shipped to Glue as a zip through `--extra-py-files`.

Pure DataFrame functions and their helpers; nothing but `edge` touches awsglue, so every function runs on
plain local Spark and is tested there. Modules:

- `edge`: the Glue edge every job script uses: argument resolution, GlueContext, job.commit(), local mode
- `job_args`: which arguments a job accepts (its own and AWS Glue's job parameters), the refusal of others
- `config`: json_to_parquet's arguments, validated into a typed config
- `mapping`: the declared target mapping: JSON text to typed columns plus a per-row failure reason
- `dqdl`: a parser for DQDL, the rule types we evaluate (pure Python: another engine can compile it)
- `dq`: row-level failure flags and one-pass metrics for a ruleset, and their PASS/FAIL outcomes
- `storage`: reading inputs, staging and committing outputs, small text files (local or S3)
- `pipeline`: json_to_parquet's body, tying the above together
- `errors`: the exceptions raised for bad input, each naming the argument, field or rule
"""

__version__ = "1.0.0"
