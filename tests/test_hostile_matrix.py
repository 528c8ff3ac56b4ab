"""Every network snippet against servers that misbehave like real networks, proxies and Graph.

Two parametrized tests: each server behaviour (the rows of EXPECTED) times each network snippet
(SNIPPETS_UNDER_TEST), and the same behaviours times the onboarding snippets (ONBOARDING_EXPECTED,
whose columns ask whether the code is still good or the action may have happened). For every
cell it asserts the outcome in the table, that nothing but a documented exception (or exit
status) comes out, that a message is POSTed more than once only when Graph said
it was not accepted, that the call ends within its deadline, and that no token, app secret, app
token or appsecret_proof reaches stdout, stderr, an exception's text, repr or traceback, or a DEBUG
log record (the echoing gateway aside for curl, which prints what the server sends).
"""

from __future__ import annotations

import json
import logging
import time
import traceback
from dataclasses import dataclass
from urllib.parse import quote

import pytest

from mockgraph import DEMO_APP, token_value
from snippets import (
    doctor,
    exchange_code,
    graph_errors,
    register_phone,
    send_from_test_number,
    sender,
    startup_check,
    subscribe_app,
)
from support.credentials import secrets_of
from support.hostile_server import (
    BEHAVIOURS,
    HOSTILE_BUSINESS_TOKEN,
    PHONE_ID,
    WABA_ID,
    HostileServer,
    closed_port,
    throttled_once,
)
from support.shell_examples import SNIPPETS, run_shell_example

pytestmark = [pytest.mark.examples, pytest.mark.slow]

TOKEN = token_value("healthy")
DOCTOR_DEADLINE = 1.0  # the doctor makes up to three calls in a healthy run
DEADLINE = 0.6  # seconds: short, so the matrix stays fast; the snippets' default is 60 s
SLACK = 0.6  # scheduling on a shared CI machine
CURL_MAX_TIME = 0.6
CURL_SLACK = 1.5  # bash, jq and curl start-up
# The sender retries: its deadline leaves room for three quick attempts on a loaded machine, so that
# the deadline never cuts a connection attempt (which would have to count as possibly sent).
SEND_DEADLINE = 2.0
SEND = {"deadline": SEND_DEADLINE, "connect_timeout": 0.2, "read_timeout": 0.3, "backoff": 0.01, "max_attempts": 3}
MESSAGE = {"to": "+15550100123", "type": "text", "text": {"body": "Your order shipped."}}

# Outcomes. Python: the exception class name ("ok" = returned), for the sender with its `retryable`
# flag. Doctor: its exit status. curl: ok (exit 0), http-error (22, the body still printed),
# timeout (28, --max-time) or network (any other failure to talk HTTP).
OK, GU, TP, ACP = "ok", "GraphUnavailable", "TokenProblem", "AppCredentialsProblem"
RETRYABLE, FINAL, MAYBE = "WhatsAppError:retryable", "WhatsAppError:final", "MaybeSent"
HTTP, TIMEOUT, NET = "http-error", "timeout", "network"


@dataclass(frozen=True)
class Expect:
    check: str  # startup_check.check_whatsapp_token
    send: str  # sender.send_message
    posts: int  # the most POSTs one send_message may make (MaybeSent: exactly this)
    doctor: int  # exit status, with and without --json
    curl_debug: str  # debug_token.sh
    curl_other: str  # the other curl scripts
    says: str = ""  # a phrase the check's exception and the doctor's reason must contain


RETRYABLE_CODES = sorted(
    c for c, row in graph_errors.load_table().items() if graph_errors.Decision(row["action"], c, None, "", "", True).retryable
)

