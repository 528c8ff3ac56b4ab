"""snippets/sender.py against mockgraph and misbehaving servers: accepted messages, errors a retry
cannot fix raised after one POST, throttling retried until it clears (and given up on within the
budget), appsecret_proof sent when the app secret is configured, and exactly the YAML's retryable
codes retried. The hostile-server matrix (test_hostile_matrix.py) covers the network failures."""

from __future__ import annotations

import time

import pytest

from mockgraph import DEMO_APP, GraphMock, serve, token_value
from mockgraph.demo import OUTSIDE_WINDOW_RECIPIENT, OWN_PHONE
from snippets import graph_errors, sender
from support.hostile_server import first_then_healthy, graph_error, response

pytestmark = pytest.mark.examples  # the example job: every snippet run against the mock

IN_WINDOW = "+15550100123"
TEXT = {"type": "text", "text": {"body": "Your order shipped."}}
TEMPLATE = {"type": "template", "template": {"name": "hello_world", "language": {"code": "en_US"}}}
FAST = {"backoff": 0.05, "max_attempts": 3, "deadline": 5.0, "connect_timeout": 1.0}


def posts(running) -> int:
    return len([r for r in running.app.journal if r[0] == "POST"])


def test_a_text_inside_the_window_and_a_template_outside_it_are_accepted(mock):
    session = sender.whatsapp_session(token_value("healthy"))
    answer = sender.send_message(session, OWN_PHONE, {"to": IN_WINDOW, **TEXT}, base_url=mock.base_url)
    assert answer["messages"][0]["id"].startswith("wamid.")
    answer = sender.send_message(session, OWN_PHONE, {"to": OUTSIDE_WINDOW_RECIPIENT, **TEMPLATE}, base_url=mock.base_url)
    assert answer["messages"][0]["message_status"] == "accepted"


def test_free_form_text_outside_the_24_hour_window_is_131047_and_not_retried(mock):
    session = sender.whatsapp_session(token_value("healthy"))
    mock.app.journal.clear()
    with pytest.raises(sender.WhatsAppError) as caught:
        sender.send_message(session, OWN_PHONE, {"to": OUTSIDE_WINDOW_RECIPIENT, **TEXT}, base_url=mock.base_url, **FAST)
    assert caught.value.code == 131047 and not caught.value.retryable
    assert "24 hours" in caught.value.details
    assert posts(mock) == 1


@pytest.mark.parametrize(
    ("token", "code", "phrase"), [("management-only", 200, "Fix the request"), ("expired", 190, "generate a new one")]
)
def test_token_problems_are_raised_at_once_with_advice(mock, token, code, phrase):
    session = sender.whatsapp_session(token_value(token))
    mock.app.journal.clear()
    with pytest.raises(sender.WhatsAppError) as caught:
        sender.send_message(session, OWN_PHONE, {"to": IN_WINDOW, **TEXT}, base_url=mock.base_url, **FAST)
    assert caught.value.code == code and not caught.value.retryable
    assert phrase in str(caught.value)
    assert len(mock.app.journal) == 1


def test_appsecret_proof_is_sent_when_the_app_secret_is_configured(proof_mock):
    """With "Require App Secret" on, a send without the proof fails with 100; with it, it goes out."""
    payload = {"to": IN_WINDOW, **TEXT}
    without = sender.whatsapp_session(token_value("healthy"))
    with pytest.raises(sender.WhatsAppError) as caught:
        sender.send_message(without, OWN_PHONE, payload, base_url=proof_mock.base_url, **FAST)
    assert caught.value.code == 100 and not caught.value.retryable
    with_proof = sender.whatsapp_session(token_value("healthy"), app_secret=DEMO_APP.secret)
    assert sender.send_message(with_proof, OWN_PHONE, payload, base_url=proof_mock.base_url)["messages"][0]["id"]


@pytest.mark.parametrize(("limits", "code"), [({"throughput_mps": 1}, 130429), ({"pair_limit": 1, "pair_window": 0.4}, 131056)])
def test_throttling_is_retried_with_backoff_until_it_clears(limits, code):
    running = serve(GraphMock(**limits), quiet=True)
    try:
        session = sender.whatsapp_session(token_value("healthy"))
        sender.send_message(session, OWN_PHONE, {"to": IN_WINDOW, **TEXT}, base_url=running.base_url)
        running.app.journal.clear()
        began = time.monotonic()
        answer = sender.send_message(
            session, OWN_PHONE, {"to": IN_WINDOW, **TEXT}, base_url=running.base_url, backoff=0.1, max_attempts=8, deadline=10
        )
        assert answer["messages"]
        assert posts(running) >= 2, "the throttled send should have been retried"
        assert time.monotonic() - began < 10
    finally:
        running.stop()


