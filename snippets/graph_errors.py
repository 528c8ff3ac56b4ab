"""Decide what to do with a Graph API error: one function for responses and status webhooks.

    from snippets.graph_errors import classify
    decision = classify(body["error"])            # a synchronous error response
    decision = classify(status["errors"][0])      # a `failed` message-status webhook entry
    if decision.retryable: ...

The table of codes lives in graph_error_actions.json beside this file (copy both); it is
generated from the guide's data file, so this page, the guide's Error Reference and the code
agree. Needs Python 3.9+ and the standard library only.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# What a client should do. Only the two retry actions allow sending the same request again.
RETRY_WITH_BACKOFF = "retry_with_backoff"  # temporary or throttled: wait, then try again
RETRY_AFTER_WAIT = "retry_after_wait"  # Meta names the wait (e.g. a recipient's pair rate limit)
FIX_THEN_RETRY = "fix_then_retry"  # the request, the token's access or the account needs a change
DO_NOT_RETRY = "do_not_retry"  # the same message will fail again; do not send it
REAUTHENTICATE = "reauthenticate"  # the access token is expired, revoked or invalid

_TABLE_FILE = Path(__file__).with_name("graph_error_actions.json")


@dataclass(frozen=True)
class Decision:
    """What to do about one Graph error. `known` is False for a code missing from the table.
    `wait` is the wait Meta names for retry_after_wait (e.g. "at least 24 hours"), else ""."""

    action: str
    code: int | None
    subcode: int | None
    title: str
    details: str
    known: bool
    wait: str = ""

    @property
    def retryable(self) -> bool:
        return self.action in (RETRY_WITH_BACKOFF, RETRY_AFTER_WAIT)


def sentence(text: str) -> str:
    """One sentence with exactly one full stop, whatever punctuation Graph ended its text with."""
    text = text.strip().rstrip(".!;: ")
    return (text or "No details given") + "."


def load_table(path: Path = _TABLE_FILE) -> dict[int, dict[str, Any]]:
    """The code -> {action, title[, wait, range_to, subcodes]} table shipped beside this module."""
    document = json.loads(path.read_text(encoding="utf-8"))
    return {int(code): row for code, row in document["codes"].items()}


_TABLE = load_table()


def _as_int(value: Any) -> int | None:
    # Graph sends integers; a proxy or an old client may turn them into strings.
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdecimal():  # not "²"
        return int(value)
    return None


def _row(table: Mapping[int, Mapping[str, Any]], code: int) -> Mapping[str, Any] | None:
    """The code's row, or the row of a range that covers it (Meta's "200-299 API Permission")."""
    if code in table:
        return table[code]
    for start, row in table.items():
        if start < code <= row.get("range_to", start):
            return row
    return None


def classify(error: Mapping[str, Any] | None, table: Mapping[int, Mapping[str, Any]] | None = None) -> Decision:
    """Map a Graph error object to a client action.

    Keys on `code`, as Meta advises (titles and HTTP statuses vary between copies of its
    tables); a subcode changes the action only where the table lists it (WhatsApp endpoints
    stopped sending subcodes in v16.0, generic Graph endpoints still send them). A code the
    table does not know is never retried automatically: `do_not_retry`, with `known=False` so
    that callers can log it for a human.
    """
    table = _TABLE if table is None else table
    error = error if isinstance(error, Mapping) else {}
    code = _as_int(error.get("code"))
    subcode = _as_int(error.get("error_subcode"))
    error_data = error.get("error_data")
    details = error_data.get("details") if isinstance(error_data, Mapping) else None
    if not isinstance(details, str) or not details:
        message = error.get("message")
        details = message if isinstance(message, str) else ""
    row = _row(table, code) if code is not None else None
    if row is None:
        title = error.get("title")
        return Decision(DO_NOT_RETRY, code, subcode, title if isinstance(title, str) else "", details, known=False)
    action = row.get("subcodes", {}).get(str(subcode), row["action"])
    return Decision(action, code, subcode, row["title"], details, known=True, wait=row.get("wait", ""))
