"""mockgraph answers like graph.facebook.com: scopes from the YAML, versions, and Graph's errors."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest
import requests

import guide_data
from mockgraph import DEMO_TOKENS, GraphMock, serve, token_value
from mockgraph.demo import CUSTOMER_WABAS, OWN_PHONE, OWN_WABA

PINNED = guide_data.pinned_version()

SAMPLE_IDS = {"phone-number-id": OWN_PHONE, "waba-id": OWN_WABA}
BODIES = {
    "POST /{phone-number-id}/messages": {
        "messaging_product": "whatsapp",
        "to": "+15550100123",
        "type": "text",
        "text": {"body": "Hello"},
    },
    "POST /{waba-id}/message_templates": {
        "name": "order_update",
        "language": "en_US",
        "category": "UTILITY",
        "components": [{"type": "BODY", "text": "Your order shipped."}],
    },
}


def call(base_url, endpoint, token_name, version=PINNED):
    method, template = endpoint.split(" ", 1)
    path = template
    for placeholder, value in SAMPLE_IDS.items():
        path = path.replace("{" + placeholder + "}", value)
    return requests.request(
        method,
        f"{base_url}/{version}{path}",
        json=BODIES.get(endpoint),
        headers={"Authorization": f"Bearer {token_value(token_name)}"},
        timeout=5,
    )


@pytest.mark.parametrize("row", [p["name"] for p in guide_data.load()["permissions"]])
def test_the_permissions_table_is_executable(mock, guide, row):
    """A token with only this row's permission calls every endpoint the row lists, and gets error 200
    on the endpoints only other rows list."""
    token_name = {"whatsapp_business_messaging": "messaging-only", "whatsapp_business_management": "management-only"}[row]
    own = next(p["endpoints"] for p in guide["permissions"] if p["name"] == row)
    for endpoint in own:
        response = call(mock.base_url, endpoint, token_name)
        assert response.status_code == 200, f"{row} should unlock {endpoint}: {response.text}"
    others = {e for p in guide["permissions"] if p["name"] != row for e in p["endpoints"]} - set(own)
    assert others
    for endpoint in others:
        response = call(mock.base_url, endpoint, token_name)
        assert response.status_code == 403, endpoint
        assert response.json()["error"]["code"] == 200
        assert "permission" in response.json()["error"]["message"]


def test_no_access_to_the_asset_is_also_error_200(mock):
    response = call(mock.base_url, "GET /{waba-id}/phone_numbers", "no-assets")
    assert response.status_code == 403 and response.json()["error"]["code"] == 200
    assert "access this WhatsApp Business Account" in response.json()["error"]["message"]
    response = requests.get(
        f"{mock.base_url}/{PINNED}/{CUSTOMER_WABAS[0]}/phone_numbers",
        headers={"Authorization": f"Bearer {token_value('embedded-signup')}"},
        timeout=5,
    )
    assert response.status_code == 200 and response.json()["data"]


@pytest.mark.parametrize(("token", "subcode"), [("expired", 463), ("invalid", 467)])
def test_invalid_tokens_get_190_everywhere_but_debug_token(mock, token, subcode):
    response = call(mock.base_url, "POST /{phone-number-id}/messages", token)
    error = response.json()["error"]
    assert response.status_code == 401 and error["code"] == 190 and error["type"] == "OAuthException"
    assert "error_subcode" not in error  # WhatsApp stopped sending it in v16.0
    response = requests.get(
        f"{mock.base_url}/{PINNED}/me/permissions", headers={"Authorization": f"Bearer {token_value(token)}"}, timeout=5
    )
    assert response.json()["error"]["error_subcode"] == subcode


def test_debug_token_reports_invalid_tokens_inside_data_with_http_200(mock):
    from mockgraph import DEMO_APP

    response = requests.get(
        f"{mock.base_url}/{PINNED}/debug_token",
        params={"input_token": token_value("expired")},
        headers={"Authorization": f"Bearer {DEMO_APP.id}|{DEMO_APP.secret}"},
        timeout=5,
    )
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["is_valid"] is False and data["error"]["code"] == 190 and data["error"]["subcode"] == 463


@pytest.mark.parametrize("authorization", [None, "Bearer not-a-token"])
def test_missing_or_bad_token_gets_190(mock, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    response = requests.get(f"{mock.base_url}/{PINNED}/{OWN_WABA}", headers=headers, timeout=5)
    assert response.json()["error"]["code"] == 190 and response.json()["error"]["type"] == "OAuthException"


@pytest.mark.parametrize(
    ("body", "details"),
    [
        ({"to": "+15550100123", "type": "text", "text": {"body": "x"}}, "messaging_product is required"),
        ({"messaging_product": "whatsapp", "type": "text", "text": {"body": "x"}}, "to is required"),
        ({"messaging_product": "whatsapp", "to": "+15550100123", "type": "text"}, "text is required"),
    ],
)
def test_a_missing_required_field_gets_100_with_details(mock, body, details):
    response = requests.post(
        f"{mock.base_url}/{PINNED}/{OWN_PHONE}/messages",
        json=body,
        headers={"Authorization": f"Bearer {token_value('healthy')}"},
        timeout=5,
    )
    error = response.json()["error"]
    assert response.status_code == 400 and error["code"] == 100 and details in error["error_data"]["details"]


def test_unknown_template_gets_132001_with_http_404(mock):
    body = {
        "messaging_product": "whatsapp",
        "to": "+15550100123",
        "type": "template",
        "template": {"name": "no_such_template", "language": {"code": "en_US"}},
    }
    response = requests.post(
        f"{mock.base_url}/{PINNED}/{OWN_PHONE}/messages",
        json=body,
        headers={"Authorization": f"Bearer {token_value('healthy')}"},
        timeout=5,
    )
    assert response.status_code == 404 and response.json()["error"]["code"] == 132001


def test_unknown_path_gets_unsupported_get_request(mock):
    response = requests.get(
        f"{mock.base_url}/{PINNED}/123456789/nothing_here",
        headers={"Authorization": f"Bearer {token_value('healthy')}"},
        timeout=5,
    )
    error = response.json()["error"]
    assert (error["code"], error["error_subcode"], error["type"]) == (100, 33, "GraphMethodException")
    assert error["message"].startswith("Unsupported get request.")


def test_every_response_carries_the_served_version_and_a_trace_id(mock):
    response = call(mock.base_url, "GET /{waba-id}/phone_numbers", "healthy")
    assert response.headers["facebook-api-version"] == PINNED
    # Facts §8: keyed by the business object's id, each entry with Graph's usage fields.
    (usage,) = json.loads(response.headers["x-business-use-case-usage"])[OWN_WABA]
    assert set(usage) == {"type", "call_count", "total_cputime", "total_time", "estimated_time_to_regain_access"}
    assert response.headers["x-fb-trace-id"]


def test_versions_follow_the_yaml_lifecycle(guide):
    """On a fixed date: available versions answer as themselves, expired ones fall back to the oldest
    usable version, unknown and unreleased ones get Graph's unknown-path error."""
    running = serve(GraphMock(today=dt.date(2026, 11, 26)))
    try:

        def version_of(version):
            return call(running.base_url, "GET /{waba-id}", "healthy", version=version)

        assert version_of("v25.0").headers["facebook-api-version"] == "v25.0"
        assert version_of("v19.0").headers["facebook-api-version"] == "v21.0"  # v19-v20 expired by then
        for unknown in ("v99.0", "v27.0"):
            response = version_of(unknown)
            assert response.status_code == 400 and response.json()["error"]["code"] == 2500
    finally:
        running.stop()


