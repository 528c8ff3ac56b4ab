"""snippets/integration_offline.py, the reader's test suite on the "Test your integration offline"
page, runs as a reader runs it: pytest in its own process, the fixture from the mockgraph plugin."""

from __future__ import annotations

import subprocess
import sys

import pytest

from support.paths import ROOT, SNIPPETS

pytestmark = pytest.mark.examples


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "mockgraph.pytest_plugin", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def test_the_readers_tests_pass_against_mockgraph():
    result = run("--pyargs", "snippets.integration_offline")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout


def test_the_readers_tests_would_catch_a_broken_integration(tmp_path):
    """Not a suite that passes whatever the code does: send to the wrong path and it fails."""
    broken = tmp_path / "test_broken.py"
    text = (SNIPPETS / "integration_offline.py").read_text(encoding="utf-8")
    broken.write_text(text.replace('f"{graph_url}/{phone_id}/messages"', 'f"{graph_url}/{phone_id}/message"'))
    result = run(str(broken), "--rootdir", str(ROOT))
    assert result.returncode == 1 and "3 failed" in result.stdout, result.stdout[-2000:]
