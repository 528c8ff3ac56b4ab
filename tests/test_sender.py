"""snippets/sender.py against mockgraph and misbehaving servers: accepted messages, errors a retry
cannot fix raised after one POST, throttling retried until it clears (and given up on within the
budget), appsecret_proof sent when the app secret is configured, and exactly the YAML's retryable
codes retried. The hostile-server matrix (test_hostile_matrix.py) covers the network failures."""

from __future__ import annotations

import time
import types

import pytest

from mockgraph import DEMO_APP, GraphMock, serve, token_value
from mockgraph.demo import OUTSIDE_WINDOW_RECIPIENT, OWN_PHONE
from snippets import graph_errors, graph_http, sender
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


@pytest.mark.parametrize(("limits", "code"), [({"throughput_mps": 1}, 130429), ({"pair_limit": 1, "pair_window": 1.0}, 131056)])
def test_throttling_is_retried_with_backoff_until_it_clears(limits, code, monkeypatch):
    # Each pause at the top of its jitter range (0.1, 0.2, 0.4 ... s): with jitter, six short draws
    # could end before the limit's window and a seventh too long for the deadline would give up by
    # chance (it did, once in CI). The jitter itself is tested below.
    monkeypatch.setattr(sender, "random", types.SimpleNamespace(uniform=lambda low, high: high))
    running = serve(GraphMock(**limits), quiet=True)
    try:
        session = sender.whatsapp_session(token_value("healthy"))
        # The limit is used up this instant, not by an earlier send whose answer a loaded machine could
        # deliver after the one-second window: the send below meets the throttle on its first attempt.
        running.app.send_limits.check(OWN_PHONE, IN_WINDOW.lstrip("+"))  # the mock keys a recipient by its digits
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


# ---------------------------------------------------------------------------------------------
# Whole values, fast: every exception field and message, the backoff schedule and the attempt
# budget. The jitter is pinned to its upper bound and the sleeps are recorded, not slept.
@pytest.fixture
def pauses(monkeypatch) -> list[float]:
    slept: list[float] = []
    monkeypatch.setattr(sender.random, "uniform", lambda low, high: high)
    monkeypatch.setattr(sender.time, "sleep", slept.append)
    return slept


def failure_of(server_url: str, **options) -> graph_errors.GraphFailure:
    session = sender.whatsapp_session("tok-0123456789")
    with pytest.raises(graph_errors.GraphFailure) as caught:
        sender.send_message(session, OWN_PHONE, {"to": IN_WINDOW, **TEXT}, base_url=server_url, **options)
    return caught.value


def whole(failure: graph_errors.GraphFailure) -> tuple:
    fields = (failure.code, failure.retryable, failure.sent, failure.attempts, failure.retry_after, failure.fbtrace_id)
    return type(failure).__name__, str(failure), *fields


def always(status: int, body, headers: dict[str, str] | None = None):
    return lambda request, conn, n: conn.send(response(status, body, headers))


THROTTLED = graph_errors.describe(graph_errors.classify(graph_error(2)["error"]))
MAY_HAVE_BEEN_SENT = (
    "The message may have been sent: {} It was not sent again. Check its status webhook (sent, delivered or failed) "
    "before sending it again."
)


@pytest.mark.parametrize(("deadline", "attempts"), [(12.5, 4), (13.5, 5), (60.0, 5)])
def test_the_default_budget_backs_off_1_2_4_8_seconds_and_starts_no_attempt_that_cannot_connect_in_time(
    hostile_server, pauses, deadline, attempts
):
    """Defaults: 5 attempts, backoff 1 s doubling, 5 s to connect. A fifth attempt after the 8 s
    pause needs 8 + 5 = 13 s of budget: it starts with 13.5 s, not with 12.5 s; with the default 60 s
    the fifth is the last."""
    server = hostile_server(always(503, graph_error(2)))
    failure = failure_of(server.base_url, deadline=deadline)
    said = f"{THROTTLED} Gave up after {attempts} attempts."
    assert whole(failure) == ("WhatsAppError", said, 2, True, True, attempts, None, "AhostileTrace")
    assert pauses == [1.0, 2.0, 4.0, 8.0][: attempts - 1] and server.posts() == attempts


def test_each_pause_is_drawn_from_zero_to_the_doubling_backoff(hostile_server, monkeypatch):
    """Full jitter: senders that failed together spread out instead of retrying in step."""
    drawn: list[tuple[float, float]] = []
    monkeypatch.setattr(sender.random, "uniform", lambda low, high: drawn.append((low, high)) or low)
    monkeypatch.setattr(sender.time, "sleep", lambda seconds: None)
    failure_of(hostile_server(always(503, graph_error(2))).base_url, backoff=0.5)
    assert drawn == [(0, 0.5), (0, 1.0), (0, 2.0), (0, 4.0), (0, 8.0)]


def test_one_attempt_says_attempt_in_the_singular(hostile_server, pauses):
    failure = failure_of(hostile_server(always(503, graph_error(2))).base_url, max_attempts=1)
    assert str(failure) == f"{THROTTLED} Gave up after 1 attempt." and pauses == []


