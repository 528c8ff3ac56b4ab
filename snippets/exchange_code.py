"""Exchange an Embedded Signup code for a business token (Tech Providers and Solution Partners).

Your front end gets a short-lived code from Embedded Signup; your server swaps it, once, for a
Business Integration System User token. Needs Python 3.9+ and requests. Server-side only: the
call carries your app secret.
"""

from __future__ import annotations

import os
import sys

import requests
from urllib3.util import Timeout

# The base URL is a parameter so tests (and a local mock) can point the call elsewhere.
GRAPH_BASE, GRAPH_VERSION = "https://graph.facebook.com", "/v26.0"


class ExchangeFailed(RuntimeError):
    """The code was not exchanged. The message says why; it never contains the code or the secret."""


# --8<-- [start:exchange]
def exchange_code(
    code: str,
    app_id: str,
    app_secret: str,
    graph_base: str = GRAPH_BASE,
    deadline_s: float = 15.0,
) -> str:
    """Return the business token for an Embedded Signup code. A code works once: do not retry a
    call that reached Graph, start a new signup instead."""
    for name, value in (("code", code), ("app_id", app_id), ("app_secret", app_secret)):
        if not value:
            raise ExchangeFailed(f"{name} is empty: pass the value from Embedded Signup or your app's settings")
    failure = None
    try:
        response = requests.get(
            f"{graph_base}{GRAPH_VERSION}/oauth/access_token",
            params={"client_id": app_id, "client_secret": app_secret, "code": code},
            # total= bounds connect plus every read: a slow server cannot stretch the call.
            # requests hands a urllib3 Timeout to urllib3 unchanged (its stubs only list float/tuple).
            timeout=Timeout(total=deadline_s, connect=min(5.0, deadline_s)),  # type: ignore[arg-type]
        )
    except requests.Timeout:
        failure = f"Graph did not answer within {deadline_s:.0f} s"
    except requests.RequestException as exc:
        # requests' messages contain the URL with the secret in its query: name the type only.
        failure = f"could not reach Graph ({type(exc).__name__})"
    if failure:
        raise ExchangeFailed(failure)  # raised outside `except`: no URL-bearing exception is chained
    try:
        body = response.json()
    except ValueError:
        failure = f"Graph answered HTTP {response.status_code} without JSON (a proxy or an outage?)"
    if failure:
        raise ExchangeFailed(failure)
    if not isinstance(body, dict):
        raise ExchangeFailed("Graph's answer is not a JSON object")
    if "error" in body:
        error = body["error"]
        raise ExchangeFailed(f"Graph refused the code (code {error.get('code')}): {error.get('message')}")
    token = body.get("access_token")
    if not isinstance(token, str) or not token:
        raise ExchangeFailed("Graph's answer has no access_token")
    return token


# --8<-- [end:exchange]


def main() -> int:
    """Read the code and app credentials from the environment, never from arguments (shell
    history and process lists show arguments). Prints only a fingerprint of the new token."""
    names = ("EMBEDDED_SIGNUP_CODE", "META_APP_ID", "META_APP_SECRET")
    missing = [n for n in names if not os.environ.get(n)]
    if missing:
        print(f"Set {', '.join(missing)} in the environment first.", file=sys.stderr)
        return 2
    try:
        token = exchange_code(
            os.environ["EMBEDDED_SIGNUP_CODE"],
            os.environ["META_APP_ID"],
            os.environ["META_APP_SECRET"],
            graph_base=os.environ.get("GRAPH_API_BASE", GRAPH_BASE),
        )
    except ExchangeFailed as exc:
        print(f"exchange failed: {exc}", file=sys.stderr)
        return 1
    print(f"Got a business token ending in ...{token[-4:]}; store it in your secret manager.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
