"""Golden files: the responses and outputs the pages show (snippets/responses/, snippets/output/).

A test compares what the code really prints with the file; `pytest --update-goldens` rewrites the
file instead, after a deliberate change (a new mock answer, a version bump). The diff then shows
in review what readers will see change.
"""

from __future__ import annotations

from pathlib import Path

import pytest

OPTION = "--update-goldens"


def check_golden(config: pytest.Config, path: Path, actual: str, *, equal=None) -> None:
    """Assert that `path` holds `actual`, or rewrite it under --update-goldens.

    `equal(expected_text, actual_text)` compares the two (default: byte for byte), e.g. as parsed
    JSON so that formatting alone does not count as a change."""
    if config.getoption(OPTION):
        if not path.is_file() or path.read_text(encoding="utf-8") != actual:
            path.write_text(actual, encoding="utf-8")
        return
    assert path.is_file(), f"{path} is missing: run `pytest {OPTION}` to write it"
    expected = path.read_text(encoding="utf-8")
    same = equal(expected, actual) if equal else expected == actual
    assert same, f"{path.name} no longer matches what the code prints; if that change is intended, run `pytest {OPTION}`"
