"""mkdocs-macros module: renders the guide's fact tables from data/guide.yaml.

data/guide.yaml -> guide_data.load() -> these macros -> docs/*.md. Pages call the macros
(``{{ permissions_table() }}``); no table of facts is typed in Markdown. Every cell is escaped,
so a ``|``, ``*`` or ``<script>`` in the data shows as text instead of breaking the page.
"""

from __future__ import annotations

import datetime as dt
import html
import platform
import re
from importlib.metadata import version
from typing import TYPE_CHECKING

from pymdownx.snippets import SnippetPreprocessor

import guide_data
from guide_macros import conventions, guide_topics
from guide_macros import errors as error_macros
from guide_macros import operations as operations_macros
from guide_macros import webhooks as webhooks_macros

if TYPE_CHECKING:
    from mkdocs_macros.plugin import MacrosPlugin

NOT_PUBLISHED = "Not published by Meta"
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!])")  # Python-Markdown's backslash escapes


def esc(value: object) -> str:
    """Escape a value for an HTML cell (raw HTML blocks are not parsed as Markdown)."""
    return html.escape(str(value), quote=True)


def md_escape(value: object) -> str:
    """Escape a value for inline Markdown (headings, paragraphs): HTML first, then Markdown syntax."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(str(value), quote=False)).replace("|", "&#124;")


def wrap(value: object) -> str:
    """Escaped text that may wrap after "/" and "_" (long names and paths), never mid-word."""
    return re.sub(r"([/_])", r"\1<wbr>", esc(value))


def code(value: object) -> str:
    """Inline code that may wrap after "/" and "_"."""
    return "<code>" + wrap(value) + "</code>"


def html_table(table_id: str, headers: list[str], rows: list[list[str]]) -> str:
    """A table whose cells are already-escaped HTML. One line per row keeps it one HTML block."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    # data-label lets narrow screens show each row as a card with its headers (overrides/main.html).
    body = "\n".join(
        "<tr>" + "".join(f'<td data-label="{esc(h)}">{cell}</td>' for h, cell in zip(headers, row)) + "</tr>" for row in rows
    )
    return (
        f'<table id="{esc(table_id)}" data-source="data/guide.yaml">\n'
        f"<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"
    )


def highlighted_lines(path: str, needles: tuple[str, ...]) -> str:
    """pymdownx.highlight's hl_lines for an included file: the numbers of the lines holding each
    needle, found at build time so an edit to the file moves the highlight with the code. A needle
    no line holds fails the build, naming the file and the needle. Lines are counted as the page
    shows the file: pymdownx.snippets drops its section markers (`# --8<-- [start:name]`)."""
    section_marker = SnippetPreprocessor.RE_SNIPPET_SECTION
    lines = [
        line
        for line in (guide_data.ROOT / path).read_text(encoding="utf-8").splitlines()
        if not ((marker := section_marker.match(line)) and not marker.group("escape"))
    ]
    numbers: list[int] = []
    for needle in needles:
        found = [n for n, line in enumerate(lines, 1) if needle in line]
        if not found:
            raise ValueError(f"hl_lines: no line of {path} holds {needle!r}; update the page's highlight list")
        numbers += found
    return " ".join(str(n) for n in sorted(set(numbers)))


def _yes_no(flag: bool) -> str:
    return "Yes" if flag else "No"


