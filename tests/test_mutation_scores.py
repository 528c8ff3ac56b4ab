"""benchmarks/mutation.py: the kill rate per module, read from mutmut's cached results."""

from __future__ import annotations

import json

from benchmarks import mutation


def test_scores_count_killed_timeouts_and_type_check_catches_and_skip_unchecked_mutants(tmp_path):
    meta = tmp_path / "mutants" / "snippets" / "graph_errors.py.meta"
    meta.parent.mkdir(parents=True)
    codes = {"a__mutmut_1": 1, "a__mutmut_2": 0, "a__mutmut_3": 36, "a__mutmut_4": 37, "a__mutmut_5": None}
    meta.write_text(json.dumps({"exit_code_by_key": codes}), encoding="utf-8")
    receiver = tmp_path / "mutants" / "snippets" / "webhook_receiver.py.meta"
    only = {"m.x_signature_is_valid__mutmut_1": 1, "m.x_signature_is_valid__mutmut_2": 0, "m.x_parse_event__mutmut_1": 0}
    receiver.write_text(json.dumps({"exit_code_by_key": only}), encoding="utf-8")
    report = mutation.scores(tmp_path)
    assert report["snippets/graph_errors.py"] == {"mutants": 4, "killed": 3, "not_checked": 1, "kill_rate_percent": 75.0}
    assert report["snippets/webhook_receiver.py"] == {"mutants": 2, "killed": 1, "not_checked": 0, "kill_rate_percent": 50.0}
    assert report["snippets/sender.py"] == 'not run yet: mutmut run "snippets.sender*"'
    assert report["guide_data/drift.py"] == 'not run yet: mutmut run "guide_data.drift*"'


def test_a_module_counted_by_function_says_which_functions_to_mutate_when_not_run_yet(tmp_path):
    """Mutating the whole durable receiver would take an hour; the report names only the protocol functions."""
    functions = ("x_signature_is_valid", "x_subscription_challenge")
    expected = "not run yet: " + " ".join(f'mutmut run "snippets.webhook_receiver.{name}*"' for name in functions)
    assert mutation.scores(tmp_path)["snippets/webhook_receiver.py"] == expected
