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


# -- whole values: what each check reports, word for word ----------------------------------------

BUMP = "Run `python -m guide_data.bump_version` to rewrite it."


def url_failure(where: str, problem: str, pinned: str = "v40.0") -> drift.Result:
    return drift.Result("fail", f"{where}: Graph URL {problem}; expected {pinned}. {BUMP}")


def test_the_scan_covers_every_scope_in_order_and_skips_bytecode(tmp_path):
    names = ["docs/b.md", "docs/a/c.md", "snippets/x.py", "snippets/__pycache__/x.pyc", "mockgraph/m.py", "README.md"]
    names += [".github/workflows/ci.yml", ".github/dependabot.yml", "guide_data/drift.py"]
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    expected = ["docs/a/c.md", "docs/b.md", "snippets/x.py", "mockgraph/m.py", "README.md", ".github/workflows/ci.yml"]
    assert drift.scanned_files(tmp_path) == [tmp_path / name for name in expected]


def test_url_findings_name_each_wrong_or_unversioned_url_and_accept_the_rest(tmp_path):
    project, elsewhere = tmp_path / "project", tmp_path / "elsewhere"
    (project / "snippets").mkdir(parents=True)
    (project / "docs").mkdir()
    elsewhere.mkdir()
    binary = project / "snippets" / "logo.png"
    binary.write_bytes(b"\xff\xfe https://graph.facebook.com/v1.0/x")  # not text: not scanned
    code = project / "snippets" / "call.py"
    code.write_text(
        "\n".join(
            [
                'URL = "https://graph.facebook.com/v40.0/me"',
                'OLD = "http://graph.facebook.com/v39.0/me"',
                'BASE, VERSION = "https://graph.facebook.com", "/v40.0"',
                'BARE = "https://graph.facebook.com/"',
                'PATH = "https://graph.facebook.com/me"',
                'TWO = "https://graph.facebook.com/v40.0/a https://graph.facebook.com/v38.0/b"',
            ]
        ),
        encoding="utf-8",
    )
    page = project / "docs" / "page.md"
    prose = "Graph is https://graph.facebook.com or https://graph.facebook.com/ in prose, not https://graph.facebook.com/v39.0/me"
    page.write_text(prose + "\nhttps://graph.facebook.com/me\n", encoding="utf-8")
    outside = elsewhere / "notes.md"
    outside.write_text("https://graph.facebook.com/v39.0/me\n", encoding="utf-8")
    unversioned = "has no version (it would follow the app's default version)"
    assert drift.url_findings([binary, code, page, outside], "v40.0", project) == [
        url_failure("snippets/call.py:2", "uses v39.0"),
        url_failure("snippets/call.py:4", unversioned),
        url_failure("snippets/call.py:5", unversioned),
        url_failure("snippets/call.py:6", "uses v38.0"),
        url_failure("docs/page.md:1", "uses v39.0"),
        url_failure("docs/page.md:2", unversioned),
        url_failure(f"{outside}:1", "uses v39.0"),
    ]


