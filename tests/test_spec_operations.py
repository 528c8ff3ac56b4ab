"""Every operation of Meta's OpenAPI spec answers, after its permission check, and what goes in and
comes out validates against the spec with an independent validator (openapi-core, pinned in
requirements-dev.txt), not the jsonschema code the mock itself uses.

Each operation sends its own request example from the spec (every example, for sendMessage), with
the spec's placeholders ("{{Recipient-Phone-Number}}", "<AUDIO_OBJECT_ID>") filled in from the demo
world; where the spec has no example the body is built from the request schema.
"""

from __future__ import annotations

import io
import json
import re

import pytest
from werkzeug.test import Client, EnvironBuilder
from werkzeug.wrappers import Request

import guide_data
from mockgraph import GraphMock, demo, objects, spec_extract
from mockgraph.spec import ANSWERS_FILE, operations

PINNED = guide_data.pinned_version()
HOST = "https://graph.facebook.com"
OPERATIONS = [o for o in guide_data.load()["operations"] if o["spec_path"] and o["mock"] != "not a Graph call"]
RECIPIENT = sorted(demo.RECENT_WRITERS)[0]

# Meta's own sendMessage examples that Graph itself would refuse (spec defects), with the reason and
# the parameter the mock's refusal must name.
# Query parameters Graph needs that the spec does not mark required.
QUERY = {"deleteTemplateByName": {"name": "hello_world"}}
# Request examples of the spec that fail the spec's own request schema, so openapi-core cannot pass
# them (the mock accepts them, as Graph does): operation -> why.
INVALID_REQUEST_EXAMPLES = {
    "createWhatsAppBusinessAccountSchedule": "start_time '09:00' is not the RFC 3339 'time' the schema's format names",
    "uploadImage": "the spec describes a JSON upload; Graph (and the mock) take multipart/form-data with a file",
    "listAssetsGetFlowJsonUrl": "a GET for which the spec declares a multipart/form-data body",
    "createOrUpdateQrCode": "the update example matches both branches of the body's oneOf",
    # Not the spec: openapi-core reads a multipart file part as bytes, which `type: string` refuses.
    "updateFlowJson": "openapi-core cannot validate a multipart file part against type: string",
}
# 200 answers where Graph and the spec disagree and the mock follows Graph: operation -> why.
GRAPH_NOT_SPEC = {
    # The spec's answer is a oneOf of two identical schemas, so no answer can match exactly one.
    "manageCalls": "the answer oneOf has two identical branches",
    # Graph answers a media download with the file's own type (image/jpeg), not the spec's text/plain.
    "downloadMedia": "the download carries the media's own Content-Type",
    # Not Graph: the two validators disagree on format "time". The spec's example "09:00" fails both;
    # the mock answers "09:00:00Z" (RFC 3339 full-time, as JSON Schema reads it), which openapi-core refuses.
    "getWhatsAppBusinessAccountSchedules": "openapi-core's 'time' format refuses an RFC 3339 offset",
}
# The typing indicator / read receipt answer {"success": true} is not a MessageResponsePayload.
MARK_AS_READ = "Send typing indicator and read receipt"
REFUSED_EXAMPLES = {
    # No `type`: Graph defaults it to text, and a text message needs text.body.
    "Send Reply to List Message": "text",
    # Payment messages (India): the schema's interactive action names lack review_and_pay and
    # review_order, so the mock, which follows the schema, refuses them and names the parameter.
    "Send Order Details Message": "interactive",
    "Send Order Status Message": "interactive",
}


