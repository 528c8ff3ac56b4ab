"""How the macro modules hand their macros to mkdocs-macros (and to Zensical's emulation of it).

A macro is a plain module-level function whose first parameter is what it renders from (the
loaded data/guide.yaml, or the macros environment for one that reads mkdocs.yml); the page calls
it by the function's name with the remaining arguments: ``{{ topic_facts("review") }}``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any


def add_macros(env: Any, bound: object, *macros: Callable[..., object]) -> None:
    """Register each macro under its own name with `bound` as its first argument. A name already
    taken fails the build: with one loop per module, a second macro of the same name would
    otherwise replace the first on every page without a word."""
    for macro in macros:
        name = macro.__name__
        if name in env.macros:
            raise ValueError(f"macro {name!r} ({macro.__module__}) is already registered: rename one of the two")
        env.macro(functools.partial(macro, bound), name)
