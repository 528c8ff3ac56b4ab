"""graph_call.call_once: a snippet's own failure class and wording on top of graph_call.call, with
"may have taken effect" kept only where the caller says a repeat could act twice."""

from __future__ import annotations

import pytest

from snippets import graph_call, graph_errors

TOKEN = "test-token-for-call-once"


class Refused(graph_errors.GraphFailure):
    """A snippet's own class."""


def fields(failure: graph_errors.GraphFailure) -> tuple:
    return (type(failure), str(failure), failure.sent, failure.retryable, failure.__cause__, failure.__context__)


def failure_of(base_url: str, **options) -> graph_errors.GraphFailure:
    options.setdefault("deadline", 0.5)
    with pytest.raises(graph_errors.GraphFailure) as caught:
        graph_call.call_once("Doing it failed.", Refused, "POST", "/1/register", token=TOKEN, base_url=base_url, **options)
    return caught.value


def test_an_accepted_answer_is_graphs_object(hostile_server):
    server = hostile_server("healthy")
    assert graph_call.call_once("x", Refused, "GET", "/me", token=TOKEN, base_url=server.base_url) == graph_call.call(
        "GET", "/me", token=TOKEN, base_url=server.base_url
    )


def test_a_refusal_becomes_the_callers_class_led_by_what_was_being_done(hostile_server):
    server = hostile_server("code-10")
    with pytest.raises(graph_errors.GraphFailure) as plain:
        graph_call.call("POST", "/1/register", token=TOKEN, base_url=server.base_url, deadline=0.5)
    got = failure_of(server.base_url, maybe=" Check first.")
    assert fields(got) == (Refused, f"Doing it failed. {plain.value}", plain.value.sent, plain.value.retryable, None, None)
    assert got.decision == plain.value.decision and got.decision is not None


def test_a_request_that_may_have_acted_stays_so_and_says_what_to_check(hostile_server):
    server = hostile_server("read-timeout")
    got = failure_of(server.base_url, maybe=" Check first.")
    assert type(got) is graph_errors.MayHaveTakenEffect
    assert str(got).startswith("Doing it failed. ") and str(got).endswith(" Check first.")
    assert (got.sent, got.retryable, got.__cause__, got.__context__) == (True, False, None, None)


def test_without_maybe_every_failure_is_the_callers_class(hostile_server):
    server = hostile_server("read-timeout")
    got = failure_of(server.base_url)
    assert type(got) is Refused and got.sent is True and str(got).startswith("Doing it failed. ")
    assert TOKEN not in str(got) and TOKEN not in repr(got)
