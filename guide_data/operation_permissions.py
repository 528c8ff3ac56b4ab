"""python -m guide_data.operation_permissions: export the operation map's permissions to
snippets/operation_permissions.json, for tools that run without the YAML (the doctor).

Readers copy snippets/ without data/guide.yaml; a tool that wants to name the permission a refused
call needs reads this file: key "METHOD /path/{template}", value {id, permissions, all_required,
stated}; any one permission is enough unless all_required.
`stated: false` means Meta does not state it and `permissions` is the guide's inference. A test
fails when the file and the YAML differ; run this command after editing `operations:`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from guide_data.derived import required_permissions, requires_all
from guide_data.generated import write_generated
from guide_data.loader import load
from guide_data.paths import ROOT
from guide_data.vocabulary import NOT_STATED

MAP_FILE = ROOT / "snippets" / "operation_permissions.json"


def render(data: dict | None = None) -> str:
    data = data or load()
    operations = {
        o["op"]: {
            "id": o["id"],
            "permissions": required_permissions(o),
            "all_required": requires_all(o),
            "stated": o["permissions"] != NOT_STATED,
        }
        for o in data["operations"]
    }
    document = {
        "_comment": "Generated from data/guide.yaml by `python -m guide_data.operation_permissions`; do not edit. "
        "permissions: any one is enough unless all_required; stated false: not stated by Meta, the guide's inference.",
        "operations": dict(sorted(operations.items(), key=lambda item: (item[0].split(" ", 1)[1], item[0]))),
    }
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


def main(target: Path = MAP_FILE) -> int:
    return write_generated(target, render())


if __name__ == "__main__":
    sys.exit(main())
