"""The demo app, its assets and the demo tokens: the one list the CLI, README and tests read.

Values are obviously fake and deterministic, so the JSON shown on the site can be compared
with what the mock returns byte for byte.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


@dataclass(frozen=True)
class App:
    id: str
    name: str
    secret: str


DEMO_APP = App(id="1000000000000001", name="Demo Permissions App", secret="demo-app-secret-7f3c2a9e51b04d68")
OTHER_APP = App(id="1000000000000999", name="Somebody Else's App", secret="other-app-secret-0c9d8e7f6a5b4c3d")

# Assets: the demo business's own WABA and number, and two customer WABAs onboarded through
# Embedded Signup. IDs are opaque numeric strings (their length means nothing).
OWN_WABA = "200000000000001"
OWN_PHONE = "300000000000001"
CUSTOMER_WABAS = ("200000000000072", "200000000000053")  # newest onboarding first, as Meta lists them
CUSTOMER_PHONES = {"200000000000072": "300000000000072", "200000000000053": "300000000000053"}

# Recipients (wa_id) who wrote to the business within the last 24 hours: free-form messages to
# them are inside the customer-service window; anyone else gets 131047 and needs a template.
RECENT_WRITERS = {"15550100123"}
OUTSIDE_WINDOW_RECIPIENT = "+15550100199"

BOTH = ("whatsapp_business_management", "whatsapp_business_messaging")
ISSUED_AT = 1767225600  # 2026-01-01T00:00:00Z: fixed, so shown responses never drift


@dataclass(frozen=True)
class DemoToken:
    name: str
    about: str
    type: str = "SYSTEM_USER"
    app: App = DEMO_APP
    scopes: tuple[str, ...] = BOTH
    # /me/permissions answers for user tokens: permission -> granted | declined | expired
    statuses: dict = field(default_factory=dict)
    wabas: tuple[str, ...] = (OWN_WABA,)
    targets: tuple[str, ...] = ()  # granular_scopes target_ids (business tokens)
    lifetime_days: int | None = None  # None: never expires (expires_at 0)
    error: tuple[int, int, str] | None = None  # (code, subcode, message) for invalid tokens
    user_id: str = "400000000000001"


DEMO_TOKENS: dict[str, DemoToken] = {
    t.name: t
    for t in (
        DemoToken("healthy", "System User token with both WhatsApp permissions; never expires"),
        DemoToken("expiring", "System User token with both permissions; expires 60 days after issue", lifetime_days=60),
        DemoToken(
            "messaging-only", "System User token with whatsapp_business_messaging only", scopes=("whatsapp_business_messaging",)
        ),
        DemoToken(
            "management-only",
            "System User token with whatsapp_business_management only",
            scopes=("whatsapp_business_management",),
        ),
        DemoToken("no-assets", "System User token with both permissions but no access to any WABA", wabas=()),
        DemoToken(
            "expired",
            "User token that has expired (190, subcode 463)",
            type="USER",
            lifetime_days=89,
            error=(190, 463, "Error validating access token: Session has expired on Monday, 30-Mar-26 17:00:00 PDT."),
            user_id="500000000000001",
        ),
        DemoToken(
            "invalid",
            "System User token that was revoked (190, subcode 467)",
            error=(
                190,
                467,
                "Error validating access token: The session has been invalidated "
                "because the user changed their password or Facebook has changed "
                "the session for security reasons.",
            ),
        ),
        DemoToken(
            "declined",
            "User token: messaging was declined, management has expired",
            type="USER",
            scopes=("public_profile",),
            statuses={
                "public_profile": "granted",
                "whatsapp_business_messaging": "declined",
                "whatsapp_business_management": "expired",
            },
            lifetime_days=60,
            user_id="500000000000002",
        ),
        DemoToken(
            "embedded-signup",
            "Business token from Embedded Signup; granular_scopes target two customer WABAs; expires",
            type="USER",
            scopes=BOTH + ("public_profile",),
            wabas=CUSTOMER_WABAS,
            targets=CUSTOMER_WABAS,
            lifetime_days=60,
            user_id="500000000000003",
        ),
        DemoToken("other-app", "System User token issued for another app", app=OTHER_APP, wabas=()),
        # Every permission data/guide.yaml's operation map names (tests/test_spec_operations.py checks it),
        # so a reader can call every operation of the demo world.
        DemoToken(
            "full-access",
            "System User token with every permission the operation map names; never expires",
            scopes=BOTH + ("business_management", "whatsapp_business_manage_events", "ads_read"),
        ),
    )
}


def token_value(name: str) -> str:
    """The demo token string for a name. Deterministic, and obviously not a Meta token."""
    digest = hashlib.sha256(f"mockgraph:{name}".encode()).hexdigest()[:32]
    return f"DEMO-{name}-{digest}"


def app_token(app: App) -> str:
    return f"{app.id}|{app.secret}"


TOKENS_BY_VALUE = {token_value(name): token for name, token in DEMO_TOKENS.items()}
APPS_BY_ID = {a.id: a for a in (DEMO_APP, OTHER_APP)}
PHONES = {OWN_PHONE: OWN_WABA, **{p: w for w, p in CUSTOMER_PHONES.items()}}  # phone -> its WABA
WABAS = (OWN_WABA, *CUSTOMER_WABAS)

# Not in DEMO_TOKENS (the CLI's and the guide's list): a token for tests that call the business
# portfolio and partner rows of the operation map. Pass it to GraphMock(extra_tokens=...).
PORTFOLIO_ADMIN = DemoToken(
    "portfolio-admin",
    "System User token with every permission the operation map names, including business_management",
    scopes=DEMO_TOKENS["full-access"].scopes,
)
