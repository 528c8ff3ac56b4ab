"""Scratch copies of the project and strict builds of them, so a test can break one input
without touching the repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from support.paths import ROOT

# Everything `mkdocs build` reads.
BUILD_INPUTS = ("mkdocs.yml", "docs", "snippets", "overrides", "guide_data", "guide_macros", "data")


def build_site(project: Path, site_dir: Path, config: str = "mkdocs.yml", env: dict[str, str] | None = None):
    """`mkdocs build --strict` of `project` into `site_dir`; returns the CompletedProcess."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", config, "-d", str(site_dir)],
        cwd=project,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
    )


def copy_project(dest: Path, names: tuple[str, ...] = BUILD_INPUTS) -> Path:
    """Copy `names` (by default everything the build reads) from the checkout into `dest`."""
    dest.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", ".hypothesis", ".pytest_cache", ".ruff_cache", ".mypy_cache")
    for name in names:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, dest / name, ignore=ignore)
        else:
            shutil.copy(source, dest / name)
    return dest
