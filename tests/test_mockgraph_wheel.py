"""mockgraph installs on its own, as a reader's CI installs it: a regular (non-editable) wheel,
built offline from the project, installed into a scratch venv that sees the pinned packages but
not the checkout. The command lists tokens and serves a versioned call, and the page's example
suite passes with the plugin loaded by its entry point alone."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import pytest
import requests

import guide_data
from support.paths import ROOT, SNIPPETS

pytestmark = pytest.mark.slow


def run(args: list[str], cwd: Path, timeout: float = 180) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    """A venv holding only the wheel; a .pth adds the shared venv's site-packages (the pins)."""
    top = tmp_path_factory.mktemp("wheel")
    # Build from a copy of what the wheel is made of, so the build leaves no build/ or egg-info
    # in the checkout.
    src = top / "src"
    src.mkdir()
    shutil.copy(ROOT / "pyproject.toml", src)
    for name in ("mockgraph", "guide_data", "data"):
        shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
    built = run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(top / "dist"), "."], src
    )
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = (top / "dist").glob("*.whl")

    venv = top / "venv"
    made = run([sys.executable, "-m", "venv", "--without-pip", str(venv)], top)
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    site_packages = Path(run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], top).stdout.strip())
    (site_packages / "shared-pins.pth").write_text(sysconfig.get_path("purelib") + "\n")
    installed = run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)], top)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return venv


def test_the_installed_package_comes_from_the_wheel_not_the_checkout(scratch):
    where = run(
        [
            str(scratch / "bin" / "python"),
            "-c",
            "import mockgraph, guide_data; print(mockgraph.__file__); print(guide_data.DATA_FILE)",
        ],
        scratch.parent,
    )
    assert where.returncode == 0, where.stderr
    module, data = map(Path, where.stdout.split())
    assert module.is_relative_to(scratch) and data.is_relative_to(scratch), where.stdout
    assert data.read_bytes() == (ROOT / "data" / "guide.yaml").read_bytes()


def test_the_command_lists_the_demo_tokens(scratch):
    listed = run([str(scratch / "bin" / "mockgraph"), "--list-tokens"], scratch.parent)
    assert listed.returncode == 0, listed.stderr
    names = [line.split("\t")[0] for line in listed.stdout.splitlines()]
    assert "healthy" in names and "full-access" in names, listed.stdout


def test_the_doctor_demo_says_it_needs_a_checkout(scratch):
    """The wheel carries no snippets/: `mockgraph doctor` says where it runs instead of a traceback."""
    result = run([str(scratch / "bin" / "mockgraph"), "doctor"], scratch.parent)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "run it in a checkout of the guide" in result.stderr


def test_the_command_serves_a_versioned_call(scratch):
    log = scratch.parent / "mockgraph.log"
    with log.open("w") as out:  # to a file: a PIPE nobody reads would stall the server
        server = subprocess.Popen(
            [
                str(
                    scratch / "bin" / "mockgraph",
                ),
                "--port",
                "0",
            ],
            cwd=scratch.parent,
            stdout=out,
            stderr=out,
        )
    try:
        deadline, url = time.monotonic() + 30, None
        while url is None and time.monotonic() < deadline and server.poll() is None:
            found = re.search(r"export GRAPH_API_BASE=(\S+)", log.read_text())
            url = found and found.group(1)
            time.sleep(0.1)
        assert url, log.read_text()
        tokens = dict(
            line.split("\t")[:2]
            for line in run([str(scratch / "bin" / "mockgraph"), "--list-tokens"], scratch.parent).stdout.splitlines()
        )
        version = guide_data.pinned_version()
        answer = requests.get(
            f"{url}/{version}/me/permissions", headers={"Authorization": f"Bearer {tokens['healthy']}"}, timeout=10
        )
        assert answer.status_code == 200, answer.text
        assert {"permission": "whatsapp_business_messaging", "status": "granted"} in answer.json()["data"]
        assert answer.headers["facebook-api-version"] == version
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_the_pages_example_suite_passes_with_the_plugin_from_its_entry_point(scratch):
    """No -p: pytest finds the fixture through the wheel's pytest11 entry point."""
    suite = scratch.parent / "test_my_integration.py"
    shutil.copy(SNIPPETS / "integration_offline.py", suite)
    result = run([str(scratch / "bin" / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider", suite.name], scratch.parent)
    assert result.returncode == 0 and "3 passed" in result.stdout, result.stdout[-2000:] + result.stderr[-2000:]