EXPECTED: dict[str, Expect] = {
    "healthy": Expect(OK, OK, 1, 0, OK, OK),
    "refused": Expect(GU, RETRYABLE, 0, 2, NET, NET),
    "tls-garbage": Expect(GU, RETRYABLE, 0, 2, NET, NET),
    "reset-after-request": Expect(GU, MAYBE, 1, 2, NET, NET),
    "close-after-request": Expect(GU, MAYBE, 1, 2, NET, NET),
    "read-timeout": Expect(GU, MAYBE, 1, 2, TIMEOUT, TIMEOUT),
    "drip-body-1-byte": Expect(GU, MAYBE, 1, 2, TIMEOUT, TIMEOUT),
    "drip-headers-1-byte": Expect(GU, MAYBE, 1, 2, TIMEOUT, TIMEOUT),
    "html-502": Expect(GU, MAYBE, 1, 2, HTTP, HTTP),
    "non-json-200": Expect(GU, MAYBE, 1, 2, OK, OK),
    "empty-200": Expect(GU, MAYBE, 1, 2, OK, OK),
    "empty-object-200": Expect(GU, MAYBE, 1, 2, OK, OK),
    "json-list-200": Expect(GU, MAYBE, 1, 2, OK, OK),
    "json-null-200": Expect(GU, MAYBE, 1, 2, OK, OK),
    "wrong-types-200": Expect(GU, MAYBE, 1, 2, OK, OK),
    "missing-keys-200": Expect(GU, MAYBE, 1, 2, OK, OK),
    "error-null-200": Expect(GU, MAYBE, 1, 2, OK, OK),
    "redirect-301": Expect(GU, FINAL, 1, 2, OK, OK),
    "redirect-302": Expect(GU, FINAL, 1, 2, OK, OK),
    "redirect-307": Expect(GU, FINAL, 1, 2, OK, OK),
    "huge-body-200": Expect(GU, MAYBE, 1, 2, OK, OK),
    "429-retry-after-15": Expect(GU, RETRYABLE, 1, 2, HTTP, HTTP, "retry later"),
    "429-retry-after-3600": Expect(GU, RETRYABLE, 1, 2, HTTP, HTTP, "retry later"),
    "429-plain": Expect(GU, RETRYABLE, 1, 2, HTTP, HTTP),
    "500-graph-code-2": Expect(GU, RETRYABLE, 3, 2, HTTP, HTTP),
    "500-plain": Expect(GU, MAYBE, 1, 2, HTTP, HTTP),
    "502-graph-code-2": Expect(GU, RETRYABLE, 3, 2, HTTP, HTTP),
    "502-plain-html": Expect(GU, MAYBE, 1, 2, HTTP, HTTP),
    "503-graph-code-2": Expect(GU, RETRYABLE, 3, 2, HTTP, HTTP),
    "503-plain": Expect(GU, MAYBE, 1, 2, HTTP, HTTP),
    "throttled-forever-130429": Expect(GU, RETRYABLE, 3, 2, HTTP, HTTP, "retry later"),
    **{f"throttled-once-{code}": Expect(GU, OK, 2, 2, HTTP, HTTP, "retry later") for code in RETRYABLE_CODES},
    "190-463-expired": Expect(TP, FINAL, 1, 1, OK, HTTP, "subcode 463"),
    "190-467-invalid": Expect(TP, FINAL, 1, 1, OK, HTTP, "subcode 467"),
    "190-on-debug-token": Expect(ACP, OK, 1, 2, HTTP, OK, "META_APP_SECRET"),
    "200-with-subcode": Expect(ACP, FINAL, 1, 1, OK, OK),
    "code-10": Expect(ACP, FINAL, 1, 2, HTTP, HTTP, "META_APP_ID"),
    "code-100": Expect(ACP, FINAL, 1, 1, HTTP, HTTP, "META_APP_ID"),
    "code-131047": Expect(ACP, FINAL, 1, 2, HTTP, HTTP),
    "code-131026": Expect(ACP, FINAL, 1, 2, HTTP, HTTP),
    "echoing-gateway": Expect(ACP, FINAL, 1, 1, HTTP, HTTP),
}

CURL_SCRIPTS = [
    "debug_token.sh",
    "get_phone_number.sh",
    "me_permissions.sh",
    "register_phone.sh",
    "send_hello_world.sh",
    "send_text.sh",
    "subscribe_app.sh",
    "subscribed_apps.sh",
]
SNIPPETS_UNDER_TEST = ["startup_check", "sender", "doctor", "doctor --json", *CURL_SCRIPTS]


def test_the_matrix_covers_at_least_30_behaviours_and_every_network_snippet():
    assert len(EXPECTED) >= 30
    assert {p.name for p in SNIPPETS.glob("*.sh") if "graph.facebook.com" in p.read_text()} == set(CURL_SCRIPTS)
    special = {"refused", "tls-garbage"} | {m for m in EXPECTED if m.startswith("throttled-once-")}
    assert set(EXPECTED) == set(BEHAVIOURS) | special, "every server behaviour needs a row, and every row a behaviour"


def start(mode: str, hostile_server) -> tuple[str, HostileServer | None, HostileServer | None]:
    """(base URL, the server, a second host that redirects point to) for a behaviour."""
    if mode == "refused":
        return f"http://127.0.0.1:{closed_port()}", None, None
    if mode == "tls-garbage":
        server = hostile_server("healthy", tls_garbage=True)
        return server.base_url, server, None
    if mode.startswith("throttled-once-"):
        server = hostile_server(throttled_once(int(mode.rsplit("-", 1)[1])))
        return server.base_url, server, None
    other_host = hostile_server("healthy", host="127.0.0.2") if mode.startswith("redirect-") else None
    options = {"redirect_target": other_host.base_url} if other_host else {}
    server = hostile_server(mode, **options)
    return server.base_url, server, other_host


