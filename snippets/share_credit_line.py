"""Share your credit line with a customer's WABA (Solution Partners only), after Embedded Signup.

Until a Solution Partner shares its line of credit, the customer has no way to pay for messages.
This call uses your own system user token (with business_management), not the customer's
business token. Server-side only.

Copy graph_call.py, graph_http.py, graph_errors.py and graph_error_actions.json beside this file.
Needs Python 3.9+ and requests.
"""

from __future__ import annotations

import os
import sys

try:  # imported as a package module (from snippets import share_credit_line)
    from . import graph_call, graph_errors, graph_http
except ImportError:  # run as a script beside its siblings (python share_credit_line.py)
    import graph_call  # type: ignore[no-redef,import-not-found]
    import graph_errors  # type: ignore[no-redef,import-not-found]
    import graph_http  # type: ignore[no-redef,import-not-found]

DEFAULT_BASE_URL = graph_http.DEFAULT_BASE_URL
DEFAULT_DEADLINE = 15.0  # seconds


class SharingFailed(RuntimeError):
    """The credit line is not known to be shared. `maybe_done` is True when it may have been
    shared anyway; `decision` is graph_errors' verdict when Graph sent an error. Never contains the token."""

    def __init__(self, message: str, *, maybe_done: bool = False, decision: graph_errors.Decision | None = None) -> None:
        super().__init__(message)
        self.maybe_done, self.decision = maybe_done, decision
        self.code = decision.code if decision else None


# --8<-- [start:share]
def share_credit_line(
    credit_line_id: str,
    waba_id: str,
    currency: str,
    system_token: str,
    *,
    base_url: str = DEFAULT_BASE_URL,
    deadline: float = DEFAULT_DEADLINE,
) -> str:
    """Share and attach your credit line to the customer's WABA; return the allocation config ID.
    One POST, never repeated: when the answer is lost, check the line's allocations before retrying."""
    if not (len(currency) == 3 and currency.isalpha() and currency.isupper()):
        raise SharingFailed(f"The currency must be an ISO 4217 code such as USD, not {currency!r}.")
    failure = None
    try:
        body = graph_call.call(
            "POST",
            f"/{credit_line_id}/whatsapp_credit_sharing_and_attach",
            token=system_token,
            params={"waba_id": waba_id, "waba_currency": currency},
            base_url=base_url,
            deadline=deadline,
        )
    except graph_call.CallFailed as exc:
        then = " It may have been shared: list the credit line's allocations before trying again." if exc.may_have_acted else ""
        failure = SharingFailed(
            f"Sharing the credit line failed. {exc}{then}", maybe_done=exc.may_have_acted, decision=exc.decision
        )
    if failure:
        raise failure  # outside `except`: nothing is chained
    config = body.get("allocation_config_id")
    if not isinstance(config, str) or not config:
        raise SharingFailed("Graph's answer has no allocation_config_id (a proxy or an API change?).", maybe_done=True)
    return config


# --8<-- [end:share]


def main(environ: dict[str, str]) -> int:
    """Share META_CREDIT_LINE_ID with WHATSAPP_WABA_ID; the system user token comes from
    WHATSAPP_SYSTEM_TOKEN, never from arguments."""
    names = ("WHATSAPP_SYSTEM_TOKEN", "META_CREDIT_LINE_ID", "WHATSAPP_WABA_ID")
    missing = [n for n in names if not environ.get(n)]
    if missing:
        print(f"Set {', '.join(missing)} in the environment first.", file=sys.stderr)
        return 2
    try:
        config = share_credit_line(
            environ["META_CREDIT_LINE_ID"],
            environ["WHATSAPP_WABA_ID"],
            environ.get("WHATSAPP_WABA_CURRENCY") or "USD",
            environ["WHATSAPP_SYSTEM_TOKEN"],
            base_url=environ.get("GRAPH_API_BASE") or DEFAULT_BASE_URL,
        )
    except SharingFailed as exc:
        print(f"sharing failed: {exc}", file=sys.stderr)
        return 1
    print(f"Shared the credit line with WABA {environ['WHATSAPP_WABA_ID']} (allocation config {config}).")
    return 0


if __name__ == "__main__":
    sys.exit(main(dict(os.environ)))
