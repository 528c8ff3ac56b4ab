"""Answers read off one entry of the loaded data, so every consumer reads an entry the same way."""

from __future__ import annotations

import datetime as dt

from guide_data.vocabulary import NOT_STATED


def arrival_ways(row: dict) -> list[str]:
    """The separate forms an error row arrives in (one example payload each)."""
    return ["response", "status_webhook"] if row["arrives"] == "both" else [row["arrives"]]


def is_retryable(action: str) -> bool:
    """Whether a client action lets the same request be sent again without a change."""
    return action in ("retry_with_backoff", "retry_after_wait")


def required_permissions(operation: dict) -> list[str]:
    """The permissions that unlock an operation: Meta's statement, else the marked inference. Any
    one suffices unless `requires_all(operation)`. mockgraph enforces exactly this."""
    if operation["permissions"] == NOT_STATED:
        return list(operation["inference"]["permissions"])
    return list(operation["permissions"])


def requires_all(operation: dict) -> bool:
    """True when Meta lists the permissions as all required, not as alternatives."""
    return operation.get("requires", "any") == "all"


def verified_on(data: dict, page: str) -> dt.date:
    """When a page's facts were last verified: its page_last_verified date, else last_verified. The
    banner, the page footer and the home page's text all show this one date."""
    return data["page_last_verified"].get(page, data["last_verified"])
