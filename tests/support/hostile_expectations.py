"""What the hostile-server matrix expects of each snippet, per server behaviour: the tables that
tests/test_hostile_matrix.py (every snippet, slow) and tests/test_hostile_answers.py (the HTTP
layer and the one reading of an answer, in-process and fast) share, and how to start a behaviour."""

from __future__ import annotations

from dataclasses import dataclass

from snippets import graph_errors
from support.hostile_server import HostileServer, closed_port, throttled_once

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
    posts: int  # the most POSTs one send_message may make (MayHaveTakenEffect: exactly this)
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