def all_secrets() -> list[str]:
    found = secrets_of(TOKEN) + [f"{DEMO_APP.id}|{DEMO_APP.secret}"]
    return found + [quote(s, safe="") for s in found]


def environment(base_url: str) -> dict[str, str]:
    return {
        "GRAPH_API_BASE": base_url,
        "WHATSAPP_TOKEN": TOKEN,
        "META_APP_ID": DEMO_APP.id,
        "META_APP_SECRET": DEMO_APP.secret,
        "WHATSAPP_WABA_ID": WABA_ID,
        "WHATSAPP_PHONE_NUMBER_ID": PHONE_ID,
    }


def run_python(snippet: str, base_url: str) -> tuple[str, BaseException | None, str]:
    """Run one Python snippet in this process; return (outcome, exception, extra text to scan)."""
    try:
        if snippet == "startup_check":
            startup_check.check_whatsapp_token(TOKEN, DEMO_APP.id, DEMO_APP.secret, base_url=base_url, deadline=DEADLINE)
        elif snippet == "sender":
            session = sender.whatsapp_session(TOKEN, DEMO_APP.secret)
            answer = sender.send_message(session, PHONE_ID, MESSAGE, base_url=base_url, **SEND)
            assert answer["messages"][0]["id"]
        else:
            argv = ["--json"] if snippet.endswith("--json") else []
            return str(doctor.main(argv, environ=environment(base_url), deadline=DOCTOR_DEADLINE)), None, ""
    except (startup_check.TokenProblem, startup_check.GraphUnavailable) as exc:
        return type(exc).__name__, exc, "".join(traceback.format_exception(exc))
    except sender.WhatsAppError as exc:
        return (RETRYABLE if exc.retryable else FINAL), exc, "".join(traceback.format_exception(exc))
    except sender.MaybeSent as exc:
        return MAYBE, exc, "".join(traceback.format_exception(exc))
    return OK, None, ""


def curl_outcome(returncode: int) -> str:
    return {0: OK, 22: HTTP, 28: TIMEOUT}.get(returncode, NET)


@pytest.mark.parametrize("snippet", SNIPPETS_UNDER_TEST)
@pytest.mark.parametrize("mode", list(EXPECTED))
def test_hostile_server(mode, snippet, hostile_server, capsys, caplog):
    caplog.set_level(logging.DEBUG)  # urllib3 logs every request line at DEBUG
    expect = EXPECTED[mode]
    base_url, server, other_host = start(mode, hostile_server)
    began = time.monotonic()
    if snippet.endswith(".sh"):
        result = run_shell_example(SNIPPETS / snippet, base_url, "healthy", max_time=CURL_MAX_TIME)
        elapsed, exc, extra = time.monotonic() - began, None, ""
        outcome, limit = curl_outcome(result.returncode), CURL_MAX_TIME + CURL_SLACK
        out, err = result.stdout, result.stderr
        wanted = expect.curl_debug if snippet == "debug_token.sh" else expect.curl_other
    else:
        outcome, exc, extra = run_python(snippet, base_url)
        deadline = {"sender": SEND_DEADLINE, "startup_check": DEADLINE}.get(snippet, DOCTOR_DEADLINE)
        elapsed, limit = time.monotonic() - began, deadline + SLACK
        out, err = capsys.readouterr()
        wanted = {"startup_check": expect.check, "sender": expect.send}.get(snippet, str(expect.doctor))

    assert outcome == wanted, f"{mode} / {snippet}: expected {wanted}, got {outcome}: {exc!r}\n{out[-800:]}\n{err[-800:]}"
    assert elapsed < limit, f"{mode} / {snippet}: took {elapsed:.2f} s, the deadline is {limit:.1f} s"

    posts = server.posts() if server else 0
    if snippet in ("sender", "send_hello_world.sh", "send_text.sh"):
        most = expect.posts if snippet == "sender" else min(expect.posts, 1)
        assert posts <= most, f"{mode} / {snippet}: {posts} POSTs for one message"
        if outcome == MAYBE:
            assert posts == 1, "a possibly-sent message is never sent again"
    elif snippet in ("subscribe_app.sh", "register_phone.sh"):
        assert posts <= 1, f"{mode} / {snippet}: curl never repeats a POST"
    else:
        assert posts == 0, f"{snippet} must not POST"
    if other_host is not None:
        assert other_host.received == [], "a redirect was followed to another host"

    if snippet.startswith("doctor"):
        assert "Traceback" not in out + err
        if snippet.endswith("--json"):
            verdict = json.loads(out)  # JSON on every path, failures included
            assert verdict["exit_code"] == expect.doctor
            if expect.says and expect.doctor == 2:
                assert expect.says in verdict["reason"]
    if snippet == "startup_check" and expect.says:
        assert expect.says in str(exc)
    if exc is not None:
        assert exc.__cause__ is None and exc.__context__ is None, "requests' URL-bearing exception is chained"

    if mode == "echoing-gateway" and snippet.endswith(".sh"):
        return  # curl prints what the gateway sent: the echo of its own request
    texts = [out, err, extra, str(exc), repr(exc)] + [r.getMessage() for r in caplog.records]
    for secret in all_secrets():
        for text in texts:
            assert secret not in text, f"{mode} / {snippet}: a secret leaked into: {text[:300]}"


