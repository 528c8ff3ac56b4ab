"""Import a snippet as a reader would run it with GRAPH_API_BASE set.

Transitional: the snippets still read GRAPH_API_BASE at import time (issue 10, item 4 replaces this
with a base-URL parameter and removes this module)."""

from __future__ import annotations

import importlib
import os
from types import ModuleType


def import_snippet(name: str, base_url: str) -> ModuleType:
    """Import snippets.<name> fresh, as a reader would run it with GRAPH_API_BASE set."""
    os.environ["GRAPH_API_BASE"] = base_url
    try:
        module = importlib.import_module(f"snippets.{name}")
        return importlib.reload(module)
    finally:
        del os.environ["GRAPH_API_BASE"]
