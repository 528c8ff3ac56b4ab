"""State a client notices: what a create, update or delete does shows on the next read."""

from __future__ import annotations

import pytest
from werkzeug.test import Client

import guide_data
from mockgraph import GraphMock, demo

V = f"/{guide_data.pinned_version()}"
HEADERS = {"Authorization": f"Bearer {demo.token_value('full-access')}"}
PHONE, WABA = demo.OWN_PHONE, demo.OWN_WABA


@pytest.fixture
def client():
    return Client(GraphMock())


def test_templates_create_list_read_delete(client):
    body = {
        "name": "order_shipped",
        "language": "en_US",
        "category": "UTILITY",
        "components": [{"type": "BODY", "text": "Shipped"}],
    }
    created = client.post(f"{V}/{WABA}/message_templates", json=body, headers=HEADERS).get_json()
    listed = client.get(f"{V}/{WABA}/message_templates", query_string={"name": "order_shipped"}, headers=HEADERS).get_json()
    assert [t["id"] for t in listed["data"]] == [created["id"]] and listed["data"][0]["components"] == body["components"]
    read = client.get(f"{V}/{created['id']}", headers=HEADERS).get_json()
    assert read["name"] == "order_shipped" and read["category"] == "UTILITY"
    assert (
        client.delete(f"{V}/{WABA}/message_templates", query_string={"name": "order_shipped"}, headers=HEADERS).status_code == 200
    )
    gone = client.get(f"{V}/{created['id']}", headers=HEADERS).get_json()["error"]
    assert (gone["code"], gone["error_subcode"]) == (100, 33)


def test_a_profile_update_shows_on_the_next_read(client):
    update = {"messaging_product": "whatsapp", "about": "Open 9 to 5"}
    assert client.post(f"{V}/{PHONE}/whatsapp_business_profile", json=update, headers=HEADERS).status_code == 200
    profile = client.get(f"{V}/{PHONE}/whatsapp_business_profile", headers=HEADERS).get_json()["data"][0]
    assert profile["about"] == "Open 9 to 5"


def test_media_upload_read_delete(client):
    files = {"file": (__import__("io").BytesIO(b"%PDF demo"), "a.pdf", "application/pdf"), "messaging_product": "whatsapp"}
    media_id = client.post(f"{V}/{PHONE}/media", data=files, headers=HEADERS).get_json()["id"]
    assert client.get(f"{V}/{media_id}", headers=HEADERS).get_json()["mime_type"] == "application/pdf"
    assert client.delete(f"{V}/{media_id}", headers=HEADERS).get_json() == {"success": True}
    assert client.get(f"{V}/{media_id}", headers=HEADERS).get_json()["error"]["error_subcode"] == 33


def test_a_flow_is_created_as_draft_published_deprecated_and_only_a_draft_deletes(client):
    flow_id = client.post(f"{V}/{WABA}/flows", data={"name": "signup", "categories": '["SIGN_UP"]'}, headers=HEADERS).get_json()[
        "id"
    ]
    listed = client.get(f"{V}/{WABA}/flows", headers=HEADERS).get_json()["data"]
    assert {"id": flow_id, "name": "signup", "status": "DRAFT"}.items() <= next(f for f in listed if f["id"] == flow_id).items()
    assert client.post(f"{V}/{flow_id}/publish", headers=HEADERS).get_json() == {"success": True}
    assert client.get(f"{V}/{flow_id}", query_string={"fields": "status"}, headers=HEADERS).get_json()["status"] == "PUBLISHED"
    refused = client.delete(f"{V}/{flow_id}", headers=HEADERS).get_json()["error"]
    assert refused["code"] == 100 and "DRAFT" in refused["error_data"]["details"]
    assert client.post(f"{V}/{flow_id}/deprecate", headers=HEADERS).get_json() == {"success": True}
    draft = client.post(f"{V}/{WABA}/flows", data={"name": "tmp"}, headers=HEADERS).get_json()["id"]
    assert client.delete(f"{V}/{draft}", headers=HEADERS).get_json() == {"success": True}
    assert client.get(f"{V}/{draft}", headers=HEADERS).get_json()["error"]["error_subcode"] == 33


