"""Webhook deliveries the way Meta sends them, signed with the demo app's secret.

Meta's webhook endpoint contract (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/create-webhook-endpoint,
https://developers.facebook.com/docs/graph-api/webhooks/getting-started): a GET verification request with
hub.mode=subscribe, hub.challenge and hub.verify_token, answered with the challenge; event
notifications as POSTs whose X-Hub-Signature-256 header is "sha256=" + the HMAC-SHA256 of the raw
body keyed with the app secret. Payload shape: Meta's OpenAPI WebhookPayload.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets

import requests

from mockgraph.demo import DEMO_APP, OWN_PHONE, OWN_WABA


def signature(body: bytes, app_secret: str = DEMO_APP.secret) -> str:
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def text_message_event(
    text: str, from_wa_id: str = "15550100123", name: str = "Demo Customer", timestamp: int = 1767225600
) -> dict:
    """A `messages` notification for one incoming text message."""
    message_id = "wamid." + hashlib.sha256(f"{from_wa_id}:{timestamp}:{text}".encode()).hexdigest()[:40]
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550100001", "phone_number_id": OWN_PHONE},
        "contacts": [{"profile": {"name": name}, "wa_id": from_wa_id}],
        "messages": [{"from": from_wa_id, "id": message_id, "timestamp": str(timestamp), "type": "text", "text": {"body": text}}],
    }
    change = {"value": value, "field": "messages"}
    return {"object": "whatsapp_business_account", "entry": [{"id": OWN_WABA, "changes": [change]}]}


def deliver(url: str, payload: dict, app_secret: str = DEMO_APP.secret, timeout: float = 5) -> requests.Response:
    """POST an event notification, signed like Meta signs it."""
    body = json.dumps(payload, separators=(",", ":")).encode()
    headers = {"Content-Type": "application/json", "X-Hub-Signature-256": signature(body, app_secret)}
    return requests.post(url, data=body, headers=headers, timeout=timeout)


def verify(url: str, verify_token: str, timeout: float = 5) -> tuple[requests.Response, str]:
    """Send the verification GET; return the response and the challenge it should echo."""
    challenge = str(secrets.randbelow(10**10))
    params = {"hub.mode": "subscribe", "hub.challenge": challenge, "hub.verify_token": verify_token}
    return requests.get(url, params=params, timeout=timeout), challenge
