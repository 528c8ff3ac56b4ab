"""The snippets as readers run them: `python snippets/<name>.py` with the environment of
env_setup.sh, against mockgraph; and a clear message, not a traceback, when a variable is missing."""

from __future__ import annotations

import subprocess
import sys

import pytest

from mockgraph import DEMO_APP, token_value
from mockgraph.demo import OWN_PHONE
from support.credentials import env_without_credentials
from support.paths import ROOT

pytestmark = pytest.mark.examples  # the example job: every snippet run against the mock

BASE_ENV = env_without_credentials()


def run(script: str, env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "snippets" / script), *args],
        capture_output=True,
        text=True,
        env={**BASE_ENV, **env},
        timeout=60,
    )


@pytest.mark.parametrize("script", ["startup_check.py", "sender.py", "webhook_receiver.py"])
def test_a_missing_variable_is_named_and_nothing_crashes(script):
    result = run(script, {})
    assert result.returncode == 1
    assert "Set " in result.stderr and "in the environment" in result.stderr
    assert "Traceback" not in result.stderr


def test_startup_check_as_a_script(mock):
    env = {
        "GRAPH_API_BASE": mock.base_url,
        "WHATSAPP_TOKEN": token_value("healthy"),
        "META_APP_ID": DEMO_APP.id,
        "META_APP_SECRET": DEMO_APP.secret,
    }
    result = run("startup_check.py", env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"Token OK: SYSTEM_USER token for app {DEMO_APP.id}, never expires."
    result = run("startup_check.py", {**env, "WHATSAPP_TOKEN": token_value("messaging-only")})
    assert result.returncode == 1 and "TokenProblem" in result.stderr and "lacks whatsapp_business_management" in result.stderr
    assert token_value("messaging-only") not in result.stderr


def test_sender_as_a_script(mock):
    env = {
        "GRAPH_API_BASE": mock.base_url,
        "WHATSAPP_TOKEN": token_value("healthy"),
        "WHATSAPP_PHONE_NUMBER_ID": OWN_PHONE,
        "WHATSAPP_TEST_RECIPIENT": "+15550100123",
    }
    result = run("sender.py", env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Accepted: wamid.")
