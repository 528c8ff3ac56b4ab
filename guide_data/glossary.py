"""python -m guide_data.glossary: write data/abbreviations.md, the tooltips of the glossary's terms.

pymdownx.snippets appends that file to every page (`auto_append` in mkdocs.yml) and Python-Markdown's
`abbr` extension turns each `*[form]: title` line into an <abbr title> on that word, which
Material's `content.tooltips` shows as a tooltip. The file is committed rather than written during
the build: snippets reads it while each page is converted, under both MkDocs and Zensical (which
runs no MkDocs hook and calls the macros module once per page), so a committed file is the one
input both builds see the same way. A test fails while it differs from the YAML; run this command
after editing `glossary:`.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from guide_data.generated import write_generated
from guide_data.loader import load
from guide_data.paths import ROOT

ABBREVIATIONS_FILE = ROOT / "data" / "abbreviations.md"


def tooltip(entry: dict) -> str:
    """The text a reader sees on hover: the expansion, if any, then the definition."""
    return f"{entry['name']}. {entry['definition']}" if "name" in entry else entry["definition"]


def anchor(entry: dict) -> str:
    """The term's id on the Glossary page (glossary/#waba)."""
    return re.sub(r"[^a-z0-9]+", "-", entry["term"].lower()).strip("-")


def render(data: dict | None = None) -> str:
    data = data or load()
    lines = [f"*[{form}]: {tooltip(entry)}" for entry in data["glossary"] for form in entry["forms"]]
    return "\n".join(lines) + "\n"


def main(target: Path = ABBREVIATIONS_FILE) -> int:
    return write_generated(target, render())


if __name__ == "__main__":
    sys.exit(main())
