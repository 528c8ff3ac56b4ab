"""Every message type Meta's spec names is accepted when valid and refused when not, with Graph's
code (100) and the offending parameter named in the message or in error_data.details."""

from __future__ import annotations

import pytest
from werkzeug.test import Client

import guide_data
from mockgraph import GraphMock, demo
from mockgraph.objects import SAMPLE_IDS

URL = f"/{guide_data.pinned_version()}/{demo.OWN_PHONE}/messages"
HEADERS = {"Authorization": f"Bearer {demo.token_value('healthy')}"}
TO = sorted(demo.RECENT_WRITERS)[0]  # inside the 24-hour window: free-form messages may go out
MEDIA = SAMPLE_IDS["media-id"]

VALID = {
    "text": {"type": "text", "text": {"body": "Hello", "preview_url": False}},
    "text, type left out": {"text": {"body": "Hello"}},
    "image by link": {"type": "image", "image": {"link": "https://example.com/a.jpg", "caption": "A"}},
    "image by id": {"type": "image", "image": {"id": MEDIA}},
    "audio by id": {"type": "audio", "audio": {"id": MEDIA}},
    "document by link": {"type": "document", "document": {"link": "https://example.com/a.pdf", "filename": "a.pdf"}},
    "video by id": {"type": "video", "video": {"id": MEDIA}},
    "sticker by id": {"type": "sticker", "sticker": {"id": MEDIA}},
    "location": {"type": "location", "location": {"latitude": "37.48", "longitude": "-122.14", "name": "HQ"}},
    "contacts": {"type": "contacts", "contacts": [{"name": {"formatted_name": "Ann Lee", "first_name": "Ann"}}]},
    "reaction": {"type": "reaction", "reaction": {"message_id": "wamid.demo", "emoji": "\U0001f44d"}},
    "interactive button": {
        "type": "interactive",
        "interactive": {
            "type": "button",
            "body": {"text": "Pick one"},
            "action": {"buttons": [{"type": "reply", "reply": {"id": "yes", "title": "Yes"}}]},
        },
    },
    "interactive list": {
        "type": "interactive",
        "interactive": {
            "type": "list",
            "body": {"text": "Choose"},
            "action": {"button": "Options", "sections": [{"title": "S", "rows": [{"id": "r1", "title": "Row"}]}]},
        },
    },
    "interactive flow": {
        "type": "interactive",
        "interactive": {
            "type": "flow",
            "body": {"text": "Book"},
            "action": {
                "name": "flow",
                "parameters": {"flow_message_version": "3", "flow_id": SAMPLE_IDS["flow-id"], "flow_cta": "Book"},
            },
        },
    },
    "interactive cta_url": {
        "type": "interactive",
        "interactive": {
            "type": "cta_url",
            "body": {"text": "See the menu"},
            "action": {"name": "cta_url", "parameters": {"display_text": "Open", "url": "https://example.com/"}},
        },
    },
    "template with components": {
        "type": "template",
        "template": {
            "name": "hello_world",
            "language": {"code": "en_US"},
            "components": [{"type": "body", "parameters": [{"type": "text", "text": "Ann"}]}],
        },
    },
}

# body -> (the parameter the refusal must name)
INVALID = {
    "text without body": ({"type": "text", "text": {}}, "text.body"),
    "unknown type": ({"type": "hologram", "hologram": {}}, "'type'"),
    "image with neither id nor link": ({"type": "image", "image": {}}, "image.id or image.link"),
    "text with an unexpected key": ({"type": "text", "text": {"body": "x", "bold": True}}, '"bold" on param "text"'),
    "location without latitude": ({"type": "location", "location": {"longitude": "1"}}, "location.latitude"),
    "reaction without message_id": ({"type": "reaction", "reaction": {"emoji": "x"}}, "reaction.message_id"),
    "contact without a formatted name": ({"type": "contacts", "contacts": [{"name": {}}]}, "formatted_name"),
    "button without a title": (
        {
            "type": "interactive",
            "interactive": {
                "type": "button",
                "body": {"text": "x"},
                "action": {"buttons": [{"type": "reply", "reply": {"id": "a"}}]},
            },
        },
        "title",
    ),
    "cta_url without display_text": (
        {
            "type": "interactive",
            "interactive": {"type": "cta_url", "body": {"text": "x"}, "action": {"name": "cta_url", "parameters": {"url": "u"}}},
        },
        "display_text",
    ),
    "interactive of an unknown kind": (
        {"type": "interactive", "interactive": {"type": "carousel3d", "action": {}}},
        "interactive",
    ),
    "template without language": ({"type": "template", "template": {"name": "hello_world"}}, "template.language"),
    "list with a 30-character button": (
        {
            "type": "interactive",
            "interactive": {
                "type": "list",
                "body": {"text": "x"},
                "action": {"button": "x" * 30, "sections": [{"title": "S", "rows": [{"id": "r", "title": "R"}]}]},
            },
        },
        "button",
    ),
}


@pytest.fixture
def client():
    return Client(GraphMock())


def send(client, body: dict):
    return client.post(URL, json={"messaging_product": "whatsapp", "to": TO, **body}, headers=HEADERS)


@pytest.mark.parametrize("name", list(VALID))
def test_each_message_type_is_accepted_when_valid(client, name):
    response = send(client, VALID[name])
    assert response.status_code == 200, response.get_json()
    answer = response.get_json()
    assert answer["messages"][0]["id"].startswith("wamid.") and answer["contacts"][0]["wa_id"] == TO


@pytest.mark.parametrize("name", list(INVALID))
def test_each_message_type_is_refused_when_not_with_the_parameter_named(client, name):
    body, parameter = INVALID[name]
    response = send(client, body)
    error = response.get_json()["error"]
    assert response.status_code == 400 and error["code"] == 100, error
    assert parameter in error["message"] + error["error_data"]["details"], error


def test_mark_as_read_and_the_typing_indicator(client):
    read = {"messaging_product": "whatsapp", "status": "read", "message_id": "wamid.demo"}
    assert client.post(URL, json=read, headers=HEADERS).get_json() == {"success": True}
    typing = {**read, "typing_indicator": {"type": "text"}}
    assert client.post(URL, json=typing, headers=HEADERS).get_json() == {"success": True}
    missing = client.post(URL, json={"messaging_product": "whatsapp", "status": "read"}, headers=HEADERS).get_json()
    assert missing["error"]["code"] == 100 and "message_id" in missing["error"]["message"]
    wrong = client.post(URL, json={**read, "typing_indicator": {"type": "video"}}, headers=HEADERS).get_json()
    assert wrong["error"]["code"] == 100 and "typing_indicator" in wrong["error"]["error_data"]["details"]


def test_free_form_types_outside_the_window_get_131047_and_templates_do_not(client):
    outside = {"messaging_product": "whatsapp", "to": demo.OUTSIDE_WINDOW_RECIPIENT}
    image = client.post(URL, json={**outside, **VALID["image by id"]}, headers=HEADERS).get_json()
    assert image["error"]["code"] == 131047
    template = client.post(URL, json={**outside, **VALID["template with components"]}, headers=HEADERS)
    assert template.status_code == 200
