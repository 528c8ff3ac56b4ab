"""Subscribe your app to a WhatsApp Business Account's webhooks, and list who is subscribed.

Meta sends a WABA's webhooks only to apps subscribed to that WABA. After Embedded Signup, call
subscribe_app() with the customer's WABA ID and the business token.

Copy graph_call.py, graph_http.py, graph_errors.py and graph_error_actions.json beside this file.
Needs Python 3.10+ and requests.
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


class GraphCallFailed(graph_errors.GraphFailure):
    """Graph refused the call or gave no usable answer, and nothing was done; `decision` is
    graph_errors' verdict when Graph sent an error, `code` its error code. When the subscription may
    have been made anyway, graph_errors.MayHaveTakenEffect is raised instead (list the subscriptions
    to find out). Never contains the token."""


# --8<-- [start:subscribe]
def _failure(what: str, exc: graph_errors.GraphFailure, may_have_taken_effect: bool) -> graph_errors.GraphFailure:
    if may_have_taken_effect:
        then = " It may have been made: call subscribed_app_ids() to see."
        return exc.recast(graph_errors.MayHaveTakenEffect, f"{what} failed. {exc}{then}")
    return exc.recast(GraphCallFailed, f"{what} failed. {exc}")


def _app_id(entry: object) -> str | None:
    app = entry.get("whatsapp_business_api_data") if isinstance(entry, dict) else None
    app_id = app.get("id") if isinstance(app, dict) else None
    return app_id if isinstance(app_id, str) and app_id else None


def subscribe_app(waba_id: str, token: str, *, base_url: str = DEFAULT_BASE_URL, deadline: float = DEFAULT_DEADLINE) -> None:
    """Subscribe the token's app to the WABA's webhooks: one POST, never repeated automatically.
    Raises GraphCallFailed, or graph_errors.MayHaveTakenEffect when the outcome is unknown:
    subscribed_app_ids() tells."""
    failure = None
    try:
        body = graph_call.call("POST", f"/{waba_id}/subscribed_apps", token=token, base_url=base_url, deadline=deadline)
    except graph_errors.GraphFailure as exc:
        failure = _failure("Subscribing the app", exc, isinstance(exc, graph_errors.MayHaveTakenEffect))
    if failure:
        raise failure  # outside `except`: nothing is chained
    if body.get("success") is not True:
        raise graph_errors.MayHaveTakenEffect(
            'Graph answered without confirming the subscription (no "success": true). '
            "It may have been made: call subscribed_app_ids() to see."
        )


def subscribed_app_ids(
    waba_id: str, token: str, *, base_url: str = DEFAULT_BASE_URL, deadline: float = DEFAULT_DEADLINE
) -> list[str]:
    """The IDs of the apps that receive this WABA's webhooks."""
    failure = None
    try:
        body = graph_call.call("GET", f"/{waba_id}/subscribed_apps", token=token, base_url=base_url, deadline=deadline)
    except graph_errors.GraphFailure as exc:  # a lost answer to a read changed nothing
        failure = _failure("Listing the subscribed apps", exc, may_have_taken_effect=False)
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

    def subscribe(settings: dict[str, str]) -> str:
        waba, token, app_id = settings["WHATSAPP_WABA_ID"], settings["WHATSAPP_TOKEN"], settings["META_APP_ID"]
        if app_id in subscribed_app_ids(waba, token, base_url=settings["GRAPH_API_BASE"]):
            return f"App {app_id} is already subscribed to WABA {waba}."
        subscribe_app(waba, token, base_url=settings["GRAPH_API_BASE"])
        return f"Subscribed app {app_id} to WABA {waba}: its webhooks will now arrive."

    return graph_call.run_script(environ, ("WHATSAPP_TOKEN", "WHATSAPP_WABA_ID", "META_APP_ID"), subscribe)


if __name__ == "__main__":
    sys.exit(main(dict(os.environ)))
