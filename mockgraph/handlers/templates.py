"""Message templates on a WABA: list, create, delete by name (template reference fields:
name, components, language, status, category, id)."""

from __future__ import annotations

import hashlib

from mockgraph.call import Call, require
from mockgraph.errors import GraphError


def template_id(waba: str, name: str) -> str:
    """Stable id in the template-id range of mockgraph.objects."""
    return "6" + str(int(hashlib.sha256(f"{waba}:{name}".encode()).hexdigest()[:15], 16))[-14:].rjust(14, "0")


def _template(call: Call, waba: str, name: str, language: str) -> dict:
    """A template as the template reference lists it; what a create sent (category, components) shows."""
    details = call.mock.template_details.get((name, language), {})
    return {
        "name": name,
        "components": details.get("components", [{"type": "BODY", "text": "Hello World"}]),
        "language": language,
        "status": "APPROVED",
        "category": details.get("category", "UTILITY"),
        "id": "600000000000001" if name == "hello_world" else template_id(waba, name),
    }


def list_templates(call: Call) -> dict:
    wanted = call.request.args.get("name")
    data = [
        _template(call, call.ids["waba-id"], name, language)
        for name, language in sorted(call.mock.templates)
        if wanted in (None, name)
    ]
    return {"data": data, "paging": {"cursors": {"before": "MAZDZD", "after": "MAZDZD"}}}


def get_template(call: Call) -> dict:
    """GET /{template-id}: the template with that id (created ones included)."""
    wanted = call.ids["template-id"]
    for name, language in sorted(call.mock.templates):
        found = _template(call, call.waba or "", name, language)
        if found["id"] == wanted:
            return found
    raise GraphError(
        100, f"Unsupported get request. Object with ID '{wanted}' does not exist", subcode=33, type="GraphMethodException"
    )


def create_template(call: Call) -> dict:
    body = call.json_body()
    for key in ("name", "language", "category", "components"):
        require(body, key)
    category = str(body["category"]).upper()
    language = body["language"] if isinstance(body["language"], str) else str(require(body, "language", "code"))
    new_id = template_id(call.ids["waba-id"], str(body["name"]))
    with call.mock.state_lock:
        # Listed and sendable at once: the mock has no review queue (Meta reviews, then approves or rejects).
        call.mock.templates.add((str(body["name"]), language))
        call.mock.template_details[(str(body["name"]), language)] = {"category": category, "components": body["components"]}
    call.mock.objects.add("template-id", new_id, call.ids["waba-id"])
    return {"id": new_id, "status": "PENDING", "category": category}


def delete_template(call: Call) -> dict:
    name = call.request.args.get("name") or call.form.get("name")
    if not name:
        raise GraphError(100, "(#100) The parameter name is required", details="The parameter name is required.")
    with call.mock.state_lock:
        found = {t for t in call.mock.templates if t[0] == name}
        if not found:
            raise GraphError(100, f"(#100) Template {name} does not exist", details=f"No template named {name} on this WABA.")
        call.mock.templates -= found
        for key in found:
            call.mock.template_details.pop(key, None)
    if name != "hello_world":  # the demo template's id stays routable (it answers 100/33 once deleted)
        call.mock.objects.remove("template-id", template_id(call.ids["waba-id"], name))
    return {"success": True}
