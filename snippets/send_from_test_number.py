"""Send the hello_world template from the App Dashboard's test number, and say clearly when the
recipient is not on the test number's allowed list (error 131030).

For first experiments only: production sends go through your registered business number (see
the Quick Start's sender). Like that sender, it POSTs once and never repeats a message that may
have gone out.

Copy graph_call.py, graph_http.py, graph_errors.py and graph_error_actions.json beside this file.
Needs Python 3.10+ and requests.
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


class SendFailed(graph_errors.GraphFailure):
    """The message was not accepted. `decision` is graph_errors' verdict on Graph's error (None when
    Graph gave none), `code` its error code. Never contains the token. When the message may have
    gone out, graph_errors.MayHaveTakenEffect is raised instead: its status webhook tells."""


class RecipientNotAllowed(SendFailed):
    """The test number may only send to numbers added and confirmed under API Setup > To."""


# --8<-- [start:send]
_MAYBE, _CHECK = "The message may have been sent.", "Check its status webhook before sending again."


def send_hello_world(
    phone_number_id: str, to: str, token: str, *, base_url: str = DEFAULT_BASE_URL, deadline: float = DEFAULT_DEADLINE
) -> str:
    """Send the hello_world template once; return the message ID Graph assigned.

    Raises SendFailed (not sent; RecipientNotAllowed for 131030) or graph_errors.MayHaveTakenEffect
    (no clear answer: do not send it again blindly)."""
    payload = {
        "messaging_product": "whatsapp",
        "to": to,
        "type": "template",
        "template": {"name": "hello_world", "language": {"code": "en_US"}},
    }
    failure: graph_errors.GraphFailure | None = None
    try:
        body = graph_call.call(
            "POST", f"/{phone_number_id}/messages", token=token, json=payload, base_url=base_url, deadline=deadline
        )
    except graph_errors.GraphFailure as exc:
        if isinstance(exc, graph_errors.MayHaveTakenEffect):
            failure = exc.recast(graph_errors.MayHaveTakenEffect, f"{_MAYBE} {exc} {_CHECK}")
        elif exc.code == NOT_IN_ALLOWED_LIST:
            failure = exc.recast(
                RecipientNotAllowed,
                f"{to} is not on the test number's allowed list: add it under API Setup > To and confirm "
                "the code WhatsApp sends it, or send from your registered business number.",
            )
        else:
            failure = exc.recast(SendFailed, f"Not sent. {exc}")
    if failure:
        raise failure  # outside `except`: nothing is chained
    messages = body.get("messages")
    first = messages[0] if isinstance(messages, list) and messages else None
    message_id = first.get("id") if isinstance(first, dict) else None
    if not isinstance(message_id, str) or not message_id:
        raise graph_errors.MayHaveTakenEffect(f"{_MAYBE} Graph's answer has no message ID. {_CHECK}")
    return message_id


# --8<-- [end:send]


def main(environ: dict[str, str]) -> int:
    """Send to WHATSAPP_TEST_RECIPIENT from WHATSAPP_PHONE_NUMBER_ID; credentials from `environ`."""

    def send(settings: dict[str, str]) -> str:
        phone, to, token = settings["WHATSAPP_PHONE_NUMBER_ID"], settings["WHATSAPP_TEST_RECIPIENT"], settings["WHATSAPP_TOKEN"]
        return f"Sent: {send_hello_world(phone, to, token, base_url=settings['GRAPH_API_BASE'])}"

    return graph_call.run_script(environ, ("WHATSAPP_TOKEN", "WHATSAPP_PHONE_NUMBER_ID", "WHATSAPP_TEST_RECIPIENT"), send)


if __name__ == "__main__":
    sys.exit(main(dict(os.environ)))
