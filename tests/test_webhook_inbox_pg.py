"""snippets/webhook_inbox_pg.py on a real PostgreSQL server: several receivers share one inbox.
A worker's claim is a row lock (FOR UPDATE SKIP LOCKED): another receiver skips it while the hook
runs, and gets it at once when the holder's process dies. The contract both inboxes keep:
test_webhook_inbox.py; two receivers killed and restarted: test_webhook_faults.py."""

from __future__ import annotations

import time

import pytest

from mockgraph import webhooks
from snippets.webhook_events import parse_event

pytestmark = pytest.mark.examples


def test_receivers_sharing_one_inbox_skip_each_others_claims_and_inherit_a_dead_ones(postgres_dsn):
    from snippets.webhook_inbox_pg import PostgresInbox

    first, second = PostgresInbox(postgres_dsn), PostgresInbox(postgres_dsn)  # two receivers
    try:
        events = parse_event(webhooks.batch([webhooks.text_message_event(f"m{n}", timestamp=n) for n in range(2)]))
        first.append(b"{}", events)
        held = first.claim()
        assert held is not None and held.event == events[0]
        other = second.claim()
        assert other is not None and other.event == events[1]  # skipped the locked one
        other.done()
        assert second.claim() is None
        first.close()  # the first receiver dies with the hook running: its transaction ends
        deadline, again = time.monotonic() + 10, None
        while again is None and time.monotonic() < deadline:  # the server ends the session within moments
            again = second.claim()
            time.sleep(0.05)
        assert again is not None and again.event == events[0]
        again.done()
    finally:
        second.close()
