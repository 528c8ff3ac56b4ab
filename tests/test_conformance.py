"""mockgraph's answers, and what the snippets send, validate against Meta's official OpenAPI spec
(read from ../shared or $META_OPENAPI_SPEC, never copied into this repo) and, for the endpoints the
spec does not cover, against schemas written from Meta's field references."""

from __future__ import annotations

import pytest
import requests
from jsonschema import Draft202012Validator

import guide_data
from mockgraph import DEMO_APP, DEMO_TOKENS, token_value
from mockgraph.demo import OWN_PHONE, OWN_WABA
from support import graph_schemas
from support.openapi import SPEC_URI
from support.shell_examples import SNIPPETS, run_shell_example

PINNED = guide_data.pinned_version()


def pointer(*parts: str) -> str:
    return "/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def validate(registry, ref: str, instance) -> None:
    validator = Draft202012Validator({"$ref": f"{SPEC_URI}#{ref}"}, registry=registry)
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
    assert not errors, f"{ref}: " + "; ".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])


def response_schema(spec, path: str, method: str, status: int) -> str | None:
    responses = spec["paths"][path][method]["responses"]
    if str(status) not in responses:
        return None
    response = responses[str(status)]
    if "$ref" in response:
        return response["$ref"][1:] + pointer("content", "application/json", "schema")
    return pointer("paths", path, method, "responses", str(status), "content", "application/json", "schema")


# (spec path, method, concrete path, body) for every mock endpoint the spec covers
COVERED = [
    (
        "/{Version}/{Phone-Number-ID}/messages",
        "post",
        f"/{OWN_PHONE}/messages",
        {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": "+15550100123",
            "type": "text",
            "text": {"body": "Hello"},
        },
    ),
    ("/{Version}/{Phone-Number-ID}", "get", f"/{OWN_PHONE}", None),
    ("/{Version}/{WABA-ID}", "get", f"/{OWN_WABA}", None),
    ("/{Version}/{WABA-ID}/phone_numbers", "get", f"/{OWN_WABA}/phone_numbers", None),
    ("/{Version}/{WABA-ID}/message_templates", "get", f"/{OWN_WABA}/message_templates", None),
    (
        "/{Version}/{WABA-ID}/message_templates",
        "post",
        f"/{OWN_WABA}/message_templates",
        {
            "name": "order_update",
            "language": "en_US",
            "category": "UTILITY",
            "components": [{"type": "BODY", "text": "Your order shipped."}],
        },
    ),
]


@pytest.mark.parametrize("token_name", list(DEMO_TOKENS))
@pytest.mark.parametrize(("spec_path", "method", "path", "body"), COVERED, ids=[f"{m} {p}" for p, m, _, _ in COVERED])
def test_mock_answers_validate_against_metas_openapi_spec(mock, spec, registry, spec_path, method, path, body, token_name):
    response = requests.request(
        method,
        f"{mock.base_url}/{PINNED}{path}",
        json=body,
        timeout=5,
        headers={"Authorization": f"Bearer {token_value(token_name)}"},
    )
    payload = response.json()
    schema = response_schema(spec, spec_path, method, response.status_code)
    if response.status_code == 200:
        assert schema, f"the spec has no 200 answer for {method} {spec_path}"
        validate(registry, schema, payload)
    else:
        # Most operations model no 4xx; every error must still be Meta's GraphAPIError shape.
        validate(registry, schema or "/components/schemas/GraphAPIError", payload)
        Draft202012Validator(graph_schemas.ERROR_ENVELOPE).validate(payload)
    assert response.headers["facebook-api-version"] == PINNED


def test_request_bodies_the_examples_send_validate_against_the_spec(mock, registry):
    mock.app.journal.clear()
    result = run_shell_example(SNIPPETS / "send_hello_world.sh", mock.base_url, "healthy")
    assert result.returncode == 0, result.stderr
    sent = [body for method, path, body in mock.app.journal if method == "POST" and path.endswith("/messages")]
    assert sent, "the example sent no message"
    for body in sent:
        validate(registry, "/components/schemas/Message", body)
    # Not checked: text bodies. Meta's v23.0 TextMessage puts additionalProperties: false inside an
    # allOf branch, so no text message (not even Meta's own examples) can validate against it.


@pytest.mark.parametrize("token_name", list(DEMO_TOKENS))
def test_debug_token_and_me_permissions_match_metas_field_reference(mock, token_name):
    response = requests.get(
        f"{mock.base_url}/{PINNED}/debug_token",
        params={"input_token": token_value(token_name)},
        headers={"Authorization": f"Bearer {DEMO_APP.id}|{DEMO_APP.secret}"},
        timeout=5,
    )
    schema = graph_schemas.DEBUG_TOKEN if response.status_code == 200 else graph_schemas.ERROR_ENVELOPE
    Draft202012Validator(schema).validate(response.json())
    response = requests.get(
        f"{mock.base_url}/{PINNED}/me/permissions", timeout=5, headers={"Authorization": f"Bearer {token_value(token_name)}"}
    )
    schema = graph_schemas.ME_PERMISSIONS if response.status_code == 200 else graph_schemas.ERROR_ENVELOPE
    Draft202012Validator(schema).validate(response.json())


def test_the_startup_check_reads_only_documented_fields(proof_mock):
    """What the snippet relies on is in the field reference: a renamed field would fail here first."""
    from snippets import startup_check

    data = startup_check.check_whatsapp_token(token_value("healthy"), DEMO_APP.id, DEMO_APP.secret, base_url=proof_mock.base_url)
    properties = graph_schemas.DEBUG_TOKEN["properties"]["data"]["properties"]
    for field in ("is_valid", "app_id", "scopes", "type", "expires_at", "error"):
        assert field in properties
    assert set(data) <= set(properties)


