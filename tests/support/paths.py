"""Where things are: the checkout, and ../shared beside it (read, never copied in)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# ../shared beside the checkout; SHARED_DIR points a copy of the project (the version-bump proof
# runs the suite in a scratch copy) at the same material.
SHARED = Path(os.environ.get("SHARED_DIR") or ROOT.parent / "shared")
SNIPPETS = ROOT / "snippets"
