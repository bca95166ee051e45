"""The README's walkthrough as data: its code blocks, in order, each a file to write or a shell step to run."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from platform_tools import REPO_ROOT

README = REPO_ROOT / "README.md"
SECTION = "### Walkthrough: a new JSON-to-Parquet pipeline in your repository"
# What a reader writes for this repository's address; the tests put a local bare clone there.
PUBLIC_SOURCE = "git::https://github.com/your-org/glue-etl-platform.git"
FENCE = re.compile(r"^```(?P<language>[a-z]*)(?P<info>[^\n]*)\n(?P<text>.*?)^```[ \t]*$", re.M | re.S)


@dataclass(frozen=True)
class Block:
    language: str
    path: str | None  # a file block's path (```lang file=path); None for a shell step (```sh)
    text: str


def walkthrough_blocks(readme: str | None = None) -> list[Block]:
    """The blocks of the walkthrough section (up to the next ## heading); a block that is neither a file nor a
    shell step is an error, so nothing in the walkthrough goes unrun."""
    text = README.read_text() if readme is None else readme
    start = text.index(SECTION)
    end = text.find("\n## ", start)
    blocks = []
    for match in FENCE.finditer(text[start : end if end != -1 else len(text)]):
        info = dict(part.split("=", 1) for part in match["info"].split() if "=" in part)
        if "file" in info:
            blocks.append(Block(match["language"], info["file"], match["text"]))
        elif match["language"] == "sh":
            blocks.append(Block("sh", None, match["text"]))
        else:
            raise ValueError(
                f"a ```{match['language']} block in the walkthrough has no file=: give it one or make it sh"
            )
    return blocks


def write_file(block: Block, work: Path, replacements: dict[str, str]) -> Path:
    assert block.path is not None
    text = block.text
    for old, new in replacements.items():
        text = text.replace(old, new)
    target = work / block.path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    return target