def test_throttling_that_never_clears_gives_up_after_the_attempt_budget():
    running = serve(GraphMock(pair_limit=1, pair_window=60), quiet=True)
    try:
        session = sender.whatsapp_session(token_value("healthy"))
        sender.send_message(session, OWN_PHONE, {"to": IN_WINDOW, **TEXT}, base_url=running.base_url)
        running.app.journal.clear()
        with pytest.raises(sender.WhatsAppError) as caught:
            sender.send_message(
                session, OWN_PHONE, {"to": IN_WINDOW, **TEXT}, base_url=running.base_url, backoff=0, max_attempts=3
            )
        assert caught.value.code == 131056 and caught.value.retryable
        assert "Gave up after 3 attempts" in str(caught.value) and caught.value.attempts == 3
        assert posts(running) == 3
    finally:
        running.stop()


def test_the_deadline_bounds_retries_and_backoff_together(hostile_server):
    server = hostile_server(lambda request, conn, n: conn.send(response(503, graph_error(2))))
    session = sender.whatsapp_session(token_value("healthy"))
    began = time.monotonic()
    with pytest.raises(sender.WhatsAppError) as caught:
        sender.send_message(
            session,
            OWN_PHONE,
            {"to": IN_WINDOW, **TEXT},
            base_url=server.base_url,
            backoff=0.2,
            max_attempts=50,
            deadline=1.0,
            connect_timeout=0.1,
        )
    assert time.monotonic() - began < 1.5
    assert caught.value.retryable and 2 <= caught.value.attempts == server.posts() < 50


def test_connection_refused_is_retryable_and_names_no_secret(closed_port_url):
    session = sender.whatsapp_session(token_value("healthy"), app_secret=DEMO_APP.secret)
    with pytest.raises(sender.WhatsAppError) as caught:
        sender.send_message(session, OWN_PHONE, {"to": IN_WINDOW, **TEXT}, base_url=closed_port_url, **FAST)
    assert caught.value.retryable and "not sent" in str(caught.value)
    assert caught.value.attempts == 3
    assert caught.value.__context__ is None
    assert token_value("healthy") not in repr(caught.value)


def test_exactly_the_codes_the_yaml_marks_retryable_are_sent_again(guide, hostile_server):
    """For every code in the guide's table: Graph answers it once, then accepts. A retryable code is
    sent again (2 POSTs, accepted); any other is raised after one POST, with `retryable=False`."""
    import guide_data

    for error in guide["graph_errors"]:
        body = graph_error(error["code"], message=f"({error['code']}) {error['title']}.")
        server = hostile_server(first_then_healthy(lambda r, c, n, body=body: c.send(response(400, body))))
        session = sender.whatsapp_session(token_value("healthy"))
        retryable = guide_data.is_retryable(error["client_action"])
        try:
            sender.send_message(session, OWN_PHONE, {"to": IN_WINDOW, **TEXT}, base_url=server.base_url, **FAST)
        except sender.WhatsAppError as exc:
            assert not retryable, f"code {error['code']}: the YAML says {error['client_action']}, yet it was not retried"
            assert exc.code == error["code"] and not exc.retryable and server.posts() == 1
            assert ".." not in str(exc), f"double punctuation: {exc}"
        else:
            assert retryable, f"code {error['code']} was sent again though the YAML says {error['client_action']}"
            assert server.posts() == 2


def test_an_unknown_code_is_never_retried_and_says_so(hostile_server):
    server = hostile_server(lambda r, c, n: c.send(response(400, graph_error(999999, message="Something new."))))
    session = sender.whatsapp_session(token_value("healthy"))
    with pytest.raises(sender.WhatsAppError) as caught:
        sender.send_message(session, OWN_PHONE, {"to": IN_WINDOW, **TEXT}, base_url=server.base_url, **FAST)
    assert not caught.value.retryable and server.posts() == 1
    assert "Something new." in str(caught.value) and "does not know" in str(caught.value)
    assert caught.value.decision == graph_errors.classify({"code": 999999, "message": "Something new."})
