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
