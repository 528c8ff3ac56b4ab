"""Failures by webhook: mockgraph's error drills and signed status webhooks, the example payloads the
Error Reference shows (each equal to what the mock produces), their shapes against Meta's OpenAPI
spec, and the round trip send -> accepted -> failed by webhook -> classified."""

from __future__ import annotations

import json
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from jsonschema import Draft202012Validator

import guide_data
from mockgraph import DEMO_APP, error_examples, serve, status_webhooks, token_value
from mockgraph.demo import OWN_PHONE, OWN_WABA
from snippets import graph_errors, on_status, sender, webhook_receiver
from snippets.webhook_worker import Hooks
from support.graph_schemas import ERROR_ENVELOPE
from support.openapi import SPEC_URI

pytestmark = pytest.mark.examples

GOLDEN_DIR = "snippets/errors"
TEMPLATE = {"type": "template", "template": {"name": "hello_world", "language": {"code": "en_US"}}}
VERIFY_TOKEN = "demo-verify-token-status"


def webhook_codes(guide, *ways) -> list[dict]:
    return [row for row in guide["graph_errors"] if row["arrives"] in ways]


def first_row(guide, way: str) -> dict:
    return next(row for row in guide["graph_errors"] if row["arrives"] == way)


def spec_validate(registry, ref: str, instance) -> None:
    validator = Draft202012Validator({"$ref": f"{SPEC_URI}#{ref}"}, registry=registry)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(instance)]
    assert not errors, f"{ref}: {errors[:5]}"


def statuses_of(payload: dict) -> list[dict]:
    return [s for entry in payload["entry"] for change in entry["changes"] for s in change["value"].get("statuses", [])]


# -- the examples on the page ---------------------------------------------------------------------
@pytest.mark.slow  # drives the mock once per code and way of arriving
def test_every_example_file_is_what_the_mock_produces_and_every_code_has_one(guide):
    folder = guide_data.ROOT / GOLDEN_DIR
    expected = error_examples.expected_files(guide)
    on_disk = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.json")}
    assert sorted(on_disk) == sorted(expected), "run `python -m mockgraph.error_examples` and commit snippets/errors/"
    for name, text in expected.items():
        assert on_disk[name] == text, f"{name} differs from what the mock produces; run python -m mockgraph.error_examples"
    for row in guide["graph_errors"]:
        assert any(name.startswith(f"{row['code']}.") for name in on_disk), f"code {row['code']} has no example"


def test_response_examples_carry_the_code_title_and_metas_text_in_graphs_envelope(guide):
    for row in webhook_codes(guide, "response", "both"):
        body = json.loads((guide_data.ROOT / GOLDEN_DIR / f"{row['code']}.response.json").read_text(encoding="utf-8"))
        Draft202012Validator(ERROR_ENVELOPE).validate(body)
        error = body["error"]
        assert error["code"] == row["code"] and error["message"] == f"(#{row['code']}) {row['title']}"
        assert error["error_data"]["details"] == row["meta_text"]
        assert graph_errors.classify(error).action == row["client_action"]


def test_webhook_examples_validate_against_metas_openapi_webhook_payload(guide, registry):
    rows = webhook_codes(guide, "status_webhook", "both")
    assert rows, "the guide lists no code that arrives by status webhook"
    for row in rows:
        payload = json.loads((guide_data.ROOT / GOLDEN_DIR / f"{row['code']}.status_webhook.json").read_text(encoding="utf-8"))
        spec_validate(registry, "/components/schemas/WebhookPayload", payload)
        (status,) = statuses_of(payload)
        spec_validate(registry, "/components/schemas/Statuses", status)
        assert status["status"] == "failed" and status["errors"][0]["code"] == row["code"]
        decision = graph_errors.classify(status["errors"][0])
        assert decision.action == row["client_action"] and decision.details == row["meta_text"]


# -- the mock over HTTP -----------------------------------------------------------------------------
class Recorder(BaseHTTPRequestHandler):
    """A bare receiver: keeps each POST's body and signature check, answers 200."""

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        signed = webhook_receiver.signature_is_valid(body, self.headers.get("X-Hub-Signature-256"), DEMO_APP.secret)
        self.server.received.append((json.loads(body), signed))  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format, *args):  # noqa: A002 - the stdlib's name
        pass


