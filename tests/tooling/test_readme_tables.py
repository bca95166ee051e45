"""platform_tools.readme_tables: README Inputs/Outputs tables against the modules' variables and outputs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from platform_tools import REPO_ROOT
from platform_tools.readme_tables import (
    find_modules,
    hcl_text,
    main,
    read_module_code,
    read_section,
    short_type,
)

VARIABLES_TF = """\
variable "name" {
  description = "Name of everything."
  type        = string
}

variable "retention_days" {
  type    = number
  default = 30
}

variable "role_arn" {
  type    = string
  default = null
}

variable "settings" {
  description = <<-EOT
    Settings | with a pipe.
  EOT
  type = object({
    level = optional(string, "ALL")
    items = optional(list(string), [])
  })
  default = {}
}
"""

OUTPUTS_TF = """\
output "arn" {
  description = "ARN."
  value       = "arn:aws:x:::${var.name}"
}

output "id" {
  value = var.name
}
"""

README_MD = """\
# fixture

Some prose. `name` in backticks outside a table is not a row.

```hcl
# Inputs
module "x" {}
```

## Inputs

| name | type | default | description |
| --- | --- | --- | --- |
| `name` | `string` | required | Hand-written prose that must be kept. |
| `retention_days` | `number` | `30` | Days. |
| `role_arn` | `string` | `null` | A role. |
| `settings` | `object` | `{}` | Settings. |

## Outputs

| name | description |
| --- | --- |
| `arn`, `id` | What it made. |

## Tests

| name | description |
| --- | --- |
| `not_an_output` | a table under another heading is not read |
"""


def write_module(
    root: Path,
    rel: str = "modules/fixture",
    *,
    variables: str = VARIABLES_TF,
    outputs: str = OUTPUTS_TF,
    readme: str | None = README_MD,
) -> Path:
    module = root / rel
    module.mkdir(parents=True, exist_ok=True)
    (module / "variables.tf").write_text(variables)
    (module / "outputs.tf").write_text(outputs)
    (module / "main.tf").write_text('locals {\n  x = "y"\n}\n')
    if readme is not None:
        (module / "README.md").write_text(readme)
    return module


def run(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["--root", str(root), *args])
    return code, capsys.readouterr().out


def test_matching_module_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_module(tmp_path)
    code, out = run(tmp_path, capsys, "--check")
    assert code == 0, out
    assert "all 1 module(s) match" in out


def test_missing_variable_fails_naming_module_and_variable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    extra = 'variable "log_level" {\n  type    = string\n  default = "INFO"\n}\n'
    write_module(tmp_path, variables=VARIABLES_TF + extra)
    code, out = run(tmp_path, capsys, "--check")
    assert code == 1
    assert "modules/fixture: input `log_level` (variables.tf) is missing from the README Inputs table" in out


def test_extra_row_fails_naming_module_and_row(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    readme = README_MD.replace(
        "| `settings` |", "| `gone` | `string` | `null` | Removed from the code. |\n| `settings` |"
    )
    write_module(tmp_path, readme=readme)
    code, out = run(tmp_path, capsys, "--check")
    assert code == 1
    assert "modules/fixture: README Inputs row `gone` (README.md:" in out
    assert "is not a variable of the module" in out


def test_missing_output_fails_naming_module_and_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_module(tmp_path, outputs=OUTPUTS_TF + 'output "name" {\n  value = var.name\n}\n')
    code, out = run(tmp_path, capsys, "--check")
    assert code == 1
    assert "modules/fixture: output `name` (outputs.tf) is missing from the README Outputs table" in out


def test_extra_output_row_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_module(tmp_path, readme=README_MD.replace("| `arn`, `id` |", "| `arn`, `id`, `old` |"))
    code, out = run(tmp_path, capsys, "--check")
    assert code == 1
    assert "modules/fixture: README Outputs row `old` (README.md:" in out


def test_required_input_documented_as_optional_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_module(tmp_path, readme=README_MD.replace("| `string` | required |", "| `string` | — |"))
    code, out = run(tmp_path, capsys, "--check")
    assert code == 1
    assert (
        "modules/fixture: input `name` has no default (it is required) but README.md:14 marks it optional "
        "(default cell '—'); write `required` in its default cell"
    ) in out


def test_optional_input_documented_as_required_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # `default = null` is a default: the input is optional.
    readme = README_MD.replace("| `string` | `null` | A role. |", "| `string` | required | A role. |")
    write_module(tmp_path, readme=readme)
    code, out = run(tmp_path, capsys, "--check")
    assert code == 1
    assert (
        "modules/fixture: input `role_arn` has a default (null) but README.md:16 marks it required "
        "(default cell 'required')"
    ) in out


def test_each_finding_is_listed_per_module(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_module(tmp_path, "modules/good")
    readme = README_MD.replace("| `retention_days` | `number` | `30` | Days. |\n", "")
    write_module(tmp_path, "modules/bad", readme=readme)
    code, out = run(tmp_path, capsys, "--check")
    assert code == 1
    assert "modules/bad: input `retention_days`" in out
    assert "modules/good" not in out
    assert "1 finding(s) in 1 of 2 module(s)" in out


def test_without_check_reports_but_exits_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_module(tmp_path, outputs=OUTPUTS_TF + 'output "name" {\n  value = var.name\n}\n')
    code, out = run(tmp_path, capsys)
    assert code == 0
    assert "output `name`" in out


def test_inputs_split_over_sub_headed_tables(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    readme = """\
# fixture

