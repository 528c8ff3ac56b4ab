"""Bad input never crashes mockgraph: any method, path, query, header or body gets a Graph-shaped
4xx (or a 200 for a request that happens to be valid), never a 5xx.

The request is built as a WSGI environ whose PATH_INFO is the generated path, exactly as an HTTP
server hands it to the app. (Passing the path as a URL to werkzeug's test client would read a path
starting with `//` as a host, so such paths never reached the mock and could fail the harness.)
Every example checks that the mock saw the path it was given. In CI the Hypothesis profile is
derandomized (tests/conftest.py); `.ci/fuzz-50` runs this test 50 times from a clean state."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Response

import guide_data
from mockgraph import GraphMock, token_value
from mockgraph.app import MAX_BODY
from mockgraph.demo import DEMO_TOKENS, OWN_PHONE, OWN_WABA

APP = GraphMock()

segments = st.one_of(
    st.sampled_from(
        [
            guide_data.pinned_version(),
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


def wsgi_path(path: str) -> str:
    """PATH_INFO as PEP 3333 carries it: the UTF-8 bytes of the decoded path, as latin-1 text."""
    return path.encode("utf-8", "surrogatepass").decode("latin-1")


@pytest.mark.fuzz
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
    sent = "/" + "/".join(path)
    environ = EnvironBuilder(
        method=method, query_string=query, headers=headers, data=body, content_type=content_type or None
    ).get_environ()
    environ["PATH_INFO"] = wsgi_path(sent)
    # Straight into the app: werkzeug's test client would rebuild the environ and decode the path.
    response = Response.from_app(APP, environ)
    # werkzeug's Request.path folds leading slashes into one, as it does behind a real server.
    assert APP.journal[-1][:2] == (method, "/" + sent.lstrip("/")), f"{sent!r} did not reach the mock"
    assert response.status_code < 500, response.get_data(as_text=True)
    if method != "HEAD":
        payload = json.loads(response.get_data())
        assert "error" in payload or response.status_code == 200
        if "error" in payload:
            assert {"message", "type", "code", "fbtrace_id"} <= set(payload["error"])
            assert 400 <= response.status_code < 500
