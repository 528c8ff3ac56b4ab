"""snippets/quickstart/send_first_message.py, as the Quick Start shows it: run as a script against
mockgraph, it sends hello_world and prints Graph's answer; with a bad token it prints Graph's error
instead of a traceback, and the token never reaches the output."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from mockgraph import token_value
from mockgraph.demo import OWN_PHONE
from support.paths import ROOT

pytestmark = pytest.mark.examples

SCRIPT = ROOT / "snippets" / "quickstart" / "send_first_message.py"


def run(mock, token: str) -> tuple[int, dict]:
    env = {
        **os.environ,
        "GRAPH_API_BASE": mock.base_url,
        "WHATSAPP_TOKEN": token,
        "WHATSAPP_PHONE_NUMBER_ID": OWN_PHONE,
        "WHATSAPP_TEST_RECIPIENT": "+15550100123",
    }
    result = subprocess.run([sys.executable, str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert token not in result.stdout + result.stderr
    status, _, body = result.stdout.strip().partition(" ")
    return int(status), json.loads(body)


def test_the_first_message_is_accepted_with_a_message_id(mock):
    status, answer = run(mock, token_value("healthy"))
    assert status == 200
    assert answer["messages"][0]["id"].startswith("wamid.")
    assert answer["messages"][0]["message_status"] == "accepted"


def test_an_expired_token_prints_graphs_error_190(mock):
    status, answer = run(mock, token_value("expired"))
    assert status == 401 and answer["error"]["code"] == 190


def test_the_example_is_at_most_15_lines_and_imports_only_requests_and_the_standard_library():
    lines = SCRIPT.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 15
    imports = {line.split()[1] for line in lines if line.startswith("import ")}
    assert imports == {"os", "requests"}
