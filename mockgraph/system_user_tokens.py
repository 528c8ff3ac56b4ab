"""POST /{system-user-id}/access_tokens: a new access token for a system user (rotating a 60-day one).

Meta's "Install Apps, Generate, Refresh, and Revoke Tokens" page: the call is made with the token
of a Business Manager admin, an admin system user or a system user of the same Business Manager;
its parameters are business_app (an app the system user has installed), appsecret_proof
(required), scope (comma-separated permissions) and set_token_expires_in_60_days. Meta's reference
for the related /{business-id}/system_user_access_tokens edge answers `{"access_token": ...}` and
lists errors 3962 (a permission is not valid) and 200 (permissions error).

What the mock decides where Meta does not say (inference, kept small): an employee system user
may not make tokens for another system user (200); an unknown permission gets 3962. The old token
stays valid: Meta does not state that a new token invalidates it.
"""

from __future__ import annotations

import dataclasses
import itertools
from typing import TYPE_CHECKING, Any

from guide_data import KNOWN_PERMISSIONS
from mockgraph import demo
from mockgraph.auth import check_proof
from mockgraph.errors import GraphError

if TYPE_CHECKING:
    from mockgraph.call import Call

LIFETIME_DAYS = 60
# Permissions a system user token may carry: the guide's permissions (data/guide.yaml, each sourced
# there), not a second list typed here.
KNOWN_SCOPES = frozenset(KNOWN_PERMISSIONS)

# Tokens for tests (pass them to GraphMock(extra_tokens=...)): an admin system user, who may make
# tokens for any system user of the portfolio, and an employee system user, who may not.
ADMIN_SYSTEM_USER = demo.DemoToken(
    "admin-system-user",
    "Admin system user token of the demo portfolio (may generate tokens for its system users)",
    scopes=demo.BOTH + ("business_management",),
    user_id="400000000000009",
)
EMPLOYEE_SYSTEM_USER = demo.DemoToken(
    "employee-system-user",
    "Employee system user token: another system user of the portfolio, not an admin",
    user_id="400000000000008",
)
ADMINS = {ADMIN_SYSTEM_USER.name}
_serial = itertools.count(1)


def generate(call: Call) -> dict[str, Any]:
    params = {**call.request.args, **(call.form or {})}
    auth = call.request.headers.get("Authorization", "")
    presented = auth[7:].strip() if auth[:7].lower() == "bearer " else call.request.args.get("access_token", "")
    check_proof(str(params.get("appsecret_proof") or ""), presented, call.app)  # required on this call
    system_user = call.ids["system-user-id"]
    caller = call.token
    if caller is None or (caller.name not in ADMINS and caller.user_id != system_user):
        raise GraphError(200, "(#200) Permissions error", type="OAuthException")
    for name in ("business_app", "scope"):
        if not params.get(name):
            raise GraphError(100, f"(#100) The parameter {name} is required")
    if params["business_app"] != call.app.id:
        raise GraphError(100, "(#100) The system user has not installed the app named in business_app")
    scopes = tuple(s.strip() for s in str(params["scope"]).split(",") if s.strip())
    if not scopes or set(scopes) - KNOWN_SCOPES:
        raise GraphError(3962, "Provided permission is not valid. Check your spelling and syntax.")
    expiring = str(params.get("set_token_expires_in_60_days", "")).lower() == "true"
    new = dataclasses.replace(
        caller if caller.user_id == system_user else demo.DEMO_TOKENS["healthy"],
        name=f"system-user-{system_user}-{next(_serial)}",
        type="SYSTEM_USER",
        scopes=scopes,
        lifetime_days=LIFETIME_DAYS if expiring else None,
        error=None,
        user_id=system_user,
    )
    value = demo.token_value(new.name)
    call.mock.tokens.by_value[value] = new
    return {"access_token": value}
