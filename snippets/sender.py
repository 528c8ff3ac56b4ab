"""A WhatsApp sender for production: a message is sent at most once unless Graph said it was not taken.

WhatsApp has no idempotency key: every repeated POST can reach the customer again. So
`send_message` sends again only when the message certainly was not accepted:

- the connection failed before the request left (refused, DNS, TLS handshake, connect timeout), or
- Graph answered with an error that graph_errors.classify() marks retryable (throttling, temporary).

An outcome that may have been accepted (read timeout, connection reset after sending, an attempt
still under way at the deadline, HTTP 5xx or 200 without a Graph answer) raises `MaybeSent` after one POST and is
never retried: the message status webhook (`sent`, `delivered` or `failed` for the message) settles
it. Every call has a total deadline (DEFAULT_DEADLINE, 60 s) that bounds attempts, backoff and
Retry-After waits together. Success means Graph returned `messages[0].id`.

Copy graph_http.py, graph_errors.py and graph_error_actions.json beside this file.
Needs Python 3.9+ and requests.
"""

from __future__ import annotations

import os
import random
import time
from typing import Any

import requests

try:  # imported as a package module (python -m snippets.sender, or from your code)
    from . import graph_errors, graph_http
except ImportError:  # run as a script beside its siblings (python sender.py)
    import graph_errors  # type: ignore[no-redef,import-not-found]
    import graph_http  # type: ignore[no-redef,import-not-found]

DEFAULT_BASE_URL, DEFAULT_DEADLINE = graph_http.DEFAULT_BASE_URL, graph_http.DEFAULT_DEADLINE


