"""Exchange a short-lived user access token for a long-lived one (about 60 days).

A long-lived user token still expires: this is why a "permanent" token made this way stops
working after about two months. For a server, prefer a system user token. Server-side only: the
call carries your app secret.

Copy graph_call.py, graph_http.py, graph_errors.py and graph_error_actions.json beside this file.
Needs Python 3.10+ and requests.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass

try:  # imported as a package module (from snippets import extend_user_token)
    from . import graph_call, graph_errors, graph_http
except ImportError:  # run as a script beside its siblings (python extend_user_token.py)
    import graph_call  # type: ignore[no-redef,import-not-found]
    import graph_errors  # type: ignore[no-redef,import-not-found]
    import graph_http  # type: ignore[no-redef,import-not-found]

DEFAULT_BASE_URL = graph_http.DEFAULT_BASE_URL
DEFAULT_DEADLINE = 15.0  # seconds


class ExtendFailed(graph_errors.GraphFailure):
    """No long-lived token (asking again cannot do anything twice). Never contains a token or the app secret."""


@dataclass(frozen=True)
class LongLivedToken:
    token: str
    expires_at: float  # Unix time; renew before it

    def __repr__(self) -> str:  # a token never reaches a log through repr()
        return f"LongLivedToken(token=...{self.token[-4:]}, expires_at={self.expires_at:.0f})"


# --8<-- [start:extend]
def extend_user_token(
    user_token: str,
    app_id: str,
    app_secret: str,
    *,
    base_url: str = DEFAULT_BASE_URL,
    deadline: float = DEFAULT_DEADLINE,
) -> LongLivedToken:
    """Return a long-lived token for a valid short-lived user token (one request, never repeated).
    An expired token cannot be exchanged: the person must log in again."""
    for name, value in (("user_token", user_token), ("app_id", app_id), ("app_secret", app_secret)):
        if not value:
            raise ExtendFailed(f"{name} is empty: pass the token to extend and your app's ID and secret.", sent=False)
    asked_at = time.time()
    body = graph_call.call_once(  # a GET: asking again cannot do anything twice, so no "maybe"
        "The token was not extended.",
        ExtendFailed,
        "GET",
        "/oauth/access_token",
        params={
            "grant_type": "fb_exchange_token",
            "client_id": app_id,
            "client_secret": app_secret,
            "fb_exchange_token": user_token,
        },
        base_url=base_url,
        deadline=deadline,
    )
    token, expires_in = body.get("access_token"), body.get("expires_in")
    if not isinstance(token, str) or not token or not isinstance(expires_in, int) or expires_in <= 0:
        raise ExtendFailed("Graph's answer lacks access_token or expires_in (a proxy or an API change?).")
    return LongLivedToken(token, asked_at + expires_in)


# --8<-- [end:extend]


def main(environ: dict[str, str]) -> int:
    """Read the short-lived token and app credentials from `environ`; print only the new token's
    last four characters and its expiry."""

    def extend(settings: dict[str, str]) -> str:
        token, app_id, secret = settings["WHATSAPP_TOKEN"], settings["META_APP_ID"], settings["META_APP_SECRET"]
        extended = extend_user_token(token, app_id, secret, base_url=settings["GRAPH_API_BASE"])
        days = (extended.expires_at - time.time()) / 86400
        return f"Got a long-lived token ending in ...{extended.token[-4:]}; it expires in {days:.0f} days."

    return graph_call.run_script(environ, ("WHATSAPP_TOKEN", "META_APP_ID", "META_APP_SECRET"), extend)


if __name__ == "__main__":
    sys.exit(main(dict(os.environ)))
