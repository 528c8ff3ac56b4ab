"""Register a customer's business phone number for Cloud API use, with its two-step PIN.

After Embedded Signup, the customer's number is added and verified but not yet registered: until
your server registers it, it cannot send or receive through Cloud API. Server-side only.

Copy graph_call.py, graph_http.py, graph_errors.py and graph_error_actions.json beside this file.
Needs Python 3.9+ and requests.
"""

from __future__ import annotations

import os
import sys

try:  # imported as a package module (from snippets import register_phone)
    from . import graph_call, graph_errors, graph_http
except ImportError:  # run as a script beside its siblings (python register_phone.py)
    import graph_call  # type: ignore[no-redef,import-not-found]
    import graph_errors  # type: ignore[no-redef,import-not-found]
    import graph_http  # type: ignore[no-redef,import-not-found]

DEFAULT_BASE_URL = graph_http.DEFAULT_BASE_URL
DEFAULT_DEADLINE = 15.0  # seconds


class RegistrationFailed(RuntimeError):
    """The number is not known to be registered. `maybe_done` is True when it may have been
    registered anyway; `decision` is graph_errors' verdict when Graph sent an error, `code` its
    error code. Never contains the token or the PIN."""

    def __init__(self, message: str, *, maybe_done: bool = False, decision: graph_errors.Decision | None = None) -> None:
        super().__init__(message)
        self.maybe_done, self.decision = maybe_done, decision
        self.code = decision.code if decision else None


# --8<-- [start:register]
# Meta limits how often a number may be registered (code 133016), so a call that may have worked
# is never sent again by itself: check the number first.
_MAYBE = " It may have been registered: check the number in WhatsApp Manager before registering again."


def register_phone(
    phone_number_id: str, pin: str, token: str, *, base_url: str = DEFAULT_BASE_URL, deadline: float = DEFAULT_DEADLINE
) -> None:
    """Register the number with its 6-digit two-step verification PIN: one POST, never repeated."""
    if not (isinstance(pin, str) and len(pin) == 6 and pin.isdigit()):
        raise RegistrationFailed("The PIN must be the number's six-digit two-step verification PIN, as a string.")
    failure = None
    try:
        body = graph_call.call(
            "POST",
            f"/{phone_number_id}/register",
            token=token,
            json={"messaging_product": "whatsapp", "pin": pin},
            base_url=base_url,
            deadline=deadline,
        )
    except graph_call.CallFailed as exc:
        then = _MAYBE if exc.may_have_acted else ""
        failure = RegistrationFailed(
            f"Registering the number failed. {exc}{then}", maybe_done=exc.may_have_acted, decision=exc.decision
        )
    if failure:
        raise failure  # outside `except`: nothing is chained
    if body.get("success") is not True:
        raise RegistrationFailed('Graph answered without "success": true.' + _MAYBE, maybe_done=True)


# --8<-- [end:register]


def main(environ: dict[str, str]) -> int:
    """Register WHATSAPP_PHONE_NUMBER_ID with WHATSAPP_REGISTRATION_PIN, read from `environ`
    (never from arguments: shell history and process lists show them)."""
    names = ("WHATSAPP_TOKEN", "WHATSAPP_PHONE_NUMBER_ID", "WHATSAPP_REGISTRATION_PIN")
    missing = [n for n in names if not environ.get(n)]
    if missing:
        print(f"Set {', '.join(missing)} in the environment first.", file=sys.stderr)
        return 2
    phone = environ["WHATSAPP_PHONE_NUMBER_ID"]
    try:
        register_phone(
            phone,
            environ["WHATSAPP_REGISTRATION_PIN"],
            environ["WHATSAPP_TOKEN"],
            base_url=environ.get("GRAPH_API_BASE") or DEFAULT_BASE_URL,
        )
    except RegistrationFailed as exc:
        print(f"registration failed: {exc}", file=sys.stderr)
        return 1
    print(f"Registered phone number {phone} for Cloud API.")
    return 0


if __name__ == "__main__":
    sys.exit(main(dict(os.environ)))
