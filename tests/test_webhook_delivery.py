"""mockgraph delivers webhooks as Meta does (mockgraph/webhooks.py): redelivered with backoff until a
200, within the window data/guide.yaml states, now and then twice, several changes in one POST; and
a reader injects an incoming customer message from the command line or over HTTP, no phone needed.
The receiver is snippets/webhook_receiver.py as readers run it."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from mockgraph import serve, webhooks
from support.paths import ROOT
from support.receiver_process import ReceiverProcess

pytestmark = pytest.mark.examples


def test_the_schedule_backs_off_and_ends_within_metas_window(guide):
    policy = webhooks.RetryPolicy()
    delays = list(policy.delays())
    assert delays[1] == 2 * delays[0] and max(delays) == policy.max_delay  # decreasing frequency, capped
    window = guide["webhooks"]["redelivery"]["days"] * 86400
    assert sum(delays) <= window < sum(delays) + policy.max_delay
    compressed = list(webhooks.RetryPolicy(timescale=0.001).delays())
    assert compressed == pytest.approx([d * 0.001 for d in delays])


class FlakyReceiver(BaseHTTPRequestHandler):
    """Answers 500 to the first `failures` POSTs, then 200; remembers each body."""

    failures = 0
    bodies: list[bytes] = []

    def do_POST(self):
        self.bodies.append(self.rfile.read(int(self.headers["Content-Length"])))
        status = 500 if len(self.bodies) <= self.failures else 200
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def flaky():
    def start(failures: int) -> str:
        handler = type("Flaky", (FlakyReceiver,), {"failures": failures, "bodies": []})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append((server, handler))
        return f"http://127.0.0.1:{server.server_address[1]}/webhook"

    servers: list = []
    yield start
    for server, _ in servers:
        server.shutdown()
        server.server_close()


def test_a_notification_is_delivered_again_until_the_receiver_answers_200(flaky):
    url = flaky(failures=2)
    slept: list[float] = []
    sender = webhooks.Sender(url, policy=webhooks.RetryPolicy(timescale=0.0001), sleep=slept.append)
    assert sender.send(webhooks.text_message_event("Hi")) == [500, 500, 200]
    assert slept == pytest.approx(list(itertools.islice(webhooks.RetryPolicy(timescale=0.0001).delays(), 2)))


def test_status_webhooks_from_the_mock_are_delivered_again_until_a_200(flaky):
    from mockgraph import status_webhooks

    url = flaky(failures=1)
    channel = status_webhooks.StatusWebhooks(url, transport=webhooks._post_status, retry=webhooks.RetryPolicy(timescale=0.0001))
    channel.send([webhooks.text_message_event("status stand-in")])
    assert channel.wait()
    assert [outcome for _, outcome in channel.deliveries] == [500, 200]


def test_duplicates_come_at_the_rate_asked_and_the_same_seed_repeats_them(flaky):
    url = flaky(failures=0)
    runs = []
    for _ in range(2):
        sender = webhooks.Sender(url, duplicate_rate=0.3, seed=7)
        runs.append([len(sender.send(webhooks.text_message_event(f"m{n}"))) for n in range(50)])
    assert runs[0] == runs[1]
    assert 5 <= runs[0].count(2) <= 25 and set(runs[0]) == {1, 2}


def test_a_batch_carries_every_change_and_the_receiver_handles_each(tmp_path):
    payloads = [webhooks.text_message_event(f"message {n}", timestamp=1767225600 + n) for n in range(5)]
    merged = webhooks.batch(payloads)
    assert len(merged["entry"]) == 1 and len(merged["entry"][0]["changes"]) == 5
    receiver = ReceiverProcess(tmp_path, str(tmp_path / "inbox.sqlite3"))
    receiver.start()
    try:
        assert webhooks.Sender(receiver.url).send(merged) == [200]
        wanted = {p["entry"][0]["changes"][0]["value"]["messages"][0]["id"] for p in payloads}
        deadline = time.monotonic() + 10
        while {line["id"] for line in receiver.handled()} != wanted:
            assert time.monotonic() < deadline, receiver.handled()
            time.sleep(0.05)
    finally:
        receiver.stop()


def test_a_customer_message_injected_from_the_command_line_or_over_http_reaches_the_receiver(tmp_path):
    receiver = ReceiverProcess(tmp_path, str(tmp_path / "inbox.sqlite3"))
    receiver.start()
    mock = serve(quiet=True)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "mockgraph.inject", "--url", receiver.url, "--text", "Where is my order?"],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=ROOT,
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("delivered wamid.") and "after 1 try" in result.stdout
        answer = requests.post(
            f"{mock.base_url}{webhooks.INJECT_PATH}", data=json.dumps({"text": "Hello?", "url": receiver.url}), timeout=10
        )
        assert answer.status_code == 200
        ids = {result.stdout.split()[1], answer.json()["id"]}
        deadline = time.monotonic() + 10
        while {line["id"] for line in receiver.handled()} != ids:
            assert time.monotonic() < deadline, receiver.handled()
            time.sleep(0.05)
        refused = requests.post(f"{mock.base_url}{webhooks.INJECT_PATH}", data=b"{}", timeout=10)
        assert refused.status_code == 400 and '"text"' in refused.json()["error"]["message"]
    finally:
        mock.stop()
        receiver.stop()
