"""Keep each module's README Inputs and Outputs tables in step with its `variable` and `output` blocks.

A module is any directory under modules/ (at any depth, so `modules/_parts/<name>/` counts) that holds
*.tf files and a README.md; examples/, tests/ and hidden directories such as .terraform/ are skipped.
Its `variable` and `output` blocks are read from all its *.tf files with python-hcl2. Its README rows
are the table rows under a heading "Inputs" (or "Outputs"): every table from that heading to the next
heading of the same or a higher level, so inputs split over sub-headed tables count too. A row's
names are the backticked names in its first cell (`` `a`, `b` `` names two).

Reported, per module: a variable or output with no row, a row that names no variable or output, a
name listed twice, a row whose first cell names nothing, and an input whose README default cell says
"required" while the variable has a default, or the other way round. Descriptions are never
rewritten: the tables stay hand-written, and `--missing-rows` prints rows to paste for what is missing.

    python -m platform_tools.readme_tables                 # report, exit 0
    python -m platform_tools.readme_tables --check         # report, exit 1 on any finding
    python -m platform_tools.readme_tables --missing-rows  # skeleton rows for what is missing
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hcl2
from lark.exceptions import LarkError

from platform_tools import REPO_ROOT

README = "README.md"
SKIPPED_DIRS = frozenset({"examples", "tests"})
INPUTS = "Inputs"
OUTPUTS = "Outputs"
DEFAULT_HEADERS = {INPUTS: ["name", "type", "default", "description"], OUTPUTS: ["name", "description"]}

# Quoted strings stay quoted (python-hcl2 8.x), so a value that is an HCL expression comes back as
# "${...}" and a literal string as '"..."': both turn back into HCL text without guessing.
_HCL_OPTIONS = hcl2.SerializationOptions(
    with_comments=False, wrap_objects=True, wrap_tuples=True, explicit_blocks=False, preserve_heredocs=False
)

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$")
_DELIMITER_CELL = re.compile(r"^:?-+:?$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_BACKTICKED = re.compile(r"`+([^`]+?)`+")
_REQUIRED_CELL = re.compile(r"^required\b")


# ---------------------------------------------------------------- the code side


@dataclass(frozen=True)
class Variable:
    name: str
    file: str
    type: str  # HCL type expression as written, "any" when there is none
    default: str | None  # HCL text of the default; None: no default, so the input is required
    description: str


@dataclass(frozen=True)
class Output:
    name: str
    file: str
    description: str


@dataclass
class ModuleCode:
    variables: dict[str, Variable] = field(default_factory=dict)
    outputs: dict[str, Output] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def _unquote(text: str) -> str:
    """A serialized HCL string literal ('"a \\"b\\""') as its text."""
    if len(text) >= 2 and text[0] == text[-1] == '"':
        try:
            value = json.loads(text)
        except ValueError:
            return text[1:-1]
        return value if isinstance(value, str) else text[1:-1]
    return text


def hcl_text(value: Any) -> str:
    """A value as python-hcl2 serializes it, back as HCL source text on one line."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        text = value[2:-1] if value.startswith("${") and value.endswith("}") else value
        return " ".join(text.split())
    if isinstance(value, list):
        return "[" + ", ".join(hcl_text(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_unquote(str(k))} = {hcl_text(v)}" for k, v in value.items()) + "}"
    return str(value)


def _labelled_blocks(document: dict[str, Any], kind: str) -> Iterator[tuple[str, dict[str, Any]]]:
    blocks = document.get(kind, [])
    for block in blocks if isinstance(blocks, list) else [blocks]:
        if not isinstance(block, dict):
            continue
        for label, body in block.items():
            yield _unquote(str(label)), body if isinstance(body, dict) else {}


def read_module_code(module: Path) -> ModuleCode:
    """The `variable` and `output` blocks of every *.tf file directly in `module`."""
    code = ModuleCode()
    for path in sorted(module.glob("*.tf")):
        try:
            document = hcl2.loads(path.read_text(encoding="utf-8"), serialization_options=_HCL_OPTIONS)
        except (LarkError, ValueError) as exc:
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            code.errors.append(f"cannot parse {path.name}: {first_line}")
            continue
        for name, body in _labelled_blocks(document, "variable"):
            code.variables.setdefault(
                name,
                Variable(
                    name=name,
                    file=path.name,
                    type=hcl_text(body["type"]) if "type" in body else "any",
                    default=hcl_text(body["default"]) if "default" in body else None,
                    description=_unquote(str(body.get("description", '""'))),
                ),
            )
        for name, body in _labelled_blocks(document, "output"):
            code.outputs.setdefault(
                name, Output(name=name, file=path.name, description=_unquote(str(body.get("description", '""'))))
            )
    return code


