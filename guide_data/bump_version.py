"""python -m guide_data.bump_version: after changing graph_api.pinned_version in data/guide.yaml,
rewrite every versioned Graph URL (docs, snippets, mockgraph, README, workflows) to the new pin.
A version bump is one YAML edit plus this command; the drift tests then check nothing was missed."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from guide_data.drift import scanned_files
from guide_data.loader import load
from guide_data.paths import ROOT

_GRAPH_LINE_VERSION = re.compile(r"(?<=graph\.facebook\.com)/v\d+\.\d+|(?<=\")/v\d+\.\d+(?=\")")


def bump(root: Path = ROOT) -> list[Path]:
    pinned = load(root / "data" / "guide.yaml")["graph_api"]["pinned_version"]
    changed = []
    for path in scanned_files(root):
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        lines = [
            _GRAPH_LINE_VERSION.sub(f"/{pinned}", line) if "graph.facebook.com" in line else line
            for line in text.splitlines(keepends=True)
        ]
        new = "".join(lines)
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed.append(path)
    return changed


def main() -> int:
    changed = bump()
    for path in changed:
        print(f"rewrote {path.relative_to(ROOT)}")
    print(f"bump_version: {len(changed)} file(s) now use the pinned version")
    return 0


if __name__ == "__main__":
    sys.exit(main())