def test_qr_codes_create_update_list_read_delete(client):
    created = client.post(f"{V}/{PHONE}/message_qrdls", json={"prefilled_message": "Hi!"}, headers=HEADERS).get_json()
    code = created["code"]
    update = {"code": code, "prefilled_message": "Hello!"}
    assert client.post(f"{V}/{PHONE}/message_qrdls", json=update, headers=HEADERS).get_json()["prefilled_message"] == "Hello!"
    assert code in [q["code"] for q in client.get(f"{V}/{PHONE}/message_qrdls", headers=HEADERS).get_json()["data"]]
    assert client.get(f"{V}/{PHONE}/message_qrdls/{code}", headers=HEADERS).get_json()["prefilled_message"] == "Hello!"
    assert client.delete(f"{V}/{PHONE}/message_qrdls/{code}", headers=HEADERS).get_json() == {"success": True}
    assert code not in [q["code"] for q in client.get(f"{V}/{PHONE}/message_qrdls", headers=HEADERS).get_json()["data"]]


def test_blocked_users_block_list_unblock(client):
    body = {"messaging_product": "whatsapp", "block_users": [{"user": "+15550100188"}]}
    added = client.post(f"{V}/{PHONE}/block_users", json=body, headers=HEADERS).get_json()
    assert added["block_users"]["added_users"] == [{"input": "+15550100188", "wa_id": "15550100188"}]
    assert [u["wa_id"] for u in client.get(f"{V}/{PHONE}/block_users", headers=HEADERS).get_json()["data"]] == ["15550100188"]
    removed = client.delete(f"{V}/{PHONE}/block_users", json=body, headers=HEADERS).get_json()
    assert removed["block_users"] == {"removed_users": [{"input": "+15550100188", "wa_id": "15550100188"}]}
    assert client.get(f"{V}/{PHONE}/block_users", headers=HEADERS).get_json()["data"] == []


def test_groups_create_list_read_delete(client):
    body = {"messaging_product": "whatsapp", "subject": "Order help", "description": "Questions about orders"}
    group_id = client.post(f"{V}/{PHONE}/groups", json=body, headers=HEADERS).get_json()["request_id"]
    groups = client.get(f"{V}/{PHONE}/groups", headers=HEADERS).get_json()["data"]["groups"]
    assert [g["id"] for g in groups] == [group_id] and groups[0]["subject"] == "Order help"
    info = client.get(f"{V}/{group_id}", headers=HEADERS).get_json()
    assert (info["id"], info["subject"], info["description"]) == (group_id, "Order help", "Questions about orders")
    assert client.delete(f"{V}/{group_id}", headers=HEADERS).get_json() == {"success": True}
    assert client.get(f"{V}/{PHONE}/groups", headers=HEADERS).get_json()["data"]["groups"] == []


def test_a_preverified_number_is_added_verified_by_code_listed_and_deleted(client):
    business = __import__("mockgraph.objects", fromlist=["SAMPLE_IDS"]).SAMPLE_IDS["business-id"]
    number_id = client.post(
        f"{V}/{business}/add_phone_numbers", json={"phone_number": "+15550100177"}, headers=HEADERS
    ).get_json()["id"]
    listed = client.get(f"{V}/{business}/preverified_numbers", headers=HEADERS).get_json()["data"]
    assert [(n["id"], n["verification_status"]) for n in listed] == [(number_id, "NOT_VERIFIED")]
    early = client.post(f"{V}/{number_id}/verify_code", json={"code": "123456"}, headers=HEADERS).get_json()["error"]
    assert early["code"] == 100 and "request_code" in early["error_data"]["details"]
    client.post(f"{V}/{number_id}/request_code", json={"code_method": "SMS", "language": "en_US"}, headers=HEADERS)
    assert client.post(f"{V}/{number_id}/verify_code", json={"code": "123456"}, headers=HEADERS).get_json() == {"success": True}
    verified = client.get(
        f"{V}/{business}/preverified_numbers", query_string={"verification_status": "VERIFIED"}, headers=HEADERS
    )
    assert [n["id"] for n in verified.get_json()["data"]] == [number_id]
    details = client.get(f"{V}/{number_id}", headers=HEADERS).get_json()
    assert (details["id"], details["display_phone_number"]) == (number_id, "+15550100177")
    assert client.delete(f"{V}/{number_id}", headers=HEADERS).get_json() == {"success": True}
    assert client.get(f"{V}/{number_id}", headers=HEADERS).get_json()["error"]["error_subcode"] == 33
