"""The Python blocks of the pages, as pytest-examples finds them, split into inline code and
`--8<--` includes of a snippet file (pytest-examples does not resolve includes: it sees one line)."""

from __future__ import annotations

import re
from pathlib import Path

from pytest_examples import CodeExample, find_examples

from support.paths import ROOT

DOCS = ROOT / "docs"
INCLUDE = re.compile(r'--8<-- "([^"]+)"\s*')


def python_blocks(docs: Path = DOCS) -> list[CodeExample]:
    """Every fenced block whose language starts with `py` (pytest-examples' own rule)."""
    # list(): pytest 9 refuses a generator as parametrize values.
    return list(find_examples(str(docs)))


def included_file(example: CodeExample) -> str | None:
    """The path a block includes with `--8<--`, or None for inline code."""
    match = INCLUDE.fullmatch(example.source)
    return match.group(1) if match else None
