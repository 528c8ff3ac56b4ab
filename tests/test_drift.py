"""Docs CI drift checks (marker `drift`). The checks on the real repository use today's date, or
DRIFT_TODAY; DRIFT_STRICT=1 turns warnings into failures. The tests of the checks themselves use
fixed dates, never the wall clock."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import warnings

import pytest

import guide_data
from guide_data import drift
from guide_data.bump_version import bump
from support.paths import ROOT
from support.project import copy_project

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


# -- the checks themselves, on fixed dates, fixed data and scratch copies ----------------------


def levels(results):
    return [r.level for r in results if r.level != "info"]


def other_version(guide) -> str:
    """A released version in the YAML other than the pinned one."""
    pinned = guide["graph_api"]["pinned_version"]
    return next(v["version"] for v in guide["graph_api"]["versions"] if v["released"] and v["version"] != pinned)


def lifecycle_data(pinned: str) -> dict:
    """A fixed version history, so the lifecycle checks are tested on known dates whatever the YAML
    says today: v41.0 announced, v40.0 current with no end date (TBD), v39.0 and v38.0 dated."""
    return {
        "graph_api": {
            "pinned_version": pinned,
            "guaranteed_years": 2,
            "versions": [
                {"version": "v41.0", "released": None, "available_until": None},
                {"version": "v40.0", "released": dt.date(2030, 7, 29), "available_until": None},
                {"version": "v39.0", "released": dt.date(2030, 2, 18), "available_until": dt.date(2032, 7, 29)},
                {"version": "v38.0", "released": dt.date(2029, 10, 8), "available_until": dt.date(2032, 2, 18)},
            ],
        }
    }


def test_a_url_with_another_version_fails_naming_file_line_found_and_expected(tmp_path, guide):
    pinned, other = guide["graph_api"]["pinned_version"], other_version(guide)
    project = copy_project(tmp_path / "p")
    script = project / "snippets" / "me_permissions.sh"
    lines = script.read_text(encoding="utf-8").splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines, 1) if f"graph.facebook.com/{pinned}/" in line)
    lines[number - 1] = lines[number - 1].replace(f"/{pinned}/", f"/{other}/")
    script.write_text("".join(lines), encoding="utf-8")
    (project / "docs" / "extra.md").write_text("Call https://graph.facebook.com/me/permissions\n", encoding="utf-8")
    findings = drift.url_findings(drift.scanned_files(project), pinned, project)
    messages = [f.message for f in findings]
    assert any(
        m.startswith(f"snippets/me_permissions.sh:{number}: ") and f"uses {other}; expected {pinned}" in m for m in messages
    )
    assert any(m.startswith("docs/extra.md:1: ") and "has no version" in m for m in messages)
    assert len(messages) == 2, messages
    assert all("python -m guide_data.bump_version" in m for m in messages)


def test_bump_version_rewrites_every_url_after_the_pin_changes(tmp_path, guide):
    pinned, target = guide["graph_api"]["pinned_version"], other_version(guide)
    project = copy_project(tmp_path / "p")
    for scope in ("README.md", ".github", "mockgraph"):
        source = ROOT / scope
        (shutil.copytree if source.is_dir() else shutil.copy)(source, project / scope)
    data_file = project / "data" / "guide.yaml"
    data = data_file.read_text(encoding="utf-8")
    assert data.count(f"pinned_version: {pinned}\n") == 1
    data_file.write_text(data.replace(f"pinned_version: {pinned}\n", f"pinned_version: {target}\n"), encoding="utf-8")
    stale = drift.url_findings(drift.scanned_files(project), target, project)
    assert stale, "changing the pin must be noticed"
    changed = bump(project)
    assert {p.relative_to(project).as_posix() for p in changed} == {f.message.split(":")[0] for f in stale}
    assert drift.url_findings(drift.scanned_files(project), target, project) == []
    assert bump(project) == [], "a second run has nothing left to rewrite"
    # The snippets' pin lives in graph_http.py (DEFAULT_BASE_URL, API_VERSION): the bump reaches it.
    assert f'"/{target}"' in (project / "snippets" / "graph_http.py").read_text(encoding="utf-8")


def test_lifecycle_fails_after_the_end_and_warns_within_180_days():
    data = lifecycle_data("v38.0")  # available until 2032-02-18
    assert levels(drift.lifecycle(data, dt.date(2032, 2, 18), strict=False)) == ["fail"]
    assert levels(drift.lifecycle(data, dt.date(2031, 9, 1), strict=False)) == ["warn"]
    assert levels(drift.lifecycle(data, dt.date(2031, 9, 1), strict=True)) == ["fail"]
    assert levels(drift.lifecycle(data, dt.date(2031, 8, 1), strict=True)) == []
    message = drift.lifecycle(data, dt.date(2032, 3, 1), strict=False)[0].message
    assert "v38.0" in message and "2032-02-18" in message and "pin a current version" in message.lower()


def test_a_tbd_end_uses_the_earliest_date_metas_policy_allows():
    data = lifecycle_data("v40.0")  # v40.0: TBD, and v41.0 has no release date
    end, basis = drift.version_end(data, "v40.0", dt.date(2030, 11, 26))
    assert end == dt.date(2032, 11, 26) and "TBD" in basis and "2 years" in basis
    data["graph_api"]["versions"][0]["released"] = dt.date(2030, 12, 10)  # v41.0 ships
    end, basis = drift.version_end(data, "v40.0", dt.date(2031, 1, 5))
    assert end == dt.date(2032, 12, 10) and "next version's release" in basis
    assert levels(drift.lifecycle(data, dt.date(2032, 7, 1), strict=False)) == ["warn"]


def test_newer_listed_versions_are_reported():
    infos = [r.message for r in drift.lifecycle(lifecycle_data("v39.0"), dt.date(2030, 11, 26), strict=True) if r.level == "info"]
    assert [m for m in infos if "v41.0" in m] and [m for m in infos if "v40.0" in m]
    assert not [m for m in infos if "v38.0" in m], "an older version is not news"


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
