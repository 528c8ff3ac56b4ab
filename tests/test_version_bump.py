"""The README's promise, checked for real: a version bump is one YAML edit plus one command.

On a scratch copy of the checkout, pin another released, still-available version in
data/guide.yaml, run `python -m guide_data.bump_version`, and run the suite there (all but the
browser tests, the Zensical build, this test and the slow attack matrices, whose misbehaving
servers answer any version): it must pass unchanged. That proves no test,
benchmark or golden file hard-codes the old version and that the pages' JSON does not depend on it.
Slow (it runs the suite a second time): marker `bump`, deselected unless `pytest --bump` asks for it;
.ci/run runs it as its own step after the README's test command."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest

import guide_data
from guide_data import drift
from mockgraph import GraphMock
from support.openapi import OPENAPI_SPEC
from support.paths import ROOT, SHARED

pytestmark = pytest.mark.bump

# What a clone holds that is not the project: VCS data, venvs, build output, caches.
NOT_COPIED = shutil.ignore_patterns(
    ".git", ".venv*", "site", "screenshots", "__pycache__", ".pytest_cache", ".ruff_cache", ".mypy_cache", ".hypothesis"
)
SUITE = ["-m", "not browser and not bump and not zensical and not live and not slow", "-n", "2"]


def bump_target(guide: dict) -> str:
    """Another version Graph serves today (released, before its end date), newest first."""
    pinned = guide["graph_api"]["pinned_version"]
    candidates = [v for v in GraphMock().available_versions() if v != pinned]
    if not candidates:
        pytest.fail(f"data/guide.yaml lists no available version besides {pinned}: nothing to bump to")
    return candidates[0]


def test_bumping_the_pinned_version_is_one_yaml_edit_plus_one_command(tmp_path, guide):
    pinned, target = guide["graph_api"]["pinned_version"], bump_target(guide)
    project = tmp_path / "clone"
    shutil.copytree(ROOT, project, ignore=NOT_COPIED)
    env = {**os.environ, "SHARED_DIR": str(SHARED), "META_OPENAPI_SPEC": str(OPENAPI_SPEC), "NO_MKDOCS_2_WARNING": "1"}
    env.pop("PYTHONPATH", None)

    # 1. The YAML edit.
    data_file = project / "data" / "guide.yaml"
    text, edits = re.subn(
        rf"^(\s*pinned_version:\s*){re.escape(pinned)}\s*$", rf"\g<1>{target}", data_file.read_text("utf-8"), flags=re.M
    )
    assert edits == 1, "data/guide.yaml must hold exactly one graph_api.pinned_version line"
    data_file.write_text(text, encoding="utf-8")

    # 2. The one command.
    bumped = subprocess.run(
        [sys.executable, "-m", "guide_data.bump_version"], cwd=project, env=env, capture_output=True, text=True, timeout=120
    )
    assert bumped.returncode == 0, bumped.stdout + bumped.stderr
    assert "rewrote " in bumped.stdout, f"bump_version rewrote nothing:\n{bumped.stdout}"
    assert guide_data.load(data_file)["graph_api"]["pinned_version"] == target
    assert drift.url_findings(drift.scanned_files(project), target, project) == []

    # 3. The suite, unchanged, on the bumped copy (no --update-goldens: the goldens must still match).
    goldens = {p: p.read_bytes() for folder in ("responses", "output") for p in (project / "snippets" / folder).iterdir()}
    suite = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x", *SUITE],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    summary = suite.stdout.strip().splitlines()[-1] if suite.stdout.strip() else suite.stderr[-2000:]
    assert suite.returncode == 0, f"the suite fails after bumping {pinned} -> {target}:\n{suite.stdout[-6000:]}"
    assert " passed" in summary and "failed" not in summary and "error" not in summary, summary
    assert {p: p.read_bytes() for p in goldens} == goldens, "the suite rewrote a golden file"
