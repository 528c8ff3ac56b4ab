"""What a Graph API answer means, and what to do about a Graph error: one place for every snippet.

    from snippets.graph_errors import classify
    decision = classify(body["error"])            # a synchronous error response
    decision = classify(status["errors"][0])      # a `failed` message-status webhook entry
    if decision.retryable: ...

- `classify(error)`: the client action for a Graph error object (responses and status webhooks).
- `describe(decision)`: the operator's sentence, "Graph error C/S (title): details. What to do."
- `interpret(answer)`: the one reading of an HTTP answer: accepted (None), refused by Graph or by
  something in front of it (GraphFailure), or possibly taken (MayHaveTakenEffect).
- `GraphFailure`: the base of every exception the snippets raise (`except GraphFailure` catches
  them all); `MayHaveTakenEffect`, the one class for "the request left and may have been acted on".

The table of codes lives in graph_error_actions.json beside this file (copy both); it is
generated from the guide's data file, so this page, the guide's Error Reference and the code
agree. Needs Python 3.10+ and the standard library only.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol, TypeVar

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


@lru_cache(maxsize=1)
def _shipped_table() -> dict[int, dict[str, Any]]:
    return load_table()  # read on the first classify(), not at import


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
    table = _shipped_table() if table is None else table
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


# What to tell the operator, per action: the one wording every snippet uses.
_TODO = {
    RETRY_WITH_BACKOFF: "Throttled or temporary: retry later, with backoff.",
    RETRY_AFTER_WAIT: "Throttled: retry later",  # + "; wait <the wait Meta names>"
    REAUTHENTICATE: "The access token is expired, revoked or invalid: generate a new one.",
    FIX_THEN_RETRY: "Fix the request, the token's access or the account, then try again.",
    DO_NOT_RETRY: "The same request will fail the same way: do not repeat it.",
}


def describe(decision: Decision, advice: bool = True) -> str:
    """The operator's sentence: "Graph error 131056/2494010 (title): details. What to do." Built from
    the classifier's fields, so the advice follows the code, never Graph's free text. advice=False
    leaves out what to do, for a caller that knows better (e.g. the error concerns another credential)."""
    said = f"Graph error {decision.code}" + (f"/{decision.subcode}" if decision.subcode else "")
    title = decision.title.strip().rstrip(".")
    said += f" ({title})" if title else ""
    said += f": {sentence(decision.details)}" if decision.details else "."
    if not advice:
        return said
    if not decision.known:
        return f"{said} A code this guide does not know: not retried; have a human look at it."
    todo = _TODO.get(decision.action, "")
    if decision.action == RETRY_AFTER_WAIT:
        todo += f"; wait {decision.wait}." if decision.wait else "."
    return f"{said} {todo}".rstrip()


_Failure = TypeVar("_Failure", bound="GraphFailure")


class GraphFailure(Exception):
    """The base of every exception the guide's snippets raise about a Graph call.

    `retryable`: sending the same request again later can help and cannot do anything twice.
    `sent`: False only when the request certainly never left (refused, DNS, TLS, connect timeout).
    `decision`: classify()'s verdict when Graph answered with an error object, else None; `code` and
    `details` come from it. `retry_after`: seconds from a Retry-After header; `fbtrace_id`: Graph's
    trace ID for Meta support; `attempts`: how many requests were made. The text never holds a
    token or secret: graph_http masks them before anything is read."""

    def __init__(
        self,
        message: str,
        *,
        decision: Decision | None = None,
        retryable: bool = False,
        sent: bool = True,
        retry_after: float | None = None,
        fbtrace_id: str | None = None,
        attempts: int = 1,
    ) -> None:
        super().__init__(message)
        self.decision, self.retryable, self.sent = decision, retryable, sent
        self.retry_after, self.fbtrace_id, self.attempts = retry_after, fbtrace_id, attempts

    @property
    def code(self) -> int | None:
        return self.decision.code if self.decision else None

    @property
    def details(self) -> str | None:
        return self.decision.details if self.decision else None

    def recast(self, kind: type[_Failure], message: str | None = None, **changes: Any) -> _Failure:
        """The same failure as another class of the family (a snippet's own), reworded or with changed fields."""
        fields: dict[str, Any] = {"decision": self.decision, "retryable": self.retryable, "sent": self.sent}
        fields.update(retry_after=self.retry_after, fbtrace_id=self.fbtrace_id, attempts=self.attempts)
        return kind(str(self) if message is None else message, **{**fields, **changes})


class MayHaveTakenEffect(GraphFailure):
    """The request left and no answer says it was refused: Graph may have acted on it (sent the
    message, spent the code, made the subscription). Never repeated automatically (`retryable` is
    False): find out first (the message's status webhook, a GET of what it would have made)."""

    def __init__(self, message: str, **fields: Any) -> None:
        super().__init__(message, **{**fields, "retryable": False, "sent": True})


class Answer(Protocol):
    """What interpret() reads of an HTTP answer (graph_http.Answer has these fields)."""

    @property
    def status(self) -> int: ...
    @property
    def content_type(self) -> str: ...
    @property
    def body(self) -> Any: ...  # the parsed JSON, or None when the body was not JSON
    @property
    def retry_after(self) -> float | None: ...  # seconds, from a Retry-After header


def interpret(answer: Answer) -> GraphFailure | None:
    """The one reading of a Graph answer. None: Graph accepted the call (a 2xx JSON object with no
    error object; the caller checks the fields it needs). GraphFailure: Graph refused it with an
    error object (`decision`, retryable as classify() says), or something in front of Graph did (a
    redirect, a 4xx of its own; a 429 is retryable): nothing was done. MayHaveTakenEffect: an answer
    that is not Graph's (a 5xx page, a 2xx that is not a JSON object): it may have been acted on."""
    body, status, kind = answer.body, answer.status, answer.content_type or "no content type"
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        decision = classify(error)
        trace = error.get("fbtrace_id")
        return GraphFailure(
            describe(decision),
            decision=decision,
            retryable=decision.retryable,
            retry_after=answer.retry_after,
            fbtrace_id=trace if isinstance(trace, str) else None,
        )
    if isinstance(body, dict) and 200 <= status < 300:
        return None
    if 300 <= status < 400:
        return GraphFailure(
            f"HTTP {status} redirect, not followed: the call must reach Graph itself. Check the base URL and any proxy."
        )
    if status == 429:
        return GraphFailure(
            "HTTP 429 without a Graph error: throttled before Graph; retry later.", retryable=True, retry_after=answer.retry_after
        )
    if 400 <= status < 500:
        return GraphFailure(
            f"HTTP {status} without a Graph error ({kind}): something in front of Graph refused the call. "
            "Check the base URL and any proxy."
        )
    shape = "no JSON" if body is None else f"a JSON {type(body).__name__}"
    return MayHaveTakenEffect(f"HTTP {status} with {shape} ({kind}), not a Graph answer: a proxy or an outage is in the way.")
