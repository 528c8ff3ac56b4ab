"""Message outcomes the way Meta reports them: signed `statuses` webhooks, and error drills.

Meta answers a send with a message ID ("accepted") and reports what happened next in the
`messages` webhook field: `statuses[]` entries with `status` sent, delivered, read or failed, a
failed one carrying `errors[]` (code, title, message, error_data.details, href). Shape: Meta's
OpenAPI `StatusMessageValue`/`Statuses`/`StatusError`; Meta's error-codes page says an error comes
back in the response, in a webhook, or both.

Error drills let a reader (and the tests) make the mock produce any code in data/guide.yaml:

* a send to ``+1555990<code>`` fails at once with that code in the response, for codes the guide
  says arrive in the response;
* a send to ``+1555991<code>`` is accepted, then reported as ``failed`` with that code by status
  webhook, for codes the guide says arrive that way.

Where the status webhooks go: ``GraphMock.status_webhooks = StatusWebhooks(url)`` in code, or the
``MOCKGRAPH_STATUS_WEBHOOK_URL`` environment variable for ``python -m mockgraph``. Deliveries are
signed with the demo app's secret (X-Hub-Signature-256), like webhooks.deliver. From the
environment, a delivery not answered with 200 is retried as Meta does (webhooks.RetryPolicy,
compressed by MOCKGRAPH_WEBHOOK_TIMESCALE); in code, pass `retry=` (default: one try each).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mockgraph import webhooks
from mockgraph.demo import DEMO_APP
from mockgraph.errors import GraphError

if TYPE_CHECKING:
    from mockgraph.call import Call

RESPONSE_DRILL = "1555990"
WEBHOOK_DRILL = "1555991"
URL_VARIABLE = "MOCKGRAPH_STATUS_WEBHOOK_URL"
# errors[].href in Meta's webhook examples points at the error-codes page.
ERROR_CODES_PAGE = "https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes"
ARRIVES_IN_RESPONSE = ("response", "both")
ARRIVES_BY_WEBHOOK = ("status_webhook", "both")

Transport = Callable[[str, dict, str], Any]


def _post(url: str, payload: dict, app_secret: str) -> int:
    return webhooks.deliver(url, payload, app_secret=app_secret).status_code


class StatusWebhooks:
    """Where and how the mock delivers status webhooks. Each send's events go out in order on a
    background thread, after the API response, as Meta's do; `wait()` lets a test block until
    they are out. `transport` replaces the HTTP POST (used to record payloads as goldens)."""

    def __init__(
        self,
        url: str,
        app_secret: str = DEMO_APP.secret,
        *,
        clock: Callable[[], float] = time.time,
        transport: Transport = _post,
        background: bool = True,
        retry: webhooks.RetryPolicy | None = None,
    ):
        self.url, self.app_secret, self.clock, self.transport, self.background = url, app_secret, clock, transport, background
        self.retry = retry  # None: one try each (tests); python -m mockgraph retries as Meta does (webhooks.RetryPolicy)
        self.deliveries: list[tuple[dict, Any]] = []  # (payload, what the transport returned or the error's type)
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    def send(self, payloads: list[dict]) -> None:
        if not self.background:
            self._deliver(payloads)
            return
        thread = threading.Thread(target=self._deliver, args=(payloads,), name="mockgraph-status", daemon=True)
        with self._lock:
            self._threads.append(thread)
        thread.start()

    def _deliver(self, payloads: list[dict]) -> None:
        for payload in payloads:
            delays = self.retry.delays() if self.retry else iter(())
            while True:
                try:
                    outcome = self.transport(self.url, payload, self.app_secret)
                except Exception as exc:  # an unreachable receiver must not break the mock
                    outcome = type(exc).__name__
                with self._lock:
                    self.deliveries.append((payload, outcome))
                delay = next(delays, None) if outcome != 200 else None  # Meta: retried until a 200
                if delay is None:
                    break
                time.sleep(delay)

    def wait(self, timeout: float = 5) -> bool:
        """Block until every scheduled delivery is done; False if some are still running."""
        stop_at = time.monotonic() + timeout
        with self._lock:
            threads = list(self._threads)
        for thread in threads:
            thread.join(max(0.0, stop_at - time.monotonic()))
        return not any(t.is_alive() for t in threads)


def drilled_code(digits: str, prefix: str) -> int | None:
    rest = digits[len(prefix) :]
    return int(rest) if digits.startswith(prefix) and rest.isdigit() and len(rest) <= 7 else None


def error_rows(data: dict) -> dict[int, dict]:
    return {row["code"]: row for row in data["graph_errors"]}


def status_error(row: dict) -> dict:
    """One `errors[]` entry of a failed status (Meta: `message` repeats the title)."""
    return {
        "code": row["code"],
        "title": row["title"],
        "message": row["title"],
        "error_data": {"details": row["meta_text"]},
        "href": ERROR_CODES_PAGE,
    }


def status_entry(message_id: str, recipient: str, status: str, timestamp: int, row: dict | None = None) -> dict:
    entry: dict[str, Any] = {"id": message_id, "status": status, "timestamp": str(timestamp), "recipient_id": recipient}
    if row is not None:
        entry["errors"] = [status_error(row)]
    else:
        # Per-message pricing (PMP) as Meta reports it on delivered sends; the demo template is utility.
        entry["pricing"] = {"billable": True, "pricing_model": "PMP", "category": "utility"}
    return entry


def status_event(phone_id: str, waba: str, entry: dict) -> dict:
    """A whole `messages` notification carrying one status, like Meta sends each one."""
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550100001", "phone_number_id": phone_id},
        "statuses": [entry],
    }
    return {"object": "whatsapp_business_account", "entry": [{"id": waba, "changes": [{"value": value, "field": "messages"}]}]}


def channel(mock) -> StatusWebhooks | None:
    """The mock's status webhook destination, if any (set in code, or from the environment)."""
    configured = getattr(mock, "status_webhooks", None)
    if configured is None and os.environ.get(URL_VARIABLE):
        configured = mock.status_webhooks = StatusWebhooks(
            os.environ[URL_VARIABLE], retry=webhooks.RetryPolicy.from_environment()
        )
    return configured


