"""python -m guide_data.error_actions: export the error table's client actions to
snippets/graph_error_actions.json, the file snippets/graph_errors.py reads.

Readers copy snippets/ without the YAML, so the classifier needs the table beside it; this
command writes it from data/guide.yaml (the one source), and a test fails when the two differ.
Run it after editing graph_errors in the YAML.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from guide_data import ROOT, load

ACTIONS_FILE = ROOT / "snippets" / "graph_error_actions.json"


def render(data: dict | None = None) -> str:
    """The JSON text for the given guide data (default: data/guide.yaml)."""
    data = data or load()
    codes = {str(row["code"]): {"action": row["client_action"], "title": row["title"]} for row in data["graph_errors"]}
    document = {
        "_comment": "Generated from data/guide.yaml by `python -m guide_data.error_actions`; do not edit.",
        "codes": dict(sorted(codes.items(), key=lambda item: int(item[0]))),
    }
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


def main(target: Path = ACTIONS_FILE) -> int:
    text = render()
    if target.is_file() and target.read_text(encoding="utf-8") == text:
        print(f"{target.relative_to(ROOT)} is up to date")
        return 0
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
