"""What to do with a message's outcome once Meta reports it: the callback the webhook receiver
calls for each `statuses[]` entry (make_server(..., on_status=handle_status)).

`decision` is snippets/graph_errors.classify(status["errors"][0]) for a failed message and None
otherwise. Replace the log lines with your own storage, retry queue and alerting; the point is
that no failed message goes unnoticed. Standard library only.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # only for the type hint: the receiver passes the decision in
    from snippets.graph_errors import Decision

log = logging.getLogger("whatsapp.status")


# --8<-- [start:handle]
def handle_status(status: dict[str, Any], decision: Decision | None) -> None:
    message, state = status.get("id", "?"), status.get("status", "?")
    if decision is None:
        log.info("message %s: %s", message, state)
        return
    what = f"message {message} to {status.get('recipient_id', '?')} failed with {decision.code} ({decision.title})"
    if decision.retryable:
        wait = f" after {decision.wait}" if decision.wait else " with backoff"
        log.warning("%s: send it again%s", what, wait)
    elif not decision.known:
        log.error("%s: unknown code, not retried; look it up: %s", what, decision.details)
    else:
        log.error("%s: %s, not sent again unchanged; %s", what, decision.action, decision.details)


# --8<-- [end:handle]