def test_the_end_of_a_version_is_metas_date_or_the_earliest_its_policy_allows():
    data = lifecycle_data("v38.0")
    assert drift.version_end(data, "v38.0", dt.date(2031, 1, 1)) == (
        dt.date(2032, 2, 18),
        "Meta's published available-until date",
    )
    tbd = "Meta publishes no date (TBD); the earliest possible end is "
    alone = tbd + "no successor released yet, so at least 2 years from today"
    assert drift.version_end(data, "v40.0", dt.date(2030, 11, 26)) == (dt.date(2032, 11, 26), alone)
    assert drift.version_end(data, "v40.0", dt.date(2030, 7, 1)) == (dt.date(2032, 7, 29), alone)  # before its release
    data["graph_api"]["versions"][2]["available_until"] = None  # v39.0 TBD: v40.0 is the next release, not v41.0
    data["graph_api"]["versions"][0]["released"] = dt.date(2030, 12, 10)
    after = tbd + "2 years after the next version's release (2030-07-29)"
    assert drift.version_end(data, "v39.0", dt.date(2031, 1, 5)) == (dt.date(2032, 7, 29), after)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (dt.date(2031, 8, 21), []),  # 181 days before the end
        (dt.date(2031, 8, 22), [("warn", "in 180 days")]),
        (dt.date(2032, 2, 17), [("warn", "in 1 days")]),
        (dt.date(2032, 2, 18), [("fail", None)]),
    ],
)
def test_lifecycle_reports_the_end_word_for_word_at_each_boundary(today, expected):
    basis = "Meta's published available-until date"
    words = {
        "warn": f"The pinned Graph API version v38.0 ends on 2032-02-18 ({basis}), %s. "
        "Plan the upgrade: pin a newer version in data/guide.yaml.",
        "fail": f"The pinned Graph API version v38.0 stopped being available on 2032-02-18 ({basis}): calls now fall "
        "back to an older version. Pin a current version in data/guide.yaml and run `python -m guide_data.bump_version`.",
    }
    data = lifecycle_data("v38.0")
    data["graph_api"]["versions"] = data["graph_api"]["versions"][1:]  # no unreleased version: no info lines
    want = [drift.Result(level, words[level] % days if days else words[level]) for level, days in expected]
    assert [r for r in drift.lifecycle(data, today, strict=False) if r.level != "info"] == want
    strict = [drift.Result("fail", r.message) for r in want]
    assert [r for r in drift.lifecycle(data, today, strict=True) if r.level != "info"] == strict


def test_only_versions_newer_than_the_pinned_one_are_news():
    data = lifecycle_data("v39.0")
    data["graph_api"]["versions"].append({"version": "v37.5", "released": None, "available_until": None})
    listed = "A newer version is listed in data/guide.yaml: "
    assert drift.lifecycle(data, dt.date(2030, 11, 26), strict=True) == [
        drift.Result("info", listed + "v41.0 (no release date yet)."),
        drift.Result("info", listed + "v40.0 (2030-07-29)."),
    ]


def test_stale_facts_are_reported_word_for_word():
    data = {"last_verified": dt.date(2030, 1, 1)}
    assert drift.staleness(data, dt.date(2030, 5, 1), strict=False) == []  # 120 days
    message = (
        "The facts in data/guide.yaml were last verified 121 days ago (2030-01-01); re-check them against "
        "Meta's pages (limit: 120 days) and update last_verified."
    )
    assert drift.staleness(data, dt.date(2030, 5, 2), strict=False) == [drift.Result("warn", message)]
    assert drift.staleness(data, dt.date(2030, 5, 2), strict=True) == [drift.Result("fail", message)]


def test_a_dated_statement_fails_once_its_date_passes_or_when_marked_passed_too_early():
    today = dt.date(2030, 6, 1)

    def entry(name: str, status: str, days: int) -> dict:
        return {"id": name, "status": status, "date": today + dt.timedelta(days=days), "source": f"https://example.com/{name}"}

    data = {
        "dated_statements": [
            entry("due-today", "upcoming", 0),
            entry("tomorrow", "upcoming", 1),
            entry("done-today", "passed", 0),
            entry("too-early", "passed", 1),
            entry("long-due", "upcoming", -30),
        ]
    }

    def due(name: str, date: str) -> drift.Result:
        return drift.Result(
            "fail",
            f"dated_statements[{name}]: its date {date} has passed. Re-check its source (https://example.com/{name}), "
            "rewrite its text for after the date and set status: passed.",
        )

    assert drift.dated_statements(data, today) == [
        due("due-today", "2030-06-01"),
        drift.Result("fail", "dated_statements[too-early]: status is passed but its date 2030-06-02 is ahead."),
        due("long-due", "2030-05-02"),
    ]


