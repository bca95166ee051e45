"""The table DDL: templates in `sql_templates/`, filled only with names and locations that match strict patterns.

A table name or location that reaches SQL is checked here again, whatever checked it before (the
settings at cold start, the module's variable validation): nothing with a quote, a backtick, a space
or a semicolon can match, so a template can never be closed early.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from string import Template
from typing import Final

# Athena (Glue Data Catalog) database and table names as we allow them: lowercase, no quoting needed.
TABLE_NAME_PATTERN: Final = re.compile(r"^[a-z_][a-z0-9_]{0,254}$")
# An S3 prefix: s3://bucket/ or s3://bucket/a/b/, each key segment of letters, digits and _ . = -
S3_LOCATION_PATTERN: Final = re.compile(
    r"^s3://(?P<bucket>[a-z0-9][a-z0-9.-]{1,61}[a-z0-9])/(?P<key>(?:[A-Za-z0-9_.=-]+/)*)$"
)
# The same with at least one key segment: a prefix to clear is never a whole bucket.
S3_CLEARABLE_PREFIX_PATTERN: Final = re.compile(
    r"^s3://(?P<bucket>[a-z0-9][a-z0-9.-]{1,61}[a-z0-9])/(?P<key>(?:[A-Za-z0-9_.=-]+/)+)$"
)

SQL_DIR: Final = Path(__file__).parent / "sql_templates"
DROP_TEMPLATE: Final = "drop_table"


class UnsafeSqlValueError(ValueError):
    """A table name or location does not match its strict pattern, so it never enters SQL."""


def checked_table_name(name: str) -> str:
    if not TABLE_NAME_PATTERN.match(name):
        raise UnsafeSqlValueError(
            f"table name {name!r} is not allowed in SQL: use lowercase letters, digits and underscores, "
            "starting with a letter or underscore."
        )
    return name


def checked_location(location: str) -> str:
    if not S3_LOCATION_PATTERN.match(location):
        raise UnsafeSqlValueError(
            f'location {location!r} is not allowed in SQL: use an S3 prefix like "s3://bucket/prefix/" '
            "whose key segments hold only letters, digits and _ . = -"
        )
    return location


@cache
def template(name: str) -> Template:
    """A template from sql_templates/ (read once per container)."""
    path = SQL_DIR / f"{name}.sql"
    if not path.is_file():
        raise FileNotFoundError(f"no SQL template {path.name} in {SQL_DIR}: the package is incomplete.")
    return Template(path.read_text(encoding="utf-8").strip())


def drop_table_sql(table: str) -> str:
    return template(DROP_TEMPLATE).substitute(table=checked_table_name(table))


def create_table_sql(kind: str, table: str, location: str) -> str:
    """CREATE EXTERNAL TABLE for one of the four result tables (`kind` names its template)."""
    return template(kind).substitute(table=checked_table_name(table), location=checked_location(location))