# Every operation the mock simulates (mock: simulated in data/guide.yaml) that Meta's spec covers:
# operation id -> (request keyword arguments). Media upload is multipart, as Meta's reference shows.
SIMULATED = {
    "sendMessage": {"json": COVERED[0][3]},
    "getPhoneNumberById": {},
    "getWhatsAppBusinessAccountDetails": {},
    "getWhatsAppBusinessAccountPhoneNumbers": {},
    "getTemplateByNameDefaultFields": {"params": {"name": "hello_world"}},
    "createAuthenticationTemplateWOtpCopyCodeButton": {"json": COVERED[-1][3]},
    "deleteTemplateByName": {"params": {"name": "hello_world"}},
    "uploadImage": {
        "files": {"file": ("photo.jpg", b"\xff\xd8\xff\xe0demo\xff\xd9", "image/jpeg")},
        "data": {"messaging_product": "whatsapp", "type": "image/jpeg"},
    },
    "retrieveMediaUrl": {},
    "deleteMedia": {},
    "registerWhatsAppBusinessPhoneNumber": {"json": {"messaging_product": "whatsapp", "pin": "123456"}},
    "getWhatsAppBusinessProfile": {},
    "updateWhatsAppBusinessProfileInformation": {"json": {"messaging_product": "whatsapp", "about": "Open 9 to 5"}},
    "getAllSubscriptionsForAWaba": {},
    "subscribeToWabaWebhooks": {},
    "unsubscribeFromWabaWebhooks": {},
}


def test_the_operations_here_are_simulated(guide):
    """These get their own request here; tests/test_spec_operations.py sends every operation (the
    other simulated ones included) its own examples from the spec."""
    simulated = {o["id"] for o in guide["operations"] if o["mock"] == "simulated" and o["spec_path"]}
    assert set(SIMULATED) <= simulated


@pytest.fixture(scope="module")
def fresh_mock():
    """A mock of its own: these calls change state (delete a template, subscribe an app)."""
    from mockgraph import serve

    running = serve(quiet=True)
    yield running
    running.stop()


@pytest.mark.parametrize("operation_id", list(SIMULATED))
def test_simulated_operations_answer_what_metas_spec_describes(fresh_mock, spec, registry, guide, operation_id):
    from mockgraph.objects import concrete_path

    operation = next(o for o in guide["operations"] if o["id"] == operation_id)
    method, template = operation["op"].split(" ", 1)
    response = requests.request(
        method,
        f"{fresh_mock.base_url}/{guide['graph_api']['pinned_version']}{concrete_path(template)}",
        headers={"Authorization": f"Bearer {token_value('healthy')}"},
        timeout=5,
        **SIMULATED[operation_id],
    )
    assert response.status_code == 200, response.text
    schema = response_schema(spec, operation["spec_path"], method.lower(), 200)
    assert schema, f"the spec has no 200 answer for {operation['op']}"
    validate(registry, schema, response.json())


def test_media_round_trip_carries_every_field_metas_reference_lists(fresh_mock):
    import base64
    import hashlib

    from mockgraph.demo import OWN_PHONE as phone

    base = f"{fresh_mock.base_url}/{guide_data.pinned_version()}"
    headers = {"Authorization": f"Bearer {token_value('healthy')}"}
    content = b"%PDF-1.4 demo"
    uploaded = requests.post(
        f"{base}/{phone}/media",
        files={"file": ("a.pdf", content, "application/pdf")},
        data={"messaging_product": "whatsapp", "type": "application/pdf"},
        headers=headers,
        timeout=5,
    )
    media_id = uploaded.json()["id"]
    retrieved = requests.get(f"{base}/{media_id}", headers=headers, timeout=5).json()
    assert set(retrieved) == {"messaging_product", "url", "mime_type", "sha256", "file_size", "id"}
    assert retrieved["mime_type"] == "application/pdf" and retrieved["file_size"] == str(len(content))
    assert retrieved["sha256"] == base64.b64encode(hashlib.sha256(content).digest()).decode()
    assert requests.delete(f"{base}/{media_id}", headers=headers, timeout=5).json() == {"success": True}
    gone = requests.get(f"{base}/{media_id}", headers=headers, timeout=5).json()["error"]
    assert (gone["code"], gone["error_subcode"]) == (100, 33)


def test_subscribed_apps_reflect_subscribe_and_unsubscribe(fresh_mock):
    url = f"{fresh_mock.base_url}/{guide_data.pinned_version()}/{OWN_WABA}/subscribed_apps"
    headers = {"Authorization": f"Bearer {token_value('healthy')}"}
    assert requests.post(url, headers=headers, timeout=5).json() == {"success": True}
    apps = requests.get(url, headers=headers, timeout=5).json()["data"]
    assert [a["whatsapp_business_api_data"]["id"] for a in apps] == [DEMO_APP.id]
    assert set(apps[0]["whatsapp_business_api_data"]) == {"id", "name", "link"}
    requests.delete(url, headers=headers, timeout=5)
    assert requests.get(url, headers=headers, timeout=5).json() == {"data": []}
    refused = requests.post(url, headers={"Authorization": f"Bearer {token_value('messaging-only')}"}, timeout=5)
    assert refused.status_code == 403 and "whatsapp_business_management" in refused.json()["error"]["message"]
