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
from collections.abc import Callable
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


# The life of an object the mock makes: created under a fresh id in one of World's tables and known
# to the routes (mockgraph.objects) from then on, read back over the spec's example, deleted from both.
def _create(call: Call, kind: str, table: dict[str, dict], id_prefix: str, fields: dict, waba: str | None) -> str:
    world = _world(call)
    with world.lock:
        object_id = world.new_id(id_prefix)
        table[object_id] = fields
    call.mock.objects.add(kind, object_id, waba)
    return object_id


def _list(call: Call, table: dict[str, dict], owner_kind: str, fields: Callable[[str, dict], dict]) -> dict:
    """The objects the mock made under the path's owner (`call.ids[owner_kind]`), over the spec's example entry."""
    owner = call.ids[owner_kind]
    return _listing(call, [fields(object_id, found) for object_id, found in table.items() if found["owner"] == owner])


def _read(call: Call, kind: str, table: dict[str, dict], *names: str) -> dict:
    """The spec's example with the id asked for and, when the mock made that object, its `names`."""
    object_id = call.ids[kind]
    found = table.get(object_id)
    answer = {**spec.answer(call, call.operation["id"]), "id": object_id}
    return {**answer, **{name: found[name] for name in names}} if found else answer


def _delete(call: Call, kind: str, table: dict[str, dict]) -> dict:
    object_id = call.ids[kind]
    if table.pop(object_id, None) is not None:
        call.mock.objects.remove(kind, object_id)
    return {"success": True}


# -- Flows ------------------------------------------------------------------------------------------
def create_flow(call: Call) -> dict:
    body = spec.check_request(call, call.operation["id"])
    name = body.get("name")
    if not name:
        raise GraphError(100, "(#100) The parameter name is required", details="The parameter name is required.")
    categories = body.get("categories") or '["OTHER"]'
    flow = {"owner": call.ids["waba-id"], "name": name, "categories": _as_list(categories), "status": "DRAFT"}
    return {"id": _create(call, "flow-id", _world(call).flows, "78", flow, call.waba)}


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
    return _list(call, _world(call).flows, "waba-id", _flow_fields)


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
    return _list(call, _world(call).qr_codes, "phone-number-id", _qr_fields)


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


def _change_blocked(call: Call, block: bool) -> dict:
    users = _users(spec.check_request(call, call.operation["id"]))
    blocked = _world(call).blocked.setdefault(call.ids["phone-number-id"], set())
    (blocked.update if block else blocked.difference_update)(wa for _, wa in users)
    changed = [{"input": given, "wa_id": wa} for given, wa in users]
    return {"messaging_product": "whatsapp", "block_users": {"added_users" if block else "removed_users": changed}}


def block_users(call: Call) -> dict:
    return _change_blocked(call, block=True)


def unblock_users(call: Call) -> dict:
    return _change_blocked(call, block=False)


def blocked_users(call: Call) -> dict:
    blocked = sorted(_world(call).blocked.get(call.ids["phone-number-id"], set()))
    return _listing(call, [{"messaging_product": "whatsapp", "wa_id": wa} for wa in blocked])


# -- Groups -----------------------------------------------------------------------------------------
def create_group(call: Call) -> dict:
    body = spec.check_request(call, call.operation["id"])
    group = {"owner": call.ids["phone-number-id"], "subject": body["subject"], "description": body.get("description", "")}
    group_id = _create(call, "group-id", _world(call).groups, "72", group, call.waba)
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
    return _read(call, "group-id", _world(call).groups, "subject", "description")


def delete_group(call: Call) -> dict:
    return _delete(call, "group-id", _world(call).groups)


# -- Pre-verified phone numbers ---------------------------------------------------------------------
# https://developers.facebook.com/docs/whatsapp/embedded-signup/pre-verified-numbers: a number added
# to a business starts NOT_VERIFIED; request_code sends a code, verify_code makes it VERIFIED.
def add_preverified_number(call: Call) -> dict:
    body = spec.check_request(call, call.operation["id"])
    number = {
        "owner": call.ids["business-id"],
        "display_phone_number": str(body["phone_number"]),
        "verification_status": "NOT_VERIFIED",
        "code_requested": False,
    }
    return {"id": _create(call, "preverified-number-id", _world(call).preverified, "75", number, None)}


def _number_fields(number_id: str, number: dict) -> dict:
    fields = ("display_phone_number", "verification_status")
    return {"id": number_id, **{k: number[k] for k in fields}}


def list_preverified_numbers(call: Call) -> dict:
    wanted = call.request.args.get("verification_status")
    numbers = {i: n for i, n in _world(call).preverified.items() if wanted in (None, n["verification_status"])}
    return _list(call, numbers, "business-id", _number_fields)


def get_preverified_number(call: Call) -> dict:
    return _read(call, "preverified-number-id", _world(call).preverified, "display_phone_number")


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
    return _delete(call, "preverified-number-id", _world(call).preverified)
