"""Fail fast at startup when the WhatsApp token cannot do its job.

Call check_whatsapp_token() once when your service starts, not per request. It raises
TokenProblem (the WhatsApp token must change), AppCredentialsProblem (META_APP_ID or
META_APP_SECRET is wrong: Graph refused the app token that asks debug_token) or GraphUnavailable
(the check could not run: network, deadline, proxy, outage, throttling or an unreadable answer).
All three are graph_errors.GraphFailure; none is a subclass of another.

Copy graph_call.py, graph_http.py, graph_errors.py and graph_error_actions.json beside this file.
Needs Python 3.10+ and requests. Run it on a server only: it uses the app secret.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

try:  # imported as a package module (python -m snippets.startup_check, or from your code)
    from . import graph_call, graph_errors, graph_http
except ImportError:  # run as a script beside its siblings (python startup_check.py)
    import graph_call  # type: ignore[no-redef,import-not-found]
    import graph_errors  # type: ignore[no-redef,import-not-found]
    import graph_http  # type: ignore[no-redef,import-not-found]

DEFAULT_BASE_URL, DEFAULT_DEADLINE = graph_http.DEFAULT_BASE_URL, graph_http.DEFAULT_DEADLINE
REQUIRED_SCOPES = {"whatsapp_business_messaging", "whatsapp_business_management"}


class TokenProblem(graph_errors.GraphFailure, PermissionError):
    """The WhatsApp token cannot do its job. Retrying will not help; the message says what to fix.
    `code` is Graph's error code when Graph gave one."""


class AppCredentialsProblem(graph_errors.GraphFailure, PermissionError):
    """Graph refused the debug_token call itself: the app token META_APP_ID|META_APP_SECRET that asks
    is wrong (or the token belongs to another app). The WhatsApp token was not judged, so this is
    deliberately not a TokenProblem: `except TokenProblem` must not send you to regenerate it."""


class GraphUnavailable(graph_errors.GraphFailure, RuntimeError):
    """The check could not run (network, deadline, proxy, outage, throttling, unreadable answer). Retry
    later: running the check again is harmless, so `retryable` is always True."""

    def __init__(self, message: str, **fields: Any) -> None:
        super().__init__(message, **{**fields, "retryable": True})


def graph_get(
    path: str,
    access_token: str,
    app_secret: str,
    *,
    params: dict[str, str] | None = None,
    base_url: str = DEFAULT_BASE_URL,
    deadline: float = DEFAULT_DEADLINE,
) -> dict[str, Any]:
    """GET a Graph path with appsecret_proof; return its JSON object or raise TokenProblem / GraphUnavailable."""
    try:
        return graph_call.call(
            "GET", path, token=access_token, app_secret=app_secret, params=params, base_url=base_url, deadline=deadline
        )
    except graph_errors.GraphFailure as exc:
        failure = exc  # turned into this module's classes outside `except`: nothing is chained
    if failure.decision is not None and not failure.retryable:  # Graph refused the token's call
        raise failure.recast(TokenProblem)
    # A read has no effect, so a lost answer is no worse than no answer: the check can simply run again.
    raise failure.recast(GraphUnavailable, f"{failure} The check did not run; retry later.")


def _unexpected(what: str) -> GraphUnavailable:
    return GraphUnavailable(f"Graph's answer is not in the documented shape ({what}); a proxy or an API change? Retry later.")


def _is_list_of_strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _is_grant(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("scope"), str) and _is_list_of_strings(value.get("target_ids", []))


def debug_token(
    token: str, app_id: str, app_secret: str, *, base_url: str = DEFAULT_BASE_URL, deadline: float = DEFAULT_DEADLINE
) -> dict[str, Any]:
    """debug_token's `data` for the token, with every field this module reads checked for its type."""
    problem: AppCredentialsProblem | None = None
    try:
        body = graph_get(
            "/debug_token",
            f"{app_id}|{app_secret}",
            app_secret,
            params={"input_token": token},
            base_url=base_url,
            deadline=deadline,
        )
    except TokenProblem as exc:  # a refusal of the asking app token, not a verdict on the WhatsApp token
        problem = exc.recast(AppCredentialsProblem, _app_credentials_advice(exc))
    if problem:
        raise problem
    data = body.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("is_valid"), bool):
        raise _unexpected("data.is_valid is missing or not true/false")
    checks: dict[str, Callable[[Any], bool]] = {
        "app_id": lambda v: isinstance(v, str),
        "type": lambda v: isinstance(v, str),
        "expires_at": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "scopes": _is_list_of_strings,
        "error": lambda v: isinstance(v, dict),
        "granular_scopes": lambda v: isinstance(v, list) and all(_is_grant(g) for g in v),
    }
    for field, valid in checks.items():
        if field in data and not valid(data[field]):
            raise _unexpected(f"data.{field} has the wrong type")
    if data["is_valid"] and not ("app_id" in data and "scopes" in data):
        raise _unexpected("a valid token without app_id or scopes")
    return data