# ---------------------------------------------------------------- the README side


@dataclass(frozen=True)
class Row:
    names: tuple[str, ...]
    line: int  # 1-based line in README.md
    first_cell: str
    required: bool | None  # inputs only: what the row says; None when the table cannot say
    status_source: str  # where `required` was read, e.g. "default cell 'required'"


@dataclass
class Section:
    """The tables under one heading name ("Inputs" or "Outputs") of a README."""

    found: bool = False
    rows: list[Row] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)  # the first table's header, to shape skeleton rows
    problems: list[str] = field(default_factory=list)


def _normalize(text: str) -> str:
    return " ".join(re.sub(r"[*_`]", "", text).strip().rstrip(":").split()).lower()


def _split_row(line: str) -> list[str]:
    text = line.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    return [cell.strip() for cell in _CELL_SPLIT.split(text)]


def _is_delimiter(line: str) -> bool:
    if "-" not in line:
        return False
    cells = _split_row(line)
    return bool(cells) and all(_DELIMITER_CELL.match(cell) for cell in cells)


@dataclass(frozen=True)
class _Heading:
    line: int  # 0-based index
    level: int
    text: str


def _headings(lines: Sequence[str]) -> tuple[list[_Heading], set[int]]:
    """ATX headings outside fenced code, and the indexes of lines inside fenced code."""
    headings: list[_Heading] = []
    in_code: set[int] = set()
    fence: str | None = None
    for index, line in enumerate(lines):
        fence_match = _FENCE.match(line)
        if fence is not None:
            in_code.add(index)
            closing = fence_match.group(1) if fence_match else ""
            if closing[:1] == fence[0] and len(closing) >= len(fence) and not line.strip()[len(closing) :].strip():
                fence = None
            continue
        if fence_match:
            fence = fence_match.group(1)
            in_code.add(index)
            continue
        heading = _HEADING.match(line)
        if heading:
            text = re.sub(r"(^|[ \t]+)#+$", "", heading.group(2) or "")
            headings.append(_Heading(index, len(heading.group(1)), text.strip()))
    return headings, in_code


def _status(headers: list[str], cells: list[str], sub_heading: str) -> tuple[bool | None, str]:
    """Whether an Inputs row says its input is required, and where it says so."""
    if "required" in headers:  # terraform-docs style: a yes/no column
        cell = cells[headers.index("required")] if headers.index("required") < len(cells) else ""
        answer = _normalize(cell)
        source = f"required cell {cell!r}"
        if answer in {"yes", "true", "required"}:
            return True, source
        if answer in {"no", "false", "optional"}:
            return False, source
        return None, source
    if "default" in headers:
        cell = cells[headers.index("default")] if headers.index("default") < len(cells) else ""
        return bool(_REQUIRED_CELL.match(_normalize(cell))), f"default cell {cell!r}"
    heading = _normalize(sub_heading)
    if ("required" in heading) != ("optional" in heading):
        return "required" in heading, f"heading {sub_heading!r}"
    return None, ""


def read_section(readme_text: str, title: str) -> Section:
    """Every table row between each `title` heading and the next heading of the same or a higher level."""
    lines = readme_text.splitlines()
    headings, in_code = _headings(lines)
    section = Section()
    for position, heading in enumerate(headings):
        if _normalize(heading.text) != title.lower():
            continue
        section.found = True
        end = len(lines)
        sub_heading = heading.text
        sub_headings: dict[int, str] = {}
        for later in headings[position + 1 :]:
            if later.level <= heading.level:
                end = later.line
                break
            sub_headings[later.line] = later.text
        index = heading.line + 1
        while index < end:
            if index in sub_headings:
                sub_heading = sub_headings[index]
            line = lines[index]
            if (
                index in in_code
                or "|" not in line
                or index + 1 >= end
                or index + 1 in in_code
                or not _is_delimiter(lines[index + 1])
            ):
                index += 1
                continue
            headers = [_normalize(cell) for cell in _split_row(line)]
            if not section.headers:
                section.headers = headers
            if title == INPUTS and "default" not in headers and "required" not in headers:
                heading_says = _normalize(sub_heading)
                if ("required" in heading_says) == ("optional" in heading_says):
                    section.problems.append(
                        f"the {title} table at README.md:{index + 1} has no `default` column, so whether its "
                        "inputs are required cannot be checked"
                    )
            index += 2
            while index < end and index not in in_code and "|" in lines[index] and lines[index].strip():
                cells = _split_row(lines[index])
                names = tuple(_BACKTICKED.findall(cells[0]))
                required, source = _status(headers, cells, sub_heading) if title == INPUTS else (None, "")
                if title == INPUTS and required is None and source:
                    section.problems.append(f"README.md:{index + 1}: the {source} says neither yes nor no")
                section.rows.append(Row(names, index + 1, cells[0], required, source))
                index += 1
    return section


