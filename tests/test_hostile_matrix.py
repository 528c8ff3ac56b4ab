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
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

import pytest

from mockgraph import DEMO_APP, token_value
from snippets import doctor, exchange_code, graph_errors, send_from_test_number, sender, startup_check, subscribe_app
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

# Outcomes. Python: the exception's class name, with ":retryable" when its `retryable` is set ("ok" =
# returned). Doctor: its exit status. curl: ok (exit 0), http-error (22, the body still printed),
# timeout (28, --max-time) or network (any other failure to talk HTTP).
OK, GU, TP, ACP = "ok", "GraphUnavailable:retryable", "TokenProblem", "AppCredentialsProblem"
RETRYABLE, FINAL, MAYBE = "WhatsAppError:retryable", "WhatsAppError", "MayHaveTakenEffect"
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
    "429-plain": Expect(GU, RETRYABLE, 3, 2, HTTP, HTTP),  # a proxy's 429: not taken, so retried like Graph's
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
    "send_hello_world.sh",
    "send_text.sh",
    "subscribe_app.sh",
    "subscribed_apps.sh",
]


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


def outcome_of(exc: graph_errors.GraphFailure) -> str:
    """The one name of an outcome, for every Python snippet: class, and whether it says retry."""
    return type(exc).__name__ + (":retryable" if exc.retryable else "")


@dataclass(frozen=True)
class Run:
    """What one cell observed."""

    outcome: str
    exc: BaseException | None
    out: str
    err: str
    elapsed: float


@dataclass(frozen=True)
class Snippet:
    """How to run one network snippet against a base URL, and what the matrix expects of it."""

    expected: Callable[[Expect], str]  # the outcome the row expects of this snippet
    run: Callable[[str], str | None]  # runs it; returns an outcome, or None when it returned normally
    deadline: float  # its deadline plus the start-up and scheduling slack it needs
    most_posts: Callable[[Expect], int] = lambda expect: 0
    prints_what_the_server_sent: bool = False  # curl: the echoing gateway's echo is its own request
    json_verdict: bool = False  # the doctor under --json: a verdict on every path


def run_check(base_url: str) -> None:
    startup_check.check_whatsapp_token(TOKEN, DEMO_APP.id, DEMO_APP.secret, base_url=base_url, deadline=DEADLINE)


def run_sender(base_url: str) -> None:
    session = sender.whatsapp_session(TOKEN, DEMO_APP.secret)
    assert sender.send_message(session, PHONE_ID, MESSAGE, base_url=base_url, **SEND)["messages"][0]["id"]


def run_doctor(*argv: str) -> Callable[[str], str]:
    return lambda base_url: str(doctor.main(list(argv), environ=environment(base_url), deadline=DOCTOR_DEADLINE))


def run_curl(script: str) -> Callable[[str], str]:
    def run(base_url: str) -> str:
        result = run_shell_example(SNIPPETS / script, base_url, "healthy", max_time=CURL_MAX_TIME)
        print(result.stdout, end="")
        print(result.stderr, end="", file=sys.stderr)
        return {0: OK, 22: HTTP, 28: TIMEOUT}.get(result.returncode, NET)

    return run


CURL_POSTS = {"send_hello_world.sh": lambda e: min(e.posts, 1), "send_text.sh": lambda e: min(e.posts, 1)}
CURL_POSTS["subscribe_app.sh"] = lambda e: 1  # curl never repeats a POST
SNIPPETS_UNDER_TEST: dict[str, Snippet] = {
    "startup_check": Snippet(lambda e: e.check, run_check, DEADLINE + SLACK),
    "sender": Snippet(lambda e: e.send, run_sender, SEND_DEADLINE + SLACK, most_posts=lambda e: e.posts),
    "doctor": Snippet(lambda e: str(e.doctor), run_doctor(), DOCTOR_DEADLINE + SLACK),
    "doctor --json": Snippet(lambda e: str(e.doctor), run_doctor("--json"), DOCTOR_DEADLINE + SLACK, json_verdict=True),
    **{
        script: Snippet(
            (lambda e: e.curl_debug) if script == "debug_token.sh" else (lambda e: e.curl_other),
            run_curl(script),
            CURL_MAX_TIME + CURL_SLACK,
            most_posts=CURL_POSTS.get(script, lambda e: 0),
            prints_what_the_server_sent=True,
        )
        for script in CURL_SCRIPTS
    },
}


