"""GET /oauth/access_token?grant_type=fb_exchange_token: a short-lived user token for a long-lived one.

Meta's Long-Lived Access Tokens page: the call takes grant_type=fb_exchange_token, client_id,
client_secret and fb_exchange_token, answers access_token, token_type and expires_in (its sample:
5183944 seconds), a long-lived token "generally lasts about 60 days", and an expired token
cannot be exchanged. The mock accepts the new token afterwards, as Graph would.
"""

from __future__ import annotations

import dataclasses
import hmac
from typing import TYPE_CHECKING, Any

from mockgraph import demo
from mockgraph.errors import GraphError

if TYPE_CHECKING:
    from mockgraph.call import Call

EXPIRES_IN = 5183944  # Meta's sample answer: about 60 days, in seconds
LIFETIME_DAYS = 60


def grant_app(args: Any, grant: str) -> demo.App:
    """The app an /oauth/access_token grant names, after Graph's checks of its parameters and
    credentials (`grant` is the grant's own parameter: `code` or `fb_exchange_token`)."""
    for name in ("client_id", "client_secret", grant):
        if not args.get(name):
            raise GraphError(100, f"Missing {name} parameter.", type="OAuthException")
    app = demo.APPS_BY_ID.get(args["client_id"])
    if app is None:
        raise GraphError(101, "Error validating application. Invalid application ID.", type="OAuthException")
    if not hmac.compare_digest(args["client_secret"], app.secret):
        raise GraphError(1, "Error validating client secret.", type="OAuthException")
    return app


def exchange(call: Call) -> dict[str, Any]:
    args = call.request.args
    app = grant_app(args, "fb_exchange_token")
    tokens = call.mock.tokens.by_value
    short = tokens.get(args["fb_exchange_token"])
    if short is None or short.app is not app:
        raise GraphError(190, "Invalid OAuth access token - Cannot parse access token")
    if short.error:  # "You can not use an expired token to request a long-lived token"
        code, subcode, message = short.error
        raise GraphError(code, message, subcode=subcode)
    if short.type != "USER":
        raise GraphError(100, "Only a user access token can be exchanged for a long-lived one.", type="OAuthException")
    long_lived = dataclasses.replace(short, name=f"{short.name}-long-lived", lifetime_days=LIFETIME_DAYS)
    value = demo.token_value(long_lived.name)
    tokens[value] = long_lived
    return {"access_token": value, "token_type": "bearer", "expires_in": EXPIRES_IN}
