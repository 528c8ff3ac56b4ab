"""The webhook receiver's durable inbox on SQLite (standard library only; copied beside webhook_receiver.py).

The receiver appends each verified notification here, and only then answers 200: once append()
returns, the event is on disk (WAL journal, synchronous=FULL: the commit is fsynced). Workers claim
events one at a time, handle them and mark them done; an event is stored once per key, so Meta's
redeliveries and duplicates are never handled twice. One receiver process per file (a lock file
enforces it): for several receivers sharing one inbox, use webhook_inbox_pg.py, which has the same
methods.

    inbox = SQLiteInbox("webhook-inbox.sqlite3")
    inbox.append(body, events)            # the HTTP thread, before answering 200
    claim = inbox.claim()                 # a worker: the next due event, or None
    claim.done()  |  claim.failed(error, retry_in=seconds, dead=False)
    inbox.dead_letters(); inbox.replay(keys)   # the operator's commands
"""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

try:
    from .webhook_events import Event
except ImportError:  # run as a script beside webhook_events.py
    from webhook_events import Event  # type: ignore[no-redef,import-not-found]

SCHEMA = """
CREATE TABLE IF NOT EXISTS deliveries (
    id INTEGER PRIMARY KEY, received_at REAL NOT NULL, body BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY,            -- arrival order
    key TEXT NOT NULL UNIQUE,           -- handled once per key (webhook_events.py)
    kind TEXT NOT NULL, id TEXT NOT NULL, field TEXT NOT NULL, data TEXT NOT NULL,
    delivery INTEGER NOT NULL REFERENCES deliveries(id),
    state TEXT NOT NULL DEFAULT 'pending',   -- pending, done, dead
    tries INTEGER NOT NULL DEFAULT 0,
    due REAL NOT NULL DEFAULT 0,        -- not before (backoff)
    claimed INTEGER NOT NULL DEFAULT 0, -- a worker of this process holds it
    last_error TEXT);
CREATE INDEX IF NOT EXISTS events_pending ON events(state, claimed, due, seq);
"""


@dataclass
class Claim:
    """One event a worker holds. Call done() or failed() exactly once."""

    event: Event
    tries: int  # including this one
    done: Callable[[], None]
    failed: Callable[..., None]  # (error: str, *, retry_in: float, dead: bool)


def event_from_row(kind: str, key: str, id_: str, field: str, data: str) -> Event:
    return Event(kind, key, id_, field, json.loads(data))


class _Append:
    def __init__(self, body: bytes, events: list[Event]) -> None:
        self.body, self.events = body, events
        self.new = 0
        self.finished = False
        self.error: Exception | None = None

    def result(self) -> int:
        if self.error is not None:
            raise self.error
        return self.new


