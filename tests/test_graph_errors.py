"""snippets/graph_errors.py: the one classifier. Its table is generated from the YAML, so it is
checked against the YAML's rows, not against a copy of them."""

from __future__ import annotations

import pytest

import guide_data
from guide_data import error_actions
from snippets import graph_errors


def test_the_shipped_action_table_is_the_one_the_yaml_generates():
    shipped = error_actions.ACTIONS_FILE.read_text(encoding="utf-8")
    assert shipped == error_actions.render(), "run `python -m guide_data.error_actions` and commit the file"


def test_every_yaml_code_classifies_to_its_client_action(guide):
    for row in guide["graph_errors"]:
        decision = graph_errors.classify({"code": row["code"], "message": "m", "error_data": {"details": "d"}})
        assert decision.known and decision.action == row["client_action"], row["code"]
        assert decision.retryable is guide_data.is_retryable(row["client_action"])
        assert decision.details == "d"


def test_a_code_as_a_string_is_read_as_the_number(guide):
    row = guide["graph_errors"][0]
    assert graph_errors.classify({"code": str(row["code"])}).action == row["client_action"]


def test_unknown_codes_and_malformed_errors_are_never_retried():
    known = {row["code"] for row in guide_data.load()["graph_errors"]}
    unknown = next(code for code in range(999000, 1000000) if code not in known)
    for error in ({"code": unknown, "message": "new"}, {}, None, {"code": None}, {"code": True}, {"code": [1]}):
        decision = graph_errors.classify(error)  # type: ignore[arg-type]
        assert decision.action == graph_errors.DO_NOT_RETRY and not decision.known and not decision.retryable


def test_a_subcode_changes_the_action_exactly_where_the_yaml_says(guide):
    rows = [row for row in guide["graph_errors"] if "subcodes" in row]
    assert rows, "the YAML lists no subcodes"
    for row in rows:
        for sub in row["subcodes"]:
            decision = graph_errors.classify({"code": row["code"], "error_subcode": sub["subcode"]})
            assert decision.action == sub["client_action"], (row["code"], sub["subcode"])
        # A subcode the YAML does not list falls back to the code's action.
        listed = {sub["subcode"] for sub in row["subcodes"]}
        other = next(n for n in range(1, 10**6) if n not in listed)
        assert graph_errors.classify({"code": row["code"], "error_subcode": other}).action == row["client_action"]


def test_a_range_row_covers_every_code_up_to_its_end_and_no_further(guide):
    codes = {row["code"] for row in guide["graph_errors"]}
    for row in (r for r in guide["graph_errors"] if "range_to" in r):
        for code in (row["code"] + 1, row["range_to"]):
            if code not in codes:
                decision = graph_errors.classify({"code": code})
                assert decision.known and decision.action == row["client_action"] and decision.title == row["title"]
        beyond = row["range_to"] + 1
        if beyond not in codes:
            assert not graph_errors.classify({"code": beyond}).known


def test_a_wait_meta_names_reaches_the_decision(guide):
    for row in guide["graph_errors"]:
        assert graph_errors.classify({"code": row["code"]}).wait == row.get("wait", ""), row["code"]


def test_a_status_webhook_errors_entry_classifies_like_the_response_error(guide):
    """Webhook errors[] carry code, title, message, error_data.details and href; no `type`."""
    for row in guide["graph_errors"]:
        entry = {"code": row["code"], "title": row["title"], "message": row["title"], "error_data": {"details": "why"}}
        decision = graph_errors.classify(entry)
        assert (decision.action, decision.details, decision.title) == (row["client_action"], "why", row["title"])


# ---------------------------------------------------------------------------------------------
# The operator's sentence, the one reading of an answer and the exception family: whole values.
ROW = {"action": graph_errors.FIX_THEN_RETRY, "title": "Invalid parameter."}
TABLE = {
    100: ROW,
    4: {"action": graph_errors.RETRY_WITH_BACKOFF, "title": "Too many calls"},
    131056: {"action": graph_errors.RETRY_AFTER_WAIT, "title": "Pair rate limit", "wait": "6 seconds"},
    133008: {"action": graph_errors.RETRY_AFTER_WAIT, "title": "PIN guesses"},
    190: {"action": graph_errors.REAUTHENTICATE, "title": ""},
    131047: {"action": graph_errors.DO_NOT_RETRY, "title": "Re-engagement message"},
}


def decide(code: int, **fields) -> graph_errors.Decision:
    return graph_errors.classify({"code": code, **fields}, TABLE)


