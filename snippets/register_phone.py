"""Register a customer's business phone number for Cloud API use, with its two-step PIN.

After Embedded Signup, the customer's number is added and verified but not yet registered: until
your server registers it, it cannot send or receive through Cloud API. Server-side only.

Copy graph_call.py, graph_http.py, graph_errors.py and graph_error_actions.json beside this file.
Needs Python 3.10+ and requests.
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


class RegistrationFailed(graph_errors.GraphFailure):
    """The number was not registered; `decision` is graph_errors' verdict when Graph sent an error,
    `code` its error code. When it may have been registered anyway, graph_errors.MayHaveTakenEffect
    is raised instead. Never contains the token or the PIN."""


# --8<-- [start:register]
# Meta limits how often a number may be registered (code 133016), so a call that may have worked
# is never sent again by itself: check the number first.
_MAYBE = " It may have been registered: check the number in WhatsApp Manager before registering again."


def register_phone(
    phone_number_id: str, pin: str, token: str, *, base_url: str = DEFAULT_BASE_URL, deadline: float = DEFAULT_DEADLINE
) -> None:
    """Register the number with its 6-digit two-step verification PIN: one POST, never repeated."""
    if not (isinstance(pin, str) and len(pin) == 6 and pin.isdigit()):
        raise RegistrationFailed("The PIN must be the number's six-digit two-step verification PIN, as a string.", sent=False)
    body = graph_call.call_once(
        "Registering the number failed.",
        RegistrationFailed,
        "POST",
        f"/{phone_number_id}/register",
        maybe=_MAYBE,
        token=token,
        json={"messaging_product": "whatsapp", "pin": pin},
        base_url=base_url,
        deadline=deadline,
    )
    if body.get("success") is not True:
        raise graph_errors.MayHaveTakenEffect('Graph answered without "success": true.' + _MAYBE)


# --8<-- [end:register]


def main(environ: dict[str, str]) -> int:
    """Register WHATSAPP_PHONE_NUMBER_ID with WHATSAPP_REGISTRATION_PIN, read from `environ`."""

    def register(settings: dict[str, str]) -> str:
        phone = settings["WHATSAPP_PHONE_NUMBER_ID"]
        register_phone(
            phone, settings["WHATSAPP_REGISTRATION_PIN"], settings["WHATSAPP_TOKEN"], base_url=settings["GRAPH_API_BASE"]
        )
        return f"Registered phone number {phone} for Cloud API."

    return graph_call.run_script(environ, ("WHATSAPP_TOKEN", "WHATSAPP_PHONE_NUMBER_ID", "WHATSAPP_REGISTRATION_PIN"), register)


if __name__ == "__main__":
    sys.exit(main(dict(os.environ)))