class SQLiteInbox:
    def __init__(self, path: str, *, lock: bool = True) -> None:
        self.path = path
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []  # every thread's connection, for close()
        self._guard = threading.Lock()
        self._writer: sqlite3.Connection | None = None  # appends: one connection, one writer at a time
        self._appending = threading.Condition()
        self._queue: list[_Append] = []
        self._writing = False
        self._lock_file = None
        if lock:  # the operator's list/replay commands open it without the lock, beside a running receiver
            self._lock_file = open(path + ".lock", "a")  # noqa: SIM115 - held for the process's life
            try:
                fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise SystemExit(
                    f"Another receiver is using {path}. One process per SQLite inbox; to run several, use PostgreSQL."
                ) from None
        db = self._db()
        db.executescript(SCHEMA)
        if lock:  # we are the only receiver: whatever a killed process held is due again
            with db:
                db.execute("UPDATE events SET claimed = 0 WHERE claimed = 1")

    def _db(self) -> sqlite3.Connection:
        """This worker thread's connection. synchronous=NORMAL: a claim or a done mark lost to a power
        cut only makes an event run again, which idempotent hooks allow; appends are FULL (below)."""
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = self._connect("NORMAL")
        return db

    def _connect(self, synchronous: str) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute(f"PRAGMA synchronous={synchronous}")
        db.execute("PRAGMA busy_timeout=30000")
        with self._guard:
            self._all.append(db)
        return db

    def append(self, body: bytes, events: list[Event]) -> int:
        """Store the raw notification and its events; return how many events were new. When this
        returns, the commit is on disk (synchronous=FULL). Requests arriving together share one
        commit (group commit): the first becomes the writer for all that wait, so a burst costs
        one disk flush, not one each."""
        job = _Append(body, events)
        with self._appending:
            self._queue.append(job)
            while not job.finished:
                if not self._writing:  # become the writer for everything queued so far
                    self._writing, batch, self._queue = True, self._queue, []
                    break
                self._appending.wait()
            else:
                return job.result()  # another request's writer stored it
        try:
            self._write(batch)
        finally:
            with self._appending:
                self._writing = False
                self._appending.notify_all()
        return job.result()

    def _write(self, batch: list[_Append]) -> None:
        try:
            if self._writer is None:  # inside the try: a failed connect must fail the batch, not skip it
                self._writer = self._connect("FULL")
            with self._writer as db:
                db.execute("BEGIN IMMEDIATE")
                for job in batch:
                    values = (time.time(), job.body)
                    delivery = db.execute("INSERT INTO deliveries (received_at, body) VALUES (?, ?)", values).lastrowid
                    for e in job.events:
                        cursor = db.execute(
                            "INSERT OR IGNORE INTO events (key, kind, id, field, data, delivery) VALUES (?, ?, ?, ?, ?, ?)",
                            (e.key, e.kind, e.id, e.field, json.dumps(e.data), delivery),
                        )
                        job.new += cursor.rowcount
        except Exception as exc:  # not stored: every request in the batch answers 503, Meta delivers again
            for job in batch:
                job.error = exc
        finally:  # whatever happened, no request waits for a batch nobody will write
            for job in batch:
                job.finished = True

    def claim(self) -> Claim | None:
        db = self._db()
        with db:
            db.execute("BEGIN IMMEDIATE")
            row = db.execute(
                "UPDATE events SET claimed = 1, tries = tries + 1 WHERE seq = (SELECT seq FROM events"
                " WHERE state = 'pending' AND claimed = 0 AND due <= ? ORDER BY seq LIMIT 1)"
                " RETURNING seq, kind, key, id, field, data, tries",
                (time.time(),),
            ).fetchone()
        if row is None:
            return None
        seq, tries = row[0], row[6]

        def done() -> None:
            with self._db() as db:
                db.execute("UPDATE events SET state = 'done', claimed = 0, last_error = NULL WHERE seq = ?", (seq,))

        def failed(error: str, *, retry_in: float, dead: bool) -> None:
            with self._db() as db:
                db.execute(
                    "UPDATE events SET state = ?, claimed = 0, due = ?, last_error = ? WHERE seq = ?",
                    ("dead" if dead else "pending", time.time() + retry_in, error, seq),
                )

        return Claim(event_from_row(*row[1:6]), tries, done, failed)

    def dead_letters(self) -> list[dict[str, Any]]:
        rows = self._db().execute("SELECT key, kind, tries, last_error FROM events WHERE state = 'dead' ORDER BY seq")
        return [{"key": k, "kind": kind, "tries": t, "error": err} for k, kind, t, err in rows]

    def replay(self, keys: list[str] | None = None) -> int:
        """Make dead letters due again with a fresh count of tries (all of them if keys is None)."""
        with self._db() as db:
            again = "UPDATE events SET state = 'pending', tries = 0, due = 0 WHERE state = 'dead'"
            if keys is None:
                return db.execute(again).rowcount
            return sum(db.execute(again + " AND key = ?", (k,)).rowcount for k in keys)

    def counts(self) -> dict[str, int]:
        return dict(self._db().execute("SELECT state, count(*) FROM events GROUP BY state").fetchall())

    def close(self) -> None:
        with self._guard:
            for db in self._all:
                db.close()
            self._all.clear()
        if self._lock_file is not None:
            self._lock_file.close()


def default_path() -> str:
    return os.path.join(os.getcwd(), "webhook-inbox.sqlite3")
