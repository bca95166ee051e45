"""Job arguments and mapping structure (pure Python): each bad input is named in its error."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from etl_lib.config import JSON_TO_PARQUET_OPTIONS, JsonToParquetConfig, present_options
from etl_lib.errors import DqdlError, JobArgumentError, MappingError
from etl_lib.mapping import FieldMapping, parse_mapping
from etl_lib.paths import read_text
from platform_tools import REPO_ROOT
from platform_tools.package import tree_entries, zip_bytes

MAPPING = [
    {"source": "id", "target": "id", "type": "bigint", "required": True},
    {"source": "a.b", "target": "b", "type": "string"},
]


def args(**overrides: str | None) -> dict[str, str | None]:
    base: dict[str, str | None] = {
        "input_path": "/data/in",
        "output_path": "/data/out",
        "quarantine_path": "/data/quarantine",
        "mapping": json.dumps(MAPPING),
    }
    base.update(overrides)
    return {key: value for key, value in base.items() if value is not None}


def test_present_options_finds_both_spellings() -> None:
    argv = ["job.py", "--input_path", "x", "--dq_policy=warn", "--JOB_NAME", "j", "--unrelated", "y"]
    assert present_options(argv, JSON_TO_PARQUET_OPTIONS) == ["input_path", "dq_policy", "JOB_NAME"]
    assert present_options(["job.py", "--input_pathology", "x"], ["input_path"]) == []


def test_getresolvedoptions_with_present_options(tmp_path: Path) -> None:
    from awsglue.utils import getResolvedOptions

    argv = ["job.py", "--input_path", "in", "--output_path", "out", "--dq_policy=warn", "--TempDir", "t"]
    resolved = getResolvedOptions(argv, present_options(argv, JSON_TO_PARQUET_OPTIONS))
    assert (resolved["input_path"], resolved["output_path"], resolved["dq_policy"]) == ("in", "out", "warn")


def test_defaults_and_normalised_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    config = JsonToParquetConfig.from_args(args(input_path="./in", output_path="out/", quarantine_path="s3://b/q/"))
    assert config.input_path == str(tmp_path / "in")
    assert config.output_path == str(tmp_path / "out")
    assert config.quarantine_path == "s3://b/q"
    assert (config.dq_policy, config.write_mode, config.partition_columns) == ("fail", "overwrite", ())
    assert (config.input_format, config.max_quarantine_ratio) == ("jsonl", 0.5)
    assert JsonToParquetConfig.from_args(args(max_quarantine_ratio="0", input_format="AUTO")).max_quarantine_ratio == 0
    assert config.report_prefix == str(tmp_path / "out" / "_dq_report")
    assert config.ruleset.rules == ()
    assert config.mapping[0] == FieldMapping("id", "id", "bigint", required=True)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"output_path": None}, "missing required job argument --output_path"),
        ({"quarantine_path": None}, "missing required job argument --quarantine_path"),
        ({"input_path": None}, "missing required job argument --input_path"),
        ({"input_path": None, "database": "db"}, "missing required job argument --input_path"),
        ({"database": "db", "table_name": "t"}, "either --input_path or --database"),
        ({"mapping": None}, "missing required job argument --mapping"),
        ({"mapping_path": "/m.json"}, "either --mapping or --mapping_path"),
        ({"dq_policy": "ignore"}, "--dq_policy must be one of fail, quarantine, warn, not 'ignore'"),
        ({"write_mode": "merge"}, "--write_mode must be one of overwrite, append"),
        ({"partition_columns": "id,zz"}, "--partition_columns names 'zz', which is not a mapping target"),
        ({"partition_columns": "id,b"}, "cannot name every column"),
        ({"quarantine_path": "/data/out/q"}, "must not contain one another"),
        ({"output_path": "s3://bucket"}, "is a bucket root"),
        ({"input_format": "ndjson"}, "--input_format must be one of jsonl, json, auto"),
        ({"input_path": None, "database": "d", "table_name": "t", "input_format": "json"}, "applies to --input_path"),
        ({"max_quarantine_ratio": "1.5"}, "--max_quarantine_ratio must be a fraction between 0 and 1"),
        ({"max_quarantine_ratio": "-0.1"}, "--max_quarantine_ratio must be a fraction between 0 and 1"),
        ({"max_quarantine_ratio": "half"}, "not 'half'"),
        ({"max_quarantine_ratio": "nan"}, "not 'nan'"),
    ],
)
def test_bad_arguments(overrides: dict[str, str | None], message: str) -> None:
    with pytest.raises(JobArgumentError) as caught:
        JsonToParquetConfig.from_args(args(**overrides))
    assert message in str(caught.value)


def test_catalog_arguments_accepted() -> None:
    config = JsonToParquetConfig.from_args(args(input_path=None, database="raw", table_name="events"))
    assert config.source == "glue catalog table raw.events"


def test_files_are_read_for_mapping_and_rules(tmp_path: Path) -> None:
    (tmp_path / "m.json").write_text(json.dumps(MAPPING))
    (tmp_path / "r.dqdl").write_text('Rules = [ IsComplete "id" ]')
    config = JsonToParquetConfig.from_args(
        args(mapping=None, mapping_path=str(tmp_path / "m.json"), dq_rules_path=str(tmp_path / "r.dqdl"))
    )
    assert [rule.text for rule in config.ruleset.rules] == ['IsComplete "id"']
    with pytest.raises(JobArgumentError, match=r"cannot read .*nope\.json"):
        JsonToParquetConfig.from_args(args(mapping=None, mapping_path=str(tmp_path / "nope.json")))


def test_bad_rules_fail_before_spark() -> None:
    with pytest.raises(DqdlError, match="unknown or unsupported rule type 'Entropie'"):
        JsonToParquetConfig.from_args(args(dq_rules='Rules = [ Entropie "b" > 1 ]'))
    with pytest.raises(DqdlError, match="rule type 'SchemaMatch' is not supported yet: it compares with another"):
        JsonToParquetConfig.from_args(args(dq_rules='Rules = [ SchemaMatch "reference" = 1.0 ]'))


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ("{not json", "mapping: not valid JSON"),
        ("[]", "expected a non-empty JSON list"),
        ('{"source": "a"}', "expected a non-empty JSON list"),
        ('["a"]', "mapping entry 0: expected an object"),
        ('[{"source": "a", "target": "a"}]', "mapping entry 0: 'type' is missing"),
        ('[{"source": "a", "target": "a", "type": "int", "nullable": true}]', "unknown key(s) nullable"),
        ('[{"source": "a", "target": "1a", "type": "int"}]', "mapping for target '1a': a target name is"),
        ('[{"source": "a", "target": "__a", "type": "int"}]', "not starting with a digit or '__'"),
        ('[{"source": "a..b", "target": "a", "type": "int"}]', "source 'a..b' must be dot-separated names"),
        ('[{"source": "a", "target": "a", "type": "int", "required": "yes"}]', "'required' must be true or false"),
        (
            '[{"source": "a", "target": "x", "type": "int"}, {"source": "b", "target": "X", "type": "int"}]',
            "'X' is declared twice",
        ),
        (
            '[{"source": "a", "target": "a", "type": "string"}, {"source": "a.b", "target": "b", "type": "int"}]',
            "source 'a' is mapped as a value and is also the parent of 'a.b'",
        ),
    ],
)
def test_mapping_structure_errors(mapping: str, message: str) -> None:
    with pytest.raises(MappingError) as caught:
        parse_mapping(mapping)
    assert message in str(caught.value)


@pytest.mark.emulator
def test_read_text_from_s3_on_the_emulator(aws: Callable[[str], Any]) -> None:
    s3 = aws("s3")
    s3.create_bucket(Bucket="glue-config")
    s3.put_object(Bucket="glue-config", Key="rules/events.dqdl", Body=b"Rules = [ RowCount > 0 ]")
    assert read_text("s3://glue-config/rules/events.dqdl") == "Rules = [ RowCount > 0 ]"
    with pytest.raises(JobArgumentError, match="cannot read s3://glue-config/missing"):
        read_text("s3://glue-config/missing")


def test_packaged_zip_is_self_contained(tmp_path: Path) -> None:
    """The zip Glue gets through --extra-py-files imports and validates arguments on its own."""
    archive = tmp_path / "etl_lib.zip"
    archive.write_bytes(zip_bytes(tree_entries(REPO_ROOT / "src" / "glue" / "etl_lib", prefix="etl_lib/")))
    assert "etl_lib/__init__.py" in zipfile.ZipFile(archive).namelist()
    code = (
        "import json, etl_lib, etl_lib.pipeline\n"
        "from etl_lib.config import JsonToParquetConfig\n"
        f"c = JsonToParquetConfig.from_args({args(dq_rules='Rules = [ RowCount > 0 ]')!r})\n"
        "print(etl_lib.__file__, len(c.ruleset.rules))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(archive)}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(archive / "etl_lib" / "__init__.py"), "1"]
