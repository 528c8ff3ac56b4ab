"""Subscribe your app to a WhatsApp Business Account's webhooks, and list who is subscribed.

Meta sends a WABA's webhooks only to apps subscribed to that WABA. After Embedded Signup, call
subscribe_app() with the customer's WABA ID and the business token.

Copy graph_call.py, graph_http.py, graph_errors.py and graph_error_actions.json beside this file.
Needs Python 3.9+ and requests.
"""

from __future__ import annotations

import os
import sys

try:  # imported as a package module (from snippets import subscribe_app)
    from . import graph_call, graph_errors, graph_http
except ImportError:  # run as a script beside its siblings (python subscribe_app.py)
    import graph_call  # type: ignore[no-redef,import-not-found]
    import graph_errors  # type: ignore[no-redef,import-not-found]
    import graph_http  # type: ignore[no-redef,import-not-found]

DEFAULT_BASE_URL = graph_http.DEFAULT_BASE_URL
DEFAULT_DEADLINE = 15.0  # seconds per call


class GraphCallFailed(RuntimeError):
    """Graph refused the call or gave no usable answer. `maybe_done` is True when the subscription
    may have been made anyway (list the subscriptions to find out); `decision` is graph_errors'
    verdict when Graph sent an error, `code` its error code. Never contains the token."""

    def __init__(self, message: str, *, maybe_done: bool = False, decision: graph_errors.Decision | None = None) -> None:
        super().__init__(message)
        self.maybe_done, self.decision = maybe_done, decision
        self.code = decision.code if decision else None


# --8<-- [start:subscribe]
def _failure(what: str, exc: graph_call.CallFailed, maybe_done: bool) -> GraphCallFailed:
    then = " It may have been made: call subscribed_app_ids() to see." if maybe_done else ""
    return GraphCallFailed(f"{what} failed. {exc}{then}", maybe_done=maybe_done, decision=exc.decision)


def _app_id(entry: object) -> str | None:
    app = entry.get("whatsapp_business_api_data") if isinstance(entry, dict) else None
    app_id = app.get("id") if isinstance(app, dict) else None
    return app_id if isinstance(app_id, str) and app_id else None


def subscribe_app(waba_id: str, token: str, *, base_url: str = DEFAULT_BASE_URL, deadline: float = DEFAULT_DEADLINE) -> None:
    """Subscribe the token's app to the WABA's webhooks: one POST, never repeated automatically.
    When the outcome is unknown (GraphCallFailed.maybe_done), subscribed_app_ids() tells."""
    failure = None
    try:
        body = graph_call.call("POST", f"/{waba_id}/subscribed_apps", token=token, base_url=base_url, deadline=deadline)
    except graph_call.CallFailed as exc:
        failure = _failure("Subscribing the app", exc, exc.may_have_acted)
    if failure:
        raise failure  # outside `except`: nothing is chained
    if body.get("success") is not True:
        raise GraphCallFailed(
            'Graph answered without confirming the subscription (no "success": true). '
            "It may have been made: call subscribed_app_ids() to see.",
            maybe_done=True,
        )


def subscribed_app_ids(
    waba_id: str, token: str, *, base_url: str = DEFAULT_BASE_URL, deadline: float = DEFAULT_DEADLINE
) -> list[str]:
    """The IDs of the apps that receive this WABA's webhooks."""
    failure = None
    try:
        body = graph_call.call("GET", f"/{waba_id}/subscribed_apps", token=token, base_url=base_url, deadline=deadline)
    except graph_call.CallFailed as exc:
        failure = _failure("Listing the subscribed apps", exc, maybe_done=False)
    if failure:
        raise failure
    entries = body.get("data")
    ids = [_app_id(entry) for entry in entries] if isinstance(entries, list) else [None]
    found = [app_id for app_id in ids if app_id]
    if len(found) != len(ids):
        raise GraphCallFailed("Graph's list of subscribed apps is not in the documented shape (a proxy or an API change?).")
    return found


# --8<-- [end:subscribe]


def main(environ: dict[str, str]) -> int:
    """Subscribe META_APP_ID's app to WHATSAPP_WABA_ID unless it already is; credentials from `environ`."""
    names = ("WHATSAPP_TOKEN", "WHATSAPP_WABA_ID", "META_APP_ID")
    missing = [n for n in names if not environ.get(n)]
    if missing:
        print(f"Set {', '.join(missing)} in the environment first.", file=sys.stderr)
        return 2
    waba, token, app_id = environ["WHATSAPP_WABA_ID"], environ["WHATSAPP_TOKEN"], environ["META_APP_ID"]
    base = environ.get("GRAPH_API_BASE") or DEFAULT_BASE_URL
    try:
        if app_id not in subscribed_app_ids(waba, token, base_url=base):
            subscribe_app(waba, token, base_url=base)
            print(f"Subscribed app {app_id} to WABA {waba}: its webhooks will now arrive.")
        else:
            print(f"App {app_id} is already subscribed to WABA {waba}.")
    except GraphCallFailed as exc:
        print(f"subscription check failed: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(dict(os.environ)))
