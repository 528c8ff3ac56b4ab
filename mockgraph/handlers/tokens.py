"""debug_token and /me/permissions: the token calls the guide teaches (facts §2 and §3)."""

from __future__ import annotations

import datetime as dt

from mockgraph import demo
from mockgraph.call import Call
from mockgraph.errors import GraphError


def debug_token(call: Call) -> dict:
    value = call.request.args.get("input_token", "")
    if not value:
        raise GraphError(100, "(#100) The parameter input_token is required")
    token = call.mock.tokens.by_value.get(value)
    if token is None:
        error = {"code": 190, "message": "Invalid OAuth access token - Cannot parse access token"}
        return {"data": {"error": error, "is_valid": False, "scopes": []}}
    if token.app is not call.app:
        # Public client code records this answer for another app's token (facts gap; low confidence).
        raise GraphError(100, "(#100) The App_id in the input_token did not match the Viewing App")
    return {"data": token_data(token, call.mock.today)}


def token_data(token: demo.DemoToken, today: dt.date) -> dict:
    """debug_token's data, field for field as in Meta's examples (facts §2)."""
    issued = demo.ISSUED_AT
    if token.lifetime_days and not token.error:  # a live expiring token: issued yesterday
        yesterday = today - dt.timedelta(days=1)
        issued = int(dt.datetime.combine(yesterday, dt.time(), dt.timezone.utc).timestamp())
    expires = issued + token.lifetime_days * 86400 if token.lifetime_days else 0
    data: dict = {
        "app_id": token.app.id,
        "type": token.type,
        "application": token.app.name,
        "data_access_expires_at": issued + 90 * 86400 if token.type == "USER" else 0,
        "expires_at": expires,
        "is_valid": token.error is None,
        "issued_at": issued,
        "scopes": list(token.scopes),
    }
    granular = []
    for scope in token.scopes:
        if scope.startswith("whatsapp_"):
            entry: dict = {"scope": scope}
            if token.targets:
                entry["target_ids"] = list(token.targets)
            granular.append(entry)
    data["granular_scopes"] = granular
    if token.error:
        code, subcode, message = token.error
        data["error"] = {"code": code, "message": message, "subcode": subcode}  # subcode, not error_subcode
    data["user_id"] = token.user_id
    return data


def me_permissions(call: Call) -> dict:
    if call.token is None:
        raise GraphError(2500, "An active access token must be used to query information about the current user.")
    statuses = call.token.statuses or {scope: "granted" for scope in call.token.scopes}
    return {"data": [{"permission": p, "status": s} for p, s in statuses.items()]}
