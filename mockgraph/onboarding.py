"""Onboarding behaviours of the mock: Embedded Signup code exchange, WABA webhook subscriptions
and the test number's allowed-recipient list.

Kept apart from mockgraph/app.py so it can move onto a refactored app: app.py calls into this
module from three places marked ``# onboarding hook``. Each behaviour follows the Meta page cited
beside it (see data/guide.yaml, section topics); answers Meta does not publish are marked (L).
"""

from __future__ import annotations

import hmac
import threading
from typing import TYPE_CHECKING, Any

from mockgraph import demo

if TYPE_CHECKING:  # only for annotations: app.py imports this module
    from werkzeug.wrappers import Request

    from mockgraph.app import GraphError

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

# Who may call subscribed_apps: Meta sends webhooks only when the subscribed app "has permission to
# edit the WhatsApp business account", and Solution Partners need whatsapp_business_management
# (webhooks-for-whatsapp page, facts 10.2). wt-c's operation map may replace this table.
UNLOCKS = {(method, "/{waba-id}/subscribed_apps"): {"whatsapp_business_management"} for method in ("GET", "POST", "DELETE")}


class Onboarding:
    """Per-mock state: used codes and webhook subscriptions (a fresh mock starts clean)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.used_codes: set[str] = set()
        self.subscriptions: dict[str, set[str]] = {waba: set(apps) for waba, apps in INITIALLY_SUBSCRIBED.items()}

    # -- GET /oauth/access_token ------------------------------------------------------------------
    def exchange_code(self, request: Request, error: type[GraphError]) -> dict[str, Any]:
        """Exchange an Embedded Signup code for a business token (client_id, client_secret, code)."""
        args = request.args
        for name in ("client_id", "client_secret", "code"):
            if not args.get(name):
                raise error(100, f"Missing {name} parameter.", type="OAuthException")
        app = demo.APPS_BY_ID.get(args["client_id"])
        if app is None:
            raise error(101, "Error validating application. Invalid application ID.", type="OAuthException")
        if not hmac.compare_digest(args["client_secret"], app.secret):
            raise error(1, "Error validating client secret.", type="OAuthException")
        code = args["code"]
        if not code.startswith(CODE_PREFIX) or app is not demo.DEMO_APP:
            raise error(100, "Invalid verification code format.", type="OAuthException", subcode=36008)
        with self._lock:
            if code in self.used_codes:
                raise error(100, "This authorization code has been used.", type="OAuthException", subcode=36009)
            self.used_codes.add(code)
        return {"access_token": demo.token_value(EXCHANGED_TOKEN), "token_type": "bearer"}

    # -- /{waba-id}/subscribed_apps ---------------------------------------------------------------
    def subscribed_apps(self, request: Request, waba: str, app: demo.App) -> dict[str, Any]:
        """GET lists the apps subscribed to the WABA's webhooks; POST subscribes the caller's app;
        DELETE unsubscribes it. Shapes follow Meta's OpenAPI spec (getAllSubscriptionsForAWaba,
        subscribeToWabaWebhooks)."""
        with self._lock:
            apps = self.subscriptions.setdefault(waba, set())
            if request.method == "POST":
                apps.add(app.id)
                return {"success": True}
            if request.method == "DELETE":
                apps.discard(app.id)
                return {"success": True}
            subscribed = sorted(apps)
        return {"data": [{"whatsapp_business_api_data": _app_data(demo.APPS_BY_ID[a])} for a in subscribed]}

    def is_subscribed(self, waba: str, app_id: str) -> bool:
        with self._lock:
            return app_id in self.subscriptions.get(waba, set())

    # -- POST /{phone-number-id}/messages from a test number --------------------------------------
    @staticmethod
    def check_recipient(phone_id: str, digits: str, error: type[GraphError]) -> None:
        if phone_id == TEST_PHONE and digits not in ALLOWED_RECIPIENTS:
            raise error(
                131030,
                "(#131030) Recipient phone number not in allowed list",
                details="Recipient phone number not in allowed list: add the recipient's phone number "
                "to the recipient list (API Setup > To) and verify it, then try again.",
            )


def _app_data(app: demo.App) -> dict[str, str]:
    return {"id": app.id, "name": app.name, "link": f"https://www.facebook.com/games/?app_id={app.id}"}


def phone_waba(phone_id: str) -> str | None:
    """The WABA of a phone number the onboarding module adds (the test number), else None."""
    return TEST_PHONE_WABA if phone_id == TEST_PHONE else None
