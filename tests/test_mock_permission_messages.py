"""mockgraph's code-200 refusals carry Meta's own sentences (issue 20, item 6): every message the
mock can send with code 200 is an example message of a code-200 error in Meta's OpenAPI
description, and the refusals readers see on the pages are among them."""

from __future__ import annotations

from werkzeug.test import Client

import guide_data
from mockgraph import GraphMock, permission_messages, token_value
from mockgraph.demo import OWN_PHONE, OWN_WABA

PINNED = guide_data.pinned_version()


def code_200_messages(spec) -> set[str]:
    found: set[str] = set()

    def walk(node) -> None:
        if isinstance(node, dict):
            if node.get("code") == 200 and isinstance(node.get("message"), str):
                found.add(node["message"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    return found


def refusal(method: str, path: str, token: str, body: dict | None = None) -> dict:
    answer = Client(GraphMock()).open(
        f"/{PINNED}{path}", method=method, json=body, headers={"Authorization": f"Bearer {token_value(token)}"}
    )
    assert answer.status_code == 403, answer.get_data(as_text=True)
    return answer.get_json()["error"]


def test_every_code_200_message_of_the_mock_is_one_meta_publishes(spec):
    metas = code_200_messages(spec)
    assert metas, "no code-200 example found in Meta's spec: has its shape changed?"
    for message in permission_messages.ALL:
        assert message in metas, f"{message!r} is not a code-200 message in Meta's OpenAPI description"


def test_the_refusals_readers_see_use_metas_sentences(spec):
    metas = code_200_messages(spec)
    send = {"messaging_product": "whatsapp", "to": "+15550100123", "type": "text", "text": {"body": "Hi"}}
    seen = [
        refusal("POST", f"/{OWN_PHONE}/messages", "management-only", send),  # the Error Reference's example
        refusal("GET", f"/{OWN_PHONE}", "no-assets"),  # no asset access
        refusal("GET", f"/{OWN_WABA}/phone_numbers", "messaging-only"),  # management required
    ]
    for error in seen:
        assert error["code"] == 200 and error["type"] == "OAuthException"
        assert error["message"] in metas, error["message"]
        assert error["error_data"]["details"] == error["message"]
    # The sentence no Meta page has (the seed draft's) is gone for good.
    assert all("Requires whatsapp_business_messaging permission" != e["message"] for e in seen)
