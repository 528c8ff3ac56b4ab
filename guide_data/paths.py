"""Where the project and its data file are: a checkout, or an installed mockgraph wheel."""

from __future__ import annotations

import importlib.resources
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _data_file() -> Path:
    """data/guide.yaml in a checkout (the one copy); in an installed wheel, the copy packaged as
    guide_data/data/guide.yaml (pyproject.toml maps data/ there), found with importlib.resources."""
    in_checkout = ROOT / "data" / "guide.yaml"
    if in_checkout.is_file():
        return in_checkout
    return Path(str(importlib.resources.files("guide_data").joinpath("data", "guide.yaml")))


DATA_FILE = _data_file()
