"""State a client notices, for the objects the spec answers generically: Flows, QR codes, blocked
users and groups. Each handler validates the request against the spec first (mockgraph.spec) and
answers in the shape of the spec's 200 example, with the mock's own objects in it, so a create
shows on the next list and read and a delete removes it.

Behaviour follows Meta's references: Flows (https://developers.facebook.com/docs/whatsapp/flows/reference/flowsapi:
created as DRAFT, publish -> PUBLISHED, deprecate -> DEPRECATED, only a DRAFT can be deleted), QR
codes (https://developers.facebook.com/docs/whatsapp/business-management-api/qr-codes), blocked users
(https://developers.facebook.com/docs/whatsapp/cloud-api/block-users) and groups
(https://developers.facebook.com/docs/whatsapp/cloud-api/groups).
"""

from __future__ import annotations

import itertools
import re
import threading
from typing import Any

from mockgraph import demo, spec
from mockgraph.call import Call
from mockgraph.errors import GraphError
from mockgraph.objects import EXAMPLES

_QR_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


class World:
    """Per-mock objects created through the API, by kind: id -> fields (with "owner", the parent id)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.counter = itertools.count(2)
        self.flows: dict[str, dict] = {
            EXAMPLES["flow-id"][0]: {
                "owner": EXAMPLES["flow-id"][1],
                "name": "demo_flow",
                "categories": ["OTHER"],
                "status": "DRAFT",
            }
        }
        self.qr_codes: dict[str, dict] = {
            EXAMPLES["qr-code-id"][0]: {"owner": demo.OWN_PHONE, "prefilled_message": "Hi! I'd like to know more."}
        }
        self.blocked: dict[str, set[str]] = {}
        self.groups: dict[str, dict] = {}
        self.preverified: dict[str, dict] = {}

    def new_id(self, prefix: str) -> str:
        return prefix + str(next(self.counter)).rjust(15 - len(prefix), "0")

    def new_qr_code(self) -> str:
        n, code = next(self.counter), ""
        for _ in range(8):
            n, digit = divmod(n, 32)
            code = _QR_ALPHABET[digit] + code
        return "DEMOQR" + code


def _world(call: Call) -> World:
    return call.mock.world


def _listing(call: Call, items: list[dict]) -> dict:
    answer = spec.answer(call, call.operation["id"])
    template = (answer.get("data") or [{}])[0]
    return {**answer, "data": [{**template, **item} for item in items]}


# -- Flows ------------------------------------------------------------------------------------------
def create_flow(call: Call) -> dict:
    body = spec.check_request(call, call.operation["id"])
    name = body.get("name")
    if not name:
        raise GraphError(100, "(#100) The parameter name is required", details="The parameter name is required.")
    categories = body.get("categories") or '["OTHER"]'
    world = _world(call)
    with world.lock:
        flow_id = world.new_id("78")
        world.flows[flow_id] = {"owner": call.ids["waba-id"], "name": name, "categories": _as_list(categories), "status": "DRAFT"}
    call.mock.objects.add("flow-id", flow_id, call.waba)
    return {"id": flow_id}


def _as_list(value: Any) -> list:
    import json

    if isinstance(value, list):
        return value
    try:
        parsed = json.loads(value)
    except (TypeError, ValueError):
        return [str(value)]
    return parsed if isinstance(parsed, list) else [str(parsed)]


def _flow_fields(flow_id: str, flow: dict) -> dict:
    return {
        "id": flow_id,
        "name": flow["name"],
        "categories": flow["categories"],
        "status": flow["status"],
        "validation_errors": [],
    }


def list_flows(call: Call) -> dict:
    flows = _world(call).flows
    return _listing(call, [_flow_fields(i, f) for i, f in flows.items() if f["owner"] == call.ids["waba-id"]])


def get_flow(call: Call) -> dict:
    flow_id = call.ids["flow-id"]
    flow = _world(call).flows[flow_id]
    return {**spec.answer(call, "getFlow"), **_flow_fields(flow_id, flow)}


def _set_status(call: Call, status: str, allowed_from: tuple[str, ...]) -> dict:
    flow = _world(call).flows[call.ids["flow-id"]]
    if flow["status"] not in allowed_from:
        raise GraphError(100, "(#100) Invalid parameter", details=f"A flow in status {flow['status']} cannot become {status}.")
    flow["status"] = status
    return {"success": True}


def publish_flow(call: Call) -> dict:
    return _set_status(call, "PUBLISHED", ("DRAFT",))


def deprecate_flow(call: Call) -> dict:
    return _set_status(call, "DEPRECATED", ("PUBLISHED",))


def delete_flow(call: Call) -> dict:
    world = _world(call)
    flow_id = call.ids["flow-id"]
    if world.flows[flow_id]["status"] != "DRAFT":
        raise GraphError(
            100, "(#100) Invalid parameter", details="Only a flow in DRAFT can be deleted; deprecate a published one."
        )
    del world.flows[flow_id]
    call.mock.objects.remove("flow-id", flow_id)
    return {"success": True}


# -- QR codes ---------------------------------------------------------------------------------------
def create_qr_code(call: Call) -> dict:
    body = spec.check_request(call, call.operation["id"])
    world = _world(call)
    answer = spec.answer(call, call.operation["id"])
    with world.lock:
        code = body.get("code")
        if code:  # an update of an existing code's prefilled message
            if code not in world.qr_codes:
                raise GraphError(100, "(#100) Invalid parameter", details=f"No QR code {code} on this phone number.")
        else:
            code = world.new_qr_code()
            call.mock.objects.add("qr-code-id", code, call.waba)
        world.qr_codes[code] = {"owner": call.ids["phone-number-id"], "prefilled_message": body["prefilled_message"]}
    return {
        **answer,
        "code": code,
        "prefilled_message": body["prefilled_message"],
        "deep_link_url": f"https://wa.me/message/{code}",
    }


def _qr_fields(code: str, qr: dict) -> dict:
    return {"code": code, "prefilled_message": qr["prefilled_message"], "deep_link_url": f"https://wa.me/message/{code}"}


def list_qr_codes(call: Call) -> dict:
    codes = _world(call).qr_codes
    return _listing(call, [_qr_fields(c, q) for c, q in codes.items() if q["owner"] == call.ids["phone-number-id"]])


def get_qr_code(call: Call) -> dict:
    code = call.ids["qr-code-id"]
    found = _world(call).qr_codes.get(code)
    answer = spec.answer(call, call.operation["id"])
    return {**answer, **(_qr_fields(code, found) if found else {"code": code})}


def delete_qr_code(call: Call) -> dict:
    code = call.ids["qr-code-id"]
    _world(call).qr_codes.pop(code, None)
    if code != EXAMPLES["qr-code-id"][0]:  # the demo code stays for other callers
        call.mock.objects.remove("qr-code-id", code)
    return {"success": True}


# -- Blocked users ----------------------------------------------------------------------------------
def _users(body: dict) -> list[tuple[str, str]]:
    users = body.get("block_users")
    if not isinstance(users, list) or not users:
        raise GraphError(100, "(#100) The parameter block_users is required", details="The parameter block_users is required.")
    return [(str(u.get("user")), re.sub(r"\D", "", str(u.get("user")))) for u in users if isinstance(u, dict)]


def block_users(call: Call) -> dict:
    users = _users(spec.check_request(call, call.operation["id"]))
    _world(call).blocked.setdefault(call.ids["phone-number-id"], set()).update(wa for _, wa in users)
    added = [{"input": given, "wa_id": wa} for given, wa in users]
    return {"messaging_product": "whatsapp", "block_users": {"added_users": added}}


def unblock_users(call: Call) -> dict:
    users = _users(spec.check_request(call, call.operation["id"]))
    _world(call).blocked.setdefault(call.ids["phone-number-id"], set()).difference_update(wa for _, wa in users)
    removed = [{"input": given, "wa_id": wa} for given, wa in users]
    return {"messaging_product": "whatsapp", "block_users": {"removed_users": removed}}


def blocked_users(call: Call) -> dict:
    blocked = sorted(_world(call).blocked.get(call.ids["phone-number-id"], set()))
    return _listing(call, [{"messaging_product": "whatsapp", "wa_id": wa} for wa in blocked])


# -- Groups -----------------------------------------------------------------------------------------
def create_group(call: Call) -> dict:
    body = spec.check_request(call, call.operation["id"])
    world = _world(call)
    with world.lock:
        group_id = world.new_id("72")
        world.groups[group_id] = {
            "owner": call.ids["phone-number-id"],
            "subject": body["subject"],
            "description": body.get("description", ""),
        }
    call.mock.objects.add("group-id", group_id, call.waba)
    # Group creation is asynchronous on Graph: the answer carries a request id; the group's id
    # arrives by webhook. The mock creates it at once and uses its id as the request id.
    return {"messaging_product": "whatsapp", "request_id": group_id}


def list_groups(call: Call) -> dict:
    answer = spec.answer(call, call.operation["id"])
    groups = [
        {"id": g, "subject": v["subject"], "created_at": "2026-01-01T00:00:00+0000"}
        for g, v in _world(call).groups.items()
        if v["owner"] == call.ids["phone-number-id"]
    ]
    return {**answer, "data": {"groups": groups}}


def get_group(call: Call) -> dict:
    group_id = call.ids["group-id"]
    group = _world(call).groups.get(group_id)
    answer = {**spec.answer(call, call.operation["id"]), "id": group_id}
    return {**answer, "subject": group["subject"], "description": group["description"]} if group else answer


def delete_group(call: Call) -> dict:
    group_id = call.ids["group-id"]
    if _world(call).groups.pop(group_id, None) is not None:
        call.mock.objects.remove("group-id", group_id)
    return {"success": True}


# -- Pre-verified phone numbers ---------------------------------------------------------------------
# https://developers.facebook.com/docs/whatsapp/embedded-signup/pre-verified-numbers: a number added
# to a business starts NOT_VERIFIED; request_code sends a code, verify_code makes it VERIFIED.
def add_preverified_number(call: Call) -> dict:
    body = spec.check_request(call, call.operation["id"])
    world = _world(call)
    with world.lock:
        number_id = world.new_id("75")
        world.preverified[number_id] = {
            "owner": call.ids["business-id"],
            "display_phone_number": str(body["phone_number"]),
            "verification_status": "NOT_VERIFIED",
            "code_requested": False,
        }
    call.mock.objects.add("preverified-number-id", number_id, None)
    return {"id": number_id}


def _number_fields(number_id: str, number: dict) -> dict:
    fields = ("display_phone_number", "verification_status")
    return {"id": number_id, **{k: number[k] for k in fields}}


def list_preverified_numbers(call: Call) -> dict:
    numbers = _world(call).preverified
    wanted = call.request.args.get("verification_status")
    items = [
        _number_fields(i, n)
        for i, n in numbers.items()
        if n["owner"] == call.ids["business-id"] and wanted in (None, n["verification_status"])
    ]
    return _listing(call, items)


def get_preverified_number(call: Call) -> dict:
    number_id = call.ids["preverified-number-id"]
    number = _world(call).preverified.get(number_id)
    answer = {**spec.answer(call, call.operation["id"]), "id": number_id}
    return {**answer, "display_phone_number": number["display_phone_number"]} if number else answer


def request_preverified_code(call: Call) -> dict:
    spec.check_request(call, call.operation["id"])
    number = _world(call).preverified.get(call.ids["preverified-number-id"])
    if number:
        number["code_requested"] = True
    return {"success": True}


def verify_preverified_code(call: Call) -> dict:
    spec.check_request(call, call.operation["id"])
    number = _world(call).preverified.get(call.ids["preverified-number-id"])
    if number is not None:
        if not number["code_requested"]:
            raise GraphError(100, "(#100) Invalid parameter", details="Request a code (request_code) before verifying it.")
        number["verification_status"] = "VERIFIED"
    return {"success": True}


def delete_preverified_number(call: Call) -> dict:
    number_id = call.ids["preverified-number-id"]
    if _world(call).preverified.pop(number_id, None) is not None:
        call.mock.objects.remove("preverified-number-id", number_id)
    return {"success": True}
