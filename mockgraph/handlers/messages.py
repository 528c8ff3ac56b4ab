"""POST /{phone-number-id}/messages: text and template messages, the 24-hour window, send limits."""

from __future__ import annotations

import base64
import hashlib
import re

from mockgraph import demo
from mockgraph.call import Call, require
from mockgraph.errors import GraphError


def send_message(call: Call) -> dict:
    body = call.json_body()
    if require(body, "messaging_product") != "whatsapp":
        raise GraphError(100, "(#100) Param messaging_product must be whatsapp", details="messaging_product must be whatsapp.")
    to = str(require(body, "to"))
    kind = body.get("type", "text")
    if kind == "text":
        require(body, "text", "body")
    elif kind == "template":
        name = str(require(body, "template", "name"))
        language = str(require(body, "template", "language", "code"))
        if (name, language) not in call.mock.templates:
            raise GraphError(
                132001,
                "(#132001) Template name does not exist in the translation",
                details=f"template name ({name}) does not exist in {language}",
            )
    else:
        raise GraphError(
            100,
            f"(#100) Param type is not supported by mockgraph: {kind}",
            details="mockgraph supports text and template messages.",
        )
    digits = re.sub(r"\D", "", to)
    for check in call.mock.message_checks:  # e.g. the test number's allow list, the error drills
        check(call, digits)
    if kind == "text" and digits not in demo.RECENT_WRITERS:
        # Facts §4: more than 24 h since the customer last replied: only a template may go out.
        raise GraphError(
            131047,
            "(#131047) Re-engagement message",
            details="Message failed to send because more than 24 hours have passed since the "
            "customer last replied to this number.",
        )
    phone_id = call.ids["phone-number-id"]
    call.mock.send_limits.check(phone_id, digits)
    message_id = "wamid." + base64.b64encode(hashlib.sha256(f"{phone_id}:{to}".encode()).digest()[:24]).decode()
    message: dict[str, str] = {"id": message_id}
    if kind == "template":
        message["message_status"] = "accepted"
    answer = {"messaging_product": "whatsapp", "contacts": [{"input": to, "wa_id": digits}], "messages": [message]}
    for listener in call.mock.message_listeners:
        listener(call, answer)
    return answer
