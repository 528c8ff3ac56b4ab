"""Two installs: requirements.txt builds and serves the site and nothing else; requirements-dev.txt
adds tests, browser, lint and types. Both pinned by pip-compile with hashes, and the packages they
share pinned to the same version."""

from __future__ import annotations

import re

import pytest

from support.paths import ROOT

PIN = re.compile(r"^([A-Za-z0-9_.-]+)==(\S+)", re.M)
# What only contributors and CI need: a reader running `mkdocs serve` must not download these.
NOT_FOR_READERS = {
    "pytest", "pytest-examples", "hypothesis", "playwright", "axe-playwright-python", "werkzeug",
    "ruff", "mypy", "pip-tools", "check-jsonschema", "zizmor", "pre-commit", "greenlet", "black",
}  # fmt: skip
# beautifulsoup4 is not in that set: mkdocs-llmstxt needs it to turn each built page into Markdown.


def pins(name: str) -> dict[str, str]:
    return {n.lower().replace("_", "-"): v for n, v in PIN.findall((ROOT / name).read_text(encoding="utf-8"))}


def test_the_docs_set_holds_no_test_browser_lint_or_type_package():
    docs = pins("requirements.txt")
    assert {"mkdocs", "mkdocs-material", "mkdocs-macros-plugin", "pymdown-extensions", "pyyaml", "jsonschema"} <= set(docs)
    assert not NOT_FOR_READERS & set(docs), f"requirements.txt installs {sorted(NOT_FOR_READERS & set(docs))}"


def test_the_dev_set_adds_the_tools_and_pins_shared_packages_to_the_docs_versions():
    docs, dev = pins("requirements.txt"), pins("requirements-dev.txt")
    assert NOT_FOR_READERS - {"black", "greenlet"} <= set(dev)
    assert "beautifulsoup4" in dev  # the tests parse built pages with it
    assert {name: dev.get(name) for name in docs} == docs


@pytest.mark.parametrize("name", ["requirements.txt", "requirements-dev.txt", "requirements-zensical.txt"])
def test_every_pin_carries_hashes(name):
    text = (ROOT / name).read_text(encoding="utf-8")
    starts = [m.start() for m in PIN.finditer(text)] + [len(text)]
    entries = [text[start:end] for start, end in zip(starts, starts[1:])]
    unhashed = [entry.split()[0] for entry in entries if "--hash=sha256:" not in entry]
    assert pins(name) and not unhashed, f"{name}: pins without hashes: {unhashed}"
