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

from guide_data.generated import write_generated
from guide_data.loader import load
from guide_data.paths import ROOT

ACTIONS_FILE = ROOT / "snippets" / "graph_error_actions.json"


def _entry(row: dict) -> dict:
    """One code's row for the classifier: its action and title, plus what only some codes have."""
    entry: dict = {"action": row["client_action"], "title": row["title"]}
    if "range_to" in row:  # Meta's "200-299": every code up to range_to shares this row
        entry["range_to"] = row["range_to"]
    if "wait" in row:
        entry["wait"] = row["wait"]
    # A subcode changes the action only where the YAML says so (e.g. 190/459: fix, not re-login).
    subcodes = {
        str(s["subcode"]): s["client_action"] for s in row.get("subcodes", []) if s["client_action"] != row["client_action"]
    }
    if subcodes:
        entry["subcodes"] = subcodes
    return entry


def render(data: dict | None = None) -> str:
    """The JSON text for the given guide data (default: data/guide.yaml)."""
    data = data or load()
    codes = {str(row["code"]): _entry(row) for row in data["graph_errors"]}
    document = {
        "_comment": "Generated from data/guide.yaml by `python -m guide_data.error_actions`; do not edit.",
        "codes": dict(sorted(codes.items(), key=lambda item: int(item[0]))),
    }
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


def main(target: Path = ACTIONS_FILE) -> int:
    return write_generated(target, render())


if __name__ == "__main__":
    sys.exit(main())