def _app_credentials_advice(exc: TokenProblem) -> str:
    code = exc.code
    if code == 190:
        why = "Graph refused the app access token (META_APP_ID|META_APP_SECRET) that asks debug_token"
        fix = (
            "Check META_APP_ID and META_APP_SECRET (resetting the app secret invalidates the old one); "
            "the WhatsApp token itself was not judged"
        )
    elif code == 100:
        why = "Graph refused the debug_token call: usually the token was issued by another app than META_APP_ID"
        fix = "Set META_APP_ID and META_APP_SECRET to the app that issued the token, or generate a token in this app"
    else:
        why = "Graph refused the debug_token call made with META_APP_ID and META_APP_SECRET"
        fix = "Check both values and the app's settings"
    said = graph_errors.describe(exc.decision, advice=False) if exc.decision else str(exc)
    return f"{said} {why}. {fix}."


def permission_statuses(
    token: str, app_secret: str, *, base_url: str = DEFAULT_BASE_URL, deadline: float = DEFAULT_DEADLINE
) -> dict[str, str]:
    """/me/permissions of a user token: permission name -> granted, declined or expired."""
    grants = graph_get("/me/permissions", token, app_secret, base_url=base_url, deadline=deadline).get("data")
    if not isinstance(grants, list) or not all(
        isinstance(g, dict) and isinstance(g.get("permission"), str) and isinstance(g.get("status"), str) for g in grants
    ):
        raise _unexpected("/me/permissions data is not a list of {permission, status}")
    return {g["permission"]: g["status"] for g in grants}


def check_whatsapp_token(
    token: str,
    app_id: str,
    app_secret: str,
    *,
    base_url: str = DEFAULT_BASE_URL,
    deadline: float = DEFAULT_DEADLINE,
) -> dict[str, Any]:
    """Return debug_token's data if the token is valid, ours, and has every required scope.
    All calls together finish within `deadline` seconds."""
    stop_at = time.monotonic() + deadline
    data = debug_token(token, app_id, app_secret, base_url=base_url, deadline=deadline)

    if not data["is_valid"]:
        error = data.get("error", {})
        reason = error.get("message") if isinstance(error.get("message"), str) else "no reason given"
        raise TokenProblem(
            f"The token is not valid (code {error.get('code')}, subcode {error.get('subcode')}): {graph_errors.sentence(reason)} "
            "Generate a new token."
        )
    if data["app_id"] != str(app_id):
        raise TokenProblem(f"The token belongs to app {data['app_id']}, not {app_id}. Use a token generated in this app.")

    missing = REQUIRED_SCOPES - set(data["scopes"])
    if missing:
        detail = ""
        if data.get("type") == "USER":  # a person's token: /me/permissions says why a scope is absent
            status = permission_statuses(token, app_secret, base_url=base_url, deadline=stop_at - time.monotonic())
            detail = " (" + ", ".join(f"{s}: {status.get(s, 'not requested')}" for s in sorted(missing)) + ")"
        raise TokenProblem(
            f"The token lacks {', '.join(sorted(missing))}{detail}. Generate a new token with every "
            "required permission selected: tokens keep the scopes they were created with."
        )
    return data


if __name__ == "__main__":
    missing = [name for name in ("WHATSAPP_TOKEN", "META_APP_ID", "META_APP_SECRET") if not os.environ.get(name)]
    if missing:
        raise SystemExit(f"Set {', '.join(missing)} in the environment first (never in code).")
    try:
        info = check_whatsapp_token(
            os.environ["WHATSAPP_TOKEN"],
            os.environ["META_APP_ID"],
            os.environ["META_APP_SECRET"],
            base_url=os.environ.get("GRAPH_API_BASE") or DEFAULT_BASE_URL,  # unset or empty: Graph itself
        )
    except graph_errors.GraphFailure as exc:  # TokenProblem, AppCredentialsProblem or GraphUnavailable
        raise SystemExit(f"{type(exc).__name__}: {exc}") from None
    expiry = "never expires" if info.get("expires_at") == 0 else f"expires at {info.get('expires_at')} (Unix time)"
    print(f"Token OK: {info.get('type')} token for app {info['app_id']}, {expiry}.")