def check_drill(call: Call, digits: str) -> None:
    """One of GraphMock.message_checks: answer a response drill with its error, refuse a drill for
    a code the guide does not have or that never arrives the drilled way."""
    mock = call.mock
    for prefix, ways, other in (
        (RESPONSE_DRILL, ARRIVES_IN_RESPONSE, WEBHOOK_DRILL),
        (WEBHOOK_DRILL, ARRIVES_BY_WEBHOOK, RESPONSE_DRILL),
    ):
        code = drilled_code(digits, prefix)
        if code is None:
            continue
        row = error_rows(mock.data).get(code)
        if row is None:
            raise GraphError(
                100,
                f"(#100) mockgraph drill: code {code} is not in the guide's error table",
                details="Drill only codes from data/guide.yaml.",
            )
        if row["arrives"] == "incoming_message":  # no send can produce it: it comes with a user's message
            raise GraphError(
                100,
                f"(#100) mockgraph drill: code {code} arrives with an incoming message, not as the result of a send",
                details=f"Code {code} arrives with an incoming message (messages[].errors).",
            )
        if row["arrives"] not in ways:
            raise GraphError(
                100,
                f"(#100) mockgraph drill: the guide says code {code} arrives by {row['arrives']}; send to +{other}{code} instead",
                details=f"Code {code} arrives by {row['arrives']}.",
            )
        if prefix == RESPONSE_DRILL:
            raise GraphError(code, f"(#{code}) {row['title']}", details=row["meta_text"])


def after_accept(call: Call, result: dict) -> None:
    """One of GraphMock.message_listeners: report an accepted send's outcome by status webhook, if a
    destination is set. A webhook drill fails with its code; any other message is sent, delivered and read."""
    mock, phone_id, waba = call.mock, call.ids["phone-number-id"], call.waba or ""
    digits = result["contacts"][0]["wa_id"]
    destination = channel(mock)
    if destination is None:
        return
    message_id = result["messages"][0]["id"]
    now = int(destination.clock())
    code = drilled_code(digits, WEBHOOK_DRILL)
    if code is not None:
        entries = [status_entry(message_id, digits, "failed", now, error_rows(mock.data)[code])]
    else:
        entries = [status_entry(message_id, digits, status, now + i) for i, status in enumerate(("sent", "delivered", "read"))]
    destination.send([status_event(phone_id, waba, entry) for entry in entries])