def define_env(env: MacrosPlugin) -> None:
    data = guide_data.load()
    api = data["graph_api"]
    versions = {v["version"]: v for v in api["versions"]}
    pinned = api["pinned_version"]

    env.variables.update(
        dict(
            guide=data,
            pinned_version=pinned,
            pinned_released=versions[pinned]["released"],
            last_verified=data["last_verified"],
            # Called by the pages ({{ verified_on("index.md") }}) and the theme (overrides/partials/verified.html).
            verified_on=lambda page: guide_data.verified_on(data, page),
            changelog_url=api["changelog_url"],
            python_version=platform.python_version(),
            requests_version=version("requests"),
        )
    )
    guide_topics.register(env, data)  # sourced statements: topics, dated statements, App Review, token paths
    operations_macros.register(env, data)  # the operation -> permission reference (endpoint-permissions.md)
    conventions.register(env, data)  # glossary, changelog, moved-anchor pointers
    webhooks_macros.register(env, data)  # Meta's webhook delivery facts (webhooks.md)

    by_op = {o["op"]: o for o in data["operations"]}  # guide_data checks every listed endpoint has an entry

    @env.macro
    def permissions_table() -> str:
        rows = [
            [
                code(p["name"]),
                esc(p["enables"]),
                esc(p["does_not_cover"]),
                # Each endpoint links to its row of the operation map (endpoint-permissions.md). Plain
                # text in the link: Material's code style on a link fails contrast in the dark scheme.
                "<br>".join(f'<a href="{operations_macros.href_from_a_page(by_op[e])}">{wrap(e)}</a>' for e in p["endpoints"]),
            ]
            for p in data["permissions"]
        ]
        return html_table(
            "permissions-table",
            ["Permission", "Enables", "Does not cover", "Endpoints it unlocks"],
            rows,
        )

    @env.macro
    def optional_permissions_table() -> str:
        rows = [[code(p["name"]), esc(p["needed_when"])] for p in data["optional_permissions"]]
        return html_table("optional-permissions-table", ["Permission", "Request it only when"], rows)

    @env.macro
    def access_types_table() -> str:
        rows = [
            [
                esc(a["scenario"]),
                esc(a["access"]),
                _yes_no(a["app_review"]),
                esc(a["timeline"]) if a["timeline"] else f"<em>{NOT_PUBLISHED}</em>",
            ]
            for a in data["access_types"]
        ]
        return html_table("access-types-table", ["Scenario", "Access type", "App Review required?", "Typical timeline"], rows)

    @env.macro
    def debug_token_fields_table() -> str:
        rows = [[code(f["field"]), code(f["type"]), esc(f["meaning"])] for f in data["debug_token_fields"]]
        return html_table("debug-token-fields-table", ["Field", "Type", "What it tells you"], rows)

    @env.macro
    def system_user_tokens_table() -> str:
        rows = [
            [esc(t["kind"]), esc(t["lifetime"]), esc(t["refresh"]), esc(t["choose_when"]), code(t["api_parameter"])]
            for t in data["system_user_tokens"]
        ]
        return html_table(
            "system-user-tokens-table",
            ["Token", "Lifetime", "Refresh?", "Choose it when", "API parameter"],
            rows,
        )

    @env.macro
    def permission_statuses_table() -> str:
        rows = [[code(s["status"]), esc(s["meaning"])] for s in data["permission_statuses"]]
        return html_table("permission-statuses-table", ["status", "Meaning"], rows)

    @env.macro
    def setup_modes_table() -> str:
        rows = [[esc(m["aspect"]), esc(m["test"]), esc(m["production"])] for m in data["setup_modes"]]
        return html_table("setup-modes-table", ["", "Test set-up", "Production"], rows)

    error_macros.register(env, data)  # the Error Reference: guide_macros/errors.py

    @env.macro
    def hl_lines(path: str, *needles: str) -> str:
        return highlighted_lines(path, needles)

    @env.macro
    def versions_table() -> str:
        rows = [
            [
                code(v["version"]) + (" (pinned)" if v["version"] == pinned else ""),
                esc(v["released"] or "No changelog entry"),
                esc(v["available_until"] or "TBD")
                + (" <strong>(expired)</strong>" if v["available_until"] and v["available_until"] <= dt.date.today() else ""),
                esc(v.get("note", "")),
            ]
            for v in api["versions"]
        ]
        return html_table("versions-table", ["Version", "Released", "Available until", "Note"], rows)


def on_post_build(env: MacrosPlugin) -> None:
    """mkdocs-macros calls this after the build: write the changelog feed (changelog.xml)."""
    conventions.write_feed(env, guide_data.load())