# ---------------------------------------------------------------- comparing


@dataclass
class ModuleReport:
    module: str  # display path, e.g. modules/glue_job
    problems: list[str] = field(default_factory=list)
    missing_inputs: list[Variable] = field(default_factory=list)
    missing_outputs: list[Output] = field(default_factory=list)
    input_headers: list[str] = field(default_factory=list)
    output_headers: list[str] = field(default_factory=list)


def _rows_by_name(section: Section, title: str, problems: list[str]) -> dict[str, Row]:
    by_name: dict[str, Row] = {}
    for row in section.rows:
        if not row.names:
            problems.append(
                f"README.md:{row.line}: a row under {title} has no name in backticks in its first cell "
                f"({row.first_cell!r})"
            )
        for name in row.names:
            if name in by_name:
                problems.append(
                    f"`{name}` is listed twice under {title} (README.md:{by_name[name].line} and README.md:{row.line})"
                )
                continue
            by_name[name] = row
    return by_name


def check_module(module: Path, root: Path) -> ModuleReport:
    display = module.relative_to(root).as_posix() if module.is_relative_to(root) else str(module)
    report = ModuleReport(display)
    code = read_module_code(module)
    report.problems.extend(code.errors)
    readme_text = (module / README).read_text(encoding="utf-8")

    inputs = read_section(readme_text, INPUTS)
    outputs = read_section(readme_text, OUTPUTS)
    report.input_headers = inputs.headers or DEFAULT_HEADERS[INPUTS]
    report.output_headers = outputs.headers or DEFAULT_HEADERS[OUTPUTS]
    for section, title, declared in ((inputs, INPUTS, code.variables), (outputs, OUTPUTS, code.outputs)):
        if declared and not section.found:
            report.problems.append(f"README.md has no {title!r} heading")
        report.problems.extend(section.problems)

    rows = _rows_by_name(inputs, INPUTS, report.problems)
    for variable in code.variables.values():
        row = rows.get(variable.name)
        if row is None:
            report.problems.append(f"input `{variable.name}` ({variable.file}) is missing from the README Inputs table")
            report.missing_inputs.append(variable)
        elif row.required is not None and row.required != (variable.default is None):
            if variable.default is None:
                hint = "; write `required` in its default cell" if row.status_source.startswith("default") else ""
                report.problems.append(
                    f"input `{variable.name}` has no default (it is required) but README.md:{row.line} marks it "
                    f"optional ({row.status_source}){hint}"
                )
            else:
                report.problems.append(
                    f"input `{variable.name}` has a default ({variable.default}) but README.md:{row.line} marks it "
                    f"required ({row.status_source})"
                )
    for name, row in rows.items():
        if name not in code.variables:
            report.problems.append(f"README Inputs row `{name}` (README.md:{row.line}) is not a variable of the module")

    rows = _rows_by_name(outputs, OUTPUTS, report.problems)
    for output in code.outputs.values():
        if output.name not in rows:
            report.problems.append(f"output `{output.name}` ({output.file}) is missing from the README Outputs table")
            report.missing_outputs.append(output)
    for name, row in rows.items():
        if name not in code.outputs:
            report.problems.append(f"README Outputs row `{name}` (README.md:{row.line}) is not an output of the module")
    return report


# ---------------------------------------------------------------- discovery and skeleton rows


