"""The webhook inbox on PostgreSQL, for several receivers behind one load balancer (needs psycopg 3:
`pip install "psycopg[binary]"`; copied beside webhook_receiver.py, used for `--inbox postgresql://...`).

Same methods as webhook_inbox.SQLiteInbox. A worker claims an event with SELECT ... FOR UPDATE SKIP
LOCKED and keeps that row locked, in its own transaction, while the hook runs: the other workers,
in this process or another receiver, skip it. If the process dies, PostgreSQL ends the transaction
and the event is due again at once; done() and failed() commit.
"""

from __future__ import annotations

import json
import queue
import threading
from typing import Any

import psycopg

try:
    from .webhook_events import Event
    from .webhook_inbox import Claim
except ImportError:  # run as a script beside the other files
    from webhook_events import Event  # type: ignore[no-redef,import-not-found]
    from webhook_inbox import Claim  # type: ignore[no-redef,import-not-found]

SCHEMA = """
CREATE TABLE IF NOT EXISTS webhook_deliveries (
    id bigserial PRIMARY KEY, received_at timestamptz NOT NULL DEFAULT now(), body bytea NOT NULL);
CREATE TABLE IF NOT EXISTS webhook_events (
    seq bigserial PRIMARY KEY,
    key text NOT NULL UNIQUE,
    kind text NOT NULL, id text NOT NULL, field text NOT NULL, data jsonb NOT NULL,
    delivery bigint NOT NULL REFERENCES webhook_deliveries(id),
    state text NOT NULL DEFAULT 'pending',
    tries integer NOT NULL DEFAULT 0,
    due timestamptz NOT NULL DEFAULT now(),
    last_error text);
CREATE INDEX IF NOT EXISTS webhook_events_pending ON webhook_events (seq) WHERE state = 'pending';
"""


class PostgresInbox:
    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self._local = threading.local()
        self._all: list[psycopg.Connection] = []
        self._lock = threading.Lock()
        self._idle: queue.SimpleQueue[psycopg.Connection] = queue.SimpleQueue()  # connections for append()
        with psycopg.connect(dsn, autocommit=True) as db:
            db.execute("SELECT pg_advisory_lock(4242)")  # two receivers starting at once: one creates the tables
            db.execute(SCHEMA)
            db.execute("SELECT pg_advisory_unlock(4242)")

    def _db(self) -> psycopg.Connection:
        """This worker thread's connection: its open transaction holds the claimed row's lock."""
        db = getattr(self._local, "db", None)
        if db is None or db.closed:
            db = self._local.db = self._connect()
        return db

    def _connect(self) -> psycopg.Connection:
        db = psycopg.connect(self.dsn)
        with self._lock:
            self._all.append(db)
        return db

    def append(self, body: bytes, events: list[Event]) -> int:
        """Store the notification and its events in one committed transaction. The HTTP server runs
        each request on a new thread: appends borrow a connection from a small pool instead."""
        try:
            db = self._idle.get_nowait()
        except queue.Empty:
            db = self._connect()
        try:
            return self._append(db, body, events)
        finally:
            if not db.closed:
                self._idle.put(db)

    def _append(self, db: psycopg.Connection, body: bytes, events: list[Event]) -> int:
        with db.transaction():
            delivery = db.execute("INSERT INTO webhook_deliveries (body) VALUES (%s) RETURNING id", (body,)).fetchone()
            assert delivery is not None  # noqa: S101 - INSERT ... RETURNING always returns the row
            new = 0
            for e in events:
                cursor = db.execute(
                    "INSERT INTO webhook_events (key, kind, id, field, data, delivery) VALUES (%s, %s, %s, %s, %s, %s)"
                    " ON CONFLICT (key) DO NOTHING",
                    (e.key, e.kind, e.id, e.field, json.dumps(e.data), delivery[0]),
                )
                new += cursor.rowcount
        return new

    def claim(self) -> Claim | None:
        db = self._db()  # one connection per worker thread: its transaction holds the row lock
        row = db.execute(
            "SELECT seq, kind, key, id, field, data::text, tries + 1 FROM webhook_events"
            " WHERE state = 'pending' AND due <= now() ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED"
        ).fetchone()
        if row is None:
            db.rollback()
            return None
        seq, tries = row[0], row[6]

        def done() -> None:
            db.execute("UPDATE webhook_events SET state = 'done', tries = %s, last_error = NULL WHERE seq = %s", (tries, seq))
            db.commit()

        def failed(error: str, *, retry_in: float, dead: bool) -> None:
            db.execute(
                "UPDATE webhook_events SET state = %s, tries = %s, due = now() + make_interval(secs => %s), last_error = %s"
                " WHERE seq = %s",
                ("dead" if dead else "pending", tries, retry_in, error, seq),
            )
            db.commit()

        return Claim(Event(row[1], row[2], row[3], row[4], json.loads(row[5])), tries, done, failed)

    def dead_letters(self) -> list[dict[str, Any]]:
        db = self._db()
        rows = db.execute("SELECT key, kind, tries, last_error FROM webhook_events WHERE state = 'dead' ORDER BY seq").fetchall()
        db.rollback()
        return [{"key": k, "kind": kind, "tries": t, "error": err} for k, kind, t, err in rows]

    def replay(self, keys: list[str] | None = None) -> int:
        db = self._db()
        with db.transaction():
            if keys is None:
                cursor = db.execute("UPDATE webhook_events SET state = 'pending', tries = 0, due = now() WHERE state = 'dead'")
            else:
                cursor = db.execute(
                    "UPDATE webhook_events SET state = 'pending', tries = 0, due = now() WHERE state = 'dead' AND key = ANY(%s)",
                    (keys,),
                )
        return cursor.rowcount

    def counts(self) -> dict[str, int]:
        db = self._db()
        rows = db.execute("SELECT state, count(*) FROM webhook_events GROUP BY state").fetchall()
        db.rollback()
        return {state: n for state, n in rows}

    def close(self) -> None:
        with self._lock:
            for db in self._all:
                db.close()
            self._all.clear()