@pytest.mark.parametrize(
    ("decision", "sentence"),
    [
        (
            decide(100, error_subcode=33, message="Bad id!"),
            "Graph error 100/33 (Invalid parameter): Bad id. Fix the request, the token's access or the account, then try again.",
        ),
        (decide(4), "Graph error 4 (Too many calls). Throttled or temporary: retry later, with backoff."),
        (decide(131056, message="x"), "Graph error 131056 (Pair rate limit): x. Throttled: retry later; wait 6 seconds."),
        (decide(133008), "Graph error 133008 (PIN guesses). Throttled: retry later."),
        (
            decide(190, message="Expired"),
            "Graph error 190: Expired. The access token is expired, revoked or invalid: generate a new one.",
        ),
        (
            decide(131047),
            "Graph error 131047 (Re-engagement message). The same request will fail the same way: do not repeat it.",
        ),
        (
            decide(7, title="New", message="Hm"),
            "Graph error 7 (New): Hm. A code this guide does not know: not retried; have a human look at it.",
        ),
    ],
)
def test_describe_says_what_graph_said_and_what_to_do_from_the_code(decision, sentence):
    assert graph_errors.describe(decision) == sentence


def test_describe_without_advice_stops_after_what_graph_said():
    assert graph_errors.describe(decide(190, message="Expired"), advice=False) == "Graph error 190: Expired."


def answer(status: int, body, content_type: str = "application/json", retry_after: float | None = None):
    from snippets.graph_http import Answer

    return Answer(status, content_type, body, retry_after)


def failure_fields(failure: graph_errors.GraphFailure | None):
    if failure is None:
        return None
    fields = (failure.decision, failure.retryable, failure.sent, failure.retry_after, failure.fbtrace_id, failure.attempts)
    return type(failure).__name__, str(failure), *fields


GRAPH_ERROR = {"error": {"code": 4, "message": "Slow down", "fbtrace_id": "Atrace"}}
REDIRECT = "HTTP {} redirect, not followed: the call must reach Graph itself. Check the base URL and any proxy."
IN_FRONT = "HTTP {} without a Graph error ({}): something in front of Graph refused the call. Check the base URL and any proxy."
NOT_GRAPH = "HTTP {} with {} ({}), not a Graph answer: a proxy or an outage is in the way."


def refused(text: str, retryable: bool = False, retry_after: float | None = None, decision=None, trace=None):
    """failure_fields() of a GraphFailure: nothing was done."""
    return "GraphFailure", text, decision, retryable, True, retry_after, trace, 1


def maybe(text: str):
    """failure_fields() of a MayHaveTakenEffect."""
    return "MayHaveTakenEffect", text, None, False, True, None, None, 1


def graph_said(error: dict, retryable: bool, retry_after: float | None = None, trace: str | None = None):
    decision = graph_errors.classify(error)
    return refused(graph_errors.describe(decision), retryable, retry_after, decision, trace)


INTERPRETATIONS = [
    (answer(200, {"id": "1"}), None),
    (answer(201, {}), None),
    (answer(299, {"data": []}), None),
    (answer(400, GRAPH_ERROR, retry_after=7.0), graph_said(GRAPH_ERROR["error"], True, 7.0, "Atrace")),
    (answer(200, {"error": {"code": 131047, "fbtrace_id": 5}}), graph_said({"code": 131047}, False)),
    (answer(300, {}), refused(REDIRECT.format(300))),
    (answer(301, None, "text/html"), refused(REDIRECT.format(301))),
    (answer(399, {"a": 1}), refused(REDIRECT.format(399))),
    (
        answer(429, None, "text/html", 15.0),
        refused("HTTP 429 without a Graph error: throttled before Graph; retry later.", True, 15.0),
    ),
    (answer(400, {}), refused(IN_FRONT.format(400, "application/json"))),
    (answer(404, None, ""), refused(IN_FRONT.format(404, "no content type"))),
    (answer(499, {"x": 1}, "text/plain"), refused(IN_FRONT.format(499, "text/plain"))),
    (answer(502, None, "text/html"), maybe(NOT_GRAPH.format(502, "no JSON", "text/html"))),
    (answer(200, [1]), maybe(NOT_GRAPH.format(200, "a JSON list", "application/json"))),
    (answer(500, {"error": None}), maybe(NOT_GRAPH.format(500, "a JSON dict", "application/json"))),
    (answer(199, {}), maybe(NOT_GRAPH.format(199, "a JSON dict", "application/json"))),
]


@pytest.mark.parametrize(("given", "verdict"), INTERPRETATIONS, ids=lambda v: getattr(v, "status", ""))
def test_interpret_reads_every_kind_of_answer_one_way(given, verdict):
    assert failure_fields(graph_errors.interpret(given)) == verdict


