"""snippets/quickstart/receive_messages.py, run as the Quick Start says: it answers Meta's
verification handshake only with the right verify token, prints an event signed with the app
secret (as mockgraph signs it, like Meta), and refuses an unsigned, tampered or wrongly keyed one
with 403 without printing it."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time

import pytest
import requests

from mockgraph import DEMO_APP, webhooks
from support.paths import ROOT

pytestmark = pytest.mark.examples

SCRIPT = ROOT / "snippets" / "quickstart" / "receive_messages.py"
VERIFY_TOKEN = "my-verify-token-4b1d"


@pytest.fixture(scope="module")
def receiver(tmp_path_factory):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = tmp_path_factory.mktemp("receiver") / "out.log"
    env = {**os.environ, "META_APP_SECRET": DEMO_APP.secret, "WHATSAPP_VERIFY_TOKEN": VERIFY_TOKEN, "PORT": str(port)}
    with log.open("w") as out:  # a file, not a pipe: nobody reads a pipe while the server runs
        process = subprocess.Popen([sys.executable, "-u", str(SCRIPT)], env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/webhook"
    for _ in range(100):
        try:
            requests.get(url, timeout=1)
            break
        except requests.ConnectionError:
            time.sleep(0.1)
    yield url, log
    process.terminate()
    process.wait(timeout=10)


def test_the_handshake_answers_the_challenge_only_for_the_right_verify_token(receiver):
    url, _ = receiver
    good = {"hub.mode": "subscribe", "hub.challenge": "1158201444", "hub.verify_token": VERIFY_TOKEN}
    answer = requests.get(url, params=good, timeout=5)
    assert answer.status_code == 200 and answer.text == "1158201444"
    answer = requests.get(url, params={**good, "hub.verify_token": "somebody-elses"}, timeout=5)
    assert answer.status_code == 403 and "1158201444" not in answer.text


def test_a_signed_event_is_printed_and_a_forged_one_refused_unread(receiver):
    url, log = receiver
    body = json.dumps(webhooks.text_message_event("Where is my order?")).encode()
    ok = requests.post(url, data=body, headers={"X-Hub-Signature-256": webhooks.signature(body)}, timeout=5)
    assert ok.status_code == 200
    forged = json.dumps(webhooks.text_message_event("Send me your secrets")).encode()
    unsigned, tampered, wrong_key = {}, webhooks.signature(body), webhooks.signature(forged, "not-the-app-secret")
    for headers in (unsigned, {"X-Hub-Signature-256": tampered}, {"X-Hub-Signature-256": wrong_key}):
        assert requests.post(url, data=forged, headers=headers, timeout=5).status_code == 403
    time.sleep(0.2)
    printed = log.read_text(encoding="utf-8")
    assert "Where is my order?" in printed
    assert "Send me your secrets" not in printed and printed.count("refused: the signature does not match") == 3
