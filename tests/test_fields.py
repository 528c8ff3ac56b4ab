"""fields= on reads: the asked fields plus id, on a node or on each item of a list edge; a field the
node does not have is refused as Graph refuses it (code 100, "Tried accessing nonexisting field")."""

from __future__ import annotations

import pytest
from werkzeug.test import Client

import guide_data
from mockgraph import GraphMock, demo
from mockgraph.objects import SAMPLE_IDS

PINNED = guide_data.pinned_version()
HEADERS = {"Authorization": f"Bearer {demo.token_value('full-access')}"}


@pytest.fixture(scope="module")
def client():
    return Client(GraphMock())


def get(client, path: str, fields: str):
    return client.get(f"/{PINNED}{path}", query_string={"fields": fields}, headers=HEADERS)


def test_a_node_answers_the_asked_fields_and_its_id(client):
    default = client.get(f"/{PINNED}/{demo.OWN_PHONE}", headers=HEADERS).get_json()
    assert "throughput" not in default and {"id", "verified_name", "display_phone_number"} <= set(default)
    asked = get(client, f"/{demo.OWN_PHONE}", "verified_name,throughput").get_json()
    assert set(asked) == {"id", "verified_name", "throughput"} and asked["throughput"] == {"level": "STANDARD"}


def test_a_list_edge_applies_fields_to_each_item(client):
    answer = get(client, f"/{demo.OWN_WABA}/phone_numbers", "display_phone_number").get_json()
    assert answer["data"] and all(set(item) == {"id", "display_phone_number"} for item in answer["data"])
    assert "paging" in answer


def test_a_nested_selection_is_read_by_its_top_level_name(client):
    answer = get(client, f"/{demo.OWN_PHONE}", "throughput{level},name_status").get_json()
    assert set(answer) == {"id", "throughput", "name_status"}


@pytest.mark.parametrize(
    ("path", "node_type"),
    [
        (f"/{demo.OWN_PHONE}", "PhoneNumberInfo"),
        (f"/{demo.OWN_WABA}", "WhatsAppBusinessAccount"),
        (f"/{SAMPLE_IDS['flow-id']}", "Flow"),
    ],
)
def test_an_unknown_field_is_refused_as_graph_refuses_it(client, path, node_type):
    response = get(client, path, "id,colour")
    error = response.get_json()["error"]
    assert response.status_code == 400 and error["code"] == 100 and error["type"] == "OAuthException"
    assert error["message"] == f"(#100) Tried accessing nonexisting field (colour) on node type ({node_type})"
