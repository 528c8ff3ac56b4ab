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


# The second build every test of "someone else's copy" shares (tests/conftest.py `fork_site`): a copy
# without .git (an archive), built for a fork (REPO_URL, SITE_URL), with a whole page moved
# (redirect_maps) and markup-like text in three data values that the pages must show as text.
FORK_REPO = "https://github.com/a-fork/guide"
FORK_BASE = "https://a-fork.github.io/guide/"
HOSTILE_VALUE = "Send | receive <script>alert(1)</script> *now*"


def build_fork(dest: Path) -> Path:
    """Build the fork copy described above into dest/site; returns the site folder."""
    import yaml

    project = copy_project(dest / "project")
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    (project / "mkdocs.yml").write_text(
        config.replace("redirect_maps: {}", "redirect_maps: {permissions.md: whatsapp-permissions-guide.md}"), encoding="utf-8"
    )
    data_file = project / "data" / "guide.yaml"
    data = yaml.safe_load(data_file.read_text(encoding="utf-8"))
    data["permissions"][0]["enables"] = HOSTILE_VALUE
    data["access_types"][0]["scenario"] = HOSTILE_VALUE
    data["rejection_patterns"][0]["reason"] = HOSTILE_VALUE
    data_file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = build_site(project, dest / "site", env={"REPO_URL": FORK_REPO, "SITE_URL": FORK_BASE})
    assert result.returncode == 0, f"the fork copy's strict build failed:\n{result.stderr[-3000:]}"
    return dest / "site"
