"""snippets/graph_errors.py: the one classifier. Its table is generated from the YAML, so it is
checked against the YAML's rows, not against a copy of them."""

from __future__ import annotations

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