class WhatsAppError(Exception):
    """Graph did not accept the message. `retryable` says whether sending it again later can help;
    `decision` is graph_errors' verdict on Graph's error (None when Graph gave none)."""

    def __init__(
        self,
        message: str,
        *,
        decision: graph_errors.Decision | None = None,
        retryable: bool = False,
        attempts: int = 1,
        fbtrace_id: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.decision, self.retryable, self.attempts = decision, retryable, attempts
        self.fbtrace_id, self.retry_after = fbtrace_id, retry_after

    @property
    def code(self) -> int | None:
        return self.decision.code if self.decision else None

    @property
    def details(self) -> str | None:
        return self.decision.details if self.decision else None


class MaybeSent(Exception):
    """The message may have been sent: do NOT resend it blindly. Its status webhook (sent,
    delivered or failed) tells whether it went out; resend only after a `failed` status or none
    within your own time limit. Deliberately not a WhatsAppError, so code that retries
    WhatsAppError does not catch it by accident."""

    def __init__(self, reason: str, attempts: int = 1) -> None:
        super().__init__(
            f"The message may have been sent: {graph_errors.sentence(reason)} It was not sent again. Check its status "
            "webhook (sent, delivered or failed) before sending it again."
        )
        self.reason, self.attempts = reason, attempts


def advice(decision: graph_errors.Decision) -> str:
    """What to tell the operator about a Graph error, from the classifier's action (never message text)."""
    said = f"Graph error {decision.code}" + (f"/{decision.subcode}" if decision.subcode else "")
    said += f" ({decision.title})" if decision.title else ""
    detail = f" {graph_errors.sentence(decision.details)}" if decision.details else ""
    todo = {
        graph_errors.RETRY_WITH_BACKOFF: "Throttled or temporary: retry later with backoff.",
        graph_errors.RETRY_AFTER_WAIT: "Wait before sending to this recipient again.",
        graph_errors.REAUTHENTICATE: "The access token is expired, revoked or invalid: generate a new one.",
        graph_errors.FIX_THEN_RETRY: "Fix the request, the token's access or the account, then send again.",
        graph_errors.DO_NOT_RETRY: "Sending the same message again will fail the same way.",
    }.get(decision.action, "Not retried automatically.")
    if not decision.known:
        todo = "A code this sender does not know: not retried; have a human look at it."
    return f"{said}:{detail} {todo}"


def whatsapp_session(token: str, app_secret: str | None = None) -> requests.Session:
    """One session for all sends: connections stay open and the token travels in a header. With the
    app secret, every call carries appsecret_proof (needed when the app has "Require App Secret" on)."""
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    if app_secret:
        session.params = {"appsecret_proof": graph_http.appsecret_proof(app_secret, token)}
    return session


def _message_id(body: Any) -> str | None:
    messages = body.get("messages") if isinstance(body, dict) else None
    first = messages[0] if isinstance(messages, list) and messages else None
    message_id = first.get("id") if isinstance(first, dict) else None
    return message_id if isinstance(message_id, str) and message_id else None


def send_message(
    session: requests.Session,
    phone_number_id: str,
    payload: dict[str, Any],
    *,
    base_url: str = DEFAULT_BASE_URL,
    deadline: float = DEFAULT_DEADLINE,
    max_attempts: int = 5,
    backoff: float = 1.0,
    connect_timeout: float = 5.0,
    read_timeout: float = 30.0,
) -> dict[str, Any]:
    """POST a message; return Graph's answer, which holds `messages[0].id`.

    Raises WhatsAppError when Graph did not accept it (`retryable` says whether a later try can
    help) and MaybeSent when it may have been accepted. Never takes longer than `deadline` seconds.
    """
    url = graph_http.graph_url(f"/{phone_number_id}/messages", base_url)
    body = {"messaging_product": "whatsapp", **payload}
    end = time.monotonic() + deadline
    attempts = 0
    while True:
        attempts += 1
        wait: float | None = None
        answered = False
        unreachable = None
        try:
            answer = graph_http.request(
                session, "POST", url, json=body, deadline=end, connect_timeout=connect_timeout, read_timeout=read_timeout
            )
        except graph_http.Unreachable as exc:
            unreachable = exc  # handled below, outside the except block, so nothing is chained
        if unreachable is not None:
            if unreachable.request_sent:
                raise MaybeSent(unreachable.reason, attempts)
            failure = WhatsAppError(
                f"{graph_errors.sentence(unreachable.reason)} The message was not sent; check connectivity.",
                retryable=True,
                attempts=attempts,
            )
        else:
            if _message_id(answer.body):
                return answer.body
            failure = _not_accepted(answer, attempts)  # raises MaybeSent when it cannot tell
            wait, answered = answer.retry_after, True
        # Resend only what certainly was not taken: never connected, or Graph said so with its code.
        not_taken = failure.decision.retryable if failure.decision else not answered
        if not not_taken:
            raise failure
        pause = max(wait or 0.0, random.uniform(0, backoff * 2 ** (attempts - 1)))  # noqa: S311 - jitter, not crypto
        # No attempt starts that could not even connect in time: one cut off by the deadline would
        # have to count as possibly sent.
        if attempts >= max_attempts or time.monotonic() + pause + connect_timeout >= end:
            waited = f" Graph asked to wait {wait:g} s, past the deadline." if wait and time.monotonic() + wait >= end else ""
            failure.args = (f"{failure.args[0]}{waited} Gave up after {attempts} attempt{'s' if attempts > 1 else ''}.",)
            raise failure
        time.sleep(pause)


def _not_accepted(answer: graph_http.Answer, attempts: int) -> WhatsAppError:
    """The WhatsAppError for an answer without a message ID; MaybeSent when it may have been sent."""
    error = answer.body.get("error") if isinstance(answer.body, dict) else None
    if isinstance(error, dict):
        decision = graph_errors.classify(error)
        trace = error.get("fbtrace_id")
        return WhatsAppError(
            advice(decision),
            decision=decision,
            retryable=decision.retryable,
            attempts=attempts,
            fbtrace_id=trace if isinstance(trace, str) else None,
            retry_after=answer.retry_after,
        )
    if 300 <= answer.status < 400:
        return WhatsAppError(
            f"HTTP {answer.status} redirect: not followed, a POST must reach Graph itself. Check the base URL and any proxy.",
            attempts=attempts,
        )
    if answer.status == 429:  # someone in front of Graph refused it outright: not taken, try later
        return WhatsAppError(
            "HTTP 429 without a Graph error: throttled before Graph. Retry later.",
            retryable=True,
            attempts=attempts,
            retry_after=answer.retry_after,
        )
    if 400 <= answer.status < 500:
        return WhatsAppError(
            f"HTTP {answer.status} without a Graph error ({answer.content_type or 'no content type'}): "
            "something in front of Graph refused the request. Check the base URL and any proxy.",
            attempts=attempts,
        )
    raise MaybeSent(f"HTTP {answer.status} without a message ID or a Graph error", attempts)


if __name__ == "__main__":
    needed = ("WHATSAPP_TOKEN", "WHATSAPP_PHONE_NUMBER_ID", "WHATSAPP_TEST_RECIPIENT")
    missing = [name for name in needed if not os.environ.get(name)]
    if missing:
        raise SystemExit(f"Set {', '.join(missing)} in the environment first (never in code).")
    session = whatsapp_session(os.environ["WHATSAPP_TOKEN"], os.environ.get("META_APP_SECRET"))
    try:
        answer = send_message(
            session,
            os.environ["WHATSAPP_PHONE_NUMBER_ID"],
            {"to": os.environ["WHATSAPP_TEST_RECIPIENT"], "type": "text", "text": {"body": "Hello from the sender"}},
            base_url=os.environ.get("GRAPH_API_BASE") or DEFAULT_BASE_URL,  # unset or empty: Graph itself
        )
    except (WhatsAppError, MaybeSent) as exc:
        raise SystemExit(f"{type(exc).__name__}: {exc}") from None
    print(f"Accepted: {answer['messages'][0]['id']}")
