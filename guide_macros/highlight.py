"""The ``hl_lines`` macro: which lines of an included file a code block highlights, found by what
they hold rather than typed as numbers, so an edit to the file moves the highlight with the code."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pymdownx.snippets import SnippetPreprocessor

import guide_data
from guide_macros.registry import add_macros


def highlighted_lines(path: str, needles: tuple[str, ...], root: Path = guide_data.ROOT) -> str:
    """pymdownx.highlight's hl_lines for an included file: the numbers of the lines holding each
    needle, found at build time so an edit to the file moves the highlight with the code. A needle
    no line holds fails the build, naming the file and the needle. Lines are counted as the page
    shows the file: pymdownx.snippets drops its section markers (`# --8<-- [start:name]`)."""
    section_marker = SnippetPreprocessor.RE_SNIPPET_SECTION
    lines = [
        line
        for line in (root / path).read_text(encoding="utf-8").splitlines()
        if not ((marker := section_marker.match(line)) and not marker.group("escape"))
    ]
    numbers: list[int] = []
    for needle in needles:
        found = [n for n, line in enumerate(lines, 1) if needle in line]
        if not found:
            raise ValueError(f"hl_lines: no line of {path} holds {needle!r}; update the page's highlight list")
        numbers += found
    return " ".join(str(n) for n in sorted(set(numbers)))


def hl_lines(root: Path, path: str, *needles: str) -> str:
    """``{{ hl_lines("snippets/x.py", "compare_digest") }}`` in a fence's hl_lines option."""
    return highlighted_lines(path, needles, root)


def register(env: Any, data: dict[str, Any]) -> None:
    """Add ``hl_lines`` to the macros environment; it reads files from the project root, not the data."""
    add_macros(env, guide_data.ROOT, hl_lines)
