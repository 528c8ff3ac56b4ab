"""Rules of data/guide.yaml that a JSON schema cannot state: uniqueness, references between
entries, and a figure agreeing with the quote that gives it. They run once the data matches the
schema (validation.py), so every key they read is there.
"""

from __future__ import annotations

import re

from guide_data.derived import required_permissions
from guide_data.paths import ROOT
from guide_data.vocabulary import ARRIVES_NOT_STATED, META_HOSTS


def _listed_twice(label: str, values: list, problem: str = "is listed more than once") -> list[str]:
    """One problem per value that occurs more than once, in sorted order: "<label> <value> <problem>"."""
    return [f"{label} {value!r} {problem}" for value in sorted({value for value in values if values.count(value) > 1})]


def cross_checks(data: dict) -> list[str]:
    """Rules a JSON schema cannot state: uniqueness and references between entries."""
    problems = []
    names = [p["name"] for p in data["permissions"] + data["optional_permissions"]]
    problems += _listed_twice("permissions:", names)
    problems += _error_row_checks(data["graph_errors"])
    versions = {v["version"]: v for v in data["graph_api"]["versions"]}
    pinned = data["graph_api"]["pinned_version"]
    if pinned not in versions:
        problems.append(f"graph_api.pinned_version: {pinned!r} is not in graph_api.versions; add its row")
    elif versions[pinned]["released"] is None:
        problems.append(f"graph_api.pinned_version: {pinned!r} has no release date; pin a released version")
    for i, version in enumerate(data["graph_api"]["versions"]):
        if version["released"] and version["available_until"] and version["available_until"] <= version["released"]:
            problems.append(f"graph_api.versions[{i}]: available_until is not after released")
    problems += _topic_checks(data)
    problems += _glossary_checks(data)
    return problems + _operation_checks(data)


def _glossary_checks(data: dict) -> list[str]:
    """One definition per spelling, and a changelog a reader can follow: unique ids, newest first,
    each fact naming a key of this file."""
    problems = []
    forms = [f for entry in data["glossary"] for f in entry["forms"]]
    problems += _listed_twice("glossary: the form", forms, "belongs to more than one term; a tooltip can show one definition")
    terms = [e["term"] for e in data["glossary"]]
    problems += _listed_twice("glossary: term", terms)
    ids = [e["id"] for e in data["changelog"]]
    problems += _listed_twice("changelog: id", ids)
    dates = [e["date"] for e in data["changelog"]]
    if dates != sorted(dates, reverse=True):
        problems.append("changelog: entries must be newest first (sorted by date, descending)")
    for entry in data["changelog"]:
        for fact in entry["facts"]:
            key = re.split(r"[.\[]", fact, maxsplit=1)[0]
            if key not in data:
                problems.append(f"changelog[{entry['id']}]: {fact!r} names no key of the data file")
    return problems


def _error_row_checks(rows: list[dict]) -> list[str]:
    """What the error table's schema cannot say: unique codes, and the fields one field implies."""
    problems = []
    codes = [e["code"] for e in rows]
    problems += _listed_twice("graph_errors: code", codes)
    for e in rows:
        where = f"graph_errors: code {e['code']}"
        if not e["arrives_stated"] and not e.get("arrives_note", "").startswith(ARRIVES_NOT_STATED):
            problems.append(f"{where}: arrives_stated is false; arrives_note must start with {ARRIVES_NOT_STATED} and say why")
        if e["arrives_stated"] and "arrives_note" not in e:
            problems.append(f"{where}: arrives_stated is true; arrives_note must quote where Meta says it")
        if e["client_action"] == "retry_after_wait" and "wait" not in e:
            problems.append(f"{where}: retry_after_wait needs `wait` (the wait Meta names)")
        if "replaced_by" in e and (e["replaced_by"] not in codes or "deprecated" not in e):
            problems.append(f"{where}: replaced_by needs `deprecated` and a code that is in the table")
        if "subcodes" in e and "subcodes_source" not in e:
            problems.append(f"{where}: subcodes need subcodes_source (Meta's page that lists them)")
        if "range_to" in e and e["range_to"] <= e["code"]:
            problems.append(f"{where}: range_to must be above the code")
    return problems


def _topic_checks(data: dict) -> list[str]:
    """Evidence must match its sources: Meta facts link Meta's pages; community facts are low
    confidence and link somewhere else (an issue tracker, a forum)."""
    problems = []
    listed = [(f"topic_facts[{i}]", f) for i, f in enumerate(data["topic_facts"])]
    listed += [(f"webhooks.facts[{i}]", f) for i, f in enumerate(data.get("webhooks", {}).get("facts", []))]
    for where, fact in listed:
        on_meta = [url.split("/")[2] in META_HOSTS for url in fact["sources"]]
        if fact["evidence"] == "meta" and not all(on_meta):
            problems.append(f"{where}: evidence is meta but a source is not a Meta page")
        if fact["evidence"] == "community" and (any(on_meta) or fact["confidence"] != "L"):
            problems.append(f"{where}: community evidence must link non-Meta sources and have confidence L")
    hooks = data.get("webhooks")
    # Each figure the receiver and the mock use must be the one Meta's quoted sentence gives.
    for key, figure, unit in (("max_payload", "megabytes", "MB"), ("redelivery", "days", "days")):
        if hooks and f"{hooks[key][figure]} {unit}" not in hooks[key]["says"]:
            problems.append(f"webhooks.{key}: {figure} differs from the figure Meta's quote (says) gives")
    ids = [d["id"] for d in data["dated_statements"]]
    problems += _listed_twice("dated_statements: id", ids)
    # Only a checkout has the pages; an installed mockgraph carries the data without them.
    for name in data["page_last_verified"] if (ROOT / "docs").is_dir() else ():
        if not (ROOT / "docs" / name).is_file():
            problems.append(f"page_last_verified: docs/{name} does not exist")
    return problems


def _operation_checks(data: dict) -> list[str]:
    """One entry per operation, and the permissions table's endpoints agreeing with the map."""
    problems = []
    ids = [o["id"] for o in data["operations"]]
    problems += _listed_twice("operations: id", ids)
    ops = [o["op"] for o in data["operations"]]
    problems += _listed_twice("operations:", ops)
    by_op = {o["op"]: o for o in data["operations"]}
    for permission in data["permissions"]:
        for endpoint in permission["endpoints"]:
            operation = by_op.get(endpoint)
            if operation is None:
                problems.append(f"permissions: {permission['name']} lists {endpoint!r}, which has no entry in operations")
            elif permission["name"] not in required_permissions(operation):
                problems.append(
                    f"permissions: {permission['name']} lists {endpoint!r}, but operations[{operation['id']}] "
                    f"does not name that permission; make the two agree"
                )
    return problems
