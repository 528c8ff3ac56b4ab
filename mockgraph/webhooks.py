"""Webhook deliveries the way Meta sends them, signed with the demo app's secret.

Meta's webhook endpoint contract (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/create-webhook-endpoint,
https://developers.facebook.com/docs/graph-api/webhooks/getting-started): a GET verification request with
hub.mode=subscribe, hub.challenge and hub.verify_token, answered with the challenge; event
notifications as POSTs whose X-Hub-Signature-256 header is "sha256=" + the HMAC-SHA256 of the raw
body keyed with the app secret. Payload shape: Meta's OpenAPI WebhookPayload.

Delivery as Meta does it (data/guide.yaml, webhooks): a notification not answered with 200 is
retried "with decreasing frequency" for up to 7 days, and the same notification may arrive twice.
Meta states neither the intervals nor how many changes one POST carries: the mock's schedule
(doubling from 15 s, at most an hour apart) and its batches are inferred, and `timescale`
compresses the whole schedule (0.001: the 7 days pass in about 10 minutes).

Inject an incoming customer message (no phone needed):
    python -m mockgraph.inject --url http://127.0.0.1:8080/webhook --text "Where is my order?"
    curl -X POST http://127.0.0.1:8765/_mockgraph/inbound-message -d '{"text": "Hi", "url": "..."}'
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import random
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import requests

import guide_data
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


# -- delivery as Meta does it -------------------------------------------------------------------
TIMESCALE_VARIABLE = "MOCKGRAPH_WEBHOOK_TIMESCALE"
URL_VARIABLE = "MOCKGRAPH_WEBHOOK_URL"  # where injected messages go (else the status webhook URL)
INJECT_PATH = "/_mockgraph/inbound-message"


@dataclass
class RetryPolicy:
    """When to deliver again after anything but a 200. Meta states the window (7 days, in
    data/guide.yaml); the intervals are the mock's inference: doubling, from first_delay, capped."""

    window_days: float = field(default_factory=lambda: guide_data.load()["webhooks"]["redelivery"]["days"])
    first_delay: float = 15.0  # seconds of Meta time (inferred)
    max_delay: float = 3600.0  # inferred
    timescale: float = 1.0  # multiplies every delay and the window

    def delays(self) -> Iterator[float]:
        spent, delay = 0.0, self.first_delay
        while spent + delay <= self.window_days * 86400:
            yield delay * self.timescale
            spent += delay
            delay = min(self.max_delay, delay * 2)

    @classmethod
    def from_environment(cls) -> RetryPolicy:
        return cls(timescale=float(os.environ.get(TIMESCALE_VARIABLE, "0.001")))


Post = Callable[[str, dict, str], Any]


def _post_status(url: str, payload: dict, app_secret: str) -> Any:
    try:
        return deliver(url, payload, app_secret=app_secret).status_code
    except requests.RequestException as exc:
        return type(exc).__name__


class Sender:
    """Delivers notifications until the receiver answers 200, as Meta does: backoff between tries,
    and now and then the same notification once more after its 200 (`duplicate_rate`, seeded)."""

    def __init__(
        self,
        url: str,
        app_secret: str = DEMO_APP.secret,
        *,
        policy: RetryPolicy | None = None,
        duplicate_rate: float = 0.0,
        seed: int | None = None,
        post: Post = _post_status,
        sleep: Callable[[float], Any] = time.sleep,
    ):
        self.url, self.app_secret, self.post, self.sleep = url, app_secret, post, sleep
        self.policy = policy or RetryPolicy()
        self.duplicate_rate = duplicate_rate
        self._random = random.Random(seed)  # noqa: S311 - a test's dice, not a secret
        self._lock = threading.Lock()

    def send(self, payload: dict, stop: threading.Event | None = None, *, again: bool = True) -> list[Any]:
        """Every outcome (HTTP status or error name), last one 200 unless the window ran out or `stop` was set."""
        outcomes = [self.post(self.url, payload, self.app_secret)]
        delays = self.policy.delays()
        while outcomes[-1] != 200:
            delay = next(delays, None)
            if delay is None or (stop is not None and stop.is_set()):
                return outcomes
            self.sleep(delay)
            outcomes.append(self.post(self.url, payload, self.app_secret))
        with self._lock:
            duplicate = again and self._random.random() < self.duplicate_rate
        if duplicate:  # Meta: retries to every subscribed app "can result in duplicate webhook notifications"
            outcomes += self.send(payload, stop, again=False)
        return outcomes


def batch(payloads: list[dict]) -> dict:
    """Several notifications as one POST: the changes of each WABA under one entry (Meta's shape
    allows several entries and changes; how many Meta puts in one POST is not stated)."""
    entries: dict[str, dict] = {}
    for payload in payloads:
        for entry in payload["entry"]:
            entries.setdefault(entry["id"], {"id": entry["id"], "changes": []})["changes"] += entry["changes"]
    return {"object": "whatsapp_business_account", "entry": list(entries.values())}


def inbound_destination(mock: Any, asked: str | None) -> str | None:
    channel = getattr(mock, "status_webhooks", None)
    configured = os.environ.get(URL_VARIABLE) or os.environ.get("MOCKGRAPH_STATUS_WEBHOOK_URL")
    return asked or configured or getattr(channel, "url", None)


def inject(url: str, text: str, from_wa_id: str = "15550100123", *, policy: RetryPolicy | None = None) -> tuple[dict, list[Any]]:
    """Deliver one incoming text message to a receiver, redelivering until 200; (payload, outcomes)."""
    payload = text_message_event(text, from_wa_id=from_wa_id, timestamp=int(time.time()))
    return payload, Sender(url, policy=policy or RetryPolicy.from_environment()).send(payload)


def inject_endpoint(mock: Any, body: bytes) -> tuple[int, dict]:
    """POST /_mockgraph/inbound-message {"text": ..., "from": optional, "url": optional}: the mock
    delivers the message in the background (with retries) and answers with its ID at once."""
    try:
        asked = json.loads(body or b"{}")
    except ValueError:
        asked = None
    if not isinstance(asked, dict) or not isinstance(asked.get("text"), str) or not asked["text"]:
        example = '{"text": "Hello", "url": "http://127.0.0.1:8080/webhook"}'
        return 400, {"error": {"message": f"Send JSON like {example}", "code": 100}}
    url = inbound_destination(mock, asked.get("url"))
    if not url:
        return 400, {"error": {"message": f'No receiver: pass "url" or set {URL_VARIABLE}', "code": 100}}
    payload = text_message_event(asked["text"], from_wa_id=str(asked.get("from", "15550100123")), timestamp=int(time.time()))
    sender = Sender(url, policy=RetryPolicy.from_environment())
    threading.Thread(target=sender.send, args=(payload,), name="mockgraph-inbound", daemon=True).start()
    message_id = payload["entry"][0]["changes"][0]["value"]["messages"][0]["id"]
    return 200, {"id": message_id, "url": url}