def observe(run: Callable[[str], str | None], base_url: str, capsys) -> Run:
    """Run a snippet as a reader would: only the guide's exception family is caught."""
    began, exc = time.monotonic(), None
    try:
        outcome = run(base_url) or OK
    except graph_errors.GraphFailure as caught:
        outcome, exc = outcome_of(caught), caught
    elapsed = time.monotonic() - began
    out, err = capsys.readouterr()
    return Run(outcome, exc, out, err, elapsed)


def assert_sound(run: Run, label: str, server, other_host, most_posts: int, texts: list[str], hidden: list[str]) -> None:
    """What every cell of both tables must show: no chained URL-bearing exception, no redirect
    followed, a possibly-taken outcome from exactly one request, and no secret in any text."""
    posts = server.posts() if server else 0
    assert posts <= most_posts, f"{label}: {posts} POSTs, at most {most_posts} allowed"
    if run.outcome == MAYBE:
        assert len(server.received if server else []) == 1, f"{label}: a possibly-taken outcome comes from one request"
    if other_host is not None:
        assert other_host.received == [], "a redirect was followed to another host"
    if run.exc is not None:
        assert run.exc.__cause__ is None and run.exc.__context__ is None, "requests' URL-bearing exception is chained"
        texts = [*texts, str(run.exc), repr(run.exc), "".join(traceback.format_exception(run.exc))]
    for secret in hidden:
        for text in texts:
            assert secret not in text, f"{label}: a secret leaked into: {text[:300]}"


@pytest.mark.parametrize("name", list(SNIPPETS_UNDER_TEST))
@pytest.mark.parametrize("mode", list(EXPECTED))
def test_hostile_server(mode, name, hostile_server, capsys, caplog):
    caplog.set_level(logging.DEBUG)  # urllib3 logs every request line at DEBUG
    expect, snippet = EXPECTED[mode], SNIPPETS_UNDER_TEST[name]
    base_url, server, other_host = start(mode, hostile_server)
    run = observe(snippet.run, base_url, capsys)
    wanted, label = snippet.expected(expect), f"{mode} / {name}"

    assert run.outcome == wanted, (
        f"{label}: expected {wanted}, got {run.outcome}: {run.exc!r}\n{run.out[-800:]}\n{run.err[-800:]}"
    )
    assert run.elapsed < snippet.deadline, f"{label}: took {run.elapsed:.2f} s, the deadline is {snippet.deadline:.1f} s"
    assert "Traceback" not in run.out + run.err
    if snippet.json_verdict:
        verdict = json.loads(run.out)  # JSON on every path, failures included
        assert verdict["exit_code"] == expect.doctor
        if expect.says and expect.doctor == 2:
            assert expect.says in verdict["reason"]
    if expect.says and wanted in (GU, TP, ACP):
        assert expect.says in str(run.exc)
    echoed = mode == "echoing-gateway" and snippet.prints_what_the_server_sent  # curl prints the echo of its request
    texts = [run.out, run.err] + [r.getMessage() for r in caplog.records]
    assert_sound(run, label, server, other_host, snippet.most_posts(expect), texts, [] if echoed else all_secrets())


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
NEVER_SENT = "ExchangeFailed:retryable"  # the code is still good: the one exchange that may be tried again
SPENT, NOT_DONE, NOT_SENT, THROTTLED = "ExchangeFailed", "GraphCallFailed", "SendFailed", ":retryable"


@dataclass(frozen=True)
class Onboarding:
    exchange: str  # exchange_code.exchange_code
    subscribe: str  # subscribe_app.subscribe_app
    send: str  # send_from_test_number.send_hello_world