## Inputs

### Required

| name | type | description |
| --- | --- | --- |
| `name` | `string` | Name. |

### Optional

| name | type | default | description |
|:-----|:-----|--------:|-------------|
| `retention_days` | `number` | `30` | Days. |
| `role_arn` | `string` | `null` | A role, with an escaped \\| pipe. |

#### Settings

| name | type | default | description |
| --- | --- | --- | --- |
| `settings` | `object` | `{}` | Settings. |

## Outputs ##

| Name | Description |
| ---- | ----------- |
| `arn` | ARN. |
| `id` | Id. |
"""
    write_module(tmp_path, readme=readme)
    code, out = run(tmp_path, capsys, "--check")
    assert code == 0, out


def test_required_sub_heading_decides_status_without_default_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = README_MD.replace(
        "## Inputs\n",
        "## Inputs\n\n### Required inputs\n\n| name | type | description |\n| --- | --- | --- |\n"
        "| `role_arn` | `string` | Wrongly listed as required. |\n\n### Optional inputs\n",
    ).replace("| `role_arn` | `string` | `null` | A role. |\n", "")
    write_module(tmp_path, readme=readme)
    code, out = run(tmp_path, capsys, "--check")
    assert code == 1
    assert "input `role_arn` has a default (null) but README.md:16 marks it required (heading 'Required inputs')" in out


def test_terraform_docs_required_column() -> None:
    section = read_section(
        "## Inputs\n\n| Name | Description | Type | Default | Required |\n|---|---|---|---|:---:|\n"
        "| `name` | Name | `string` | n/a | yes |\n"
        "| `role_arn` | Role | `string` | `null` | no |\n"
        "| `tags` | Tags | `map(string)` | `{}` | maybe |\n",
        "Inputs",
    )
    assert [(row.names, row.required) for row in section.rows] == [
        (("name",), True),
        (("role_arn",), False),
        (("tags",), None),
    ]
    assert section.problems == ["README.md:7: the required cell 'maybe' says neither yes nor no"]


def test_table_after_next_heading_of_same_level_is_not_read() -> None:
    text = "## Inputs\n\n| name | default |\n| - | - |\n| `a` | `1` |\n\n## Rules across inputs\n\n" + (
        "| name | default |\n| - | - |\n| `b` | `2` |\n"
    )
    section = read_section(text, "Inputs")
    assert [row.names for row in section.rows] == [("a",)]
    assert read_section("# Module\n\n## Outputs\n\nnone\n", "Inputs").found is False


def test_row_without_backticked_name_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_module(tmp_path, readme=README_MD.replace("| `arn`, `id` |", "| `arn`, `id` |\n| plain_name | x |\n|"))
    code, out = run(tmp_path, capsys, "--check")
    assert code == 1
    assert "has no name in backticks in its first cell ('plain_name')" in out


def test_duplicate_row_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_module(tmp_path, readme=README_MD.replace("| `arn`, `id` |", "| `arn`, `id` |\n| `arn` | again |\n|"))
    code, out = run(tmp_path, capsys, "--check")
    assert code == 1
    assert "`arn` is listed twice under Outputs" in out


def test_missing_heading_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_module(tmp_path, readme="# fixture\n\nNo tables yet.\n")
    code, out = run(tmp_path, capsys, "--check")
    assert code == 1
    assert "modules/fixture: README.md has no 'Inputs' heading" in out
    assert "modules/fixture: README.md has no 'Outputs' heading" in out
    assert "modules/fixture: input `name` (variables.tf) is missing" in out


def test_unparseable_tf_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    module = write_module(tmp_path)
    (module / "broken.tf").write_text('variable "x" {\n')
    code, out = run(tmp_path, capsys, "--check")
    assert code == 1
    assert "modules/fixture: cannot parse broken.tf" in out


def test_discovery_walks_nested_and_underscore_modules(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_module(tmp_path, "modules/top")
    write_module(tmp_path, "modules/_parts/kms_key")
    write_module(tmp_path, "modules/top/examples/basic", readme="# example\n")
    write_module(tmp_path, "modules/top/tests/fixtures/one", readme="# fixture\n")
    write_module(tmp_path, "modules/top/.terraform/modules/x", readme="# cached\n")
    write_module(tmp_path, "modules/_parts/no_readme", readme=None)
    (tmp_path / "modules" / "docs_only").mkdir()
    (tmp_path / "modules" / "docs_only" / "README.md").write_text("# no tf\n")

    checked, without_readme = find_modules(tmp_path / "modules")
    assert [p.relative_to(tmp_path).as_posix() for p in checked] == ["modules/_parts/kms_key", "modules/top"]
    assert [p.relative_to(tmp_path).as_posix() for p in without_readme] == ["modules/_parts/no_readme"]

    code, out = run(tmp_path, capsys, "--check")
    assert code == 1, out
    assert "modules/_parts/no_readme: has variables.tf/outputs.tf but no README.md" in out


def test_variables_and_outputs_come_from_every_tf_file(tmp_path: Path) -> None:
    module = write_module(tmp_path)
    (module / "extra.tf").write_text('variable "extra" {\n  type = list(string)\n}\noutput "more" {\n  value = 1\n}\n')
    code = read_module_code(module)
    assert sorted(code.variables) == ["extra", "name", "retention_days", "role_arn", "settings"]
    assert sorted(code.outputs) == ["arn", "id", "more"]
    assert code.variables["extra"].file == "extra.tf"
    assert code.variables["name"].default is None
    assert code.variables["role_arn"].default == "null"
    assert code.variables["settings"].description.strip() == "Settings | with a pipe."


def test_missing_rows_prints_skeleton_rows_shaped_like_the_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = README_MD.replace("| `name` | `string` | required | Hand-written prose that must be kept. |\n", "")
    readme = readme.replace("| `settings` | `object` | `{}` | Settings. |\n", "").replace("| `arn`, `id` |", "| `id` |")
    write_module(tmp_path, readme=readme)
    code, out = run(tmp_path, capsys, "--missing-rows")
    assert code == 0
    assert "modules/fixture/README.md, under Inputs:" in out
    assert "| `name` | `string` | required | Name of everything. |" in out
    assert "| `settings` | `object` | `{}` | Settings \\| with a pipe. |" in out
    assert "modules/fixture/README.md, under Outputs:\n| `arn` | ARN. |" in out

    code, out = run(tmp_path, capsys, "--missing-rows", "--check")
    assert code == 1
    assert "| `name` | `string` | required |" in out
    assert "input `name` (variables.tf) is missing" in out


def test_hcl_text_and_short_type() -> None:
    assert hcl_text(None) == "null"
    assert hcl_text(True) == "true"
    assert hcl_text(0.0625) == "0.0625"
    assert hcl_text('"INFO"') == '"INFO"'
    assert hcl_text("${{a = 1, b = [1, 2]}}") == "{a = 1, b = [1, 2]}"
    assert short_type('list(object({a = optional(string, "x)"), b = tuple([string])}))') == "list(object)"
    assert short_type("map(string)") == "map(string)"


def test_runs_as_a_module(tmp_path: Path) -> None:
    write_module(tmp_path, outputs=OUTPUTS_TF + 'output "name" {\n  value = var.name\n}\n')
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO_ROOT / "tooling"), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run(
        [sys.executable, "-m", "platform_tools.readme_tables", "--check", "--root", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert "modules/fixture: output `name` (outputs.tf) is missing" in result.stdout
