"""Facts that must agree with each other (issue 20): where an error arrives and what its own note
says, counts the pages state and the data they come from, and confidence that follows the source."""

from __future__ import annotations

import json

from jsonschema import Draft202012Validator

import guide_data
from snippets import graph_errors
from support.openapi import SPEC_URI

EXAMPLES = guide_data.ROOT / "snippets" / "errors"


def spec_errors(registry, ref: str, instance) -> list[str]:
    validator = Draft202012Validator({"$ref": f"{SPEC_URI}#{ref}"}, registry=registry)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(instance)]


# -- item 3: an error's arrival agrees with its own note ------------------------------------------
def test_no_error_that_comes_with_an_incoming_message_is_labelled_a_failed_status(guide):
    for row in guide["graph_errors"]:
        note = row.get("arrives_note", "")
        if "incoming message" in note and "messages[].errors" in note and row["arrives"] != "both":
            assert row["arrives"] == "incoming_message", f"code {row['code']}: its note says incoming message"
        if row["arrives"] == "incoming_message":
            assert "incoming message" in note, f"code {row['code']}: the note must say so"


def test_131052_arrives_with_the_users_message_in_metas_webhook_shape(guide, spec, registry):
    (row,) = [r for r in guide["graph_errors"] if r["code"] == 131052]
    assert row["arrives"] == "incoming_message"
    assert not (EXAMPLES / "131052.status_webhook.json").exists()
    payload = json.loads((EXAMPLES / "131052.incoming_message.json").read_text(encoding="utf-8"))
    (value,) = [change["value"] for entry in payload["entry"] for change in entry["changes"]]
    assert "statuses" not in value
    assert not spec_errors(registry, "/components/schemas/Metadata", value["metadata"])
    (message,) = value["messages"]
    # Meta's schema for an unsupported incoming message reuses the outbound fields, so compare
    # with Meta's own example of one instead: the same fields, and the same fields in errors[].
    metas = spec["components"]["schemas"]["UnsupportedMessage"]["allOf"][1]["example"]
    assert set(message) == set(metas) and message["type"] == metas["type"]
    assert set(message["errors"][0]) == set(metas["errors"][0])
    decision = graph_errors.classify(message["errors"][0])
    assert decision.action == row["client_action"] and decision.details == row["meta_text"]