def test_strict_mode_refuses_unversioned_paths_and_lenient_mode_uses_the_pin(mock):
    response = requests.get(
        f"{mock.base_url}/{OWN_WABA}", headers={"Authorization": f"Bearer {token_value('healthy')}"}, timeout=5
    )
    assert response.status_code == 400 and "has no version" in response.json()["error"]["message"]
    lenient = serve(strict=False)
    try:
        response = requests.get(
            f"{lenient.base_url}/{OWN_WABA}", headers={"Authorization": f"Bearer {token_value('healthy')}"}, timeout=5
        )
        assert response.status_code == 200 and response.headers["facebook-api-version"] == PINNED
    finally:
        lenient.stop()


def test_list_tokens_prints_one_line_per_demo_token():
    result = subprocess.run([sys.executable, "-m", "mockgraph", "--list-tokens"], capture_output=True, text=True)
    lines = [line.split("\t") for line in result.stdout.splitlines()]
    assert [(name, token) for name, token, _ in lines] == [(n, token_value(n)) for n in DEMO_TOKENS]
    assert all(about for _, _, about in lines)


def test_the_cli_serves_the_documented_tokens(tmp_path):
    process = subprocess.Popen([sys.executable, "-m", "mockgraph", "--port", "0"], stdout=subprocess.PIPE, text=True)
    try:
        first = process.stdout.readline()
        base_url = first.split(" at ")[1].split()[0]
        response = call(base_url, "GET /{phone-number-id}", "healthy")
        assert response.status_code == 200 and response.json()["id"] == OWN_PHONE
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_trace_id_does_not_change_with_the_api_version(guide):
    """Shown responses carry fbtrace_id; a version bump must not rewrite them."""
    running = serve(GraphMock(today=dt.date(2026, 11, 26)), quiet=True)
    try:
        versions = guide_data.load()["graph_api"]["versions"]
        usable = [v["version"] for v in versions if v["released"] and v["available_until"] is None][:1]
        usable += [v["version"] for v in versions if v["available_until"] and v["available_until"] > dt.date(2026, 11, 26)][:1]
        assert len(usable) == 2
        traces = {
            call(running.base_url, "GET /{phone-number-id}", "no-assets", version=v).json()["error"]["fbtrace_id"] for v in usable
        }
        assert len(traces) == 1
        other = call(running.base_url, "GET /{waba-id}/phone_numbers", "no-assets", version=usable[0]).json()["error"][
            "fbtrace_id"
        ]
        assert other not in traces
    finally:
        running.stop()