def test_a_retry_after_past_the_deadline_is_named_and_not_waited_for(hostile_server, pauses):
    server = hostile_server(always(429, b"", {"Retry-After": "3600"}))
    failure = failure_of(server.base_url, deadline=5)
    said = "HTTP 429 without a Graph error: throttled before Graph; retry later. Graph asked to wait 3600 s, past the deadline."
    assert whole(failure) == ("WhatsAppError", f"{said} Gave up after 1 attempt.", None, True, True, 1, 3600.0, None)
    assert pauses == [] and server.posts() == 1


def test_a_short_retry_after_is_waited_for_then_the_send_goes_again(hostile_server, pauses):
    server = hostile_server(first_then_healthy(always(429, b"", {"Retry-After": "3"})))
    session = sender.whatsapp_session("tok-0123456789")
    answer = sender.send_message(session, OWN_PHONE, {"to": IN_WINDOW, **TEXT}, base_url=server.base_url, backoff=0.5)
    assert answer["messages"] == [{"id": "wamid.HOSTILE0001"}] and pauses == [3.0] and server.posts() == 2


@pytest.mark.parametrize(
    "body",
    [{"messages": []}, {"messages": [{"id": ""}]}, {"messages": [{"id": 5}]}, {"messages": "wamid.x"}, {"messages": ["id"]}, {}],
)
def test_an_accepted_answer_without_a_message_id_may_have_been_sent(hostile_server, pauses, body):
    server = hostile_server(always(200, body))
    failure = failure_of(server.base_url)
    said = MAY_HAVE_BEEN_SENT.format("HTTP 200 without a message ID or a Graph error.")
    assert whole(failure) == ("MayHaveTakenEffect", said, None, False, True, 1, None, None) and server.posts() == 1


def test_a_proxy_page_may_have_been_sent_and_is_not_sent_again(hostile_server, pauses):
    server = hostile_server(always(502, b"<html>Bad gateway</html>"))
    failure = failure_of(server.base_url)
    said = MAY_HAVE_BEEN_SENT.format("HTTP 502 with no JSON (text/html), not a Graph answer: a proxy or an outage is in the way.")
    assert whole(failure) == ("MayHaveTakenEffect", said, None, False, True, 1, None, None) and server.posts() == 1


def test_a_retried_send_that_may_then_have_been_sent_counts_every_attempt(hostile_server, pauses):
    def throttled_then_proxy_page(request, conn, n):
        conn.send(response(503, graph_error(2)) if n == 1 else response(502, b"<html>Bad gateway</html>"))

    failure = failure_of(hostile_server(throttled_then_proxy_page).base_url)
    said = MAY_HAVE_BEEN_SENT.format("HTTP 502 with no JSON (text/html), not a Graph answer: a proxy or an outage is in the way.")
    assert whole(failure) == ("MayHaveTakenEffect", said, None, False, True, 2, None, None) and pauses == [1.0]


def test_a_read_timeout_is_the_read_timeout_not_the_deadline(hostile_server, pauses):
    server = hostile_server("read-timeout")
    failure = failure_of(server.base_url, read_timeout=0.2, deadline=3)
    said = MAY_HAVE_BEEN_SENT.format("The request was sent but no answer came within the read timeout.")
    assert whole(failure) == ("MayHaveTakenEffect", said, None, False, True, 1, None, None)


def test_a_graph_error_wins_over_a_message_id_in_the_same_answer(hostile_server, pauses):
    body = {**graph_error(131047), "messages": [{"id": "wamid.NOT"}]}
    failure = failure_of(hostile_server(always(400, body)).base_url)
    decision = graph_errors.classify(body["error"])
    assert whole(failure) == ("WhatsAppError", graph_errors.describe(decision), 131047, False, True, 1, None, "AhostileTrace")


def test_a_send_that_never_left_says_so_and_is_retried(closed_port_url, pauses):
    failure = failure_of(closed_port_url, max_attempts=2, backoff=0.5)
    said = (
        "Could not reach the Graph API: the connection was refused or the host could not be resolved. "
        "The message was not sent; check connectivity. Gave up after 2 attempts."
    )
    assert whole(failure) == ("WhatsAppError", said, None, True, False, 2, None, None) and pauses == [0.5]


def test_the_session_carries_the_token_in_the_authorization_header_and_the_proof_as_a_parameter():
    bare = sender.whatsapp_session("tok-0123456789")
    assert (dict(bare.headers)["Authorization"], bare.params) == ("Bearer tok-0123456789", {})
    signed = sender.whatsapp_session("tok-0123456789", app_secret="s3cret")
    assert signed.params == {"appsecret_proof": graph_http.appsecret_proof("s3cret", "tok-0123456789")}


@pytest.mark.parametrize("deadline", [0, -1.0, float("nan")])
def test_a_deadline_that_is_not_a_positive_number_is_refused_before_anything_is_sent(hostile_server, deadline):
    server = hostile_server("healthy")
    with pytest.raises(sender.WhatsAppError) as caught:
        sender.send_message(
            sender.whatsapp_session("t"), OWN_PHONE, {"to": "1", "type": "text"}, base_url=server.base_url, deadline=deadline
        )
    failure = caught.value
    assert (str(failure), failure.sent, failure.retryable, failure.decision) == (
        f"Not sent: the deadline must be a positive number of seconds, not {deadline!r}.",
        False,
        False,
        None,
    )
    assert server.received == []
