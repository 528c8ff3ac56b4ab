"""The messages mockgraph's code-200 refusals carry: Meta's own strings, word for word.

Each one is an example message of an `error` with code 200 in Meta's OpenAPI description
(../shared/meta-openapi/business-messaging-api_v23.0.yaml); tests/test_mock_permission_messages.py
fails when one is not. No Meta page or spec example shows "(#200) Requires <one permission>
permission", so the mock does not invent it: for a permission Meta has no sentence for, it
answers with the spec's generic one.
"""

from __future__ import annotations

MESSAGING, MANAGEMENT = "whatsapp_business_messaging", "whatsapp_business_management"

# GET /{Phone-Number-ID}, 403 example `missing_permissions` (subcode 1349176).
EITHER_WHATSAPP_PERMISSION = "Requires whatsapp_business_messaging or whatsapp_business_management permission"
# POST /{Business-ID}/onboard_partners_to_mm_lite, 403 example.
MANAGEMENT_REQUIRED = "Your app doesn't have the required whatsapp_business_management permission"
# The shared `Forbidden` response's `InsufficientPermissions` example.
GENERIC = "This operation requires additional permissions"
# GET /{Phone-Number-ID} (subcode 1349174) and GET /{WABA-ID}, 403 examples: no access to the asset.
NO_ASSET_ACCESS = {
    "phone-number-id": "Your app doesn't have permission to access this phone number",
    "waba-id": "Your app doesn't have permission to access this WhatsApp Business Account",
}

ALL = (EITHER_WHATSAPP_PERMISSION, MANAGEMENT_REQUIRED, GENERIC, *NO_ASSET_ACCESS.values())


def missing_permission(needed: list[str], every: bool) -> str:
    """Meta's sentence for a token that lacks the permission(s) an operation needs."""
    if not every and set(needed) == {MESSAGING, MANAGEMENT}:
        return EITHER_WHATSAPP_PERMISSION
    if list(needed) == [MANAGEMENT]:
        return MANAGEMENT_REQUIRED
    return GENERIC


def no_asset_access(kind: str) -> str:
    """Meta's sentence for a token whose user cannot reach the phone number or WABA in the path."""
    return NO_ASSET_ACCESS.get(kind, GENERIC)
