"""The guide's fact tables (permissions, access types, tokens, versions...), one macro each, every
row from data/guide.yaml and every cell escaped (guide_macros/markup.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from guide_macros import operations
from guide_macros.markup import code, esc, html_table, wrap
from guide_macros.registry import add_macros

NOT_PUBLISHED = "Not published by Meta"


def _yes_no(flag: bool) -> str:
    return "Yes" if flag else "No"


def permissions_table(data: dict[str, Any]) -> str:
    by_op = {o["op"]: o for o in data["operations"]}  # guide_data checks every listed endpoint has an entry
    rows = [
        [
            code(p["name"]),
            esc(p["enables"]),
            esc(p["does_not_cover"]),
            # Each endpoint links to its row of the operation map (endpoint-permissions.md). Plain
            # text in the link: Material's code style on a link fails contrast in the dark scheme.
            "<br>".join(f'<a href="{operations.href_from_a_page(by_op[e])}">{wrap(e)}</a>' for e in p["endpoints"]),
        ]
        for p in data["permissions"]
    ]
    return html_table("permissions-table", ["Permission", "Enables", "Does not cover", "Endpoints it unlocks"], rows)


def optional_permissions_table(data: dict[str, Any]) -> str:
    rows = [[code(p["name"]), esc(p["needed_when"])] for p in data["optional_permissions"]]
    return html_table("optional-permissions-table", ["Permission", "Request it only when"], rows)


def access_types_table(data: dict[str, Any]) -> str:
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


def debug_token_fields_table(data: dict[str, Any]) -> str:
    rows = [[code(f["field"]), code(f["type"]), esc(f["meaning"])] for f in data["debug_token_fields"]]
    return html_table("debug-token-fields-table", ["Field", "Type", "What it tells you"], rows)


def system_user_tokens_table(data: dict[str, Any]) -> str:
    rows = [
        [esc(t["kind"]), esc(t["lifetime"]), esc(t["refresh"]), esc(t["choose_when"]), code(t["api_parameter"])]
        for t in data["system_user_tokens"]
    ]
    return html_table("system-user-tokens-table", ["Token", "Lifetime", "Refresh?", "Choose it when", "API parameter"], rows)


def permission_statuses_table(data: dict[str, Any]) -> str:
    rows = [[code(s["status"]), esc(s["meaning"])] for s in data["permission_statuses"]]
    return html_table("permission-statuses-table", ["status", "Meaning"], rows)


def setup_modes_table(data: dict[str, Any]) -> str:
    rows = [[esc(m["aspect"]), esc(m["test"]), esc(m["production"])] for m in data["setup_modes"]]
    return html_table("setup-modes-table", ["", "Test set-up", "Production"], rows)


def versions_table(data: dict[str, Any]) -> str:
    api = data["graph_api"]
    rows = [
        [
            code(v["version"]) + (" (pinned)" if v["version"] == api["pinned_version"] else ""),
            esc(v["released"] or "No changelog entry"),
            esc(v["available_until"] or "TBD")
            + (" <strong>(expired)</strong>" if v["available_until"] and v["available_until"] <= dt.date.today() else ""),
            esc(v.get("note", "")),
        ]
        for v in api["versions"]
    ]
    return html_table("versions-table", ["Version", "Released", "Available until", "Note"], rows)


def register(env: Any, data: dict[str, Any]) -> None:
    """Add the fact tables to the macros environment (called from guide_macros.define_env)."""
    add_macros(
        env,
        data,
        permissions_table,
        optional_permissions_table,
        access_types_table,
        debug_token_fields_table,
        system_user_tokens_table,
        permission_statuses_table,
        setup_modes_table,
        versions_table,
    )
