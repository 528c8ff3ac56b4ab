"""Files generated from the data (or from Meta's spec) and committed: rewritten only when they differ."""

from __future__ import annotations

from pathlib import Path

from guide_data.paths import ROOT


def write_generated(target: Path, text: str, note: str = "") -> int:
    """Write a generated file unless it already holds exactly that text; say which (with ``note``
    after the path when it is written). Returns the command's exit status, 0."""
    if target.is_file() and target.read_text(encoding="utf-8") == text:
        print(f"{target.relative_to(ROOT)} is up to date")
        return 0
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target.relative_to(ROOT)}{note}")
    return 0
