"""Send the hello_world template from the App Dashboard's test number, and say clearly when the
recipient is not on the test number's allowed list (error 131030).

Needs Python 3.9+ and requests. For first experiments only: production sends go through your
registered business number (see the Quick Start's sender).
"""

from __future__ import annotations

import os
import sys
from typing import Any

import requests
from urllib3.util import Timeout

GRAPH_BASE, GRAPH_VERSION = "https://graph.facebook.com", "/v26.0"
NOT_IN_ALLOWED_LIST = 131030


class SendFailed(RuntimeError):
    """The message was not accepted. Never contains the token."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


class RecipientNotAllowed(SendFailed):
    """The test number may only send to numbers added and confirmed under API Setup > To."""


# --8<-- [start:send]
def send_hello_world(phone_number_id: str, to: str, token: str, graph_base: str = GRAPH_BASE, deadline_s: float = 15.0) -> str:
    """Send the hello_world template; return the message ID Graph assigned."""
    payload = {
        "messaging_product": "whatsapp",
        "to": to,
        "type": "template",
        "template": {"name": "hello_world", "language": {"code": "en_US"}},
    }
    failure = None
    try:
        response = requests.post(
            f"{graph_base}{GRAPH_VERSION}/{phone_number_id}/messages",
            json=payload,
            headers={"Authorization": f"Bearer {token}"},
            # requests hands a urllib3 Timeout to urllib3 unchanged (its stubs only list float/tuple).
            timeout=Timeout(total=deadline_s, connect=min(5.0, deadline_s)),  # type: ignore[arg-type]
        )
    except requests.Timeout:
        failure = f"Graph did not answer within {deadline_s:.0f} s; the message may or may not have gone out"
    except requests.RequestException as exc:
        failure = f"could not reach Graph ({type(exc).__name__})"
    if failure:
        raise SendFailed(failure)
    try:
        body: Any = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise SendFailed(f"Graph answered HTTP {response.status_code} without a JSON object (a proxy or an outage?)")
    error = body.get("error")
    if isinstance(error, dict):
        code = error.get("code")
        details = (error.get("error_data") or {}).get("details") or error.get("message")
        if code == NOT_IN_ALLOWED_LIST:
            raise RecipientNotAllowed(
                f"{to} is not on the test number's allowed list: add it under API Setup > To and confirm "
                "the code WhatsApp sends it, or send from your registered business number.",
                code,
            )
        raise SendFailed(f"not sent (code {code}): {details}", code)
    return str(body["messages"][0]["id"])


# --8<-- [end:send]


def main() -> int:
    names = ("WHATSAPP_TOKEN", "WHATSAPP_PHONE_NUMBER_ID", "WHATSAPP_TEST_RECIPIENT")
    missing = [n for n in names if not os.environ.get(n)]
    if missing:
        print(f"Set {', '.join(missing)} in the environment first.", file=sys.stderr)
        return 2
    try:
        message_id = send_hello_world(
            os.environ["WHATSAPP_PHONE_NUMBER_ID"],
            os.environ["WHATSAPP_TEST_RECIPIENT"],
            os.environ["WHATSAPP_TOKEN"],
            graph_base=os.environ.get("GRAPH_API_BASE", GRAPH_BASE),
        )
    except SendFailed as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"Sent: {message_id}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