def corrected(node):
    """Meta's spec with the defects mockgraph/spec_extract.py documents corrected, written again here
    (not imported) so the mock's reading of the spec is checked by a second one."""
    if isinstance(node, list):
        return [corrected(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: corrected(value) for key, value in node.items()}
    if "allOf" in node:  # additionalProperties: false inside an allOf branch refuses the other branches' keys
        node["allOf"] = [{k: v for k, v in branch.items() if k != "additionalProperties"} for branch in node["allOf"]]
    if node.get("required") and {"recipient_type", "type", "messaging_product", "to"} <= set(node.get("properties", {})):
        node["required"] = [r for r in node["required"] if r not in ("recipient_type", "type")]  # Graph defaults both
    if {"policy", "code"} <= set(node.get("properties", {})):
        node["required"] = [r for r in node.get("required", []) if r != "policy"]  # Meta's examples send only code
    if isinstance(node.get("enum"), list) and {"quick_reply", "url"} <= set(node["enum"]) and "flow" not in node["enum"]:
        node["enum"] = [*node["enum"], "flow"]  # a Flow template's button, as Meta's example sends it
    if isinstance(node.get("enum"), list) and {"button", "list", "product_list"} <= set(node["enum"]):
        node["enum"] = [*node["enum"], *(t for t in ("order_details", "order_status") if t not in node["enum"])]
    enum = node.get("enum")
    if isinstance(enum, list) and all(isinstance(v, str) and v == v.lower() for v in enum):
        node["enum"] = enum + [v.upper() for v in enum if v.upper() != v]  # Meta's examples send CATALOG for catalog
    for name in ("index", "latitude", "longitude"):  # Meta's examples send numbers where the spec says string
        if node.get("properties", {}).get(name, {}).get("type") == "string":
            node["properties"][name] = {**node["properties"][name], "type": ["string", "number"]}
    if node.get("pattern") == "^[2-6, 11-14]$":
        del node["pattern"]  # a character class, not a range: refuses Meta's own index 0
    if isinstance(node.get("pattern"), str):
        node["pattern"] = node["pattern"].replace("\\\\", "\\")  # escaped twice
    return node


@pytest.fixture(scope="module")
def openapi(spec):
    """openapi-core for one operation: Graph tells POST /{Flow-ID} from POST /{Phone-Number-ID} by the
    object's type, which a path template cannot express, so each operation gets a spec of its own path."""
    from openapi_core import Config, OpenAPI

    fixed = corrected(spec)

    def for_operation(operation: dict):
        method = operation["op"].split(" ", 1)[0].lower()
        only = {**fixed, "paths": {operation["spec_path"]: {method: fixed["paths"][operation["spec_path"]][method]}}}
        # Defect: the spec has components.parameterGroups, which OpenAPI 3.1 does not allow, so the
        # spec itself fails validation; openapi-core still validates requests and responses against it.
        return OpenAPI.from_dict(only, config=Config(spec_validator_cls=None))

    return for_operation


@pytest.fixture
def client():
    """A mock per operation: examples delete and create things."""
    return Client(GraphMock(pair_limit=1000))  # Meta's 50 send examples in a row: not a pair-rate test


def fill(value, key: str = ""):
    """Meta's placeholders replaced by demo-world values, so an example reaches a real demo object."""
    if isinstance(value, dict):
        return {k: fill(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, key) for v in value]
    if key == "to" and isinstance(value, str):
        return RECIPIENT
    if key == "code" and isinstance(value, str) and re.fullmatch(r"[A-Z0-9]{14}", value):
        return objects.SAMPLE_IDS["qr-code-id"]  # the QR code an update example names: the demo one
    if isinstance(value, str) and re.fullmatch(r"\{\{.*\}\}|<.*>", value):
        if key == "flow_id":
            return objects.SAMPLE_IDS["flow-id"]
        if key == "id":
            return objects.SAMPLE_IDS["media-id"]
        if key == "type":
            return "text"
        if key in ("message_id",):
            return "wamid.demo"
        return "demo"
    return value


def examples(spec: dict, operation: dict) -> list[tuple[str, str | None, object]]:
    """(name, media type, body) for each request example the spec gives, else one built body."""
    method, path = operation["op"].split(" ", 1)
    spec_op = spec["paths"][operation["spec_path"]][method.lower()]
    body = spec_op.get("requestBody") or {}
    if "$ref" in body:
        body = spec["components"]["requestBodies"][body["$ref"].rsplit("/", 1)[1]]
    content = body.get("content", {})
    if not content:
        return [("no body", None, None)]
    media_type = "application/json" if "application/json" in content else next(iter(content))
    found = content[media_type].get("examples") or {}
    if "example" in content[media_type]:
        found = {"example": {"value": content[media_type]["example"]}}
    out = [(name, media_type, fill(example["value"])) for name, example in found.items() if "value" in example]
    if not out:
        out = [
            ("built from the schema", media_type, fill(spec_extract.build(operations()[operation["id"]]["request"]["schema"])))
        ]
    return out


def send(client, operation: dict, media_type: str | None, body, token: str = "full-access"):
    method, template = operation["op"].split(" ", 1)
    options: dict = {"headers": {"Authorization": f"Bearer {demo.token_value(token)}"}}
    query = {n: objects.SAMPLE_IDS["business-id"] for n, p in operations()[operation["id"]]["query"].items() if p["required"]}
    if media_type == "application/json" and body is not None:
        options["data"], options["content_type"] = json.dumps(body), "application/json"
    elif media_type == "application/x-www-form-urlencoded" and body is not None:
        options["data"] = body  # a list goes as repeated fields, the way openapi-core reads a form array
        options["content_type"] = media_type
    elif media_type and body is not None:
        options["data"] = {k: (v if isinstance(v, (str, tuple)) else json.dumps(v)) for k, v in body.items()}
        options["content_type"] = media_type
    query.update(QUERY.get(operation["id"], {}))

    def environ():
        built = dict(options)
        if isinstance(built.get("data"), dict):  # a fresh stream for each file: each build reads (and closes) it
            built["data"] = {k: (io.BytesIO(v[0]), *v[1:]) if isinstance(v, tuple) else v for k, v in built["data"].items()}
        path = f"/{PINNED}{objects.concrete_path(template)}"
        return EnvironBuilder(method=method, base_url=HOST, path=path, query_string=query, **built).get_environ()

    request = Request(environ())  # what openapi-core checks: the same request, built again
    request.get_data(cache=True)
    return request, client.open(environ())


def create_template(client, template: dict) -> None:
    """Templates are per WABA state: create the one an example sends, as a reader would first."""
    body = {"name": template["name"], "language": template["language"]["code"], "category": "UTILITY"}
    body["components"] = [{"type": "BODY", "text": "Demo"}]
    path = f"/{PINNED}/{demo.OWN_WABA}/message_templates"
    headers = {"Authorization": f"Bearer {demo.token_value('full-access')}"}
    assert client.post(path, json=body, headers=headers).status_code == 200


CASES = [pytest.param(o, id=o["id"]) for o in OPERATIONS]


@pytest.mark.parametrize("operation", CASES)
def test_every_operation_answers_its_own_spec_example_and_both_validate(spec, openapi, client, operation):
    from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse

    openapi = openapi(operation)
    for name, media_type, body in examples(spec, operation):
        if operation["id"] == "uploadImage":
            media_type, body = "multipart/form-data", {**body, "file": (b"OggS demo", "a.ogg", "audio/ogg")}
        if isinstance(body, dict) and body.get("type") == "template":
            create_template(client, body["template"])
        if operation["id"] == "deprecateFlow":  # only a published flow can be deprecated
            publish = next(o for o in OPERATIONS if o["id"] == "publishFlow")
            assert send(client, publish, None, None)[1].status_code == 200
        request, response = send(client, operation, media_type, body)
        payload = response.get_json()
        if name in REFUSED_EXAMPLES:
            assert response.status_code == 400 and REFUSED_EXAMPLES[name] in json.dumps(payload["error"]), payload
            continue
        assert response.status_code == 200, f"{operation['id']} / {name}: {payload}"
        assert "does not simulate" not in json.dumps(payload)
        # openapi-core picks Message's oneOf branch by its discriminator, `type`, which Graph lets a
        # text message leave out ("Send Text Message with Preview URL"): such a body has no branch.
        discriminated = not (operation["id"] == "sendMessage" and "type" not in body)
        if operation["id"] not in INVALID_REQUEST_EXAMPLES and discriminated:
            openapi.validate_request(WerkzeugOpenAPIRequest(request))
        if name == MARK_AS_READ:
            assert payload == {"success": True}
        elif operation["id"] in GRAPH_NOT_SPEC:
            with pytest.raises(Exception):  # noqa: B017 - openapi-core's error classes differ by what is off
                openapi.validate_response(WerkzeugOpenAPIRequest(request), WerkzeugOpenAPIResponse(response))
        else:
            openapi.validate_response(WerkzeugOpenAPIRequest(request), WerkzeugOpenAPIResponse(response))
        assert response.headers["facebook-api-version"] == PINNED


@pytest.mark.parametrize("operation", [o for o in CASES if guide_data.required_permissions(o.values[0])])
def test_every_operation_still_checks_its_permission_first(spec, client, operation):
    operation = operation
    name, media_type, body = examples(spec, operation)[0]
    needed = guide_data.required_permissions(operation)
    token = (
        next(
            n
            for n, t in demo.DEMO_TOKENS.items()
            if t.error is None and t.app is demo.DEMO_APP and demo.OWN_WABA in t.wabas and not set(needed) & set(t.scopes)
        )
        if not guide_data.requires_all(operation)
        else "messaging-only"
    )
    _, response = send(client, operation, media_type, body, token=token)
    assert response.status_code == 403 and response.get_json()["error"]["code"] == 200, response.get_json()


def test_the_full_access_token_has_every_permission_the_map_names(guide):
    named = {p for o in guide["operations"] for p in guide_data.required_permissions(o)}
    assert named <= set(demo.DEMO_TOKENS["full-access"].scopes)


def test_the_spec_answers_file_is_what_the_spec_gives(spec):
    assert ANSWERS_FILE.read_text(encoding="utf-8") == spec_extract.render(spec), (
        "mockgraph/spec_answers.json is stale: run python -m mockgraph.spec_extract"
    )
