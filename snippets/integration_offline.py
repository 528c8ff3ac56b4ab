"""Your integration's tests, offline: pytest starts mockgraph once; your code talks to it.

With mockgraph installed (pip install, see the page): `pytest this_file.py`.
Without installing it: `pytest -p mockgraph.pytest_plugin this_file.py`.
"""

from __future__ import annotations

import requests

from mockgraph.pytest_plugin import MockGraph


def send_text(graph_url: str, token: str, phone_id: str, to: str, body: str) -> dict:
    """Your code. In production, graph_url is Graph's address plus your pinned version."""
    response = requests.post(
        f"{graph_url}/{phone_id}/messages",
        headers={"Authorization": f"Bearer {token}"},
        json={
            "messaging_product": "whatsapp",
            "to": to,
            "type": "text",
            "text": {"body": body},
        },
        timeout=10,
    )
    return response.json()


def test_a_text_inside_the_window_is_sent(mockgraph: MockGraph) -> None:
    token, phone = mockgraph.tokens["healthy"], mockgraph.ids["phone-number"]
    answer = send_text(mockgraph.graph_url, token, phone, mockgraph.recipient, "Hi")
    assert answer["messages"][0]["id"].startswith("wamid.")


def test_a_token_without_messaging_gets_error_200(mockgraph: MockGraph) -> None:
    token, phone = mockgraph.tokens["management-only"], mockgraph.ids["phone-number"]
    answer = send_text(mockgraph.graph_url, token, phone, mockgraph.recipient, "Hi")
    assert answer["error"]["code"] == 200


def test_outside_the_24_hour_window_a_text_gets_131047(mockgraph: MockGraph) -> None:
    token, phone = mockgraph.tokens["healthy"], mockgraph.ids["phone-number"]
    to = mockgraph.outside_window_recipient
    answer = send_text(mockgraph.graph_url, token, phone, to, "Hi")
    assert answer["error"]["code"] == 131047
