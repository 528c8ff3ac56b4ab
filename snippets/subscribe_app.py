"""Subscribe your app to a WhatsApp Business Account's webhooks, and list who is subscribed.

Meta sends a WABA's webhooks only to apps subscribed to that WABA. After Embedded Signup, call
subscribe_app() with the customer's WABA ID and the business token. Needs Python 3.9+ and requests.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import requests
from urllib3.util import Timeout

GRAPH_BASE, GRAPH_VERSION = "https://graph.facebook.com", "/v26.0"


class GraphCallFailed(RuntimeError):
    """Graph refused the call or could not be reached. Never contains the token."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


def _call(method: str, path: str, token: str, graph_base: str, deadline_s: float) -> dict[str, Any]:
    failure = None
    try:
        response = requests.request(
            method,
            f"{graph_base}{GRAPH_VERSION}{path}",
            headers={"Authorization": f"Bearer {token}"},  # a header, never the URL
            # requests hands a urllib3 Timeout to urllib3 unchanged (its stubs only list float/tuple).
            timeout=Timeout(total=deadline_s, connect=min(5.0, deadline_s)),  # type: ignore[arg-type]
        )
    except requests.Timeout:
        failure = f"Graph did not answer within {deadline_s:.0f} s"
    except requests.RequestException as exc:
        failure = f"could not reach Graph ({type(exc).__name__})"
    if failure:
        raise GraphCallFailed(failure)  # raised outside `except`: no URL-bearing exception is chained
    try:
        body = response.json()
    except ValueError:
        failure = f"Graph answered HTTP {response.status_code} without JSON (a proxy or an outage?)"
    if failure:
        raise GraphCallFailed(failure)
    if not isinstance(body, dict):
        raise GraphCallFailed("Graph's answer is not a JSON object")
    if "error" in body:
        error = body["error"]
        details = (error.get("error_data") or {}).get("details") or error.get("message")
        raise GraphCallFailed(f"{method} {path} failed (code {error.get('code')}): {details}", error.get("code"))
    return body


# --8<-- [start:subscribe]
def subscribe_app(waba_id: str, token: str, graph_base: str = GRAPH_BASE, deadline_s: float = 15.0) -> None:
    """Subscribe the token's app to the WABA's webhooks. Safe to repeat: subscribing twice is a no-op."""
    body = _call("POST", f"/{waba_id}/subscribed_apps", token, graph_base, deadline_s)
    if body.get("success") is not True:
        raise GraphCallFailed(f"Graph did not confirm the subscription: {body}")


def subscribed_app_ids(waba_id: str, token: str, graph_base: str = GRAPH_BASE, deadline_s: float = 15.0) -> list[str]:
    """The IDs of the apps that receive this WABA's webhooks."""
    body = _call("GET", f"/{waba_id}/subscribed_apps", token, graph_base, deadline_s)
    return [entry["whatsapp_business_api_data"]["id"] for entry in body.get("data", [])]


# --8<-- [end:subscribe]


def main() -> int:
    names = ("WHATSAPP_TOKEN", "WHATSAPP_WABA_ID", "META_APP_ID")
    missing = [n for n in names if not os.environ.get(n)]
    if missing:
        print(f"Set {', '.join(missing)} in the environment first.", file=sys.stderr)
        return 2
    waba, token, app_id = os.environ["WHATSAPP_WABA_ID"], os.environ["WHATSAPP_TOKEN"], os.environ["META_APP_ID"]
    base = os.environ.get("GRAPH_API_BASE", GRAPH_BASE)
    try:
        if app_id not in subscribed_app_ids(waba, token, base):
            subscribe_app(waba, token, base)
            print(f"Subscribed app {app_id} to WABA {waba}: its webhooks will now arrive.")
        else:
            print(f"App {app_id} is already subscribed to WABA {waba}.")
    except GraphCallFailed as exc:
        print(f"subscription check failed: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
