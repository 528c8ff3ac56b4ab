"""Errors that arrive with a message the user sent, not as the fate of a message you sent.

Meta could not fetch media a user sent (131052): the `messages` webhook then carries the incoming
message with an `errors[]` list instead of its content. The shape is Meta's OpenAPI
`UnsupportedMessage` example (a `messages[]` entry whose `errors[]` holds code, title, message
and error_data.details; the spec's schema for it is not usable, it reuses the outbound fields).
Meta's error-codes page says to read the details in the messages webhook.
"""

from __future__ import annotations

from mockgraph import demo, status_webhooks

# The demo customer who sent the media (a number on the test number's allowed list).
SENDER = "15550100123"


def event(row: dict, timestamp: float) -> dict:
    """A whole `messages` notification: one incoming message that carries the row's error."""
    # Meta's example error here has no href (a failed status's errors[] entry does).
    error = {key: value for key, value in status_webhooks.status_error(row).items() if key != "href"}
    message = {
        "from": SENDER,
        "id": "wamid.incoming-" + str(row["code"]),
        "timestamp": str(int(timestamp)),
        "type": "unsupported",
        "errors": [error],
    }
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550100001", "phone_number_id": demo.OWN_PHONE},
        "contacts": [{"profile": {"name": "Demo Customer"}, "wa_id": SENDER}],
        "messages": [message],
    }
    change = {"value": value, "field": "messages"}
    return {"object": "whatsapp_business_account", "entry": [{"id": demo.OWN_WABA, "changes": [change]}]}