ANSWERED = Onboarding(OK, OK, OK)
NEVER_LEFT = Onboarding(NEVER_SENT, NOT_DONE + THROTTLED, NOT_SENT + THROTTLED)  # harmless to repeat
LOST = Onboarding(MAYBE, MAYBE, MAYBE)  # the request left; no readable answer came back
REFUSED = Onboarding(SPENT, NOT_DONE, NOT_SENT)  # Graph (or a proxy) said no: nothing was done
# Graph or a proxy said "not now": nothing was done, and a later try can help (the code aside: an
# exchange that reached Graph may have spent it).
LATER = Onboarding(SPENT, NOT_DONE + THROTTLED, NOT_SENT + THROTTLED)

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
    "429-retry-after-15": LATER,
    "429-retry-after-3600": LATER,
    "429-plain": LATER,
    "500-graph-code-2": LATER,
    "500-plain": LOST,
    "502-graph-code-2": LATER,
    "502-plain-html": LOST,
    "503-graph-code-2": LATER,
    "503-plain": LOST,
    "throttled-forever-130429": LATER,
    **{f"throttled-once-{code}": LATER for code in RETRYABLE_CODES},  # no automatic second try
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


def test_the_onboarding_table_has_a_row_for_every_behaviour():
    assert set(ONBOARDING_EXPECTED) == set(EXPECTED)


def run_exchange(base_url: str) -> None:
    token = exchange_code.exchange_code(SIGNUP_CODE, DEMO_APP.id, DEMO_APP.secret, base_url=base_url, deadline=DEADLINE)
    assert token == HOSTILE_BUSINESS_TOKEN


def run_subscribe(base_url: str) -> None:
    assert subscribe_app.subscribe_app(WABA_ID, TOKEN, base_url=base_url, deadline=DEADLINE) is None


def run_test_send(base_url: str) -> None:
    message_id = send_from_test_number.send_hello_world(PHONE_ID, "+15550100123", TOKEN, base_url=base_url, deadline=DEADLINE)
    assert message_id == "wamid.HOSTILE0001"


ONBOARDING_SNIPPETS = {
    "exchange_code": (lambda o: o.exchange, run_exchange),
    "subscribe_app": (lambda o: o.subscribe, run_subscribe),
    "send_from_test_number": (lambda o: o.send, run_test_send),
}


@pytest.mark.parametrize("name", list(ONBOARDING_SNIPPETS))
@pytest.mark.parametrize("mode", list(ONBOARDING_EXPECTED))
def test_onboarding_snippet_against_a_hostile_server(mode, name, hostile_server, capsys, caplog):
    caplog.set_level(logging.DEBUG)
    expected, run_snippet = ONBOARDING_SNIPPETS[name]
    base_url, server, other_host = start(mode, hostile_server)
    run = observe(run_snippet, base_url, capsys)
    wanted, label = expected(ONBOARDING_EXPECTED[mode]), f"{mode} / {name}"

    assert run.outcome == wanted, f"{label}: expected {wanted}, got {run.outcome}: {run.exc!r}"
    assert run.elapsed < DEADLINE + SLACK, f"{label}: took {run.elapsed:.2f} s"
    # One request each, never repeated: an OAuth code must not be used twice, and a POST may have been taken.
    assert len(server.received if server else []) <= 1, f"{label}: more than one request"
    if run.exc is not None:
        text = str(run.exc)
        assert ".." not in text and ". ." not in text, f"doubled punctuation: {text}"
        decision = getattr(run.exc, "decision", None)
        if decision is not None and decision.retryable:
            assert "retry later" in text, "a throttled call says so, from the classifier's verdict"
    texts = [run.out, run.err] + [r.getMessage() for r in caplog.records]
    hidden = all_secrets() + [SIGNUP_CODE, quote(SIGNUP_CODE, safe="")]
    assert_sound(run, label, server, other_host, 1, texts, hidden)
