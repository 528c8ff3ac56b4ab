"""Who is calling: the access token (header or query), the app behind it, appsecret_proof."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

from werkzeug.wrappers import Request

from mockgraph import demo, permission_messages
from mockgraph.errors import GraphError


class Tokens:
    """The tokens one mock accepts: the demo tokens plus any extra ones a test passes in."""

    def __init__(self, extra: Iterable[demo.DemoToken] = ()) -> None:
        self.by_value = dict(demo.TOKENS_BY_VALUE)
        for token in extra:
            self.by_value[demo.token_value(token.name)] = token

    def caller(self, request: Request, form: dict, require_proof: bool):
        """Return (demo token or None for an app token, app) for the request, or raise 190."""
        auth = request.headers.get("Authorization", "")
        value = auth[7:].strip() if auth[:7].lower() == "bearer " else request.args.get("access_token", "")
        if not value:
            raise GraphError(190, "An access token is required to request this resource.")
        token = self.by_value.get(value)
        if token:
            app = token.app
        else:
            app_id, _, secret = value.partition("|")
            found = demo.APPS_BY_ID.get(app_id)
            if not found or not hmac.compare_digest(secret, found.secret):
                raise GraphError(190, "Invalid OAuth access token - Cannot parse access token")
            app = found
        if require_proof:
            check_proof(request.args.get("appsecret_proof") or form.get("appsecret_proof", ""), value, app)
        return token, app


def check_proof(proof: str, token_value: str, app: demo.App) -> None:
    # Facts §6: appsecret_proof = HMAC-SHA256(key=app secret, msg=the access token), hex.
    if not proof:
        raise GraphError(100, "API calls from the server require an appsecret_proof argument", type="GraphMethodException")
    expected = hmac.new(app.secret.encode(), token_value.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(str(proof), expected):
        raise GraphError(100, "Invalid appsecret_proof provided in the API argument", type="GraphMethodException")


def ensure_usable(token, whatsapp: bool) -> None:
    """Reject invalid tokens the way Graph does (code 190); WhatsApp endpoints add error_data."""
    if token and token.error:
        code, subcode, message = token.error
        if whatsapp:  # WhatsApp endpoints: no error_subcode, error_data instead
            raise GraphError(code, message, details=message)
        raise GraphError(code, message, subcode=subcode)


def ensure_permission(token, needed: list[str], every: bool = False) -> None:
    """Error 200 when the token has none of the permissions the operation map names (or, with
    every=True, lacks any one of them). The message is Meta's own (mockgraph.permission_messages)."""
    scopes = set(token.scopes) if token else set()
    if (every and set(needed) - scopes) or (needed and not set(needed) & scopes):
        message = permission_messages.missing_permission(needed, every)
        raise GraphError(200, message, details=message)


def ensure_asset_access(token, waba: str | None, kind: str) -> None:
    """Facts §4: code 200 also when the token's user has no access to the asset."""
    if waba is None or (token and waba in token.wabas):
        return
    message = permission_messages.no_asset_access(kind)
    raise GraphError(200, message, details=message)