def test_an_echoed_secret_is_masked_plain_and_url_encoded():
    """What the echoing-gateway row relies on: graph_http masks a secret however the echo spells it."""
    from snippets.graph_http import mask, secrets_in

    app_token = f"{DEMO_APP.id}|{DEMO_APP.secret}"
    secrets = secrets_in({"Authorization": f"Bearer {app_token}"}, {"input_token": TOKEN, "appsecret_proof": "f" * 64})
    echo = f"Authorization: Bearer {app_token} ?input_token={quote(TOKEN, safe='')}&x={quote(app_token, safe='')}"
    echo += f"&p={'f' * 64} app_id={DEMO_APP.id}"
    masked = mask(echo, secrets)
    for secret in all_secrets() + ["f" * 64]:
        assert secret not in masked
    assert DEMO_APP.id in masked  # the app ID is not a secret, and debug_token's answer needs it intact


# ---------------------------------------------------------------------------------------------
# The onboarding snippets: the Embedded Signup code exchange, the webhook subscription and the
# test-number send. Their questions differ from the sender's, so they get their own table: is the
# code still good, may the subscription have been made, may the message have gone out?
SPENT, UNSENT = "ExchangeFailed:code-may-be-spent", "ExchangeFailed:code-unused"
NOT_DONE, MAYBE_DONE = "GraphCallFailed:not-done", "GraphCallFailed:maybe-done"
NOT_SENT, MAYBE_SENT = "SendFailed", "MaybeSent"


@dataclass(frozen=True)
class Onboarding:
    exchange: str  # exchange_code.exchange_code
    subscribe: str  # subscribe_app.subscribe_app
    send: str  # send_from_test_number.send_hello_world


ANSWERED = Onboarding(OK, OK, OK)
NEVER_LEFT = Onboarding(UNSENT, NOT_DONE, NOT_SENT)
LOST = Onboarding(SPENT, MAYBE_DONE, MAYBE_SENT)  # the request left; no readable answer came back
REFUSED = Onboarding(SPENT, NOT_DONE, NOT_SENT)  # Graph (or a proxy) said no: nothing was done

ONBOARDING_EXPECTED: dict[str, Onboarding] = {
    "healthy": ANSWERED,
    "refused": NEVER_LEFT,
    "tls-garbage": NEVER_LEFT,
    "reset-after-request": LOST,
    "close-after-request": LOST,
    "read-timeout": LOST,
    "drip-body-1-byte": LOST,
    "drip-headers-1-byte": LOST,
    "html-502": LOST,
    "non-json-200": LOST,
    "empty-200": LOST,
    "empty-object-200": LOST,
    "json-list-200": LOST,
    "json-null-200": LOST,
    "wrong-types-200": LOST,
    "missing-keys-200": LOST,
    "error-null-200": LOST,
    "redirect-301": REFUSED,
    "redirect-302": REFUSED,
    "redirect-307": REFUSED,
    "huge-body-200": LOST,
    "429-retry-after-15": REFUSED,
    "429-retry-after-3600": REFUSED,
    "429-plain": REFUSED,
    "500-graph-code-2": REFUSED,
    "500-plain": LOST,
    "502-graph-code-2": REFUSED,
    "502-plain-html": LOST,
    "503-graph-code-2": REFUSED,
    "503-plain": LOST,
    "throttled-forever-130429": REFUSED,
    **{f"throttled-once-{code}": REFUSED for code in RETRYABLE_CODES},  # no automatic second try
    "190-463-expired": REFUSED,
    "190-467-invalid": REFUSED,
    "190-on-debug-token": ANSWERED,  # none of these calls debug_token
    "200-with-subcode": REFUSED,
    "code-10": REFUSED,
    "code-100": REFUSED,
    "code-131047": REFUSED,
    "code-131026": REFUSED,
    "echoing-gateway": REFUSED,
}
SIGNUP_CODE = "DEMO-es-code-hostile-0001"
# register_phone follows subscribe_app's column: one POST whose outcome may be unknown.
ONBOARDING_SNIPPETS = ["exchange_code", "subscribe_app", "register_phone", "send_from_test_number"]


