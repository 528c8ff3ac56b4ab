"""Macros for the guide's sourced statements: topic facts, dated statements, rejection reasons,
the App Review checklist and the token paths, all from data/guide.yaml.

Every statement renders with a link to its source, and the link says what kind of source it is:
Meta's page, or integrators' reports (community evidence). The site tests read the data-*
attributes set here, so keep them when changing the markup.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import guide_macros


def source_links(urls: list[str], evidence: str, confidence: str) -> str:
    """Small links after a statement: "Meta" for Meta's pages, "integrator report" otherwise."""
    esc = guide_macros.esc
    label = "Meta" if evidence == "meta" else "integrator report"
    links = []
    for n, url in enumerate(urls, 1):
        host = urlsplit(url).netloc
        text = label if len(urls) == 1 else f"{label} {n}"
        title = f"Source: {host} (confidence {confidence})"
        links.append(f'<a class="src" href="{esc(url)}" title="{esc(title)}">{esc(text)}</a>')
    return '<span class="srcs">[' + ", ".join(links) + "]</span>"


def _fact(fact: dict[str, Any]) -> str:
    esc = guide_macros.esc
    prefix = "<strong>Observed by integrators, not stated by Meta:</strong> " if fact["evidence"] == "community" else ""
    return (
        f'<li data-evidence="{esc(fact["evidence"])}" data-confidence="{esc(fact["confidence"])}">'
        f"{prefix}{esc(fact['text'])} {source_links(fact['sources'], fact['evidence'], fact['confidence'])}</li>"
    )


def register(env: Any, data: dict[str, Any]) -> None:
    """Add this module's macros to mkdocs-macros' environment (called from define_env)."""
    from guide_macros import esc, html_table  # at call time: guide_macros imports this module

    @env.macro
    def topic_facts(topic: str) -> str:
        facts = [f for f in data["topic_facts"] if f["topic"] == topic]
        if not facts:  # a typo in a page must stop the build, not render an empty list
            raise KeyError(f"topic_facts has no entry for topic {topic!r}")
        return f'<ul class="facts" data-topic="{esc(topic)}">\n' + "\n".join(_fact(f) for f in facts) + "\n</ul>"

    @env.macro
    def dated(statement_id: str) -> str:
        entry = next((d for d in data["dated_statements"] if d["id"] == statement_id), None)
        if entry is None:
            raise KeyError(f"dated_statements has no id {statement_id!r}")
        return (
            f'<span class="dated" data-dated="{esc(entry["id"])}" data-date="{entry["date"]}" '
            f'data-status="{esc(entry["status"])}">{esc(entry["text"])}</span> '
            + source_links([entry["source"]], "meta", entry["confidence"])
        )

    @env.macro
    def rejection_reasons() -> str:
        items = []
        for p in data["rejection_patterns"]:
            items.append(
                f'<li><q class="meta-quote" data-source="{esc(p["source"])}">{esc(p["reason"])}</q> '
                f"{source_links([p['source']], 'meta', p['confidence'])}<br>"
                f"<em>What to do:</em> {esc(p['fix'])}</li>"
            )
        return '<ul class="rejection-reasons">\n' + "\n".join(items) + "\n</ul>"

    @env.macro
    def review_checklist() -> str:
        parts = []
        for group in data["app_review_checklist"]:
            items = "\n".join(
                '<li class="task-list-item"><label class="task-list-control">'
                f'<input type="checkbox" disabled aria-label="{esc(item["text"])}">'
                '<span class="task-list-indicator"></span></label> '
                f"{esc(item['text'])} {source_links([item['source']], 'meta', item['confidence'])}</li>"
                for item in group["items"]
            )
            parts.append(
                f'<p class="checklist-group"><strong>{esc(group["group"])}</strong></p>\n'
                f'<ul class="task-list" data-group="{esc(group["group"])}">\n{items}\n</ul>'
            )
        return "\n\n".join(parts)

    @env.macro
    def token_paths_table() -> str:
        rows = [[esc(t["who"]), esc(t["token"]), esc(t["how"])] for t in data["token_paths"]]
        return html_table("token-paths-table", ["You are", "Server token", "How you get it"], rows)

    @env.macro
    def system_user_roles_table() -> str:
        rows = [[esc(r["role"]), esc(r["reaches"]), esc(r["choose_when"])] for r in data["system_user_roles"]]
        return html_table("system-user-roles-table", ["System user", "Reaches", "Choose it when"], rows)
