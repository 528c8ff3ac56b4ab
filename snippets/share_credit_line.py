"""Share your credit line with a customer's WABA (Solution Partners only), after Embedded Signup.

Until a Solution Partner shares its line of credit, the customer has no way to pay for messages.
This call uses your own system user token (with business_management), not the customer's
business token. Server-side only.

Copy graph_call.py, graph_http.py, graph_errors.py and graph_error_actions.json beside this file.
Needs Python 3.10+ and requests.
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


class SharingFailed(graph_errors.GraphFailure):
    """The credit line was not shared; `decision` is graph_errors' verdict when Graph sent an error.
    When it may have been shared anyway, graph_errors.MayHaveTakenEffect is raised instead. Never
    contains the token."""


# --8<-- [start:share]
_MAYBE = " It may have been shared: list the credit line's allocations before trying again."


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
        raise SharingFailed(f"The currency must be an ISO 4217 code such as USD, not {currency!r}.", sent=False)
    body = graph_call.call_once(
        "Sharing the credit line failed.",
        SharingFailed,
        "POST",
        f"/{credit_line_id}/whatsapp_credit_sharing_and_attach",
        maybe=_MAYBE,
        token=system_token,
        params={"waba_id": waba_id, "waba_currency": currency},
        base_url=base_url,
        deadline=deadline,
    )
    config = body.get("allocation_config_id")
    if not isinstance(config, str) or not config:
        raise graph_errors.MayHaveTakenEffect(f"Graph's answer has no allocation_config_id (a proxy or an API change?).{_MAYBE}")
    return config


# --8<-- [end:share]


def main(environ: dict[str, str]) -> int:
    """Share META_CREDIT_LINE_ID with WHATSAPP_WABA_ID (in WHATSAPP_WABA_CURRENCY, default USD); the
    system user token comes from WHATSAPP_SYSTEM_TOKEN."""

    def share(settings: dict[str, str]) -> str:
        waba, currency = settings["WHATSAPP_WABA_ID"], environ.get("WHATSAPP_WABA_CURRENCY") or "USD"
        config = share_credit_line(
            settings["META_CREDIT_LINE_ID"],
            waba,
            currency,
            settings["WHATSAPP_SYSTEM_TOKEN"],
            base_url=settings["GRAPH_API_BASE"],
        )
        return f"Shared the credit line with WABA {waba} (allocation config {config})."

    return graph_call.run_script(environ, ("WHATSAPP_SYSTEM_TOKEN", "META_CREDIT_LINE_ID", "WHATSAPP_WABA_ID"), share)


if __name__ == "__main__":
    sys.exit(main(dict(os.environ)))
