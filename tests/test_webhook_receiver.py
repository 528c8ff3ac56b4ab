"""snippets/webhook_receiver.py receiving mockgraph's deliveries: the verification handshake, signed
events handled before they are acknowledged, message-status events passed on with graph_errors'
decision for failures, unsigned or tampered ones refused, and no verify token in its log.
Attacks (oversize, slow, idle connections): test_hostile_receiver.py."""

from __future__ import annotations

import json
import logging
import threading

import pytest
import requests

from mockgraph import DEMO_APP, webhooks
from mockgraph.demo import OWN_PHONE, OWN_WABA
from snippets import graph_errors, webhook_receiver

pytestmark = pytest.mark.examples  # the example job: every snippet run against the mock

VERIFY_TOKEN = "demo-verify-token-3b1f"


class Recorder:
    def __init__(self, fail_on: str | None = None):
        self.messages, self.statuses, self.fail_on = [], [], fail_on

    def on_message(self, message):
        self.messages.append(message)

    def on_status(self, status, decision):
        if status["status"] == self.fail_on:
            raise RuntimeError("the database is down")
        self.statuses.append((status, decision))


@pytest.fixture
def receiver():
    """start(recorder) -> the URL of a receiver that hands events to the recorder."""
    servers = []

    def start(recorder: Recorder) -> str:
        server = webhook_receiver.make_server(
            0, VERIFY_TOKEN, DEMO_APP.secret, on_message=recorder.on_message, on_status=recorder.on_status, host="127.0.0.1"
        )
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/webhook"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def status_event(*statuses: dict) -> dict:
    """A `statuses` notification in the shape of Meta's webhook reference."""
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550100001", "phone_number_id": OWN_PHONE},
        "statuses": list(statuses),
    }
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": OWN_WABA, "changes": [{"value": value, "field": "messages"}]}],
    }


def status(state: str, message_id: str = "wamid.STATUS1", **extra) -> dict:
    return {"id": message_id, "status": state, "timestamp": "1767225600", "recipient_id": "15550100123", **extra}


def test_the_verification_handshake_echoes_the_challenge_only_for_our_token(receiver, caplog):
    caplog.set_level(logging.DEBUG)
    url = receiver(Recorder())
    response, challenge = webhooks.verify(url, VERIFY_TOKEN)
    assert response.status_code == 200 and response.text == challenge
    response, _ = webhooks.verify(url, "somebody-elses-token")
    assert response.status_code == 403
    ours = [r.getMessage() for r in caplog.records if r.name == "webhook_receiver"]  # not the test client's
    assert "GET /webhook -> 200" in ours and "GET /webhook -> 403" in ours
    assert not [line for line in ours if VERIFY_TOKEN in line]


def test_a_signed_message_event_is_handled_then_acknowledged(receiver):
    recorder = Recorder()
    payload = webhooks.text_message_event("Where is my order?")
    response = webhooks.deliver(receiver(recorder), payload)
    assert response.status_code == 200
    assert recorder.messages == payload["entry"][0]["changes"][0]["value"]["messages"]


def test_every_status_is_passed_on_and_a_failed_one_with_its_decision(receiver):
    recorder = Recorder()
    failure = {"code": 131026, "title": "Message undeliverable", "error_data": {"details": "Not on WhatsApp."}}
    event = status_event(status("sent"), status("delivered"), status("failed", "wamid.STATUS2", errors=[failure]))
    assert webhooks.deliver(receiver(recorder), event).status_code == 200
    assert [(s["id"], s["status"]) for s, _ in recorder.statuses] == [
        ("wamid.STATUS1", "sent"),
        ("wamid.STATUS1", "delivered"),
        ("wamid.STATUS2", "failed"),
    ]
    decisions = [d for _, d in recorder.statuses]
    assert decisions[:2] == [None, None]
    assert decisions[2] == graph_errors.classify(failure)
    assert decisions[2].code == 131026 and not decisions[2].retryable


def test_a_failed_status_without_errors_is_still_passed_on(receiver):
    recorder = Recorder()
    assert webhooks.deliver(receiver(recorder), status_event(status("failed"))).status_code == 200
    ((only, decision),) = recorder.statuses
    assert only["status"] == "failed" and decision is not None and not decision.known and not decision.retryable


def test_a_handler_failure_answers_500_so_that_meta_delivers_again(receiver, caplog):
    recorder = Recorder(fail_on="delivered")
    url = receiver(recorder)
    response = webhooks.deliver(url, status_event(status("delivered")))
    assert response.status_code == 500
    assert any("RuntimeError" in r.getMessage() for r in caplog.records)
    recorder.fail_on = None  # the database is back: Meta's next delivery is acknowledged
    assert webhooks.deliver(url, status_event(status("delivered"))).status_code == 200
    assert [s["status"] for s, _ in recorder.statuses] == ["delivered"]


@pytest.mark.parametrize(
    "payload",
    [
        b"not json at all",
        b"[]",
        b'{"entry": "everything"}',
        b'{"entry": [{"changes": [{"value": {"statuses": [{"status": "sent"}]}}]}]}',
        b'{"entry": [{"changes": [{"value": {"messages": [{"from": "15550100123", "text": {"body": "Call me"}}]}}]}]}',
    ],
    ids=["not-json", "a-list", "entry-not-a-list", "status-without-id", "message-without-id"],
)
def test_a_signed_but_malformed_event_gets_400_and_its_content_is_not_logged(receiver, caplog, payload):
    caplog.set_level(logging.DEBUG)
    recorder = Recorder()
    headers = {"X-Hub-Signature-256": webhooks.signature(payload), "Content-Type": "application/json"}
    response = requests.post(receiver(recorder), data=payload, headers=headers, timeout=5)
    assert response.status_code == 400
    assert recorder.messages == [] and recorder.statuses == []
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "refused a signed event" in logged
    assert "15550100123" not in logged and "Call me" not in logged


@pytest.mark.parametrize("how", ["wrong-secret", "tampered", "unsigned"])
def test_unsigned_or_tampered_events_are_refused(receiver, how):
    recorder = Recorder()
    url = receiver(recorder)
    payload = webhooks.text_message_event("Send me a refund")
    if how == "wrong-secret":
        response = webhooks.deliver(url, payload, app_secret="not-the-app-secret")
    else:
        body = json.dumps(payload, separators=(",", ":")).encode()
        signature = webhooks.signature(body)
        headers = {"X-Hub-Signature-256": signature} if how == "tampered" else {}
        response = requests.post(url, data=body.replace(b"refund", b"r3fund"), headers=headers, timeout=5)
    assert response.status_code == 403
    assert recorder.messages == []


def test_the_signature_check_works_on_raw_bytes():
    body = b'{"a": 1}'
    header = webhooks.signature(body)
    assert webhook_receiver.signature_is_valid(body, header, DEMO_APP.secret)
    assert not webhook_receiver.signature_is_valid(b'{"a":1}', header, DEMO_APP.secret)  # re-serialised JSON
    assert not webhook_receiver.signature_is_valid(body, None, DEMO_APP.secret)


def test_the_delivered_payload_has_the_shape_of_metas_example(spec):
    """Meta's v23.0 schema for incoming messages reuses the outgoing Message schema, so not even the
    spec's own example validates against it; compare with that example's shape instead."""
    from support.shapes import shape_differences

    operation = spec["paths"]["/whatsapp/webhooks"]["post"]
    example = operation["requestBody"]["content"]["application/json"]["examples"]["Text Message"]["value"]
    ours = webhooks.text_message_event("Hello")
    assert shape_differences(example, ours) == [] and shape_differences(ours, example) == []