def test_startup_fails_loudly_when_the_map_and_the_handlers_disagree(guide):
    import copy

    from mockgraph.routing import RoutingError

    data = copy.deepcopy(guide)
    entry = next(o for o in data["operations"] if o["id"] == "getMessageHistory")
    entry["mock"] = "simulated"
    with pytest.raises(RoutingError, match="getMessageHistory is marked simulated in data/guide.yaml but has no handler"):
        GraphMock(data)
    data = copy.deepcopy(guide)
    next(o for o in data["operations"] if o["id"] == "deleteMedia")["mock"] = "from spec"
    with pytest.raises(RoutingError, match="handler 'deleteMedia' has no operation"):
        GraphMock(data)


def test_message_listeners_see_every_accepted_send_and_nothing_else():
    """The hook for features that react to a send (e.g. status webhooks)."""
    from werkzeug.test import Client

    app = GraphMock()
    seen = []
    app.message_listeners.append(lambda call, answer: seen.append((call.ids["phone-number-id"], answer["messages"][0]["id"])))
    client = Client(app)
    headers = {"Authorization": f"Bearer {token_value('healthy')}"}
    pinned = guide_data.pinned_version()
    body = {"messaging_product": "whatsapp", "to": "+15550100123", "type": "text", "text": {"body": "hi"}}
    accepted = client.post(f"/{pinned}/{OWN_PHONE}/messages", json=body, headers=headers)
    refused = client.post(f"/{pinned}/{OWN_PHONE}/messages", json={**body, "to": "+15550100199"}, headers=headers)
    assert accepted.status_code == 200 and refused.status_code == 400
    assert seen == [(OWN_PHONE, accepted.get_json()["messages"][0]["id"])]
