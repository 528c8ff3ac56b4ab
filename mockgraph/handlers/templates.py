"""Message templates on a WABA: list, create, delete by name (template reference fields:
name, components, language, status, category, id)."""

from __future__ import annotations

import hashlib

from mockgraph.call import Call, require
from mockgraph.errors import GraphError


def template_id(waba: str, name: str) -> str:
    """Stable id in the template-id range of mockgraph.objects."""
    return "6" + str(int(hashlib.sha256(f"{waba}:{name}".encode()).hexdigest()[:15], 16))[-14:].rjust(14, "0")


def list_templates(call: Call) -> dict:
    wanted = call.request.args.get("name")
    data = [
        {
            "name": name,
            "components": [{"type": "BODY", "text": "Hello World"}],
            "language": language,
            "status": "APPROVED",
            "category": "UTILITY",
            "id": "600000000000001" if name == "hello_world" else template_id(call.ids["waba-id"], name),
        }
        for name, language in sorted(call.mock.templates)
        if wanted in (None, name)
    ]
    return {"data": data, "paging": {"cursors": {"before": "MAZDZD", "after": "MAZDZD"}}}


def create_template(call: Call) -> dict:
    body = call.json_body()
    for key in ("name", "language", "category", "components"):
        require(body, key)
    category = str(body["category"]).upper()
    language = body["language"] if isinstance(body["language"], str) else str(require(body, "language", "code"))
    with call.mock.state_lock:
        # Listed and sendable at once: the mock has no review queue (Meta reviews, then approves or rejects).
        call.mock.templates.add((str(body["name"]), language))
    return {"id": template_id(call.ids["waba-id"], str(body["name"])), "status": "PENDING", "category": category}


def delete_template(call: Call) -> dict:
    name = call.request.args.get("name") or call.form.get("name")
    if not name:
        raise GraphError(100, "(#100) The parameter name is required", details="The parameter name is required.")
    with call.mock.state_lock:
        found = {t for t in call.mock.templates if t[0] == name}
        if not found:
            raise GraphError(100, f"(#100) Template {name} does not exist", details=f"No template named {name} on this WABA.")
        call.mock.templates -= found
    return {"success": True}
