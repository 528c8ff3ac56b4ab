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
from snippets import (
    doctor,
    exchange_code,
    graph_errors,
    register_phone,
    rotate_system_user_token,
    send_from_test_number,
    sender,
    startup_check,
    subscribe_app,
)
from support.credentials import demo_environment, secrets_of
from support.hostile_expectations import (
    ACP,
    EXPECTED,
    GU,
    HTTP,
    MAYBE,
    NET,
    OK,
    ONBOARDING_EXPECTED,
    TIMEOUT,
    TP,
    Expect,
    start,
)
from support.hostile_server import BEHAVIOURS, HOSTILE_BUSINESS_TOKEN, HOSTILE_SYSTEM_USER_TOKEN, PHONE_ID, WABA_ID
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


def test_the_matrix_covers_at_least_30_behaviours_and_every_network_snippet():
    assert len(EXPECTED) >= 30
    assert {p.name for p in SNIPPETS.glob("*.sh") if "graph.facebook.com" in p.read_text()} == set(CURL_SCRIPTS)
    special = {"refused", "tls-garbage"} | {m for m in EXPECTED if m.startswith("throttled-once-")}
    assert set(EXPECTED) == set(BEHAVIOURS) | special, "every server behaviour needs a row, and every row a behaviour"


def all_secrets() -> list[str]:
    found = secrets_of(TOKEN) + [f"{DEMO_APP.id}|{DEMO_APP.secret}"]
    return found + [quote(s, safe="") for s in found]


def environment(base_url: str) -> dict[str, str]:
    return demo_environment(base_url, TOKEN, WABA_ID, PHONE_ID)


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
CURL_POSTS["subscribe_app.sh"] = CURL_POSTS["register_phone.sh"] = lambda e: 1  # curl never repeats a POST
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
# The onboarding snippets (their table, ONBOARDING_EXPECTED, is in support.hostile_expectations).
SIGNUP_CODE = "DEMO-es-code-hostile-0001"
SYSTEM_USER_ID = "400000000000001"


def test_the_onboarding_table_has_a_row_for_every_behaviour():
    assert set(ONBOARDING_EXPECTED) == set(EXPECTED)


def run_exchange(base_url: str) -> None:
    token = exchange_code.exchange_code(SIGNUP_CODE, DEMO_APP.id, DEMO_APP.secret, base_url=base_url, deadline=DEADLINE)
    assert token == HOSTILE_BUSINESS_TOKEN


def run_subscribe(base_url: str) -> None:
    assert subscribe_app.subscribe_app(WABA_ID, TOKEN, base_url=base_url, deadline=DEADLINE) is None


def run_register(base_url: str) -> None:
    assert register_phone.register_phone(PHONE_ID, "135790", TOKEN, base_url=base_url, deadline=DEADLINE) is None


def run_rotate(base_url: str) -> None:
    new = rotate_system_user_token.rotate_system_user_token(
        SYSTEM_USER_ID, TOKEN, DEMO_APP.id, DEMO_APP.secret, base_url=base_url, deadline=DEADLINE
    )
    assert new.token == HOSTILE_SYSTEM_USER_TOKEN


def run_test_send(base_url: str) -> None:
    message_id = send_from_test_number.send_hello_world(PHONE_ID, "+15550100123", TOKEN, base_url=base_url, deadline=DEADLINE)
    assert message_id == "wamid.HOSTILE0001"


ONBOARDING_SNIPPETS = {
    "exchange_code": (lambda o: o.exchange, run_exchange),
    "subscribe_app": (lambda o: o.subscribe, run_subscribe),
    # register_phone follows subscribe_app's column (its own class name): one POST whose outcome may be unknown.
    "register_phone": (lambda o: o.subscribe.replace("GraphCallFailed", "RegistrationFailed"), run_register),
    "rotate_system_user_token": (lambda o: o.subscribe.replace("GraphCallFailed", "RotationFailed"), run_rotate),
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
