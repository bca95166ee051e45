"""The DDL templates: filled with checked names and locations only; anything that could close a quote is refused."""

from __future__ import annotations

import pytest

from batch_launcher.launcher.settings import TABLE_KINDS
from batch_launcher.launcher.sql import UnsafeSqlValueError, create_table_sql, drop_table_sql


def test_drop_table_quotes_the_checked_name() -> None:
    assert drop_table_sql("manifest_counts") == "DROP TABLE IF EXISTS `manifest_counts`"


@pytest.mark.parametrize("kind", TABLE_KINDS)
def test_each_table_is_external_parquet_at_its_location(kind: str) -> None:
    sql = create_table_sql(kind, f"t_{kind}", "s3://lake-results/manifests/dt=2024-03-15/counts/")
    assert sql.startswith(f"CREATE EXTERNAL TABLE `t_{kind}` (\n  `")
    assert "STORED AS PARQUET\nLOCATION 's3://lake-results/manifests/dt=2024-03-15/counts/'" in sql
    assert "$" not in sql


@pytest.mark.parametrize(
    "name",
    ["counts`; DROP DATABASE lake; --", "Counts", "counts table", "1counts", "", "counts;", "x" * 256, "db.counts"],
)
def test_unsafe_table_names_never_reach_sql(name: str) -> None:
    with pytest.raises(UnsafeSqlValueError, match="is not allowed in SQL"):
        drop_table_sql(name)
    with pytest.raises(UnsafeSqlValueError, match="is not allowed in SQL"):
        create_table_sql("counts", name, "s3://bucket/counts/")


@pytest.mark.parametrize(
    "location",
    [
        "s3://bucket/counts' TBLPROPERTIES ('x'='y",
        "s3://bucket/counts",
        "s3://bucket/a b/",
        "s3://bucket/a\\/",
        "https://bucket/counts/",
        "s3://Bucket/counts/",
        "s3://bucket//",
        "s3://bucket/counts/;/",
    ],
)
def test_unsafe_locations_never_reach_sql(location: str) -> None:
    with pytest.raises(UnsafeSqlValueError, match="is not allowed in SQL"):
        create_table_sql("counts", "counts", location)
