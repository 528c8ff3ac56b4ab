"""Session fixtures: one mockgraph for the whole run (stripe-python style), the built site, and
a factory of misbehaving servers for the failure paths; the suite's options and Hypothesis profiles.
Only fixtures and hooks live here: helpers the tests import are in the `support` package."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
from hypothesis import settings

import guide_data
from mockgraph import serve
from support.goldens import OPTION as UPDATE_GOLDENS
from support.openapi import OPENAPI_SPEC, SPEC_URI
from support.paths import ROOT
from support.project import build_fork, build_site

# CI (the CI variable is set by GitHub Actions and by .ci/run) replays the same examples on every
# run, with no example database: a red CI is a real failure, never a coin toss. A local run keeps
# exploring new inputs and remembers the failures it found (.hypothesis/).
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("dev")
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))


@pytest.fixture(scope="session")
def spec():
    """Meta's OpenAPI spec, read from ../shared (never copied into this repo)."""
    if not OPENAPI_SPEC.is_file() and not os.environ.get("CI"):
        pytest.skip(
            f"Meta's OpenAPI spec not found at {OPENAPI_SPEC}; put ../shared beside the checkout or set META_OPENAPI_SPEC"
        )
    import yaml

    with OPENAPI_SPEC.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - a safe loader


@pytest.fixture(scope="session")
def registry(spec):
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    return Registry().with_resource(SPEC_URI, Resource.from_contents(spec, default_specification=DRAFT202012))


@pytest.fixture(scope="session")
def guide() -> dict:
    return guide_data.load()


@pytest.fixture(scope="session")
def mock():
    running = serve(strict=True)
    yield running
    running.stop()


@pytest.fixture(scope="session")
def proof_mock():
    """The demo app with "Require App Secret" on: every call needs a valid appsecret_proof."""
    running = serve(strict=True, require_appsecret_proof=True)
    yield running
    running.stop()


@pytest.fixture
def hostile_server():
    """A factory: hostile_server(behaviour_name_or_callable, **options) -> a HostileServer of its
    own (no state shared between tests); every server made is stopped after the test."""
    from support.hostile_server import BEHAVIOURS, HostileServer

    made: list[HostileServer] = []

    def make(behaviour, **options) -> HostileServer:
        server = HostileServer(BEHAVIOURS[behaviour] if isinstance(behaviour, str) else behaviour, **options)
        made.append(server)
        return server

    yield make
    for server in made:
        server.stop()


@pytest.fixture(scope="session")
def closed_port_url() -> str:
    """A loopback address where nothing listens: connection refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def _once_per_run(tmp_path_factory, name: str, make) -> Path:
    """make(folder) once per run: under pytest-xdist the first worker to ask makes it in the run's
    shared temporary folder, and the others wait on a file lock and reuse it."""
    from filelock import FileLock

    # A worker's base temp is a folder of the run's own (pytest-xdist sets PYTEST_XDIST_WORKER).
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    shared = tmp_path_factory.getbasetemp().parent if worker else tmp_path_factory.getbasetemp()
    folder, done = shared / name, shared / f"{name}.done"
    with FileLock(str(shared / f"{name}.lock")):
        if not done.is_file():
            made = make(folder)
            done.write_text(str(made), encoding="utf-8")
    return Path(done.read_text(encoding="utf-8"))


def _build_checkout(folder: Path) -> Path:
    result = build_site(ROOT, folder)
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stderr[-4000:]}"
    return folder


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The site, built once per run with `mkdocs build --strict`."""
    return _once_per_run(tmp_path_factory, "site", _build_checkout)


@pytest.fixture(scope="session")
def fork_site(tmp_path_factory) -> Path:
    """The second build, once per run: a fork's copy without .git, a moved page and markup-like data
    (tests/support/project.py build_fork)."""
    return _once_per_run(tmp_path_factory, "fork", build_fork)


def pytest_addoption(parser):
    parser.addoption(
        "--live", action="store_true", help="also run the live contract tests against graph.facebook.com (needs credentials)"
    )
    parser.addoption(
        "--bump",
        action="store_true",
        help="also run the version-bump proof, which reruns the suite on a bumped copy (.ci/run runs it as its own step)",
    )
    parser.addoption(
        UPDATE_GOLDENS,
        action="store_true",
        help="rewrite the golden files (snippets/responses/*.json, snippets/output/*.txt) from what the code prints now",
    )


def pytest_collection_modifyitems(config, items):
    """Opt-in runs are deselected (reported as such), not skipped: the live contract tests without
    --live, and the version-bump proof without --bump (it reruns the suite: its own CI step)."""
    for item in items:  # a test that reads a built site waits for a ~10 s build: the fast loop leaves it out
        if {"site", "fork_site"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.site)
    for option, marker in (("--live", "live"), ("--bump", "bump")):
        if config.getoption(option):
            continue
        left_out = [item for item in items if item.get_closest_marker(marker)]
        if left_out:
            config.hook.pytest_deselected(items=left_out)
            items[:] = [item for item in items if not item.get_closest_marker(marker)]


@pytest.fixture
def postgres_dsn():
    """A fresh, empty PostgreSQL database (tests/support/postgres.py says what to set)."""
    from support.postgres import database

    yield from database()
