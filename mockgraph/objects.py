"""The demo objects behind every id kind in the operation map, so each row of the map can be called.

Graph ids are opaque numbers; the mock gives each kind its own leading digits so that one werkzeug
rule per kind can tell `GET /{waba-id}` from `GET /{media-id}` (ids outside these ranges, or not
registered, get Graph's "Unsupported get request", as an unknown object does on Graph).
"""

from __future__ import annotations

import threading

from mockgraph import demo

# kind -> regular expression for its ids (the werkzeug converter of that kind matches only these)
ID_PATTERNS = {
    "app-id": r"1\d{15}",
    "waba-id": r"2\d{14}",
    "phone-number-id": r"3\d{14}",
    "user-id": r"[45]\d{14}",
    "template-id": r"6\d{14}",
    "media-id": r"70\d{13}",
    "media-url": r"71\d{13}",
    "group-id": r"72\d{13}",
    "message-history-id": r"73\d{13}",
    "migration-intent-id": r"74\d{13}",
    "preverified-number-id": r"75\d{13}",
    "solution-id": r"76\d{13}",
    "account-number-id": r"77\d{13}",
    "flow-id": r"78\d{13}",
    "obo-mobility-intent-id": r"79\d{13}",
    "business-id": r"80\d{13}",
    "waba-bot-id": r"81\d{13}",
    "business-profile-id": r"82\d{13}",
    # QR codes are named by their short code, not a number: the spec's QR-Code-ID is ^[A-Z2-7]{14}$.
    "qr-code-id": r"[A-Z2-7]{14}",
    "extended-credit-id": r"84\d{13}",
    "system-user-id": r"4\d{14}",  # a user id (user-id kind) that belongs to a system user
}

# One demo object per kind beyond phones and WABAs: id -> the WABA it belongs to (None: not a WABA asset).
EXAMPLES = {
    "template-id": ("600000000000001", demo.OWN_WABA),
    "media-id": ("700000000000001", demo.OWN_WABA),
    "media-url": ("710000000000001", demo.OWN_WABA),
    "group-id": ("720000000000001", demo.OWN_WABA),
    "message-history-id": ("730000000000001", demo.OWN_WABA),
    "migration-intent-id": ("740000000000001", None),
    "preverified-number-id": ("750000000000001", None),
    "solution-id": ("760000000000001", None),
    "account-number-id": ("770000000000001", demo.OWN_WABA),
    "flow-id": ("780000000000001", demo.OWN_WABA),
    "obo-mobility-intent-id": ("790000000000001", None),
    "business-id": ("800000000000001", None),
    "waba-bot-id": ("810000000000001", demo.OWN_WABA),
    "business-profile-id": ("820000000000001", demo.OWN_WABA),
    "qr-code-id": ("DEMOQRCODE2345", demo.OWN_WABA),
    "extended-credit-id": ("840000000000001", None),  # the demo partner's credit line
    "system-user-id": (demo.DEMO_TOKENS["healthy"].user_id, None),  # the demo system user
    "app-id": (demo.DEMO_APP.id, None),
    "user-id": (demo.DEMO_TOKENS["healthy"].user_id, None),
}


class Objects:
    """Which ids exist, per kind, and the WABA each belongs to. Per mock instance: uploads add media."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.owner: dict[str, dict[str, str | None]] = {kind: {} for kind in ID_PATTERNS}
        self.owner["waba-id"] = {waba: waba for waba in demo.WABAS}
        self.owner["phone-number-id"] = dict(demo.PHONES)
        for kind, (object_id, waba) in EXAMPLES.items():
            self.owner[kind][object_id] = waba

    def exists(self, kind: str, object_id: str) -> bool:
        return object_id in self.owner[kind]

    def waba_of(self, kind: str, object_id: str) -> str | None:
        return self.owner[kind].get(object_id)

    def add(self, kind: str, object_id: str, waba: str | None) -> None:
        with self._lock:
            self.owner[kind][object_id] = waba

    def remove(self, kind: str, object_id: str) -> None:
        with self._lock:
            self.owner[kind].pop(object_id, None)


SAMPLE_IDS = {"phone-number-id": demo.OWN_PHONE, "waba-id": demo.OWN_WABA} | {k: v[0] for k, v in EXAMPLES.items()}


def concrete_path(template: str) -> str:
    """A callable path for a map template: every {kind} replaced by the demo object of that kind."""
    for kind, object_id in SAMPLE_IDS.items():
        template = template.replace("{" + kind + "}", object_id)
    return template


def token_without(permissions: list[str], every: bool = False) -> str:
    """A valid demo token (with access to the demo WABA) that has none of these permissions (or,
    with every=True, lacks at least one of them)."""
    for name, token in demo.DEMO_TOKENS.items():
        if token.error is None and token.app is demo.DEMO_APP and demo.OWN_WABA in token.wabas:
            missing = set(permissions) - set(token.scopes)
            if missing == set(permissions) or (every and missing):
                return demo.token_value(name)
    raise LookupError(f"no demo token lacks all of {permissions}")


def demo_ids() -> dict[str, str]:
    """NAME -> ID of one demo object of every kind the operation map names (python -m mockgraph
    --list-ids), plus the customer assets Embedded Signup onboards and the test number."""
    from mockgraph import onboarding

    ids = {kind.removesuffix("-id"): object_id for kind, object_id in SAMPLE_IDS.items()}
    for i, waba in enumerate(demo.CUSTOMER_WABAS, start=1):
        ids[f"customer-waba-{i}"] = waba
        ids[f"customer-phone-number-{i}"] = demo.CUSTOMER_PHONES[waba]
    ids["test-phone-number"] = onboarding.TEST_PHONE
    ids["other-app"] = demo.OTHER_APP.id
    return ids