@pytest.mark.parametrize(("strict", "expected"), [(None, False), ("", False), ("0", False), ("1", True), ("yes", True)])
def test_the_calendar_and_strict_mode_are_read_from_the_environment(monkeypatch, strict, expected):
    monkeypatch.setenv("DRIFT_TODAY", "2027-06-01")
    if strict is None:
        monkeypatch.delenv("DRIFT_STRICT", raising=False)
    else:
        monkeypatch.setenv("DRIFT_STRICT", strict)
    assert drift.today_and_strict() == (dt.date(2027, 6, 1), expected)


def test_without_drift_today_the_calendar_is_todays_and_a_bad_date_says_how_to_write_it(monkeypatch):
    monkeypatch.delenv("DRIFT_TODAY", raising=False)
    monkeypatch.delenv("DRIFT_STRICT", raising=False)
    before = dt.date.today()
    today, strict = drift.today_and_strict()
    assert today in (before, dt.date.today()) and strict is False
    monkeypatch.setenv("DRIFT_TODAY", "June 2027")
    with pytest.raises(SystemExit) as stopped:
        drift.today_and_strict()
    assert stopped.value.code == "DRIFT_TODAY='June 2027' is not a date: write it as YYYY-MM-DD"


def test_run_all_checks_the_given_projects_urls_and_data_in_strict_mode(tmp_path, monkeypatch, guide):
    import re

    project = copy_project(tmp_path / "p")
    (project / "docs" / "extra.md").write_text("Call https://graph.facebook.com/me/permissions\n", encoding="utf-8")
    late = guide["last_verified"] + dt.timedelta(days=121)
    pinned, end = guide["graph_api"]["pinned_version"], late + dt.timedelta(days=66)
    data_file = project / "data" / "guide.yaml"  # this copy's pinned version ends in 66 days
    row = re.compile(rf"(\{{version: {re.escape(pinned)}, released: [^,]*, available_until: )[^,}}]*")
    text, count = row.subn(rf"\g<1>{end}", data_file.read_text(encoding="utf-8"))
    assert count == 1, "the pinned version's row in data/guide.yaml changed shape"
    data_file.write_text(text, encoding="utf-8")
    monkeypatch.setenv("DRIFT_TODAY", late.isoformat())
    monkeypatch.setenv("DRIFT_STRICT", "1")
    results = drift.run_all(project)
    unversioned = "has no version (it would follow the app's default version)"
    assert results[0] == url_failure("docs/extra.md:1", unversioned, pinned)
    ends = (
        f"The pinned Graph API version {pinned} ends on {end} (Meta's published available-until date), in 66 days. "
        "Plan the upgrade: pin a newer version in data/guide.yaml."
    )
    assert drift.Result("fail", ends) in results  # a warning, failing in strict mode
    assert drift.staleness(guide, late, strict=True)[0] in results
    dated = drift.dated_statements(guide, late)  # the last check: its results come last
    assert results[len(results) - len(dated) :] == dated


@pytest.mark.parametrize(
    ("results", "printed", "code"),
    [
        ([drift.Result("info", "news")], "INFO  news\ndrift: 0 failure(s), 0 warning(s)\n", 0),
        (
            [drift.Result("warn", "soon"), drift.Result("warn", "later")],
            "WARN  soon\nWARN  later\ndrift: 0 failure(s), 2 warning(s)\n",
            0,
        ),
        (
            [drift.Result("fail", "broken"), drift.Result("warn", "soon")],
            "FAIL  broken\nWARN  soon\ndrift: 1 failure(s), 1 warning(s)\n",
            1,
        ),
    ],
)
def test_the_command_prints_each_result_and_a_count_and_exits_1_on_a_failure(monkeypatch, capsys, results, printed, code):
    monkeypatch.setattr(drift, "run_all", lambda: results)
    assert drift.main() == code
    assert capsys.readouterr().out == printed
