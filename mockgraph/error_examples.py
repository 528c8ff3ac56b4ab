"""python -m mockgraph.error_examples: write the Error Reference's example payloads from the mock.

For every code in data/guide.yaml the page shows what Meta delivers: the error response, the
failed status webhook, or both (the row's `arrives`). Each file under snippets/errors/ is what
mockgraph produces for an error drill (see mockgraph/status_webhooks.py), and a test fails when
a file differs from what the mock produces now. Run this after editing graph_errors.
"""

from __future__ import annotations

import json
import sys

from werkzeug.test import Client

import guide_data
from mockgraph import demo, incoming_errors, status_webhooks
from mockgraph.app import GraphMock

EXAMPLES_DIR = guide_data.ROOT / "snippets" / "errors"
# A fixed clock, so a webhook's timestamp is the same on every run (2026-01-01T00:00:00Z).
EXAMPLE_TIME = demo.ISSUED_AT


def example_name(code: int, way: str) -> str:
    return f"{code}.{way}.json"


def ways(row: dict) -> list[str]:
    """How Meta delivers this code: a response, a status webhook, one example of each, or an
    incoming message's webhook."""
    return guide_data.arrival_ways(row)


def send_drill(mock: GraphMock, code: int, way: str):
    """Send hello_world to the code's drill recipient, as a reader's sender would."""
    prefix = status_webhooks.RESPONSE_DRILL if way == "response" else status_webhooks.WEBHOOK_DRILL
    body = {
        "messaging_product": "whatsapp",
        "to": f"+{prefix}{code}",
        "type": "template",
        "template": {"name": "hello_world", "language": {"code": "en_US"}},
    }
    path = f"/{mock.pinned}/{demo.OWN_PHONE}/messages"
    headers = {"Authorization": f"Bearer {demo.token_value('healthy')}"}
    return Client(mock).post(path, json=body, headers=headers)


def produce(code: int, way: str, data: dict | None = None) -> dict:
    """The payload the mock produces for this code and way of arriving."""
    if way == "incoming_message":  # no send involved: Meta reports it with a message the user sent
        return incoming_errors.event(status_webhooks.error_rows(data or guide_data.load())[code], EXAMPLE_TIME)
    recorded: list[dict] = []
    mock = GraphMock(data)
    mock.status_webhooks = status_webhooks.StatusWebhooks(
        "https://receiver.invalid/webhook",
        clock=lambda: EXAMPLE_TIME,
        transport=lambda _url, payload, _secret: recorded.append(payload),
        background=False,
    )
    response = send_drill(mock, code, way)
    if way == "response":
        return response.get_json()
    if response.status_code != 200 or len(recorded) != 1:
        raise RuntimeError(
            f"the mock did not report code {code} by one webhook: {response.status_code} {response.get_data(as_text=True)}"
        )
    return recorded[0]


def render(payload: dict) -> str:
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def expected_files(data: dict | None = None) -> dict[str, str]:
    """File name -> text, for every code and way in the YAML."""
    data = data or guide_data.load()
    return {
        example_name(row["code"], way): render(produce(row["code"], way, data))
        for row in data["graph_errors"]
        for way in ways(row)
    }


def main() -> int:
    EXAMPLES_DIR.mkdir(exist_ok=True)
    files = expected_files()
    for stale in EXAMPLES_DIR.glob("*.json"):
        if stale.name not in files:
            stale.unlink()
            print(f"removed {stale.relative_to(guide_data.ROOT)}")
    written = 0
    for name, text in files.items():
        target = EXAMPLES_DIR / name
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
            written += 1
    print(f"{len(files)} examples in {EXAMPLES_DIR.relative_to(guide_data.ROOT)}, {written} written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
