"""One Graph call that returns a JSON object, or says whether Graph may have acted on it.

Used by the onboarding snippets (code exchange, webhook subscription, test-number send). On top of
graph_http (total deadline, no redirects, body cap, masked secrets) it decides one thing a caller
of a POST must know: did Graph certainly *not* act on the request, or might it have?

- Certainly not: the request never left (refused, DNS, TLS, connect timeout), Graph answered with
  an error object (judged by graph_errors.classify), or something in front of Graph answered a
  redirect or a 4xx of its own.
- Might have: the request left and no readable answer came back (read timeout, reset, deadline,
  a 5xx or a 200 that is not a Graph answer).

Copy graph_http.py, graph_errors.py and graph_error_actions.json beside this file.
Needs Python 3.9+ and requests.
"""

from __future__ import annotations

import time
from typing import Any

import requests

try:  # imported as a package module (from snippets import graph_call)
    from . import graph_errors, graph_http
except ImportError:  # run beside its siblings as plain files
    import graph_errors  # type: ignore[no-redef,import-not-found]
    import graph_http  # type: ignore[no-redef,import-not-found]


def describe(decision: graph_errors.Decision) -> str:
    """ "Graph error 100/33 (Invalid parameter): <details>." — built from the classifier's fields."""
    said = f"Graph error {decision.code}" + (f"/{decision.subcode}" if decision.subcode else "")
    said += f" ({decision.title})" if decision.title else ""
    said = f"{said}: {graph_errors.sentence(decision.details)}" if decision.details else f"{said}."
    todo = {
        graph_errors.RETRY_WITH_BACKOFF: " Throttled or temporary: try again later.",
        graph_errors.RETRY_AFTER_WAIT: " Throttled or temporary: try again later.",
        graph_errors.REAUTHENTICATE: " The access token is expired, revoked or invalid: generate a new one.",
    }
    return said + todo.get(decision.action, "")


class CallFailed(Exception):
    """No usable answer. `may_have_acted` is False only when Graph certainly did not act on the
    request; `sent` is False only when the request never left; `decision` is graph_errors' verdict
    when Graph sent an error object. The text never contains a token, secret or code: graph_http
    masks them before anything is read."""

    def __init__(
        self, message: str, *, may_have_acted: bool, sent: bool = True, decision: graph_errors.Decision | None = None
    ) -> None:
        super().__init__(message)
        self.may_have_acted, self.sent, self.decision = may_have_acted, sent, decision


def call(
    method: str,
    path: str,
    *,
    base_url: str = graph_http.DEFAULT_BASE_URL,
    deadline: float = graph_http.DEFAULT_DEADLINE,
    token: str | None = None,
    params: dict[str, str] | None = None,
    json: Any = None,
) -> dict[str, Any]:
    """Make one call (never repeated) within `deadline` seconds; return Graph's JSON object.

    The token travels in the Authorization header, never in the URL. Raises CallFailed."""
    session = requests.Session()
    if token:
        session.headers["Authorization"] = f"Bearer {token}"
    failure = None
    try:
        answer = graph_http.request(
            session,
            method,
            graph_http.graph_url(path, base_url),
            params=params,
            json=json,
            deadline=time.monotonic() + deadline,
            connect_timeout=min(5.0, deadline),
            read_timeout=deadline,
        )
    except graph_http.Unreachable as exc:
        failure = CallFailed(graph_errors.sentence(exc.reason), may_have_acted=exc.request_sent, sent=exc.request_sent)
    finally:
        session.close()
    if failure:
        raise failure  # raised outside `except`: nothing URL-bearing is chained
    body = answer.body
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        decision = graph_errors.classify(error)
        raise CallFailed(describe(decision), may_have_acted=False, decision=decision)
    if isinstance(body, dict) and 200 <= answer.status < 300:
        return body
    kind = answer.content_type or "no content type"
    if 300 <= answer.status < 400:
        raise CallFailed(
            f"HTTP {answer.status} redirect, not followed: the call must reach Graph itself. Check the base URL and any proxy.",
            may_have_acted=False,
        )
    if 400 <= answer.status < 500:
        raise CallFailed(
            f"HTTP {answer.status} without a Graph error ({kind}): something in front of Graph refused the call. "
            "Check the base URL and any proxy.",
            may_have_acted=False,
        )
    shape = "no JSON" if body is None else f"a JSON {type(body).__name__}"
    raise CallFailed(
        f"HTTP {answer.status} with {shape} ({kind}), not a Graph answer: a proxy or an outage is in the way.",
        may_have_acted=True,
    )
