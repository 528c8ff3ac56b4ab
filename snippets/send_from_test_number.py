"""Send the hello_world template from the App Dashboard's test number, and say clearly when the
recipient is not on the test number's allowed list (error 131030).

For first experiments only: production sends go through your registered business number (see
the Quick Start's sender). Like that sender, it POSTs once and never repeats a message that may
have gone out.

Copy graph_call.py, graph_http.py, graph_errors.py and graph_error_actions.json beside this file.
Needs Python 3.9+ and requests.
"""

from __future__ import annotations

import os
import sys

try:  # imported as a package module (from snippets import send_from_test_number)
    from . import graph_call, graph_errors, graph_http
except ImportError:  # run as a script beside its siblings (python send_from_test_number.py)
    import graph_call  # type: ignore[no-redef,import-not-found]
    import graph_errors  # type: ignore[no-redef,import-not-found]
    import graph_http  # type: ignore[no-redef,import-not-found]

DEFAULT_BASE_URL = graph_http.DEFAULT_BASE_URL
DEFAULT_DEADLINE = 15.0  # seconds
# The one code this example explains in its own words; every other code goes to the classifier.
NOT_IN_ALLOWED_LIST = 131030


class SendFailed(RuntimeError):
    """The message was not accepted. `decision` is graph_errors' verdict on Graph's error (None when
    Graph gave none), `code` its error code. Never contains the token."""

    def __init__(self, message: str, decision: graph_errors.Decision | None = None) -> None:
        super().__init__(message)
        self.decision = decision
        self.code = decision.code if decision else None


class RecipientNotAllowed(SendFailed):
    """The test number may only send to numbers added and confirmed under API Setup > To."""


class MaybeSent(RuntimeError):
    """The message may have gone out: do not send it again blindly; its status webhook tells."""


# --8<-- [start:send]
def send_hello_world(
    phone_number_id: str, to: str, token: str, *, base_url: str = DEFAULT_BASE_URL, deadline: float = DEFAULT_DEADLINE
) -> str:
    """Send the hello_world template once; return the message ID Graph assigned.

    Raises SendFailed (not sent; RecipientNotAllowed for 131030) or MaybeSent (no clear answer)."""
    payload = {
        "messaging_product": "whatsapp",
        "to": to,
        "type": "template",
        "template": {"name": "hello_world", "language": {"code": "en_US"}},
    }
    failure: Exception | None = None
    try:
        body = graph_call.call(
            "POST", f"/{phone_number_id}/messages", token=token, json=payload, base_url=base_url, deadline=deadline
        )
    except graph_call.CallFailed as exc:
        if exc.may_have_acted:
            failure = MaybeSent(f"The message may have been sent. {exc} Check its status webhook before sending again.")
        elif exc.decision and exc.decision.code == NOT_IN_ALLOWED_LIST:
            failure = RecipientNotAllowed(
                f"{to} is not on the test number's allowed list: add it under API Setup > To and confirm "
                "the code WhatsApp sends it, or send from your registered business number.",
                exc.decision,
            )
        else:
            failure = SendFailed(f"Not sent. {exc}", exc.decision)
    if failure:
        raise failure  # outside `except`: nothing is chained
    messages = body.get("messages")
    first = messages[0] if isinstance(messages, list) and messages else None
    message_id = first.get("id") if isinstance(first, dict) else None
    if not isinstance(message_id, str) or not message_id:
        raise MaybeSent(
            "The message may have been sent: Graph's answer has no message ID. Check its status webhook before sending again."
        )
    return message_id


# --8<-- [end:send]


def main(environ: dict[str, str]) -> int:
    """Send to WHATSAPP_TEST_RECIPIENT from WHATSAPP_PHONE_NUMBER_ID; credentials from `environ`."""
    names = ("WHATSAPP_TOKEN", "WHATSAPP_PHONE_NUMBER_ID", "WHATSAPP_TEST_RECIPIENT")
    missing = [n for n in names if not environ.get(n)]
    if missing:
        print(f"Set {', '.join(missing)} in the environment first.", file=sys.stderr)
        return 2
    try:
        message_id = send_hello_world(
            environ["WHATSAPP_PHONE_NUMBER_ID"],
            environ["WHATSAPP_TEST_RECIPIENT"],
            environ["WHATSAPP_TOKEN"],
            base_url=environ.get("GRAPH_API_BASE") or DEFAULT_BASE_URL,
        )
    except (SendFailed, MaybeSent) as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"Sent: {message_id}")
    return 0


if __name__ == "__main__":
    sys.exit(main(dict(os.environ)))
