"""What the site shows for an included file, and which file a code block's title names."""

from __future__ import annotations

import copy
import functools
import re
import textwrap
from pathlib import Path

from bs4 import BeautifulSoup

from support.paths import ROOT

# pymdownx.snippets section markers (`# --8<-- [start:name]`): used to include part of a file,
# never shown on the page.
SECTION_MARKER = re.compile(r"^[ \t]*#[ \t]*--8<--[ \t]*\[(start|end):\w+\][ \t]*\n", re.M)
# A code block's title says what the block is ("Response, HTTP 403 · mockgraph output · <file>")
# and ends with the file it includes (`path` or `path:section`).
SNIPPET_IN_TITLE = re.compile(r"(snippets/[\w./-]+?)(?::(\w+))?\s*$")


def snippet_text(path: Path, section: str | None = None) -> str:
    """What pymdownx.snippets includes: the file (or one section) without section markers."""
    text = path.read_text(encoding="utf-8")
    if section:
        start = re.search(rf"^[ \t]*#[ \t]*--8<--[ \t]*\[start:{section}\][ \t]*\n", text, re.M)
        end = re.search(rf"^[ \t]*#[ \t]*--8<--[ \t]*\[end:{section}\]", text, re.M)
        assert start and end, f"{path.name} has no section {section!r}"
        text = textwrap.dedent(text[start.end() : end.start()])  # mkdocs.yml: dedent_subsections
    return SECTION_MARKER.sub("", text)


def title_source(title: str) -> tuple[Path, str | None] | None:
    """The snippet file (and section, if any) a code block's title names, or None."""
    match = SNIPPET_IN_TITLE.search(title.strip())
    return (ROOT / match.group(1), match.group(2)) if match else None


@functools.lru_cache(maxsize=4)
def pages(site: Path) -> dict[str, BeautifulSoup]:
    """Every built page, parsed once per site directory (the tests only read them)."""
    return {
        str(path.relative_to(site)): BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for path in site.rglob("index.html")
        if path.parent.name not in {"404", "search"}
    }


def cell_text(cell) -> str:
    """A cell's text as a reader sees it: <br> is a space, <wbr> (a line-break hint) is nothing."""
    cell = copy.copy(cell)  # the parsed pages are shared between tests: never edit them
    for br in cell.find_all("br"):
        br.replace_with(" ")
    return " ".join(cell.get_text("").split())


def reader_text(tag) -> str:
    """A block's text as a reader sees it, words separated by one space: glossary tooltips
    (<abbr>) are unwrapped first, so "system user's" does not read as "system user 's"."""
    tag = copy.copy(tag)  # the parsed pages are shared between tests: never edit them
    for abbr in tag.find_all("abbr"):
        abbr.unwrap()
    tag.smooth()
    return tag.get_text(" ", strip=True)