def find_modules(modules_dir: Path) -> tuple[list[Path], list[Path]]:
    """Module directories to check, and directories with variables.tf/outputs.tf but no README.md."""
    checked: list[Path] = []
    without_readme: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(modules_dir):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIPPED_DIRS and not d.startswith("."))
        if not any(name.endswith(".tf") for name in filenames):
            continue
        if README in filenames:
            checked.append(Path(dirpath))
        elif "variables.tf" in filenames or "outputs.tf" in filenames:
            without_readme.append(Path(dirpath))
    return sorted(checked), sorted(without_readme)


def short_type(type_text: str) -> str:
    """`object({...})` as `object` and `tuple([...])` as `tuple`, the way the READMEs write them."""
    out: list[str] = []
    index = 0
    while index < len(type_text):
        match = re.match(r"(object|tuple)\s*\(", type_text[index:])
        if match and (index == 0 or not (type_text[index - 1].isalnum() or type_text[index - 1] == "_")):
            out.append(match.group(1))
            depth, index = 0, index + match.end() - 1
            in_string = False
            while index < len(type_text):
                char = type_text[index]
                if in_string:
                    if char == "\\":
                        index += 1
                    elif char == '"':
                        in_string = False
                elif char == '"':
                    in_string = True
                elif char in "([{":
                    depth += 1
                elif char in ")]}":
                    depth -= 1
                    if depth == 0:
                        break
                index += 1
            index += 1
            continue
        out.append(type_text[index])
        index += 1
    return "".join(out)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _code(text: str) -> str:
    ticks = "``" if "`" in text else "`"
    pad = " " if ticks == "``" else ""
    return f"{ticks}{pad}{_cell(text)}{pad}{ticks}"


def skeleton_row(headers: Sequence[str], values: dict[str, str]) -> str:
    """One table row with `values` in the columns whose header names them, other columns empty."""
    cells = []
    for header in headers:
        key = "description" if header.startswith("description") else header
        cells.append(values.get(key, ""))
    return "| " + " | ".join(cells) + " |"


def missing_rows(report: ModuleReport) -> list[str]:
    lines: list[str] = []
    if report.missing_inputs:
        lines.append(f"{report.module}/README.md, under {INPUTS}:")
        for variable in report.missing_inputs:
            values = {
                "name": _code(variable.name),
                "type": _code(short_type(variable.type)),
                "default": "required" if variable.default is None else _code(variable.default),
                "required": "yes" if variable.default is None else "no",
                "description": _cell(variable.description),
            }
            lines.append(skeleton_row(report.input_headers, values))
    if report.missing_outputs:
        lines.append(f"{report.module}/README.md, under {OUTPUTS}:")
        for output in report.missing_outputs:
            values = {"name": _code(output.name), "description": _cell(output.description)}
            lines.append(skeleton_row(report.output_headers, values))
    return lines


# ---------------------------------------------------------------- command line


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m platform_tools.readme_tables",
        description="Compare each module's README Inputs/Outputs tables with its variable and output blocks.",
    )
    parser.add_argument("--check", action="store_true", help="exit 1 when any README table has drifted")
    parser.add_argument("--missing-rows", action="store_true", help="print skeleton rows for what is missing")
    parser.add_argument("--root", type=Path, default=REPO_ROOT, help="repository root (default: this checkout)")
    args = parser.parse_args(argv)
    root: Path = args.root.resolve()
    modules_dir = root / "modules"
    if not modules_dir.is_dir():
        print(f"error: {modules_dir} is not a directory: pass --root with the repository root.", file=sys.stderr)
        return 2

    modules, without_readme = find_modules(modules_dir)
    reports = [check_module(module, root) for module in modules]
    drifted = [report for report in reports if report.problems]
    for path in without_readme:
        print(
            f"{path.relative_to(root).as_posix()}: has variables.tf/outputs.tf but no README.md: "
            "write one with Inputs/Outputs tables"
        )

    if args.missing_rows:
        rows = [line for report in reports for line in missing_rows(report)]
        print("\n".join(rows) if rows else "no rows missing")
    if args.check or not args.missing_rows:
        for report in drifted:
            for problem in report.problems:
                print(f"{report.module}: {problem}")
        if drifted:
            total = sum(len(report.problems) for report in drifted)
            print(
                f"README tables: {total} finding(s) in {len(drifted)} of {len(reports)} module(s); "
                "`python -m platform_tools.readme_tables --missing-rows` prints rows to paste for what is missing."
            )
        else:
            print(f"README tables: all {len(reports)} module(s) match their variables and outputs.")
    return 1 if args.check and (drifted or without_readme) else 0


if __name__ == "__main__":
    sys.exit(main())
