"""Exchange an Embedded Signup code for a business token (Tech Providers and Solution Partners).

Your front end gets a short-lived code from Embedded Signup; your server swaps it, once, for a
Business Integration System User token. Server-side only: the call carries your app secret.

Copy graph_call.py, graph_http.py, graph_errors.py and graph_error_actions.json beside this file.
Needs Python 3.10+ and requests.
"""

from __future__ import annotations

import os
import sys

try:  # imported as a package module (from snippets import exchange_code)
    from . import graph_call, graph_errors, graph_http
except ImportError:  # run as a script beside its siblings (python exchange_code.py)
    import graph_call  # type: ignore[no-redef,import-not-found]
    import graph_errors  # type: ignore[no-redef,import-not-found]
    import graph_http  # type: ignore[no-redef,import-not-found]

DEFAULT_BASE_URL = graph_http.DEFAULT_BASE_URL
DEFAULT_DEADLINE = 15.0  # seconds: a person waits on the other end of the signup


class ExchangeFailed(graph_errors.GraphFailure):
    """The code was not exchanged. `retryable` is True only when the request never left, so the
    same code may be tried again; otherwise start a new signup. When the request left and no answer
    came back, graph_errors.MayHaveTakenEffect is raised instead: the code may have been spent.
    Never contains the code or the secret."""


# --8<-- [start:exchange]
# OAuth 2.0 (RFC 6749, section 4.1.2) forbids using an authorization code twice; Meta's pages
# name this flow the Authorization Code grant and say nothing more about reuse.
_NEW_SIGNUP = "An OAuth code must not be used twice: start a new signup rather than sending this one again."


def exchange_code(
    code: str,
    app_id: str,
    app_secret: str,
    *,
    base_url: str = DEFAULT_BASE_URL,
    deadline: float = DEFAULT_DEADLINE,
) -> str:
    """Return the business token for an Embedded Signup code, within `deadline` seconds.

    One request, never repeated: an OAuth code must not be used twice, so a call that may have
    reached Graph is not sent again. Raises ExchangeFailed (its `retryable` says whether the code is
    still good) or graph_errors.MayHaveTakenEffect (the code may have been spent)."""
    for name, value in (("code", code), ("app_id", app_id), ("app_secret", app_secret)):
        if not value:
            raise ExchangeFailed(f"{name} is empty: pass the value from Embedded Signup or your app's settings.", sent=False)
    failure: graph_errors.GraphFailure | None = None
    try:
        body = graph_call.call(
            "GET",
            "/oauth/access_token",
            params={"client_id": app_id, "client_secret": app_secret, "code": code},
            base_url=base_url,
            deadline=deadline,
        )
    except graph_errors.GraphFailure as exc:
        # Only a request that never left leaves the code untouched; anything else may have spent it.
        then = "The request never left: the same code can be tried again." if not exc.sent else _NEW_SIGNUP
        kind = graph_errors.MayHaveTakenEffect if isinstance(exc, graph_errors.MayHaveTakenEffect) else ExchangeFailed
        failure = exc.recast(kind, f"The code was not exchanged. {exc} {then}", retryable=not exc.sent)
    if failure:
        raise failure  # outside `except`: nothing is chained
    token = body.get("access_token")
    if not isinstance(token, str) or not token:
        raise graph_errors.MayHaveTakenEffect(f"Graph's answer has no access_token (a proxy or an API change?). {_NEW_SIGNUP}")
    return token


# --8<-- [end:exchange]


def main(environ: dict[str, str]) -> int:
    """Read the code and app credentials from `environ`. Prints only the new token's last four characters."""

    def exchange(settings: dict[str, str]) -> str:
        code, app_id, secret = settings["EMBEDDED_SIGNUP_CODE"], settings["META_APP_ID"], settings["META_APP_SECRET"]
        token = exchange_code(code, app_id, secret, base_url=settings["GRAPH_API_BASE"])
        return f"Got a business token ending in ...{token[-4:]}; store it in your secret manager."

    return graph_call.run_script(environ, ("EMBEDDED_SIGNUP_CODE", "META_APP_ID", "META_APP_SECRET"), exchange)


if __name__ == "__main__":
    sys.exit(main(dict(os.environ)))
