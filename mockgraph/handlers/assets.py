"""The WABA, its phone numbers, registration, the business profile and webhook subscriptions.

Fields follow Meta's references: phone number (facts §2 examples and the spec's
WhatsAppBusinessAccountPhoneNumber), WABA node, business profile
(https://developers.facebook.com/docs/whatsapp/cloud-api/reference/business-profiles), subscribed_apps
(the spec's examples: whatsapp_business_api_data with id, name and link).
"""

from __future__ import annotations

from mockgraph import demo
from mockgraph.call import Call, require
from mockgraph.errors import GraphError


def _phone(phone_id: str) -> dict:
    return {
        "verified_name": "Demo Business",
        "display_phone_number": "+1 555-010-" + phone_id[-4:],
        "id": phone_id,
        "quality_rating": "GREEN",
    }


# Fields a phone number has beyond the four Graph returns by default, as Meta's phone number
# reference lists them (https://developers.facebook.com/docs/graph-api/reference/whats-app-business-account-to-number-current-status/):
# returned only when fields= asks for them, as on Graph.
PHONE_FIELDS = {
    "code_verification_status": "VERIFIED",
    "name_status": "APPROVED",
    "platform_type": "CLOUD_API",
    "throughput": {"level": "STANDARD"},
    "account_mode": "LIVE",
    "is_official_business_account": False,
    "messaging_limit_tier": "TIER_1K",
    "status": "CONNECTED",
}


def phone_number(call: Call) -> dict:
    phone = _phone(call.ids["phone-number-id"])
    if call.request.args.get("fields"):
        phone.update(PHONE_FIELDS)  # mockgraph.spec.only_fields keeps the asked ones
    return phone


def waba(call: Call) -> dict:
    waba_id = call.ids["waba-id"]
    return {
        "id": waba_id,
        "name": "Demo Business WABA",
        "timezone_id": "1",
        "message_template_namespace": "demo_namespace_" + waba_id[-4:],
    }


def phone_numbers(call: Call) -> dict:
    waba_id = call.ids["waba-id"]
    # The spec's WhatsAppBusinessAccountPhoneNumber requires `status` on list entries.
    phones = [{**_phone(p), "status": "LINKED"} for p, owner in demo.PHONES.items() if owner == waba_id]
    return {"data": phones, "paging": {"cursors": {"before": "QVFIUmxk", "after": "QVFIUmxk"}}}


def register(call: Call) -> dict:
    body = call.json_body()
    if require(body, "messaging_product") != "whatsapp":
        raise GraphError(100, "(#100) Param messaging_product must be whatsapp", details="messaging_product must be whatsapp.")
    pin = str(require(body, "pin"))
    if not (len(pin) == 6 and pin.isdigit()):
        # Register reference: pin is the number's six-digit two-step verification PIN.
        raise GraphError(
            100, "(#100) Param pin must be a 6-digit number", details="pin must be the 6-digit two-step verification PIN."
        )
    call.mock.registered.add(call.ids["phone-number-id"])
    return {"success": True}


def business_profile(call: Call) -> dict:
    profile = {
        "about": "Order updates from the demo shop.",
        "address": "1 Demo Street, Springfield",
        "description": "A demo business for the WhatsApp Permissions Guide.",
        "email": "support@example.com",
        "messaging_product": "whatsapp",
        "profile_picture_url": "https://example.com/demo-profile.jpg",
        "websites": ["https://example.com/"],
        "vertical": "RETAIL",
    }
    profile.update(call.mock.profiles.get(call.ids["phone-number-id"], {}))
    return {"data": [profile]}


PROFILE_FIELDS = ("about", "address", "description", "email", "profile_picture_handle", "vertical", "websites")


def update_business_profile(call: Call) -> dict:
    body = call.json_body()
    if require(body, "messaging_product") != "whatsapp":
        raise GraphError(100, "(#100) Param messaging_product must be whatsapp", details="messaging_product must be whatsapp.")
    unknown = sorted(set(body) - set(PROFILE_FIELDS) - {"messaging_product"})
    if unknown:
        raise GraphError(
            100, f"(#100) Unknown profile field(s): {', '.join(unknown)}", details=f"Known fields: {', '.join(PROFILE_FIELDS)}."
        )
    changes = {k: v for k, v in body.items() if k in PROFILE_FIELDS and k != "profile_picture_handle"}
    call.mock.profiles.setdefault(call.ids["phone-number-id"], {}).update(changes)
    return {"success": True}


def _app_entry(app: demo.App) -> dict:
    return {
        "whatsapp_business_api_data": {"id": app.id, "name": app.name, "link": f"https://www.facebook.com/games/?app_id={app.id}"}
    }


def subscribed_apps(call: Call) -> dict:
    subscribed = call.mock.subscriptions.get(call.ids["waba-id"], set())
    return {"data": [_app_entry(app) for app in (demo.DEMO_APP, demo.OTHER_APP) if app.id in subscribed]}


def subscribe_app(call: Call) -> dict:
    # The app that subscribes is the calling token's app (webhooks-for-whatsapp page).
    call.mock.subscriptions.setdefault(call.ids["waba-id"], set()).add(call.app.id)
    return {"success": True}


def unsubscribe_app(call: Call) -> dict:
    call.mock.subscriptions.get(call.ids["waba-id"], set()).discard(call.app.id)
    return {"success": True}
