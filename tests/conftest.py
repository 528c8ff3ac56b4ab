"""Session fixtures: one mockgraph for the whole run (stripe-python style), the built site, and a
factory of misbehaving servers for the failure paths. Snippets are imported unchanged and given
the base URL as a parameter (in-process) or GRAPH_API_BASE in a subprocess's own env."""

from __future__ import annotations

import hashlib
import hmac
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

import guide_data
from mockgraph import DEMO_APP, serve

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
OPENAPI_SPEC = Path(os.environ.get("META_OPENAPI_SPEC", SHARED / "meta-openapi" / "business-messaging-api_v23.0.yaml"))


SPEC_URI = "urn:meta-openapi"


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


def secrets_of(token: str, app_secret: str = DEMO_APP.secret) -> list[str]:
    """Everything that must never appear in output: the token, the app secret, and the
    appsecret_proof of both the token and the app token."""
    app_token = f"{DEMO_APP.id}|{app_secret}"
    proofs = [hmac.new(app_secret.encode(), t.encode(), hashlib.sha256).hexdigest() for t in (token, app_token)]
    return [token, app_secret, *proofs]


def env_without_credentials() -> dict[str, str]:
    """This process's environment minus anything that would point a snippet at real credentials."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("WHATSAPP_", "META_", "GRAPH_API_BASE"))}


@pytest.fixture
def hostile_server():
    """A factory: hostile_server(behaviour_name_or_callable, **options) -> a HostileServer of its
    own (no state shared between tests); every server made is stopped after the test."""
    from hostile_server import BEHAVIOURS, HostileServer

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


def build_site(project: Path, site_dir: Path, config: str = "mkdocs.yml") -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", config, "-d", str(site_dir)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def copy_project(dest: Path) -> Path:
    """A copy of everything the build reads, so a test can break one input without touching the repo."""
    dest.mkdir(parents=True)
    for name in ("mkdocs.yml", "docs", "snippets", "overrides", "guide_data", "guide_macros", "data"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, dest / name)
    return dest


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The site, built once with `mkdocs build --strict`."""
    site_dir = tmp_path_factory.mktemp("site")
    result = build_site(ROOT, site_dir)
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stderr[-4000:]}"
    return site_dir


def pytest_addoption(parser):
    parser.addoption(
        "--live", action="store_true", help="also run the live contract tests against graph.facebook.com (needs credentials)"
    )


def pytest_configure(config):
    config.addinivalue_line("markers", "drift: checks that the docs have not drifted from the pinned Graph API version")
    config.addinivalue_line("markers", "live: contract tests against the real Graph API; run with --live")
    config.addinivalue_line("markers", "browser: the site in headless Chromium (REQUIRE_BROWSER=1 makes it mandatory)")
    config.addinivalue_line("markers", "examples: the example job, every snippet run against mockgraph")


def pytest_collection_modifyitems(config, items):
    """Without --live, the live contract tests are deselected (reported as such), not skipped."""
    if config.getoption("--live"):
        return
    live = [item for item in items if item.get_closest_marker("live")]
    if live:
        config.hook.pytest_deselected(items=live)
        items[:] = [item for item in items if not item.get_closest_marker("live")]
