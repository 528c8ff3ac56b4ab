"""POST /{extended-credit-id}/whatsapp_credit_sharing_and_attach: a Solution Partner shares its
credit line with a customer's WABA.

Meta's reference for the edge: parameters waba_id and waba_currency (ISO 4217, both required);
the answer is the new allocation config's ID and the WABA ID; errors 100 (invalid parameter) and
200 (permissions error). The permission check (business_management) comes from the operation map.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from mockgraph import demo
from mockgraph.errors import GraphError

if TYPE_CHECKING:
    from mockgraph.call import Call


def share(call: Call) -> dict[str, Any]:
    params = {**call.request.args, **(call.form or {})}
    waba, currency = str(params.get("waba_id") or ""), str(params.get("waba_currency") or "")
    if waba not in demo.CUSTOMER_WABAS:
        raise GraphError(100, "(#100) Param waba_id must be the ID of a WhatsApp Business Account onboarded by your app")
    if not (len(currency) == 3 and currency.isalpha() and currency.isupper()):
        raise GraphError(100, "(#100) Param waba_currency must be an ISO 4217 currency code, such as USD")
    digest = hashlib.sha256(f"{call.ids['extended-credit-id']}:{waba}".encode()).hexdigest()
    config = 850000000000000 + int(digest[:12], 16) % 10**13  # same line and WABA: same config
    return {"allocation_config_id": str(config), "waba_id": waba}
