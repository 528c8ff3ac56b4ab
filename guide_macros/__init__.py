"""mkdocs-macros module: renders the guide's fact tables from data/guide.yaml.

data/guide.yaml -> guide_data.load() -> these macros -> docs/*.md. Pages call the macros
(``{{ permissions_table() }}``); no table of facts is typed in Markdown. Every cell is escaped
(guide_macros/markup.py), so a ``|``, ``*`` or ``<script>`` in the data shows as text instead of
breaking the page. Each module below holds one area's macros as plain functions and registers
them in its own ``register(env, data)``.
"""

from __future__ import annotations

import functools
import platform
from importlib.metadata import version
from typing import TYPE_CHECKING, Any

import guide_data
from guide_macros import conventions, errors, guide_topics, highlight, operations, tables, webhooks

if TYPE_CHECKING:
    from mkdocs_macros.plugin import MacrosPlugin

MACRO_MODULES = (
    guide_topics,  # sourced statements: topics, dated statements, App Review, token paths
    operations,  # the operation -> permission reference (endpoint-permissions.md)
    conventions,  # glossary, changelog, moved-anchor pointers
    webhooks,  # Meta's webhook delivery facts (webhooks.md)
    tables,  # the fact tables: permissions, access types, tokens, versions...
    errors,  # the Error Reference (graph-api-errors.md)
    highlight,  # hl_lines for included code
)


def page_variables(data: dict[str, Any]) -> dict[str, Any]:
    """The variables pages and the theme read (``{{ pinned_version }}``, overrides/partials/)."""
    api = data["graph_api"]
    versions = {v["version"]: v for v in api["versions"]}
    pinned = api["pinned_version"]
    return dict(
        guide=data,
        pinned_version=pinned,
        pinned_released=versions[pinned]["released"],
        last_verified=data["last_verified"],
        # Called by the pages ({{ verified_on("index.md") }}) and the theme (overrides/partials/verified.html).
        verified_on=functools.partial(guide_data.verified_on, data),
        changelog_url=api["changelog_url"],
        python_version=platform.python_version(),
        requests_version=version("requests"),
    )


def define_env(env: MacrosPlugin) -> None:
    """mkdocs-macros' entry point (Zensical's too): the variables, then each area's macros."""
    data = guide_data.load()
    env.variables.update(page_variables(data))
    for module in MACRO_MODULES:
        module.register(env, data)


def on_post_build(env: MacrosPlugin) -> None:
    """mkdocs-macros calls this after the build: write the changelog feed (changelog.xml)."""
    conventions.write_feed(env, guide_data.load())
