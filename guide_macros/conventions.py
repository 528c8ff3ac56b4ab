"""Macros for the site's conventions (issue 19): the Glossary and Changelog pages from
data/guide.yaml, the moved-anchor pointers from mkdocs.yml's map, and the changelog feed written
after the build."""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Any

from guide_data import feed, moved
from guide_data.glossary import anchor as term_anchor
from guide_macros.markup import esc
from guide_macros.registry import add_macros


def _source_link(source: str, confidence: str) -> str:
    if not source.startswith("https://"):  # Meta's OpenAPI spec, named rather than linked
        return f'<span class="srcs">[{esc(source)}, confidence {esc(confidence)}]</span>'
    title = f"Source, confidence {confidence}"
    return f'<span class="srcs">[<a class="src" href="{esc(source)}" title="{esc(title)}">Meta</a>]</span>'


def _glossary_entry(entry: dict[str, Any]) -> str:
    """One term: its name and other names, the definition, the source."""
    names = [entry["name"]] if "name" in entry else []
    names += [entry["also"]] if "also" in entry else []
    also = f' <span class="glossary-names">({esc("; ".join(names))})</span>' if names else ""
    return (
        f'<dt id="{term_anchor(entry)}"><strong>{esc(entry["term"])}</strong>{also}</dt>\n'
        f"<dd>{esc(entry['definition'])} {_source_link(entry['source'], entry['confidence'])}</dd>"
    )


def glossary(data: dict[str, Any]) -> str:
    """Every term, in alphabetical order."""
    items = "\n".join(_glossary_entry(e) for e in sorted(data["glossary"], key=lambda e: e["term"].lower()))
    return f'<dl class="glossary" data-source="data/guide.yaml">\n{items}\n</dl>'


def _changelog_entry(entry: dict[str, Any]) -> str:
    """One entry: its date and title, what changed, the facts it changed and its source."""
    facts = ", ".join(f"<code>{esc(f)}</code>" for f in entry["facts"])
    return (
        f'<section class="changelog-entry" id="{esc(entry["id"])}" data-date="{entry["date"]}">\n'
        f'<h2><time datetime="{entry["date"]}">{entry["date"]}</time>: {esc(entry["title"])}</h2>\n'
        f"<p>{esc(entry['summary'])}</p>\n"
        f'<p class="changelog-facts"><strong>Facts changed:</strong> {facts}. '
        f'<a class="src" href="{esc(entry["source"])}">Source</a></p>\n</section>'
    )


def changelog(data: dict[str, Any]) -> str:
    """Every changelog entry, newest first (the YAML's order, which guide_data checks)."""
    return "\n".join(_changelog_entry(e) for e in data["changelog"])


def moved_anchors_from(env: Any, page: str) -> str:
    """The old page's pointers, one line per new page: a link per moved anchor, carrying the
    old id, so a reader without JavaScript lands on it and clicks on. An entry without a label
    adds its id to the last labelled link to the same place. Markdown, so MkDocs checks every
    link and anchor."""
    here = [e for e in moved.entries(env.conf.get("extra")) if e["from"].partition("#")[0] == page]
    if not here:
        raise KeyError(f"mkdocs.yml extra.moved_anchors has no entry from {page!r}")
    titles = _nav_titles(env.conf.get("nav") or [])
    base = posixpath.dirname(page) or "."
    links: dict[str, list[str]] = {}
    last_labelled: dict[str, tuple[str, int]] = {}
    for e in here:
        old = e["from"].partition("#")[2]
        new_page, _, new_anchor = e["to"].partition("#")
        if not e.get("label") and e["to"] in last_labelled:
            group, index = last_labelled[e["to"]]
            links[group][index] += f'<span id="{esc(old)}"></span>'
            continue
        label = e.get("label") or old.replace("-", " ")
        target = posixpath.relpath(new_page, base) + (f"#{new_anchor}" if new_anchor else "")
        links.setdefault(new_page, []).append(f"[{label}]({target}){{ #{old} }}")
        if e.get("label"):
            last_labelled[e["to"]] = (new_page, len(links[new_page]) - 1)
    return "\n".join(f"- {titles.get(p, p)}: " + ", ".join(group) + "." for p, group in links.items())


def register(env: Any, data: dict[str, Any]) -> None:
    """Add this module's macros to the macros environment (called from guide_macros.define_env):
    the Glossary and Changelog render the data; the pointers read mkdocs.yml, through `env`."""
    add_macros(env, data, glossary, changelog)
    add_macros(env, env, moved_anchors_from)


def _nav_titles(nav: list) -> dict[str, str]:
    """{page.md: its title in the nav}, for the pointers' line labels."""
    titles: dict[str, str] = {}
    for item in nav:
        if isinstance(item, dict):
            for title, value in item.items():
                if isinstance(value, str):
                    titles[value] = title
                elif isinstance(value, list):
                    titles.update(_nav_titles(value))
    return titles


def write_feed(env: Any, data: dict[str, Any]) -> None:
    """After the build: the changelog's RSS feed at the site root (guide_data/feed.py)."""
    site_url = env.conf.get("site_url") or ""
    target = Path(env.conf["site_dir"]) / feed.FEED_FILE
    target.write_bytes(feed.rss(data, site_url, env.conf["site_name"]))
