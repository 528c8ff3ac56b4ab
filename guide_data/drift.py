"""Drift checks: does everything still match the Graph API version pinned in data/guide.yaml,
and is that version (and are the facts) still current?

    python -m guide_data.drift            report; exit 1 on a failure
    DRIFT_TODAY=2027-09-01 DRIFT_STRICT=1 python -m guide_data.drift

The pytest marker ``drift`` runs the same checks (tests/test_drift.py).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from guide_data.loader import load
from guide_data.paths import ROOT

WARN_DAYS_BEFORE_END = 180
FACTS_MAX_AGE_DAYS = 120
# Where a Graph URL may appear: the pages, the examples, the mock, README and the workflows.
URL_SCOPES = ("docs", "snippets", "mockgraph", "README.md", ".github/workflows")
_URL = re.compile(r"https?://graph\.facebook\.com(?P<rest>[^\s\"'`)<>\]]*)")


@dataclass(frozen=True)
class Result:
    level: str  # "fail", "warn" or "info"
    message: str


def today_and_strict() -> tuple[dt.date, bool]:
    """DRIFT_TODAY replaces the calendar; DRIFT_STRICT=1 turns warnings into failures."""
    raw = os.environ.get("DRIFT_TODAY")
    try:
        today = dt.date.fromisoformat(raw) if raw else dt.date.today()
    except ValueError:
        raise SystemExit(f"DRIFT_TODAY={raw!r} is not a date: write it as YYYY-MM-DD") from None
    return today, os.environ.get("DRIFT_STRICT", "") not in ("", "0")


def scanned_files(root: Path = ROOT) -> list[Path]:
    files = []
    for scope in URL_SCOPES:
        path = root / scope
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            files += [p for p in sorted(path.rglob("*")) if p.is_file() and "__pycache__" not in p.parts]
    return files


def url_findings(files: list[Path], pinned: str, root: Path = ROOT) -> list[Result]:
    """Every Graph URL must start with the pinned version. A bare host is allowed only on a line
    that appends the pinned version (a base-URL default), or in prose."""
    results = []
    for path in files:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except UnicodeDecodeError:
            continue
        where = path.relative_to(root) if path.is_relative_to(root) else path
        for number, line in enumerate(lines, 1):
            for match in _URL.finditer(line):
                rest = match.group("rest")
                found = re.match(r"/(v\d+\.\d+)", rest)
                if found and found.group(1) == pinned:
                    continue
                if found:
                    problem = f"uses {found.group(1)}"
                elif rest in ("", "/") and (f'"/{pinned}"' in line or path.suffix == ".md"):
                    continue
                else:
                    problem = "has no version (it would follow the app's default version)"
                results.append(
                    Result(
                        "fail",
                        f"{where}:{number}: Graph URL {problem}; expected {pinned}. "
                        "Run `python -m guide_data.bump_version` to rewrite it.",
                    )
                )
    return results


def version_end(data: dict, version: str, today: dt.date) -> tuple[dt.date, str]:
    """The version's end of availability, or the earliest end Meta's policy allows when it says TBD."""
    api = data["graph_api"]
    rows = api["versions"]
    row = next(v for v in rows if v["version"] == version)
    if row["available_until"]:
        return row["available_until"], "Meta's published available-until date"
    years = api["guaranteed_years"]
    successors = sorted(v["released"] for v in rows if v["released"] and v["released"] > row["released"])
    if successors:
        start = successors[0]
        basis = f"{years} years after the next version's release ({start})"
    else:
        start = max(row["released"], today)
        basis = f"no successor released yet, so at least {years} years from today"
    return start.replace(year=start.year + years), f"Meta publishes no date (TBD); the earliest possible end is {basis}"


def lifecycle(data: dict, today: dt.date, strict: bool) -> list[Result]:
    pinned = data["graph_api"]["pinned_version"]
    end, basis = version_end(data, pinned, today)
    results = []
    days = (end - today).days
    if days <= 0:
        results.append(
            Result(
                "fail",
                f"The pinned Graph API version {pinned} stopped being available on {end} ({basis}): "
                "calls now fall back to an older version. Pin a current version in "
                "data/guide.yaml and run `python -m guide_data.bump_version`.",
            )
        )
    elif days <= WARN_DAYS_BEFORE_END:
        results.append(
            Result(
                "fail" if strict else "warn",
                f"The pinned Graph API version {pinned} ends on {end} ({basis}), in {days} days. "
                "Plan the upgrade: pin a newer version in data/guide.yaml.",
            )
        )
    for row in data["graph_api"]["versions"]:
        if _number(row["version"]) > _number(pinned):  # Meta numbers its versions in release order
            released = row["released"] or "no release date yet"
            results.append(Result("info", f"A newer version is listed in data/guide.yaml: {row['version']} ({released})."))
    return results


def _number(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version[1:].split("."))


def staleness(data: dict, today: dt.date, strict: bool) -> list[Result]:
    age = (today - data["last_verified"]).days
    if age <= FACTS_MAX_AGE_DAYS:
        return []
    return [
        Result(
            "fail" if strict else "warn",
            f"The facts in data/guide.yaml were last verified {age} days ago ({data['last_verified']}); "
            f"re-check them against Meta's pages (limit: {FACTS_MAX_AGE_DAYS} days) and update last_verified.",
        )
    ]


def dated_statements(data: dict, today: dt.date) -> list[Result]:
    """A dated statement still written for before its date fails once the date has passed; one
    marked passed while its date is still ahead fails too (it would tell readers the future)."""
    results = []
    for entry in data["dated_statements"]:
        if entry["status"] == "upcoming" and entry["date"] <= today:
            results.append(
                Result(
                    "fail",
                    f"dated_statements[{entry['id']}]: its date {entry['date']} has passed. Re-check its source "
                    f"({entry['source']}), rewrite its text for after the date and set status: passed.",
                )
            )
        elif entry["status"] == "passed" and entry["date"] > today:
            results.append(
                Result("fail", f"dated_statements[{entry['id']}]: status is passed but its date {entry['date']} is ahead.")
            )
    return results


def run_all(root: Path = ROOT) -> list[Result]:
    data = load(root / "data" / "guide.yaml")
    today, strict = today_and_strict()
    pinned = data["graph_api"]["pinned_version"]
    return (
        url_findings(scanned_files(root), pinned, root)
        + lifecycle(data, today, strict)
        + staleness(data, today, strict)
        + dated_statements(data, today)
    )


def main() -> int:
    results = run_all()
    for result in results:
        print(f"{result.level.upper():5} {result.message}")
    failed = [r for r in results if r.level == "fail"]
    print(f"drift: {len(failed)} failure(s), {sum(r.level == 'warn' for r in results)} warning(s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
