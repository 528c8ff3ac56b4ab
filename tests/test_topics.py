"""The data behind the guide's sourced statements: dated statements fail the drift check once
their date passes, and evidence labels cannot contradict their sources."""

from __future__ import annotations

import copy
import datetime as dt
import subprocess
import sys

import pytest

import guide_data
from guide_data import drift
from support.paths import ROOT


def _with(guide: dict, **changes) -> dict:
    data = copy.deepcopy(guide)
    data.update(changes)
    return data


def test_an_upcoming_statement_fails_the_drift_check_once_its_date_has_passed(guide):
    upcoming = [d for d in guide["dated_statements"] if d["status"] == "upcoming"]
    assert upcoming, "the YAML should hold at least one statement about the future"
    entry = upcoming[0]
    assert drift.dated_statements(guide, entry["date"] - dt.timedelta(days=1)) == []
    results = drift.dated_statements(guide, entry["date"])
    assert [r.level for r in results] == ["fail"]
    assert entry["id"] in results[0].message and "set status: passed" in results[0].message


def test_a_statement_marked_passed_before_its_date_fails(guide):
    entry = {**guide["dated_statements"][0], "status": "passed", "date": dt.date(2099, 1, 1)}
    results = drift.dated_statements(_with(guide, dated_statements=[entry]), dt.date(2030, 1, 1))
    assert [r.level for r in results] == ["fail"] and "ahead" in results[0].message


def test_the_drift_command_reports_a_passed_date():
    entry = next(d for d in guide_data.load()["dated_statements"] if d["status"] == "upcoming")
    env = {"PATH": "/usr/bin:/bin", "DRIFT_TODAY": str(entry["date"] + dt.timedelta(days=1))}
    result = subprocess.run([sys.executable, "-m", "guide_data.drift"], cwd=ROOT, capture_output=True, text=True, env=env)
    assert result.returncode == 1
    assert f"dated_statements[{entry['id']}]" in result.stdout


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"evidence": "community"}, "community evidence must link non-Meta sources"),
        ({"evidence": "meta", "sources": ["https://github.com/some/repo/issues/1"]}, "a source is not a Meta page"),
    ],
)
def test_evidence_labels_cannot_contradict_their_sources(guide, change, problem):
    meta_fact = next(f for f in guide["topic_facts"] if f["evidence"] == "meta")
    data = _with(guide, topic_facts=[{**meta_fact, **change}])
    with pytest.raises(guide_data.DataError, match=problem):
        guide_data.validate(data)


def test_a_rejection_reason_or_checklist_item_needs_a_meta_source(guide):
    reason = {**guide["rejection_patterns"][0], "source": "https://example.com/blog"}
    with pytest.raises(guide_data.DataError, match=r"rejection_patterns\[0\]\.source"):
        guide_data.validate(_with(guide, rejection_patterns=[reason]))
    group = copy.deepcopy(guide["app_review_checklist"][0])
    del group["items"][0]["source"]
    with pytest.raises(guide_data.DataError, match="'source' is a required property"):
        guide_data.validate(_with(guide, app_review_checklist=[group]))


def test_page_dates_must_name_existing_pages(guide):
    with pytest.raises(guide_data.DataError, match="docs/no-such-page.md does not exist"):
        guide_data.validate(_with(guide, page_last_verified={"no-such-page.md": dt.date(2026, 1, 1)}))
