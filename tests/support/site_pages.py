"""What the site shows for an included file."""

from __future__ import annotations

import re
from pathlib import Path

# pymdownx.snippets section markers (`# --8<-- [start:name]`): used to include part of a file,
# never shown on the page.
SECTION_MARKER = re.compile(r"^[ \t]*#[ \t]*--8<--[ \t]*\[(start|end):\w+\][ \t]*\n", re.M)


def snippet_text(path: Path) -> str:
    """What pymdownx.snippets includes: the file without section markers."""
    return SECTION_MARKER.sub("", path.read_text(encoding="utf-8"))
