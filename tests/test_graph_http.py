"""snippets/graph_http.py against answers no Graph sends but a proxy or a broken server can: each
one must end in an Answer or Unreachable at once, never in a raw exception or a wait for the deadline."""

from __future__ import annotations

import time

import requests

from snippets import graph_errors, graph_http
from support.hostile_server import response

DEADLINE = 5.0


def call(base_url: str) -> graph_http.Answer:
    began = time.monotonic()
    result = graph_http.request(requests.Session(), "GET", base_url + "/v0/x", deadline=began + DEADLINE)
    assert time.monotonic() - began < DEADLINE / 2, "an odd answer must not hold the caller until the deadline"
    return result


def test_json_nested_deeper_than_the_parser_recurses_is_not_json(hostile_server):
    server = hostile_server(lambda request, conn, n: conn.send(response(200, b"[" * 200_000)))
    result = call(server.base_url)
    assert result.status == 200 and result.body is None


def test_a_retry_after_that_is_not_a_plain_number_is_ignored(hostile_server):
    # The byte 0xB2 reads as "²" (HTTP headers are latin-1): it passes str.isdigit(), and float("²") raises.
    head = b"HTTP/1.1 429 Hostile\r\nContent-Type: application/json\r\nContent-Length: 20\r\nRetry-After: \xb2\r\n\r\n"
    server = hostile_server(lambda request, conn, n: conn.send(head + b'{"error":{"code":4}}'))
    result = call(server.base_url)
    assert result.status == 429 and result.retry_after is None


def test_a_code_that_only_looks_like_digits_is_an_unknown_code():
    decision = graph_errors.classify({"code": "\u00b2"})
    assert decision.code is None and not decision.known and decision.action == graph_errors.DO_NOT_RETRY