def test_the_onboarding_table_has_a_row_for_every_behaviour():
    assert set(ONBOARDING_EXPECTED) == set(EXPECTED)


def run_onboarding(snippet: str, base_url: str) -> tuple[str, BaseException | None]:
    """Call one onboarding function as a reader would; only its documented exceptions are caught."""
    try:
        if snippet == "exchange_code":
            token = exchange_code.exchange_code(SIGNUP_CODE, DEMO_APP.id, DEMO_APP.secret, base_url=base_url, deadline=DEADLINE)
            assert token == HOSTILE_BUSINESS_TOKEN
        elif snippet == "subscribe_app":
            assert subscribe_app.subscribe_app(WABA_ID, TOKEN, base_url=base_url, deadline=DEADLINE) is None
        elif snippet == "register_phone":
            assert register_phone.register_phone(PHONE_ID, "135790", TOKEN, base_url=base_url, deadline=DEADLINE) is None
        else:
            message_id = send_from_test_number.send_hello_world(
                PHONE_ID, "+15550100123", TOKEN, base_url=base_url, deadline=DEADLINE
            )
            assert message_id == "wamid.HOSTILE0001"
    except exchange_code.ExchangeFailed as exc:
        return (UNSENT if exc.code_unused else SPENT), exc
    except (subscribe_app.GraphCallFailed, register_phone.RegistrationFailed) as exc:
        return (MAYBE_DONE if exc.maybe_done else NOT_DONE), exc
    except (send_from_test_number.SendFailed, send_from_test_number.MaybeSent) as exc:
        return type(exc).__name__, exc
    return OK, None


@pytest.mark.parametrize("snippet", ONBOARDING_SNIPPETS)
@pytest.mark.parametrize("mode", list(ONBOARDING_EXPECTED))
def test_onboarding_snippet_against_a_hostile_server(mode, snippet, hostile_server, capsys, caplog):
    caplog.set_level(logging.DEBUG)
    base_url, server, other_host = start(mode, hostile_server)
    began = time.monotonic()
    outcome, exc = run_onboarding(snippet, base_url)
    elapsed = time.monotonic() - began
    wanted = getattr(
        ONBOARDING_EXPECTED[mode],
        {"exchange_code": "exchange", "subscribe_app": "subscribe", "register_phone": "subscribe"}.get(snippet, "send"),
    )

    assert outcome == wanted, f"{mode} / {snippet}: expected {wanted}, got {outcome}: {exc!r}"
    assert elapsed < DEADLINE + SLACK, f"{mode} / {snippet}: took {elapsed:.2f} s"
    # One request each, never repeated: an OAuth code must not be used twice, and a POST may have been taken.
    received = server.received if server else []
    assert len(received) <= 1, f"{mode} / {snippet}: {len(received)} requests"
    if outcome in (MAYBE_DONE, MAYBE_SENT, SPENT):
        assert len(received) == 1, "an outcome that may have taken effect comes from exactly one request"
    if other_host is not None:
        assert other_host.received == [], "a redirect was followed to another host"
    if exc is not None:
        assert exc.__cause__ is None and exc.__context__ is None, "requests' URL-bearing exception is chained"
        text = str(exc)
        assert ".." not in text and ". ." not in text, f"doubled punctuation: {text}"
        decision = getattr(exc, "decision", None)
        if decision is not None and decision.retryable:
            assert "try again later" in text, "a throttled call says so, from the classifier's verdict"

    out, err = capsys.readouterr()
    extra = "".join(traceback.format_exception(exc)) if exc else ""
    texts = [out, err, extra, str(exc), repr(exc)] + [r.getMessage() for r in caplog.records]
    for secret in all_secrets() + [SIGNUP_CODE, quote(SIGNUP_CODE, safe="")]:
        for text in texts:
            assert secret not in text, f"{mode} / {snippet}: a secret leaked into: {text[:300]}"
