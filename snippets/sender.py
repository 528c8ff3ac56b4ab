"""A WhatsApp sender for production: a message is sent at most once unless Graph said it was not taken.

WhatsApp has no idempotency key: every repeated POST can reach the customer again. So
`send_message` sends again only when the message certainly was not accepted:

- the connection failed before the request left (refused, DNS, TLS handshake, connect timeout), or
- Graph answered with an error that graph_errors.classify() marks retryable (throttling, temporary).

An outcome that may have been accepted (read timeout, connection reset after sending, an attempt
still under way at the deadline, HTTP 5xx or 200 without a Graph answer) raises `MayHaveTakenEffect`
after one POST and is never retried: the message status webhook (`sent`, `delivered` or `failed` for the message) settles
it. Every call has a total deadline (DEFAULT_DEADLINE, 60 s) that bounds attempts, backoff and
Retry-After waits together. Success means Graph returned `messages[0].id`.

Copy graph_http.py, graph_errors.py and graph_error_actions.json beside this file.
Needs Python 3.10+ and requests.
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


MayHaveTakenEffect = graph_errors.MayHaveTakenEffect  # the message may have been sent: see send_message


class WhatsAppError(graph_errors.GraphFailure):
    """Graph did not accept the message. `retryable` says whether sending it again later can help;
    `decision` is graph_errors' verdict on Graph's error (None when Graph gave none); `code`,
    `details`, `fbtrace_id`, `retry_after` and `attempts` as in graph_errors.GraphFailure."""


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
    help) and MayHaveTakenEffect when it may have been accepted. Never takes longer than `deadline` seconds.
    """
    if not deadline > 0:  # also refuses NaN
        raise WhatsAppError(f"Not sent: the deadline must be a positive number of seconds, not {deadline!r}.", sent=False)
    url = graph_http.graph_url(f"/{phone_number_id}/messages", base_url)
    body = {"messaging_product": "whatsapp", **payload}
    stop_at = time.monotonic() + deadline
    attempts = 0
    while True:
        attempts += 1
        failure: graph_errors.GraphFailure | None = None
        try:
            answer = graph_http.request(
                session, "POST", url, json=body, stop_at=stop_at, connect_timeout=connect_timeout, read_timeout=read_timeout
            )
        except graph_errors.GraphFailure as exc:
            failure = exc  # handled below, outside the except block, so nothing is chained
        if failure is None:
            failure = graph_errors.interpret(answer)
            if failure is None and _message_id(answer.body):
                accepted: dict[str, Any] = answer.body
                return accepted
        if failure is None:
            failure = MayHaveTakenEffect(f"HTTP {answer.status} without a message ID or a Graph error.")
        if isinstance(failure, MayHaveTakenEffect):
            raise failure.recast(MayHaveTakenEffect, _may_have_been_sent(failure), attempts=attempts)
        said = str(failure) if failure.sent else f"{failure} The message was not sent; check connectivity."
        pause = max(failure.retry_after or 0.0, random.uniform(0, backoff * 2 ** (attempts - 1)))  # noqa: S311 - jitter, not crypto
        # Resend only what certainly was not taken (never connected, or Graph said so with its code), and
        # start no attempt that could not even connect in time: one cut off by the deadline would have to
        # count as possibly sent.
        if failure.retryable and attempts < max_attempts and time.monotonic() + pause + connect_timeout < stop_at:
            time.sleep(pause)
            continue
        if failure.retryable:
            wait = failure.retry_after
            if wait and time.monotonic() + wait >= stop_at:
                said += f" Graph asked to wait {wait:g} s, past the deadline."
            said += f" Gave up after {attempts} attempt{'s' if attempts > 1 else ''}."
        raise failure.recast(WhatsAppError, said, attempts=attempts)


def _may_have_been_sent(failure: graph_errors.GraphFailure) -> str:
    return (
        f"The message may have been sent: {failure} It was not sent again. Check its status "
        "webhook (sent, delivered or failed) before sending it again."
    )


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
    except graph_errors.GraphFailure as exc:  # WhatsAppError or MayHaveTakenEffect
        raise SystemExit(f"{type(exc).__name__}: {exc}") from None
    print(f"Accepted: {answer['messages'][0]['id']}")
