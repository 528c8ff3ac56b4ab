"""mkdocs-macros module: renders the guide's fact tables from data/guide.yaml.

data/guide.yaml -> guide_data.load() -> these macros -> docs/*.md. Pages call the macros
(``{{ permissions_table() }}``); no table of facts is typed in Markdown. Every cell is escaped,
so a ``|``, ``*`` or ``<script>`` in the data shows as text instead of breaking the page.
"""

from __future__ import annotations

import html
import platform
import re
from importlib.metadata import version

import guide_data
from guide_macros import operations as operations_macros

NOT_PUBLISHED = "Not published by Meta"
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!])")  # Python-Markdown's backslash escapes


def esc(value) -> str:
    """Escape a value for an HTML cell (raw HTML blocks are not parsed as Markdown)."""
    return html.escape(str(value), quote=True)


def md_escape(value) -> str:
    """Escape a value for inline Markdown (headings, paragraphs): HTML first, then Markdown syntax."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(str(value), quote=False)).replace("|", "&#124;")


def code(value) -> str:
    """Inline code that may wrap after "/" and "_" (long names and paths), never mid-word."""
    return "<code>" + re.sub(r"([/_])", r"\1<wbr>", esc(value)) + "</code>"


def html_table(table_id: str, headers: list[str], rows: list[list[str]]) -> str:
    """A table whose cells are already-escaped HTML. One line per row keeps it one HTML block."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "\n".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return (
        f'<table id="{esc(table_id)}" data-source="data/guide.yaml">\n'
        f"<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"
    )


def _yes_no(flag: bool) -> str:
    return "Yes" if flag else "No"


def _fence(text: str, lang: str = "text") -> str:
    """A fenced block for literal examples, marked as not executable for the docs tests."""
    ticks = "`" * max(3, max((len(m) for m in re.findall(r"`+", text)), default=0) + 1)
    return f"{ticks} {{ .{lang} .not-executable }}\n{text}\n{ticks}"


def define_env(env):
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
            changelog_url=api["changelog_url"],
            python_version=platform.python_version(),
            requests_version=version("requests"),
        )
    )
    operations_macros.register(env, data)  # the operation -> permission reference (endpoint-permissions.md)

    @env.macro
    def permissions_table() -> str:
        rows = [
            [
                code(p["name"]),
                esc(p["enables"]),
                esc(p["does_not_cover"]),
                _yes_no(p["typical_integration"]),
                "<br>".join(code(e) for e in p["endpoints"]),
            ]
            for p in data["permissions"]
        ]
        return html_table(
            "permissions-table",
            ["Permission", "Enables", "Does not cover", "Typical integration needs it", "Endpoints it unlocks"],
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
    def app_review_checklist() -> str:
        parts = []
        for group in data["app_review_checklist"]:
            items = "\n".join(
                '<li class="task-list-item"><label class="task-list-control">'
                '<input type="checkbox" disabled aria-label="{esc(item)}">'
                '<span class="task-list-indicator"></span></label> '
                f"{esc(item)}</li>"
                for item in group["items"]
            )
            parts.append(
                f'<p class="checklist-group"><strong>{esc(group["group"])}</strong></p>\n'
                f'<ul class="task-list" data-group="{esc(group["group"])}">\n{items}\n</ul>'
            )
        return "\n\n".join(parts)

    @env.macro
    def rejection_patterns() -> str:
        parts = []
        for p in data["rejection_patterns"]:
            example = f"✗  {p['bad']}\n✓  {p['good']}"
            parts.append(
                f"### “{md_escape(p['reason'])}”\n\n"
                f"*Fails the {md_escape(p['check'])} check.* {md_escape(p['fix'])}\n\n"
                f"{_fence(example)}"
            )
        return "\n\n".join(parts)

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

    errors = {e["code"]: e for e in data["graph_errors"]}

    @env.macro
    def setup_modes_table() -> str:
        rows = [[esc(m["aspect"]), esc(m["test"]), esc(m["production"])] for m in data["setup_modes"]]
        return html_table("setup-modes-table", ["", "Test set-up", "Production"], rows)

    @env.macro
    def graph_errors_table() -> str:
        rows = [
            [
                code(e["code"]),
                esc(e["title"]),
                esc(e["http_status"]),
                _yes_no(guide_data.is_retryable(e["client_action"])),
                esc(e["what_to_do"]),
            ]
            for e in data["graph_errors"]
        ]
        return html_table("graph-errors-table", ["Code", "Title", "HTTP status", "Retry?", "What to do"], rows)

    @env.macro
    def error_sections(codes: list[int]) -> str:
        """A section per error code: cause, fix and prevention, from the YAML."""
        parts = []
        for number in codes:
            e = errors[number]  # an unknown code is a KeyError: on_error_fail stops the build
            parts.append(
                f"### {number}: {md_escape(e['title'])} {{ #error-{number} }}\n\n"
                f"**Cause.** {md_escape(e['cause'])}\n\n"
                f"**Fix.** {md_escape(e['what_to_do'])} "
                f"({'retry with backoff' if guide_data.is_retryable(e['client_action']) else 'do not retry unchanged'}; "
                f"HTTP {e['http_status']} as Meta documents it)\n\n"
                f"**Prevention.** {md_escape(e['prevention'])}"
            )
        return "\n\n".join(parts)

    @env.macro
    def versions_table() -> str:
        rows = [
            [
                code(v["version"]) + (" (pinned)" if v["version"] == pinned else ""),
                esc(v["released"] or "No changelog entry"),
                esc(v["available_until"] or "TBD"),
                esc(v.get("note", "")),
            ]
            for v in api["versions"]
        ]
        return html_table("versions-table", ["Version", "Released", "Available until", "Note"], rows)