@pytest.fixture
def recorder():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    server.received = []  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/webhook", server.received  # type: ignore[attr-defined]
    server.shutdown()
    server.server_close()


@pytest.fixture
def status_mock(recorder):
    """A mock of its own (the session mock has no webhook destination) reporting to the recorder."""
    running = serve(quiet=True)
    running.app.status_webhooks = status_webhooks.StatusWebhooks(recorder[0])  # type: ignore[attr-defined]
    yield running
    running.stop()


def send(base_url: str, to: str, token: str = "healthy") -> requests.Response:
    url = f"{base_url}/{guide_data.pinned_version()}/{OWN_PHONE}/messages"
    body = {"messaging_product": "whatsapp", "to": to, **TEMPLATE}
    return requests.post(url, json=body, headers={"Authorization": f"Bearer {token_value(token)}"}, timeout=5)


def test_an_accepted_send_is_reported_sent_delivered_read_signed_and_shaped_like_metas(status_mock, recorder, registry):
    answer = send(status_mock.base_url, "+15550100123")
    assert answer.status_code == 200
    assert status_mock.app.status_webhooks.wait()
    received = recorder[1]
    assert [statuses_of(p)[0]["status"] for p, _ in received] == ["sent", "delivered", "read"]
    assert all(signed for _, signed in received)
    message_id = answer.json()["messages"][0]["id"]
    for payload, _ in received:
        spec_validate(registry, "/components/schemas/WebhookPayload", payload)
        assert statuses_of(payload)[0]["id"] == message_id and payload["entry"][0]["id"] == OWN_WABA