def test_the_family_has_one_base_and_catches_only_what_it_should():
    from snippets import (
        exchange_code,
        extend_user_token,
        register_phone,
        send_from_test_number,
        sender,
        share_credit_line,
        startup_check,
        subscribe_app,
    )

    classes = [
        sender.WhatsAppError,
        startup_check.TokenProblem,
        startup_check.AppCredentialsProblem,
        startup_check.GraphUnavailable,
        exchange_code.ExchangeFailed,
        subscribe_app.GraphCallFailed,
        send_from_test_number.SendFailed,
        send_from_test_number.RecipientNotAllowed,
        register_phone.RegistrationFailed,
        share_credit_line.SharingFailed,
        extend_user_token.ExtendFailed,
        graph_errors.MayHaveTakenEffect,
    ]
    assert all(issubclass(kind, graph_errors.GraphFailure) for kind in classes)
    assert sender.MayHaveTakenEffect is graph_errors.MayHaveTakenEffect  # one class for the idea, not one per snippet
    # `except TokenProblem` must not catch wrong app credentials: regenerating the token would not help.
    assert not issubclass(startup_check.AppCredentialsProblem, startup_check.TokenProblem)
    assert issubclass(startup_check.AppCredentialsProblem, PermissionError) and issubclass(
        startup_check.TokenProblem, PermissionError
    )
    assert issubclass(startup_check.GraphUnavailable, RuntimeError)
    assert not issubclass(graph_errors.MayHaveTakenEffect, sender.WhatsAppError), (
        "a retry loop on WhatsAppError must not catch it"
    )


def test_recast_keeps_every_field_and_changes_only_what_it_is_told():
    decision = decide(4)
    original = graph_errors.GraphFailure(
        "said", decision=decision, retryable=True, sent=False, retry_after=3.0, fbtrace_id="T", attempts=2
    )
    same = original.recast(graph_errors.GraphFailure)
    assert failure_fields(same) == failure_fields(original) == ("GraphFailure", "said", decision, True, False, 3.0, "T", 2)
    other = original.recast(graph_errors.GraphFailure, "new words", attempts=3)
    assert failure_fields(other) == ("GraphFailure", "new words", decision, True, False, 3.0, "T", 3)
    assert (other.code, other.details) == (4, "") and (
        graph_errors.GraphFailure("x").code,
        graph_errors.GraphFailure("x").details,
    ) == (None, None)
    maybe = original.recast(graph_errors.MayHaveTakenEffect)
    assert (maybe.retryable, maybe.sent) == (False, True), "what may have taken effect is never retryable, and was sent"

    built = graph_errors.MayHaveTakenEffect("lost", decision=decision, retryable=True, sent=False, retry_after=1.0, attempts=2)
    assert failure_fields(built) == ("MayHaveTakenEffect", "lost", decision, False, True, 1.0, None, 2)


def test_the_shipped_table_holds_each_yaml_row_whole(guide):
    table = graph_errors.load_table()
    assert sorted(table) == sorted(row["code"] for row in guide["graph_errors"])
    for row in guide["graph_errors"]:
        assert (table[row["code"]]["action"], table[row["code"]]["title"]) == (row["client_action"], row["title"])


@pytest.mark.parametrize(
    ("error", "decision"),
    [
        (
            {"code": 999999, "error_subcode": 5, "title": "Brand new", "message": "Said", "error_data": {"details": ""}},
            graph_errors.Decision(graph_errors.DO_NOT_RETRY, 999999, 5, "Brand new", "Said", known=False),
        ),
        (
            {"code": "999999", "title": 7, "message": 8, "error_data": {"details": 9}},
            graph_errors.Decision(graph_errors.DO_NOT_RETRY, 999999, None, "", "", known=False),
        ),
        (
            {"code": 100, "error_subcode": 33, "message": "m", "error_data": {"details": "d"}},
            graph_errors.Decision(graph_errors.FIX_THEN_RETRY, 100, 33, "Invalid parameter.", "d", known=True),
        ),
        (
            {"code": 131056, "error_data": "not an object", "message": "m"},
            graph_errors.Decision(
                graph_errors.RETRY_AFTER_WAIT, 131056, None, "Pair rate limit", "m", known=True, wait="6 seconds"
            ),
        ),
    ],
)
def test_classify_returns_the_whole_decision(error, decision):
    assert graph_errors.classify(error, TABLE) == decision


@pytest.mark.parametrize(
    ("text", "said"), [("", "No details given."), ("  Hi!  ", "Hi."), ("Wait: ", "Wait."), ("X ends in X", "X ends in X.")]
)
def test_sentence_ends_with_exactly_one_full_stop(text, said):
    assert graph_errors.sentence(text) == said


def test_describe_with_an_action_it_has_no_advice_for_ends_after_what_graph_said():
    decision = graph_errors.Decision("some_new_action", 1, None, "Box X.", "", known=True)
    assert graph_errors.describe(decision) == "Graph error 1 (Box X)."
