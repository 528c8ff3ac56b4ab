"""Onboarding behaviours of the mock: Embedded Signup code exchange, WABA webhook subscriptions
and the test number's allowed-recipient list.

The code exchange is the handler of the map's `exchangeEmbeddedSignupCode` operation
(mockgraph/handlers/tokens.py); the allow list is one of GraphMock.message_checks; the test number
and the initial webhook subscriptions are demo objects GraphMock starts with. Each behaviour
follows the Meta page cited beside it (see data/guide.yaml, section topics); answers Meta does not
publish are marked (L).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from mockgraph import demo, long_lived
from mockgraph.errors import GraphError

if TYPE_CHECKING:  # only for annotations
    from werkzeug.wrappers import Request

    from mockgraph.call import Call

# An Embedded Signup code, as the mock hands it out. Real codes are single-use and short-lived
# (Facebook Login's authorization code grant); the mock accepts each code value once per process.
CODE_PREFIX = "DEMO-es-code-"
DEMO_CODE = CODE_PREFIX + "0001"
# The token the exchange returns: the demo business token whose granular scopes target the two
# customer WABAs (Meta's example exchange returns a business token; facts 10.1).
EXCHANGED_TOKEN = "embedded-signup"

# A test business number from the App Dashboard. It may only send to the numbers added (and
# verified) under API Setup > To; anything else fails with 131030 (facts 10.3, L: Meta's current
# table has no row for it, the shape below is what integrators report).
TEST_PHONE = "300000000000009"
TEST_PHONE_WABA = demo.OWN_WABA
ALLOWED_RECIPIENTS = {"15550100123"}
UNLISTED_RECIPIENT = "+15550100177"

# WABAs the demo app is subscribed to at start: the own WABA is set up; customer WABAs onboarded
# through Embedded Signup are not subscribed until the partner calls POST /{waba-id}/subscribed_apps.
INITIALLY_SUBSCRIBED = {demo.OWN_WABA: {demo.DEMO_APP.id}}


class Onboarding:
    """Per-mock state: the codes already exchanged (a fresh mock starts clean)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.used_codes: set[str] = set()

    # -- GET /oauth/access_token ------------------------------------------------------------------
    def exchange_code(self, request: Request) -> dict[str, Any]:
        """Exchange an Embedded Signup code for a business token (client_id, client_secret, code)."""
        args = request.args
        app = long_lived.grant_app(args, "code")
        code = args["code"]
        if not code.startswith(CODE_PREFIX) or app is not demo.DEMO_APP:
            raise GraphError(100, "Invalid verification code format.", type="OAuthException", subcode=36008)
        with self._lock:
            if code in self.used_codes:
                raise GraphError(100, "This authorization code has been used.", type="OAuthException", subcode=36009)
            self.used_codes.add(code)
        return {"access_token": demo.token_value(EXCHANGED_TOKEN), "token_type": "bearer"}


# -- POST /{phone-number-id}/messages from a test number ------------------------------------------
def check_recipient(call: Call, digits: str) -> None:
    """One of GraphMock.message_checks: a test number sends only to its allowed recipients."""
    if call.ids["phone-number-id"] == TEST_PHONE and digits not in ALLOWED_RECIPIENTS:
        raise GraphError(
            131030,
            "(#131030) Recipient phone number not in allowed list",
            details="Recipient phone number not in allowed list: add the recipient's phone number "
            "to the recipient list (API Setup > To) and verify it, then try again.",
        )


def exchange_code(call: Call) -> dict[str, Any]:
    """The handler of `exchangeEmbeddedSignupCode` (GET /oauth/access_token); the same endpoint
    also extends a user token (grant_type=fb_exchange_token, mockgraph/long_lived.py)."""
    if call.request.args.get("grant_type") == "fb_exchange_token":
        return long_lived.exchange(call)
    return call.mock.onboarding.exchange_code(call.request)
