"""Where things are: the checkout, and ../shared beside it (read, never copied in)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
SNIPPETS = ROOT / "snippets"
