"""Bad input never crashes mockgraph: any method, path, query, header or body gets a Graph-shaped
4xx (or a 200 for a request that happens to be valid), never a 5xx."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.test import Client

from mockgraph import GraphMock, token_value
from mockgraph.app import MAX_BODY
from mockgraph.demo import DEMO_TOKENS, OWN_PHONE, OWN_WABA

APP = GraphMock()
CLIENT = Client(APP)

segments = st.one_of(
    st.sampled_from(
        [
            "v26.0",
            "v18.0",
            "v99.0",
            "v2",
            "me",
            "permissions",
            "debug_token",
            "messages",
            "phone_numbers",
            "message_templates",
            OWN_PHONE,
            OWN_WABA,
            "",
            "..",
            "%00",
            "%ff",
        ]
    ),
    st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="/?#"), min_size=1, max_size=12),
)
tokens = st.one_of(st.sampled_from([token_value(n) for n in DEMO_TOKENS]), st.text(max_size=40), st.just(""))
bodies = st.one_of(
    st.binary(max_size=300),
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
        max_leaves=12,
    ).map(lambda v: json.dumps(v).encode()),
    st.just(b"HUGE"),  # replaced in the test by a body over the mock's size limit (keeps reports short)
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    method=st.sampled_from(["GET", "POST", "DELETE", "PUT", "PATCH", "OPTIONS", "HEAD", "PROPFIND"]),
    path=st.lists(segments, min_size=0, max_size=4),
    query=st.dictionaries(st.text(max_size=12), st.text(max_size=20), max_size=3).map(
        lambda q: {k.encode("utf-8", "replace").decode(): v.encode("utf-8", "replace").decode() for k, v in q.items()}
    ),
    token=tokens,
    content_type=st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded", ""]),
    body=bodies,
)
def test_no_request_makes_the_mock_fail_with_a_5xx(method, path, query, token, content_type, body):
    if body == b"HUGE":
        body = b"x" * (MAX_BODY + 1)
    headers = {"Authorization": f"Bearer {token}"} if token.isascii() and token.isprintable() else {}
    response = CLIENT.open(
        "/" + "/".join(path), method=method, query_string=query, headers=headers, data=body, content_type=content_type or None
    )
    assert response.status_code < 500, response.get_data(as_text=True)
    if method != "HEAD":
        payload = json.loads(response.get_data())
        assert "error" in payload or response.status_code == 200
        if "error" in payload:
            assert {"message", "type", "code", "fbtrace_id"} <= set(payload["error"])
            assert 400 <= response.status_code < 500
