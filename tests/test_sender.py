"""snippets/sender.py against mockgraph: success, the 24-hour window, throttling retried on urllib3's
schedule, errors a retry cannot fix raised at once, 5xx retried by the session, and the classifier
agreeing with the YAML error table on every code."""

from __future__ import annotations

import threading

import pytest
from urllib3.util import Retry
from werkzeug.serving import make_server
from werkzeug.wrappers import Response

import guide_data
from mockgraph import GraphMock, serve, token_value
from mockgraph.demo import OUTSIDE_WINDOW_RECIPIENT, OWN_PHONE
from mockgraph.server import PathOnlyLog
from support.snippet_modules import import_snippet

pytestmark = pytest.mark.examples  # the example job: every snippet run against the mock

IN_WINDOW = "+15550100123"
TEXT = {"type": "text", "text": {"body": "Your order shipped."}}
TEMPLATE = {"type": "template", "template": {"name": "hello_world", "language": {"code": "en_US"}}}
FAST = Retry(total=3, backoff_factor=0.05)


@pytest.fixture
def sender(mock):
    return import_snippet("sender", mock.base_url)


def test_a_text_inside_the_window_and_a_template_outside_it_are_accepted(sender):
    session = sender.whatsapp_session(token_value("healthy"))
    answer = sender.send_message(session, OWN_PHONE, {"to": IN_WINDOW, **TEXT})
    assert answer["messages"][0]["id"].startswith("wamid.")
    answer = sender.send_message(session, OWN_PHONE, {"to": OUTSIDE_WINDOW_RECIPIENT, **TEMPLATE})
    assert answer["messages"][0]["message_status"] == "accepted"


def test_free_form_text_outside_the_24_hour_window_is_131047_and_not_retried(sender, mock):
    session = sender.whatsapp_session(token_value("healthy"))
    mock.app.journal.clear()
    with pytest.raises(sender.WhatsAppError) as caught:
        sender.send_message(session, OWN_PHONE, {"to": OUTSIDE_WINDOW_RECIPIENT, **TEXT}, retries=FAST)
    assert caught.value.code == 131047 and not caught.value.retryable
    assert "24 hours" in caught.value.details
    assert len([r for r in mock.app.journal if r[0] == "POST"]) == 1


@pytest.mark.parametrize(("token", "code"), [("management-only", 200), ("expired", 190)])
def test_token_problems_are_raised_at_once_with_advice(sender, mock, token, code):
    session = sender.whatsapp_session(token_value(token))
    mock.app.journal.clear()
    with pytest.raises(sender.WhatsAppError) as caught:
        sender.send_message(session, OWN_PHONE, {"to": IN_WINDOW, **TEXT}, retries=FAST)
    assert caught.value.code == code and not caught.value.retryable
    assert ("generate a new one" if code == 190 else "scopes") in str(caught.value)
    assert len(mock.app.journal) == 1


@pytest.mark.parametrize(("limits", "code"), [({"throughput_mps": 1}, 130429), ({"pair_limit": 1, "pair_window": 0.4}, 131056)])
def test_throttling_is_retried_with_backoff_until_it_clears(limits, code):
    running = serve(GraphMock(**limits), quiet=True)
    try:
        sender = import_snippet("sender", running.base_url)
        session = sender.whatsapp_session(token_value("healthy"))
        sender.send_message(session, OWN_PHONE, {"to": IN_WINDOW, **TEXT})
        running.app.journal.clear()
        answer = sender.send_message(session, OWN_PHONE, {"to": IN_WINDOW, **TEXT}, retries=Retry(total=8, backoff_factor=0.1))
        assert answer["messages"]
        assert len(running.app.journal) >= 2, "the throttled send should have been retried"
    finally:
        running.stop()


def test_throttling_that_never_clears_gives_up_after_the_retry_budget():
    running = serve(GraphMock(pair_limit=1, pair_window=60), quiet=True)
    try:
        sender = import_snippet("sender", running.base_url)
        session = sender.whatsapp_session(token_value("healthy"))
        sender.send_message(session, OWN_PHONE, {"to": IN_WINDOW, **TEXT})
        running.app.journal.clear()
        with pytest.raises(sender.WhatsAppError) as caught:
            sender.send_message(session, OWN_PHONE, {"to": IN_WINDOW, **TEXT}, retries=Retry(total=2, backoff_factor=0))
        assert caught.value.code == 131056 and caught.value.retryable
        assert "Gave up after 3 attempts" in str(caught.value)
        assert len(running.app.journal) == 3
    finally:
        running.stop()


class FlakyGraph:
    """Answers 503 a set number of times, then like Graph."""

    def __init__(self, failures: int):
        self.failures, self.calls = failures, 0
        self.graph = GraphMock()

    def __call__(self, environ, start_response):
        self.calls += 1
        if self.calls <= self.failures:
            return Response("<html>503 Service Unavailable</html>", status=503, mimetype="text/html")(environ, start_response)
        return self.graph(environ, start_response)


@pytest.mark.parametrize(("failures", "accepted"), [(2, True), (10, False)])
def test_5xx_answers_are_retried_by_the_session(failures, accepted):
    app = FlakyGraph(failures)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=PathOnlyLog)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        sender = import_snippet("sender", f"http://127.0.0.1:{server.server_port}")
        session = sender.whatsapp_session(token_value("healthy"), backoff_factor=0.05)
        if accepted:
            assert sender.send_message(session, OWN_PHONE, {"to": IN_WINDOW, **TEXT})["messages"]
            assert app.calls == 3
        else:
            with pytest.raises(sender.WhatsAppError, match="not JSON"):
                sender.send_message(session, OWN_PHONE, {"to": IN_WINDOW, **TEXT})
            assert app.calls == 4  # the first try and the session's 3 retries
    finally:
        server.shutdown()
        server.server_close()


def test_connection_refused_is_a_retryable_error_without_the_token(closed_port_url):
    sender = import_snippet("sender", closed_port_url)
    session = sender.whatsapp_session(token_value("healthy"), backoff_factor=0.05)
    with pytest.raises(sender.WhatsAppError) as caught:
        sender.send_message(session, OWN_PHONE, {"to": IN_WINDOW, **TEXT})
    assert caught.value.retryable and "Could not reach" in str(caught.value)
    assert caught.value.__context__ is None
    assert token_value("healthy") not in repr(caught.value)


def test_the_classifier_agrees_with_the_yaml_error_table_on_every_code(sender, guide):
    for error in guide["graph_errors"]:
        envelope = {
            "code": error["code"],
            "message": f"({error['code']}) {error['title']}",
            "error_data": {"messaging_product": "whatsapp", "details": "details from Graph"},
            "fbtrace_id": "Atrace",
        }
        retry, advice = sender.classify(envelope)
        expected = guide_data.is_retryable(error["client_action"])
        assert retry is expected, f"code {error['code']}: the YAML says {error['client_action']}"
        assert f"code {error['code']}" in advice and "details from Graph" in advice
    retry, advice = sender.classify({"code": 999999, "message": "Something new", "fbtrace_id": "Anew"})
    assert retry is False and "Something new" in advice and "Anew" in advice  # unknown codes are never retried
