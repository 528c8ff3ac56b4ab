"""Macros for the guide's sourced statements: topic facts, dated statements, rejection reasons,
the App Review checklist and the token paths, all from data/guide.yaml.

Every statement renders with a link to its source, and the link says what kind of source it is:
Meta's page, or integrators' reports (community evidence). The site tests read the data-*
attributes set here, so keep them when changing the markup.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from guide_macros.markup import esc, html_table
from guide_macros.registry import add_macros


def source_links(urls: list[str], evidence: str, confidence: str) -> str:
    """Small links after a statement: "Meta" for Meta's pages, "integrator report" otherwise."""
    label = "Meta" if evidence == "meta" else "integrator report"
    links = []
    for n, url in enumerate(urls, 1):
        host = urlsplit(url).netloc
        text = label if len(urls) == 1 else f"{label} {n}"
        title = f"Source: {host} (confidence {confidence})"
        links.append(f'<a class="src" href="{esc(url)}" title="{esc(title)}">{esc(text)}</a>')
    return '<span class="srcs">[' + ", ".join(links) + "]</span>"


def fact_item(fact: dict[str, Any]) -> str:
    """One sourced statement as a list item; community evidence says so before the text."""
    prefix = "<strong>Observed by integrators, not stated by Meta:</strong> " if fact["evidence"] == "community" else ""
    return (
        f'<li data-evidence="{esc(fact["evidence"])}" data-confidence="{esc(fact["confidence"])}">'
        f"{prefix}{esc(fact['text'])} {source_links(fact['sources'], fact['evidence'], fact['confidence'])}</li>"
    )


def topic_facts(data: dict[str, Any], topic: str) -> str:
    facts = [f for f in data["topic_facts"] if f["topic"] == topic]
    if not facts:  # a typo in a page must stop the build, not render an empty list
        raise KeyError(f"topic_facts has no entry for topic {topic!r}")
    return f'<ul class="facts" data-topic="{esc(topic)}">\n' + "\n".join(fact_item(f) for f in facts) + "\n</ul>"


def dated(data: dict[str, Any], statement_id: str) -> str:
    entry = next((d for d in data["dated_statements"] if d["id"] == statement_id), None)
    if entry is None:
        raise KeyError(f"dated_statements has no id {statement_id!r}")
    return (
        f'<span class="dated" data-dated="{esc(entry["id"])}" data-date="{entry["date"]}" '
        f'data-status="{esc(entry["status"])}">{esc(entry["text"])}</span> '
        + source_links([entry["source"]], "meta", entry["confidence"])
    )


def _rejection_reason(pattern: dict[str, Any]) -> str:
    """Meta's reason quoted, its source, and what to do about it."""
    return (
        f'<li><q class="meta-quote" data-source="{esc(pattern["source"])}">{esc(pattern["reason"])}</q> '
        f"{source_links([pattern['source']], 'meta', pattern['confidence'])}<br>"
        f"<em>What to do:</em> {esc(pattern['fix'])}</li>"
    )


def rejection_reasons(data: dict[str, Any]) -> str:
    items = "\n".join(_rejection_reason(p) for p in data["rejection_patterns"])
    return f'<ul class="rejection-reasons">\n{items}\n</ul>'


def _checklist_group(group: dict[str, Any]) -> str:
    """One group of the App Review checklist: disabled checkboxes, each item with its source."""
    items = "\n".join(
        '<li class="task-list-item"><label class="task-list-control">'
        f'<input type="checkbox" disabled aria-label="{esc(item["text"])}">'
        '<span class="task-list-indicator"></span></label> '
        f"{esc(item['text'])} {source_links([item['source']], 'meta', item['confidence'])}</li>"
        for item in group["items"]
    )
    return (
        f'<p class="checklist-group"><strong>{esc(group["group"])}</strong></p>\n'
        f'<ul class="task-list" data-group="{esc(group["group"])}">\n{items}\n</ul>'
    )


def review_checklist(data: dict[str, Any]) -> str:
    return "\n\n".join(_checklist_group(g) for g in data["app_review_checklist"])


def token_paths_table(data: dict[str, Any]) -> str:
    rows = [[esc(t["who"]), esc(t["token"]), esc(t["how"])] for t in data["token_paths"]]
    return html_table("token-paths-table", ["You are", "Server token", "How you get it"], rows)


def system_user_roles_table(data: dict[str, Any]) -> str:
    rows = [[esc(r["role"]), esc(r["reaches"]), esc(r["choose_when"])] for r in data["system_user_roles"]]
    return html_table("system-user-roles-table", ["System user", "Reaches", "Choose it when"], rows)


def register(env: Any, data: dict[str, Any]) -> None:
    """Add this module's macros to the macros environment (called from guide_macros.define_env)."""
    add_macros(env, data, topic_facts, dated, rejection_reasons, review_checklist, token_paths_table, system_user_roles_table)
