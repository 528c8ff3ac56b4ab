"""The inbox contract, the same on SQLite (snippets/webhook_inbox.py) and PostgreSQL
(snippets/webhook_inbox_pg.py): an event is stored once per key however often it arrives, a claimed
event is not handed to a second worker, a failure comes back after its backoff, the last one
becomes a dead letter, and a replay makes it due again."""

from __future__ import annotations

import time

import pytest

from mockgraph import webhooks
from snippets.webhook_events import parse_event
from snippets.webhook_inbox import SQLiteInbox

pytestmark = pytest.mark.examples


@pytest.fixture(params=["sqlite", "postgres"])
def inbox(request, tmp_path):
    if request.param == "sqlite":
        store = SQLiteInbox(str(tmp_path / "inbox.sqlite3"))
    else:
        from snippets.webhook_inbox_pg import PostgresInbox

        store = PostgresInbox(request.getfixturevalue("postgres_dsn"))
    yield store
    store.close()


def notification(n: int) -> tuple[bytes, list]:
    payload = webhooks.text_message_event(f"message {n}", timestamp=1767225600 + n)
    return b"{}", parse_event(payload)


def test_an_event_is_stored_once_however_often_it_arrives(inbox):
    body, events = notification(1)
    assert inbox.append(body, events) == 1
    assert inbox.append(body, events) == 0  # Meta's redelivery, or a duplicate
    claim = inbox.claim()
    assert claim is not None and claim.event == events[0] and claim.tries == 1
    claim.done()
    assert inbox.claim() is None
    assert inbox.append(body, events) == 0  # even after it was handled


def test_a_claimed_event_goes_to_one_worker_only(inbox):
    import threading

    for n in range(20):
        inbox.append(*notification(n))
    claimed, lock = [], threading.Lock()

    def worker():
        while (claim := inbox.claim()) is not None:
            with lock:
                claimed.append(claim.event.key)
            claim.done()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(claimed) == sorted({e.key for n in range(20) for e in notification(n)[1]})


def test_a_failure_comes_back_after_its_backoff_then_dead_letters_are_listed_and_replayed(inbox):
    body, events = notification(2)
    inbox.append(body, events)
    claim = inbox.claim()
    claim.failed("RuntimeError", retry_in=0.3, dead=False)
    assert inbox.claim() is None  # not before its backoff
    time.sleep(0.4)
    claim = inbox.claim()
    assert claim is not None and claim.tries == 2
    claim.failed("RuntimeError", retry_in=0, dead=True)
    assert inbox.claim() is None
    assert inbox.dead_letters() == [{"key": events[0].key, "kind": "message", "tries": 2, "error": "RuntimeError"}]
    assert inbox.replay(["not-a-key"]) == 0
    assert inbox.replay([events[0].key]) == 1
    claim = inbox.claim()
    assert claim is not None and claim.tries == 1 and inbox.dead_letters() == []
    claim.done()
