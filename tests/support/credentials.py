"""What must never be printed, and an environment with no real credentials in it."""

from __future__ import annotations

import hashlib
import hmac
import os

from mockgraph import DEMO_APP, token_value
from mockgraph.demo import OWN_PHONE, OWN_WABA


def secrets_of(token: str, app_secret: str = DEMO_APP.secret) -> list[str]:
    """Everything that must never appear in output: the token, the app secret, and the
    appsecret_proof of both the token and the app token."""
    app_token = f"{DEMO_APP.id}|{app_secret}"
    proofs = [hmac.new(app_secret.encode(), t.encode(), hashlib.sha256).hexdigest() for t in (token, app_token)]
    return [token, app_secret, *proofs]


def env_without_credentials() -> dict[str, str]:
    """This process's environment minus anything that would point a snippet at real credentials."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("WHATSAPP_", "META_", "GRAPH_API_BASE"))}


def demo_environment(base_url: str, token: str | None = None, waba: str = OWN_WABA, phone: str = OWN_PHONE) -> dict[str, str]:
    """What a reader exports to run an example against `base_url` with the demo app (and the
    healthy demo token unless `token` is given)."""
    return {
        "GRAPH_API_BASE": base_url,
        "WHATSAPP_TOKEN": token or token_value("healthy"),
        "META_APP_ID": DEMO_APP.id,
        "META_APP_SECRET": DEMO_APP.secret,
        "WHATSAPP_WABA_ID": waba,
        "WHATSAPP_PHONE_NUMBER_ID": phone,
    }
