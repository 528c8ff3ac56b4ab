"""A pytest plugin for readers' own test suites: mockgraph starts once per test session and the
`mockgraph` fixture hands over where it listens and what to call it with.

    pytest -p mockgraph.pytest_plugin          # or installed (pip install .): loaded by itself

    def test_send(mockgraph):
        url = f"{mockgraph.graph_url}/{mockgraph.ids['phone-number']}/messages"
        headers = {"Authorization": f"Bearer {mockgraph.tokens['healthy']}"}

`graph_url` carries the mock's pinned Graph version (use it where your code takes
https://graph.facebook.com/v26.0); `tokens` and `ids` are what `python -m mockgraph
--list-tokens` and `--list-ids` print; `app_id` and `app_secret` are the demo app's; `journal` is
the mock's record of the last requests (method, path, JSON body; never headers or query strings).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest


@dataclass(frozen=True)
class MockGraph:
    base_url: str
    graph_url: str
    version: str
    tokens: dict[str, str]
    ids: dict[str, str]
    app_id: str
    app_secret: str
    recipient: str  # wrote to the business within 24 hours: any message type may go out
    outside_window_recipient: str  # did not: free-form messages get 131047, templates go out
    journal: object


@pytest.fixture(scope="session")
def mockgraph() -> Iterator[MockGraph]:
    from mockgraph import demo
    from mockgraph.objects import demo_ids
    from mockgraph.server import serve

    running = serve(quiet=True)
    try:
        yield MockGraph(
            base_url=running.base_url,
            graph_url=f"{running.base_url}/{running.app.pinned}",
            version=running.app.pinned,
            tokens={name: demo.token_value(name) for name in demo.DEMO_TOKENS},
            ids=demo_ids(),
            app_id=demo.DEMO_APP.id,
            app_secret=demo.DEMO_APP.secret,
            recipient="+" + sorted(demo.RECENT_WRITERS)[0],
            outside_window_recipient=demo.OUTSIDE_WINDOW_RECIPIENT,
            journal=running.app.journal,
        )
    finally:
        running.stop()
