"""POST /{phone-number-id}/messages: every message type of Meta's spec (checked against the spec's
schema for that type, mockgraph/spec.py), mark-as-read and the typing indicator, the 24-hour
window, send limits."""

from __future__ import annotations

import base64
import hashlib
import re

from mockgraph import demo, spec
from mockgraph.call import Call, require
from mockgraph.errors import GraphError

# Parameters Meta's message reference pages mark required that the spec's schemas leave optional
# (https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages: text.body; location
# latitude and longitude; reaction message_id; a contact's name.formatted_name).
GRAPH_REQUIRES: dict[str, tuple[tuple, ...]] = {
    "text": (("text", "body"),),
    "location": (("location", "latitude"), ("location", "longitude")),
    "reaction": (("reaction", "message_id"),),
    "contacts": (("contacts",),),
}


def send_message(call: Call) -> dict:
    body = call.json_body()
    if body.get("status") == "read":
        return mark_as_read(body)
    if require(body, "messaging_product") != "whatsapp":
        raise GraphError(100, "(#100) Param messaging_product must be whatsapp", details="messaging_product must be whatsapp.")
    to = str(require(body, "to"))
    kind = body.get("type", "text")  # Graph's default when type is left out
    validator = spec.message_validator(kind) if isinstance(kind, str) else None
    if validator is None:
        known = ", ".join(spec.message_types())
        raise GraphError(100, "(#100) Invalid parameter", details=f"Parameter 'type' is invalid: {kind!r} is not one of {known}.")
    spec.validate(validator, body)  # the spec's schema for this type: missing, unexpected or bad keys named
    for path in GRAPH_REQUIRES.get(kind, ()):  # what the spec leaves optional and Graph does not
        require(body, *path)
    if kind == "template":
        name = str(require(body, "template", "name"))
        language = str(require(body, "template", "language", "code"))
        if (name, language) not in call.mock.templates:
            raise GraphError(
                132001,
                "(#132001) Template name does not exist in the translation",
                details=f"template name ({name}) does not exist in {language}",
            )
    if kind == "contacts":
        for i, contact in enumerate(body["contacts"]):
            if not isinstance(contact, dict) or not (contact.get("name") or {}).get("formatted_name"):
                name = f"contacts[{i}]['name']['formatted_name']"
                raise GraphError(100, f"(#100) The parameter {name} is required", details=f"The parameter {name} is required.")
    digits = re.sub(r"\D", "", to)
    for check in call.mock.message_checks:  # e.g. the test number's allow list, the error drills
        check(call, digits)
    if kind != "template" and digits not in demo.RECENT_WRITERS:
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


def mark_as_read(body: dict) -> dict:
    """Mark a received message as read (`status: read` + `message_id`), optionally showing a typing
    indicator (`typing_indicator: {"type": "text"}`): Meta's "Send typing indicator and read receipt"
    example. The answer is {"success": true}, as Meta's mark-as-read reference shows."""
    if require(body, "messaging_product") != "whatsapp":
        raise GraphError(100, "(#100) Param messaging_product must be whatsapp", details="messaging_product must be whatsapp.")
    if not isinstance(require(body, "message_id"), str):
        raise GraphError(100, "(#100) Invalid parameter", details="Parameter 'message_id' is invalid: it must be a string.")
    indicator = body.get("typing_indicator")
    if indicator is not None and indicator != {"type": "text"}:
        raise GraphError(
            100, "(#100) Invalid parameter", details='Parameter \'typing_indicator\' is invalid: it must be {"type": "text"}.'
        )
    unexpected = sorted(set(body) - {"messaging_product", "status", "message_id", "typing_indicator", "recipient_type"})
    if unexpected:
        raise GraphError(
            100, f'(#100) Unexpected key "{unexpected[0]}" on param "body".', details="Mark-as-read takes message_id."
        )
    return {"success": True}
