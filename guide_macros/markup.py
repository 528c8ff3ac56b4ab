"""Escaping and markup helpers shared by every macro module.

Every cell and sentence the macros render from data/guide.yaml goes through one of these, so a
``|``, ``*`` or ``<script>`` in the data shows as text instead of breaking the page. This module
imports nothing from the package: the macro modules import it, and the package imports them.
"""

from __future__ import annotations

import html
import re

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


def badge(text: str, kind: str) -> str:
    """A small label (source kind, confidence, "inferred"); its look comes from badge--<kind>."""
    return f'<span class="badge badge--{kind}">{esc(text)}</span>'


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
