"""Workers that take events from the webhook inbox and pass each to its hook (standard library only;
copied beside webhook_receiver.py).

Hooks (any you leave out are no-ops; `on_change` left out means other fields are logged, not stored):

- on_message(message)               each value.messages[] of the `messages` field
- on_status(status, decision)       each value.statuses[] of the `messages` field; for `failed`,
                                    decision = graph_errors.classify(status["errors"][0]), else None
- on_call(call)                     each value.calls[] and value.statuses[] of the `calls` field
- on_error(error)                   each value.errors[] of any field (errors not tied to one message)
- on_change(field, value)           every other field: templates, account, phone number, groups...

A hook that raises is tried again after a backoff (RETRY_BASE * 2**(tries-1), at most RETRY_CAP);
after MAX_TRIES the event becomes a dead letter (`python webhook_receiver.py --dead-letters`).
After each successful hook a worker prints one line, flushed: {"handled": kind, "id": id} (plus
"status" for statuses). IDs only: no phone number or message text reaches the output or the log.
A hook may run twice for one event if the process dies while it runs: make hooks idempotent.
"""

from __future__ import annotations

import json
import logging
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

try:
    from . import graph_errors
    from .webhook_events import Event
    from .webhook_inbox import Claim
except ImportError:  # run as a script beside the other files
    import graph_errors  # type: ignore[no-redef,import-not-found]
    from webhook_events import Event  # type: ignore[no-redef,import-not-found]
    from webhook_inbox import Claim  # type: ignore[no-redef,import-not-found]

MAX_TRIES = 5
RETRY_BASE = 1.0  # seconds before the second try
RETRY_CAP = 300.0
IDLE_WAIT = 0.5  # seconds a worker sleeps when nothing is due (append() wakes it sooner)

log = logging.getLogger("webhook_receiver")
_output = threading.Lock()


class Inbox(Protocol):  # webhook_inbox.SQLiteInbox and webhook_inbox_pg.PostgresInbox
    def append(self, body: bytes, events: list[Event]) -> int: ...
    def claim(self) -> Claim | None: ...
    def dead_letters(self) -> list[dict[str, Any]]: ...
    def replay(self, keys: list[str] | None = None) -> int: ...
    def close(self) -> None: ...


def _nothing(*args: Any) -> None:
    return None


@dataclass
class Hooks:
    on_message: Callable[[dict[str, Any]], None] = _nothing
    on_status: Callable[[dict[str, Any], graph_errors.Decision | None], None] = _nothing
    on_call: Callable[[dict[str, Any]], None] = _nothing
    on_error: Callable[[dict[str, Any]], None] = _nothing
    on_change: Callable[[str, dict[str, Any]], None] | None = None  # None: other fields are logged, not stored


def status_decision(status: dict[str, Any]) -> graph_errors.Decision | None:
    """For a `failed` status, what graph_errors says to do about its first error; None otherwise."""
    if status.get("status") != "failed":
        return None
    errors = status.get("errors")
    return graph_errors.classify(errors[0] if isinstance(errors, list) and errors else None)


def dispatch(event: Event, hooks: Hooks) -> None:
    if event.kind == "message":
        hooks.on_message(event.data)
    elif event.kind == "status":
        hooks.on_status(event.data, status_decision(event.data))
    elif event.kind == "call":
        hooks.on_call(event.data)
    elif event.kind == "error":
        hooks.on_error(event.data)
    elif hooks.on_change is not None:
        hooks.on_change(event.field, event.data)


def print_handled(event: Event) -> None:
    """The line an operator (or a test) reads: kind and ID, never content. Flushed at once, so it
    is not held back under systemd, Docker or `| tee`, nor lost on SIGTERM."""
    line: dict[str, str] = {"handled": event.kind, "id": event.id}
    if event.status is not None:
        line["status"] = event.status
    with _output:  # one whole line at a time: print() from several workers would interleave
        sys.stdout.write(json.dumps(line) + "\n")
        sys.stdout.flush()


def backoff(tries: int, base: float = RETRY_BASE) -> float:
    return min(RETRY_CAP, base * 2.0 ** (tries - 1))


class Workers:
    """`count` threads handling the inbox until stop(); stop() lets each finish the event it holds."""

    def __init__(
        self,
        inbox: Inbox,
        hooks: Hooks,
        count: int = 4,
        *,
        max_tries: int = MAX_TRIES,
        retry_base: float = RETRY_BASE,
        report: Callable[[Event], None] = print_handled,
    ) -> None:
        self.inbox, self.hooks, self.max_tries, self.retry_base, self.report = inbox, hooks, max_tries, retry_base, report
        self._stop = threading.Event()
        self._wake = threading.Condition()
        self._threads = [threading.Thread(target=self._run, name=f"webhook-worker-{n}", daemon=True) for n in range(count)]

    def start(self) -> Workers:
        for thread in self._threads:
            thread.start()
        return self

    def wake(self) -> None:
        """New events are in: stop waiting."""
        with self._wake:
            self._wake.notify_all()

    def stop(self, timeout: float = 30) -> None:
        self._stop.set()
        self.wake()
        for thread in self._threads:
            thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                claim = self.inbox.claim()
            except Exception as exc:  # noqa: BLE001 - a database hiccup must not end the worker
                log.error("could not read the inbox (%s); trying again", type(exc).__name__)
                self._stop.wait(IDLE_WAIT)
                continue
            if claim is None:
                with self._wake:
                    self._wake.wait(IDLE_WAIT)
                continue
            try:
                self.handle(claim)
            except Exception as exc:  # noqa: BLE001 - reporting or marking failed (a closed stdout, a locked database)
                # The worker lives on, and the event is due again rather than held by a claim nobody finishes.
                log.error("could not finish %s %s (%s); it will run again", claim.event.kind, claim.event.id, type(exc).__name__)
                try:
                    claim.failed(type(exc).__name__, retry_in=backoff(claim.tries, self.retry_base), dead=False)
                except Exception:  # noqa: BLE001, S110 - the inbox is unreachable too: a restart releases the claim
                    pass

    # --8<-- [start:handle]
    def handle(self, claim: Claim) -> None:
        event = claim.event
        try:
            dispatch(event, self.hooks)
        except Exception as exc:  # noqa: BLE001 - any hook failure is retried, then dead-lettered
            dead = claim.tries >= self.max_tries
            error = type(exc).__name__  # the type only: a message may quote customer content
            claim.failed(error, retry_in=backoff(claim.tries, self.retry_base), dead=dead)
            if dead:
                log.error("%s %s failed %d times (%s): moved to the dead letters", event.kind, event.id, claim.tries, error)
            else:
                log.warning("%s %s failed (%s), try %d of %d", event.kind, event.id, error, claim.tries, self.max_tries)
            return
        self.report(event)  # before done(): a kill in between repeats the event, never hides it
        claim.done()

    # --8<-- [end:handle]
