"""snippets/webhook_events.py: the key each event is handled once by, the same in every copy Meta
sends, and different for different events."""

from __future__ import annotations

import json

import pytest

from mockgraph import webhooks
from snippets.webhook_events import MalformedEvent, parse_event

pytestmark = pytest.mark.examples


def test_keys_follow_the_documented_rule_and_survive_a_reserialised_copy():
    message = webhooks.text_message_event("Hi")
    status = {"id": "wamid.S", "status": "read", "timestamp": "1"}
    other = {"event": "APPROVED", "message_template_id": 7}
    payload = webhooks.batch(
        [
            message,
            {"entry": [{"id": "1", "changes": [{"field": "messages", "value": {"statuses": [status]}}]}]},
            {"entry": [{"id": "1", "changes": [{"field": "message_template_status_update", "value": other}]}]},
        ]
    )
    events = parse_event(payload)
    message_id = message["entry"][0]["changes"][0]["value"]["messages"][0]["id"]
    assert [e.key.split(":")[0] for e in events] == ["message", "status", "message_template_status_update"]
    assert events[0].key == f"message:{message_id}" and events[1].key == "status:wamid.S:read"
    copy = json.loads(json.dumps(payload, indent=2, sort_keys=True))  # same notification, other bytes
    assert [e.key for e in parse_event(copy)] == [e.key for e in events]
    changed = json.loads(json.dumps(payload))
    changed["entry"][1]["changes"][1]["value"]["event"] = "REJECTED"  # batch() put both WABA "1" changes in one entry
    assert parse_event(changed)[2].key != events[2].key


def test_a_change_without_a_field_is_refused_by_name():
    with pytest.raises(MalformedEvent, match=r"entry\[0\]\.changes\[0\] lacks a value object or a field name"):
        parse_event({"entry": [{"changes": [{"value": {}}]}]})
