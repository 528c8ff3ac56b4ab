"""What must never be printed, and an environment with no real credentials in it."""

from __future__ import annotations

import hashlib
import hmac
import os

from mockgraph import DEMO_APP


def secrets_of(token: str, app_secret: str = DEMO_APP.secret) -> list[str]:
    """Everything that must never appear in output: the token, the app secret, and the
    appsecret_proof of both the token and the app token."""
    app_token = f"{DEMO_APP.id}|{app_secret}"
    proofs = [hmac.new(app_secret.encode(), t.encode(), hashlib.sha256).hexdigest() for t in (token, app_token)]
    return [token, app_secret, *proofs]


def env_without_credentials() -> dict[str, str]:
    """This process's environment minus anything that would point a snippet at real credentials."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("WHATSAPP_", "META_", "GRAPH_API_BASE"))}
