"""Split a WhatsApp webhook notification into events, each with the key it is handled once by.

Standard library only; copied beside webhook_receiver.py. Meta may deliver the same notification
more than once (retries, and one copy per subscribed app), so every event carries a key that is the
same in every copy:

| kind                   | from                                          | key                            |
|------------------------|-----------------------------------------------|--------------------------------|
| message                | field `messages`, value.messages[]            | message:<id>                   |
| status                 | field `messages`, value.statuses[]            | status:<id>:<status>           |
| call                   | field `calls`, value.calls[] and .statuses[]  | call:<id>:<event or status>    |
| error                  | value.errors[] of any field                   | error:<digest>                 |
| the field's name       | any other field (templates, account, ...)     | <field>:<digest>               |

<digest> is SHA-256 over the WABA ID, the field and the JSON of the item with sorted keys: a copy
of the same notification gives the same digest. Meta does not say what to deduplicate on; the
message ID (and ID + status for statuses) is what integrators use.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any


class MalformedEvent(ValueError):
    """A signed event without the shape this receiver reads. The text names the field, never its content."""


@dataclass(frozen=True)
class Event:
    kind: str  # message, status, call, error, or the webhook field's name
    key: str  # what the event is handled once by (see the table above)
    id: str  # the message, status or call ID; the digest for the other kinds
    field: str  # changes[].field
    data: dict[str, Any]  # the item itself (for other fields: the whole value)

    @property
    def status(self) -> str | None:
        return self.data.get("status") if self.kind == "status" else None


def _digest(*parts: Any) -> str:
    text = json.dumps(parts, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _items(value: dict[str, Any], key: str, where: str, required: tuple[str, ...]) -> list[dict[str, Any]]:
    items = value.get(key, [])
    if not isinstance(items, list):
        raise MalformedEvent(f"{where}.{key} is not a list")
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not all(isinstance(item.get(field), str) for field in required):
            raise MalformedEvent(f"{where}.{key}[{index}] lacks {' or '.join(required)}")
    return items


def _change_events(waba: str, field: str, value: dict[str, Any], where: str) -> list[Event]:
    events: list[Event] = []
    for error in _items(value, "errors", where, ()):
        digest = _digest(waba, field, error)
        events.append(Event("error", f"error:{digest}", digest, field, error))
    if field == "messages":
        for message in _items(value, "messages", where, ("id", "type")):
            events.append(Event("message", f"message:{message['id']}", message["id"], field, message))
        for status in _items(value, "statuses", where, ("id", "status")):
            events.append(Event("status", f"status:{status['id']}:{status['status']}", status["id"], field, status))
    elif field == "calls":
        # Call events and call statuses (RINGING, ACCEPTED...) are calls, never message statuses.
        for call in _items(value, "calls", where, ("id",)) + _items(value, "statuses", where, ("id",)):
            what = call.get("event") or call.get("status") or ""
            events.append(Event("call", f"call:{call['id']}:{what}", call["id"], field, call))
    else:
        digest = _digest(waba, field, value)
        events.append(Event(field, f"{field}:{digest}", digest, field, value))
    return events


def parse_event(payload: Any) -> list[Event]:
    """Every event of a notification, in order, each item checked before anything is stored."""
    if not isinstance(payload, dict) or not isinstance(payload.get("entry"), list):
        raise MalformedEvent("the event has no entry list")
    events: list[Event] = []
    for e, entry in enumerate(payload["entry"]):
        changes = entry.get("changes") if isinstance(entry, dict) else None
        if not isinstance(changes, list):
            raise MalformedEvent(f"entry[{e}] has no changes list")
        waba = str(entry.get("id", ""))
        for c, change in enumerate(changes):
            value = change.get("value") if isinstance(change, dict) else None
            field = change.get("field") if isinstance(change, dict) else None
            if not isinstance(value, dict) or not isinstance(field, str) or not field:
                raise MalformedEvent(f"entry[{e}].changes[{c}] lacks a value object or a field name")
            events += _change_events(waba, field, value, f"entry[{e}].changes[{c}].value")
    return events
