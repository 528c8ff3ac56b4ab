"""Every behaviour of the hostile-server matrix, read in-process by the HTTP layer and the one
interpretation of an answer (graph_http.request + graph_errors.interpret), with short deadlines:
the fast counterpart of tests/test_hostile_matrix.py (slow, every snippet). Whole values: the class,
`retryable`, `sent`, how many requests left, and that no secret reaches the result."""

from __future__ import annotations

import time

import pytest
import requests

from snippets import graph_errors, graph_http
from support.hostile_expectations import EXPECTED, ONBOARDING_EXPECTED, start

TOKEN, PROOF = "EAAG-fast-hostile-token-0123456789", "f" * 64
# Seconds. The behaviours that drip or stay silent end at the deadline, so theirs is short; every other
# answer comes at once, and a generous deadline keeps a loaded machine from turning it into a timeout.
SILENT, STOP_AFTER, PROMPT = ("drip-body-1-byte", "drip-headers-1-byte"), 0.4, 5.0

# A POST through graph_call (the subscribe column of the onboarding table): what each outcome means
# for the HTTP layer and interpret(): (class, retryable, sent).
MEANS = {
    "ok": None,
    "GraphCallFailed": ("GraphFailure", False, True),  # refused by Graph or by something in front of it
    "GraphCallFailed:retryable": ("GraphFailure", True, True),  # throttled or temporary
    "MayHaveTakenEffect": ("MayHaveTakenEffect", False, True),
}
NEVER_LEFT = ("GraphFailure", True, False)
SENT_BUT = "The request was sent but "
# What the HTTP layer says when no usable answer came, word for word (interpret()'s sentences are
# tested whole in test_graph_errors.py).
TRANSPORT = {
    "refused": "Could not reach the Graph API: the connection was refused or the host could not be resolved.",
    "tls-garbage": "Could not reach the Graph API: the TLS handshake failed.",
    "reset-after-request": SENT_BUT + "the connection broke before a complete answer (ConnectionError).",
    "close-after-request": SENT_BUT + "the connection broke before a complete answer (ConnectionError).",
    "read-timeout": SENT_BUT + "no answer came within the read timeout.",
    "drip-body-1-byte": SENT_BUT + "no complete answer came before the deadline.",
    "drip-headers-1-byte": SENT_BUT + "no complete answer came before the deadline.",
    "huge-body-200": "The answer exceeded 1000000 bytes (not Graph: a proxy?).",
}


def read(base_url: str, stop_after: float) -> graph_errors.GraphFailure | None:
    """What a POST to subscribed_apps comes to: interpret()'s verdict, and for an accepted answer the
    snippet's own check of the one field it needs (`"success": true`), as subscribe_app makes it."""
    session = requests.Session()
    session.headers["authorization"] = f"Bearer {TOKEN}"
    stop_at = time.monotonic() + stop_after
    try:
        answer = graph_http.request(
            session,
            "POST",
            base_url + "/v0/1/subscribed_apps",
            stop_at=stop_at,
            params={"appsecret_proof": PROOF},
            connect_timeout=0.2,
            read_timeout=0.3,
        )
    except graph_errors.GraphFailure as exc:
        return exc
    finally:
        session.close()
    failure = graph_errors.interpret(answer)
    if failure is None and answer.body.get("success") is not True:
        return graph_errors.MayHaveTakenEffect("accepted, but not in the documented shape")
    return failure


@pytest.mark.parametrize("mode", list(EXPECTED))
def test_each_behaviour_reads_as_the_matrix_expects(mode, hostile_server):
    base_url, server, other_host = start(mode, hostile_server)
    began, stop_after = time.monotonic(), STOP_AFTER if mode in SILENT else PROMPT
    failure = read(base_url, stop_after)
    assert time.monotonic() - began < stop_after + 0.5, "the HTTP layer must stop at its deadline"
    wanted = ONBOARDING_EXPECTED[mode].subscribe
    expected = (
        NEVER_LEFT
        if mode in ("refused", "tls-garbage")
        else MEANS[wanted.split(":retryable")[0] + (":retryable" if wanted.endswith(":retryable") else "")]
    )
    got = None if failure is None else (type(failure).__name__, failure.retryable, failure.sent)
    assert got == expected, f"{mode}: {failure!r}"
    assert len(server.received if server else []) == (0 if mode in ("refused", "tls-garbage") else 1)
    if other_host is not None:
        assert other_host.received == [], "a redirect was followed"
    if mode in TRANSPORT:
        assert str(failure) == TRANSPORT[mode]
    if failure is not None:
        assert failure.__cause__ is None and failure.__context__ is None
        for text in (str(failure), repr(failure), repr(failure.decision)):
            assert TOKEN not in text and PROOF not in text
