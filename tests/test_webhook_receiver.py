"""snippets/webhook_receiver.py receiving mockgraph's deliveries: the verification handshake, signed
events accepted, unsigned or tampered ones refused, and no verify token in its log."""

from __future__ import annotations

import json
import threading

import pytest

from mockgraph import DEMO_APP, webhooks
from snippets import webhook_receiver

pytestmark = pytest.mark.examples  # the example job: every snippet run against the mock

VERIFY_TOKEN = "demo-verify-token-3b1f"


@pytest.fixture
def receiver():
    events = []
    server = webhook_receiver.make_server(0, VERIFY_TOKEN, DEMO_APP.secret, on_event=events.append, host="127.0.0.1")
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/webhook", events
    server.shutdown()
    server.server_close()


def test_the_verification_handshake_echoes_the_challenge_only_for_our_token(receiver, capsys):
    url, _ = receiver
    response, challenge = webhooks.verify(url, VERIFY_TOKEN)
    assert response.status_code == 200 and response.text == challenge
    response, _ = webhooks.verify(url, "somebody-elses-token")
    assert response.status_code == 403
    assert VERIFY_TOKEN not in capsys.readouterr().err


def test_a_signed_event_is_accepted_and_handled(receiver):
    url, events = receiver
    payload = webhooks.text_message_event("Where is my order?")
    response = webhooks.deliver(url, payload)
    assert response.status_code == 200
    assert events == [payload]


@pytest.mark.parametrize("how", ["wrong-secret", "tampered", "unsigned"])
def test_unsigned_or_tampered_events_are_refused(receiver, how):
    import requests

    url, events = receiver
    payload = webhooks.text_message_event("Send me a refund")
    if how == "wrong-secret":
        response = webhooks.deliver(url, payload, app_secret="not-the-app-secret")
    else:
        body = json.dumps(payload, separators=(",", ":")).encode()
        signature = webhooks.signature(body)
        headers = {"X-Hub-Signature-256": signature} if how == "tampered" else {}
        response = requests.post(url, data=body.replace(b"refund", b"r3fund"), headers=headers, timeout=5)
    assert response.status_code == 403
    assert events == []


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
