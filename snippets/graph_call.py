"""One Graph call that returns Graph's JSON object, or raises what graph_errors makes of the answer.

Used by the startup check, the doctor and the onboarding snippets (code exchange, webhook
subscription, test-number send). On top of graph_http (total deadline, no redirects, body cap,
masked secrets) and graph_errors.interpret (the one reading of an answer), it answers the one
thing a caller of a POST must know: did Graph certainly *not* act on the request, or might it have?

- Certainly not: GraphFailure. The request never left (`sent` False: refused, DNS, TLS, connect
  timeout), Graph answered with an error object (`decision`, from graph_errors.classify), or
  something in front of Graph answered a redirect or a 4xx of its own.
- Might have: MayHaveTakenEffect. The request left and no readable answer came back (read
  timeout, reset, deadline, a 5xx or a 2xx that is not a Graph answer).

Copy graph_http.py, graph_errors.py and graph_error_actions.json beside this file.
Needs Python 3.10+ and requests.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Mapping
from typing import Any

import requests

try:  # imported as a package module (from snippets import graph_call)
    from . import graph_errors, graph_http
except ImportError:  # run beside its siblings as plain files
    import graph_errors  # type: ignore[no-redef,import-not-found]
    import graph_http  # type: ignore[no-redef,import-not-found]


def call(
    method: str,
    path: str,
    *,
    base_url: str = graph_http.DEFAULT_BASE_URL,
    deadline: float = graph_http.DEFAULT_DEADLINE,
    token: str | None = None,
    app_secret: str | None = None,
    params: dict[str, str] | None = None,
    json: Any = None,
) -> dict[str, Any]:
    """Make one call (never repeated) within `deadline` seconds; return Graph's JSON object.

    The token travels in the Authorization header, never in the URL; with `app_secret`, the call
    carries the token's appsecret_proof (needed when the app has "Require App Secret" on).
    Raises graph_errors.GraphFailure, or its subclass MayHaveTakenEffect."""
    session = requests.Session()
    query = dict(params or {})
    if token:
        session.headers["Authorization"] = f"Bearer {token}"
        if app_secret:
            query["appsecret_proof"] = graph_http.appsecret_proof(app_secret, token)
    failure: graph_errors.GraphFailure | None = None
    try:
        answer = graph_http.request(
            session,
            method,
            graph_http.graph_url(path, base_url),
            params=query or None,
            json=json,
            stop_at=time.monotonic() + deadline,
            connect_timeout=min(5.0, deadline),
            read_timeout=deadline,
        )
    except graph_errors.GraphFailure as exc:
        failure = exc
    finally:
        session.close()
    if failure is None:
        failure = graph_errors.interpret(answer)
    if failure is not None:
        raise failure  # raised outside `except`: nothing URL-bearing is chained
    body: dict[str, Any] = answer.body  # interpret() accepts only a JSON object
    return body


def call_once(
    doing: str, fails_as: type[graph_errors.GraphFailure], method: str, path: str, *, maybe: str | None = None, **call_args: Any
) -> dict[str, Any]:
    """call(), with a failure raised as the caller's own class `fails_as`, its text led by `doing`.

    With `maybe` (what to check before trying again), a request that may have taken effect stays a
    MayHaveTakenEffect and says so; without it the request is safe to repeat and every failure is a
    `fails_as`. Nothing is chained: the new exception carries no traceback of the old one."""
    try:
        return call(method, path, **call_args)
    except graph_errors.GraphFailure as exc:
        failure = exc
    if maybe is not None and isinstance(failure, graph_errors.MayHaveTakenEffect):
        raise failure.recast(graph_errors.MayHaveTakenEffect, f"{doing} {failure}{maybe}")
    raise failure.recast(fails_as, f"{doing} {failure}")


def run_script(environ: Mapping[str, str], names: tuple[str, ...], action: Callable[[dict[str, str]], str]) -> int:
    """An onboarding script's main(): read `names` from the environment (never from arguments, which
    shell history and process lists show), run `action` with them and GRAPH_API_BASE (Graph itself
    when unset or empty), and print the line it returns. Exit status 0 done, 1 failed, 2 a setting
    is missing."""
    missing = [name for name in names if not environ.get(name)]
    if missing:
        print(f"Set {', '.join(missing)} in the environment first.", file=sys.stderr)
        return 2
    settings = {name: environ[name] for name in names}
    settings["GRAPH_API_BASE"] = environ.get("GRAPH_API_BASE") or graph_http.DEFAULT_BASE_URL
    try:
        said = action(settings)
    except graph_errors.GraphFailure as exc:
        print(exc, file=sys.stderr)
        return 1
    print(said)
    return 0
