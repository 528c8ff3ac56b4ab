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


def test_an_unfinished_claim_is_not_handed_out_again(tmp_path):
    """The same rule without thread timing, for SQLite's claimed flag: while one worker holds an
    event, the next claim gets the other one, and then there is nothing left to claim. (PostgreSQL's
    row locks hold per connection, one per worker thread: tests/test_webhook_inbox_pg.py.)"""
    inbox = SQLiteInbox(str(tmp_path / "inbox.sqlite3"))
    for n in (1, 2):
        inbox.append(*notification(n))
    first, second = inbox.claim(), inbox.claim()
    assert first is not None and second is not None
    assert {first.event.key, second.event.key} == {notification(n)[1][0].key for n in (1, 2)}
    assert inbox.claim() is None
    first.done()
    second.done()
    inbox.close()


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


def test_a_batch_whose_disk_connection_fails_answers_an_error_to_every_request_in_it(tmp_path, monkeypatch):
    """Group commit: requests waiting on one writer share its fate. When the writer cannot even open
    its connection, each of them must fail (the receiver answers 503, Meta delivers again): none may
    be answered as stored while nothing was written."""
    import sqlite3
    import threading

    store = SQLiteInbox(str(tmp_path / "inbox.sqlite3"))
    real, refusals = store._connect, [2]

    def connect(synchronous: str):
        if synchronous == "FULL" and refusals[0] > 0:
            refusals[0] -= 1
            time.sleep(0.3)  # long enough for the other requests to queue behind this writer
            raise sqlite3.OperationalError("database is locked")
        return real(synchronous)

    monkeypatch.setattr(store, "_connect", connect)
    outcome: dict[int, object] = {}

    def append(n: int) -> None:
        try:
            outcome[n] = store.append(*notification(n))
        except sqlite3.OperationalError as exc:
            outcome[n] = exc

    first = threading.Thread(target=append, args=(1,))
    first.start()
    time.sleep(0.1)
    others = [threading.Thread(target=append, args=(n,)) for n in (2, 3)]
    for thread in others:
        thread.start()
    for thread in [first, *others]:
        thread.join(10)
    stored = set()
    while (claim := store.claim()) is not None:
        stored.add(claim.event.id)
        claim.done()
    answered_stored = {notification(n)[1][0].id for n, result in outcome.items() if result == 1}
    assert len(outcome) == 3 and answered_stored == stored
    assert all(result == 1 or isinstance(result, sqlite3.OperationalError) for result in outcome.values()), outcome
    store.close()


def test_a_worker_whose_report_fails_lives_on_and_the_event_runs_again(tmp_path):
    """The handled line goes to stdout; a closed pipe (`| head`, a dead log collector) must not end
    the worker, nor leave the event held by a claim nobody will finish."""
    from snippets.webhook_worker import Hooks, Workers

    store = SQLiteInbox(str(tmp_path / "inbox.sqlite3"))
    handled, reports = [], []

    def report(event) -> None:
        reports.append(event.id)
        if len(reports) == 1:
            raise BrokenPipeError(32, "Broken pipe")

    workers = Workers(store, Hooks(on_message=lambda m: handled.append(m["id"])), 1, retry_base=0.01, report=report).start()
    try:
        body, events = notification(1)
        store.append(body, events)
        workers.wake()
        deadline = time.monotonic() + 5
        while len(reports) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert reports == [events[0].id, events[0].id], "the event was not handled again after its report failed"
        assert all(thread.is_alive() for thread in workers._threads)
        assert store.claim() is None  # done, not left claimed
    finally:
        workers.stop(5)
        store.close()
