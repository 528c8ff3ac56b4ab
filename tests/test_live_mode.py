"""The live contract mode works: pointed at a server that answers like Graph (mockgraph), with
credentials in the environment, `pytest --live` runs and passes; without --live it is deselected."""

import subprocess
import sys

import pytest

from mockgraph import DEMO_APP, token_value
from mockgraph.demo import OWN_PHONE, OWN_WABA
from support.credentials import demo_environment, env_without_credentials
from support.paths import ROOT

pytestmark = pytest.mark.slow  # the fast loop skips it; the full run and CI do not


def run_live(env_extra, *args):
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *args, "tests/test_live.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**env_without_credentials(), **env_extra},
        timeout=120,
    )


def test_live_mode_passes_against_a_graph_shaped_server(mock):
    env = {**demo_environment(mock.base_url), "WHATSAPP_LIVE_TEST_RECIPIENT": "+15550100123"}
    result = run_live(env, "--live")
    assert result.returncode == 0, result.stdout[-3000:]
    assert "6 passed" in result.stdout and "skipped" not in result.stdout


def test_live_mode_notices_a_token_without_permissions(mock):
    env = {
        "GRAPH_API_BASE": mock.base_url,
        "WHATSAPP_TOKEN": token_value("messaging-only"),
        "META_APP_ID": DEMO_APP.id,
        "META_APP_SECRET": DEMO_APP.secret,
        "WHATSAPP_WABA_ID": OWN_WABA,
        "WHATSAPP_PHONE_NUMBER_ID": OWN_PHONE,
    }
    result = run_live(env, "--live")
    assert result.returncode == 1 and "waba_phone_numbers" in result.stdout


def test_without_live_the_contract_tests_are_deselected_and_without_credentials_skipped():
    assert "deselected" in run_live({}).stdout
    result = run_live({}, "--live")
    assert "skipped" in result.stdout and result.returncode == 0
