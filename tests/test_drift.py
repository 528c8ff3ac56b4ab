"""Docs CI drift checks (marker `drift`). The checks on the real repository use today's date, or
DRIFT_TODAY; DRIFT_STRICT=1 turns warnings into failures. The tests of the checks themselves use
fixed dates, never the wall clock."""

from __future__ import annotations

import copy
import datetime as dt
import shutil
import subprocess
import sys
import warnings

import pytest

import guide_data
from conftest import ROOT, copy_project
from guide_data import drift
from guide_data.bump_version import bump

pytestmark = pytest.mark.drift


def report(results):
    for result in results:
        if result.level in ("warn", "info"):
            warnings.warn(result.message, UserWarning, stacklevel=2)
    failures = [r.message for r in results if r.level == "fail"]
    assert not failures, "\n".join(failures)


# -- the real repository ------------------------------------------------------------------------


def test_every_graph_url_uses_the_pinned_version(guide):
    report(drift.url_findings(drift.scanned_files(), guide["graph_api"]["pinned_version"]))


def test_the_pinned_version_is_still_available(guide):
    today, strict = drift.today_and_strict()
    report(drift.lifecycle(guide, today, strict))


def test_the_facts_were_verified_recently(guide):
    today, strict = drift.today_and_strict()
    report(drift.staleness(guide, today, strict))


# -- the checks themselves, on fixed dates and scratch copies ---------------------------------


def levels(results):
    return [r.level for r in results if r.level != "info"]


def test_a_url_with_another_version_fails_naming_file_line_found_and_expected(tmp_path):
    project = copy_project(tmp_path / "p")
    script = project / "snippets" / "me_permissions.sh"
    script.write_text(script.read_text().replace("/v26.0/", "/v24.0/"), encoding="utf-8")
    (project / "docs" / "extra.md").write_text("Call https://graph.facebook.com/me/permissions\n", encoding="utf-8")
    findings = drift.url_findings(drift.scanned_files(project), "v26.0", project)
    messages = [f.message for f in findings]
    assert any(m.startswith("snippets/me_permissions.sh:2: ") and "uses v24.0; expected v26.0" in m for m in messages)
    assert any(m.startswith("docs/extra.md:1: ") and "has no version" in m for m in messages)
    assert all("python -m guide_data.bump_version" in m for m in messages)


def test_bump_version_rewrites_every_url_after_the_pin_changes(tmp_path):
    project = copy_project(tmp_path / "p")
    for scope in ("README.md", ".github"):
        source = ROOT / scope
        (shutil.copytree if source.is_dir() else shutil.copy)(source, project / scope)
    data_file = project / "data" / "guide.yaml"
    data_file.write_text(data_file.read_text().replace("pinned_version: v26.0", "pinned_version: v25.0"), encoding="utf-8")
    guide_data._load_cached.cache_clear()
    assert drift.url_findings(drift.scanned_files(project), "v25.0", project), "changing the pin must be noticed"
    changed = bump(project)
    assert any(p.name == "graph_http.py" for p in changed)
    assert drift.url_findings(drift.scanned_files(project), "v25.0", project) == []
    assert '"/v25.0"' in (project / "snippets" / "graph_http.py").read_text()


def test_lifecycle_fails_after_the_end_and_warns_within_180_days(guide):
    data = copy.deepcopy(guide)
    data["graph_api"]["pinned_version"] = "v24.0"  # available until 2028-02-18
    assert levels(drift.lifecycle(data, dt.date(2028, 2, 18), strict=False)) == ["fail"]
    assert levels(drift.lifecycle(data, dt.date(2027, 9, 1), strict=False)) == ["warn"]
    assert levels(drift.lifecycle(data, dt.date(2027, 9, 1), strict=True)) == ["fail"]
    assert levels(drift.lifecycle(data, dt.date(2027, 8, 1), strict=True)) == []
    message = drift.lifecycle(data, dt.date(2028, 3, 1), strict=False)[0].message
    assert "v24.0" in message and "2028-02-18" in message and "pin a current version" in message.lower()


def test_a_tbd_end_uses_the_earliest_date_metas_policy_allows(guide):
    data = copy.deepcopy(guide)  # v26.0: TBD, and v27.0 has no release date
    end, basis = drift.version_end(data, "v26.0", dt.date(2026, 11, 26))
    assert end == dt.date(2028, 11, 26) and "TBD" in basis and "2 years" in basis
    data["graph_api"]["versions"][0]["released"] = dt.date(2026, 12, 10)  # v27.0 ships
    end, basis = drift.version_end(data, "v26.0", dt.date(2027, 1, 5))
    assert end == dt.date(2028, 12, 10) and "next version's release" in basis
    assert levels(drift.lifecycle(data, dt.date(2028, 7, 1), strict=False)) == ["warn"]


def test_newer_listed_versions_are_reported(guide):
    infos = [r.message for r in drift.lifecycle(guide, dt.date(2026, 11, 26), strict=True) if r.level == "info"]
    assert any("v27.0" in m for m in infos)


def test_facts_older_than_120_days_warn_then_fail_in_strict_mode(guide):
    verified = guide["last_verified"]
    assert drift.staleness(guide, verified + dt.timedelta(days=120), strict=True) == []
    late = verified + dt.timedelta(days=121)
    assert levels(drift.staleness(guide, late, strict=False)) == ["warn"]
    assert levels(drift.staleness(guide, late, strict=True)) == ["fail"]


@pytest.mark.parametrize(
    ("env", "code", "phrase"),
    [
        ({}, 0, "0 failure(s)"),
        ({"DRIFT_TODAY": "2027-06-01"}, 0, "WARN"),
        ({"DRIFT_TODAY": "2027-06-01", "DRIFT_STRICT": "1"}, 1, "last verified"),
        ({"DRIFT_TODAY": "June 2027"}, 1, "write it as YYYY-MM-DD"),
    ],
)
def test_the_calendar_and_strict_mode_come_from_the_environment(env, code, phrase):
    import os

    base = {k: v for k, v in os.environ.items() if not k.startswith("DRIFT_")}
    if not env:
        base["DRIFT_TODAY"] = str(guide_data.load()["last_verified"])
    result = subprocess.run(
        [sys.executable, "-m", "guide_data.drift"], cwd=ROOT, capture_output=True, text=True, env={**base, **env}
    )
    assert result.returncode == code, result.stdout + result.stderr
    assert phrase in result.stdout + result.stderr