def test_a_response_drill_answers_with_the_yaml_http_status(mock, guide):
    for row in guide["graph_errors"][:: max(1, len(guide["graph_errors"]) // 12)]:
        if row["arrives"] not in status_webhooks.ARRIVES_IN_RESPONSE:
            continue
        answer = send(mock.base_url, f"+{status_webhooks.RESPONSE_DRILL}{row['code']}")
        assert answer.status_code == (row["http_status"] or 400), row["code"]
        assert answer.json()["error"]["code"] == row["code"]


def test_drills_refuse_codes_the_guide_lacks_or_that_never_arrive_that_way(mock, guide):
    only_webhook, only_response = first_row(guide, "status_webhook"), first_row(guide, "response")
    answer = send(mock.base_url, f"+{status_webhooks.RESPONSE_DRILL}{only_webhook['code']}")
    assert answer.json()["error"]["code"] == 100
    assert f"+{status_webhooks.WEBHOOK_DRILL}{only_webhook['code']}" in answer.json()["error"]["message"]
    answer = send(mock.base_url, f"+{status_webhooks.WEBHOOK_DRILL}{only_response['code']}")
    assert answer.json()["error"]["code"] == 100 and "arrives by response" in answer.json()["error"]["message"]
    known = {row["code"] for row in guide["graph_errors"]}
    unknown = next(c for c in range(999000, 1000000) if c not in known)
    answer = send(mock.base_url, f"+{status_webhooks.RESPONSE_DRILL}{unknown}")
    assert answer.json()["error"]["code"] == 100 and "not in the guide" in answer.json()["error"]["message"]


def test_an_unreachable_receiver_does_not_break_the_send(closed_port_url):
    running = serve(quiet=True)
    try:
        channel = status_webhooks.StatusWebhooks(closed_port_url + "/webhook")
        running.app.status_webhooks = channel  # type: ignore[attr-defined]
        assert send(running.base_url, "+15550100123").status_code == 200
        assert channel.wait()
        assert [outcome for _, outcome in channel.deliveries] == ["ConnectionError"] * 3
    finally:
        running.stop()


def test_the_environment_variable_sets_the_destination_for_python_m_mockgraph(recorder, monkeypatch, guide):
    monkeypatch.setenv(status_webhooks.URL_VARIABLE, recorder[0])
    running = serve(quiet=True)
    try:
        row = first_row(guide, "status_webhook")
        assert send(running.base_url, f"+{status_webhooks.WEBHOOK_DRILL}{row['code']}").status_code == 200
        assert running.app.status_webhooks.wait()  # type: ignore[attr-defined]
        assert [statuses_of(p)[0]["errors"][0]["code"] for p, _ in recorder[1]] == [row["code"]]
    finally:
        running.stop()


# -- the reader's callback --------------------------------------------------------------------------
def test_the_status_callback_logs_every_failure_with_its_decision_and_stays_quiet_otherwise(guide, caplog):
    caplog.set_level(logging.INFO, logger="whatsapp.status")
    for row in webhook_codes(guide, "status_webhook", "both"):
        payload = json.loads((guide_data.ROOT / GOLDEN_DIR / f"{row['code']}.status_webhook.json").read_text(encoding="utf-8"))
        (status,) = statuses_of(payload)
        caplog.clear()
        decision = graph_errors.classify(status["errors"][0])
        on_status.handle_status(status, decision)
        (record,) = caplog.records
        assert record.levelno >= logging.WARNING and str(row["code"]) in record.getMessage()
        assert status["id"] in record.getMessage()
        if decision.retryable:
            assert (decision.wait or "backoff") in record.getMessage()
        else:
            assert decision.action in record.getMessage()
    caplog.clear()
    on_status.handle_status({"id": "wamid.X", "status": "delivered", "recipient_id": "1"}, None)
    assert [(r.levelno, r.getMessage()) for r in caplog.records] == [(logging.INFO, "message wamid.X: delivered")]


# -- the round trip ---------------------------------------------------------------------------------
def round_trip_code(guide) -> dict:
    """The Quick Start's example: a code that arrives only by status webhook and is retried after a wait."""
    return next(r for r in webhook_codes(guide, "status_webhook") if r["client_action"] == graph_errors.RETRY_AFTER_WAIT)


def run_round_trip(guide, server, url: str, caplog) -> None:
    """send -> accepted -> failed by webhook -> classified, through the sender and the given receiver."""
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    running = serve(quiet=True)
    try:
        running.app.status_webhooks = status_webhooks.StatusWebhooks(url)  # type: ignore[attr-defined]
        row = round_trip_code(guide)
        caplog.set_level(logging.INFO, logger="whatsapp.status")
        answer = sender.send_message(
            sender.whatsapp_session(token_value("healthy")),
            OWN_PHONE,
            {"to": f"+{status_webhooks.WEBHOOK_DRILL}{row['code']}", **TEMPLATE},
            base_url=running.base_url,
        )
        assert answer["messages"][0]["message_status"] == "accepted"
        assert running.app.status_webhooks.wait()  # type: ignore[attr-defined]
        (delivery,) = running.app.status_webhooks.deliveries  # type: ignore[attr-defined]
        assert delivery[1] == 200, "the receiver refused the signed status webhook"
        handled_by = time.monotonic() + 5  # the receiver acknowledges first; its worker handles the event next
        while not [r for r in caplog.records if r.name == "whatsapp.status"] and time.monotonic() < handled_by:
            time.sleep(0.02)
    finally:
        running.stop()
        server.shutdown()
        server.server_close()
    seen = [r.getMessage() for r in caplog.records if r.name == "whatsapp.status"]
    assert len(seen) == 1, seen
    message = seen[0]
    assert answer["messages"][0]["id"] in message and str(row["code"]) in message and row["wait"] in message


def test_round_trip_through_the_webhook_receiver_snippets_on_status_api(guide, caplog, tmp_path):
    hooks = Hooks(on_status=on_status.handle_status)
    server = webhook_receiver.make_server(
        0, VERIFY_TOKEN, DEMO_APP.secret, hooks, inbox=str(tmp_path / "inbox.sqlite3"), host="127.0.0.1", report=lambda e: None
    )
    run_round_trip(guide, server, f"http://127.0.0.1:{server.server_address[1]}/webhook", caplog)
