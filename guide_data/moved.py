"""Moved in-page anchors: `extra.moved_anchors` in mkdocs.yml, one `{from: page.md#anchor, to:
page.md#anchor}` per section that moved to another page (optional `label`: the words the old
page's pointer shows).

The map drives two things, so a move is one line: the old page's "Moved to other pages" pointers
(the `moved_anchors_from` macro), where a reader without JavaScript lands and clicks on, and an
inline script (overrides/main.html) that sends a reader with JavaScript straight to the new place.
Whole pages that move use mkdocs-redirects (`redirect_maps`) instead.
"""

from __future__ import annotations

import re
from typing import Any

_REF = re.compile(r"^(?P<page>[a-z0-9][a-z0-9_/-]*\.md)#(?P<anchor>[A-Za-z0-9_-]+)$")
_TARGET = re.compile(r"^(?P<page>[a-z0-9][a-z0-9_/-]*\.md)(#(?P<anchor>[A-Za-z0-9_-]+))?$")


class MovedAnchorsError(ValueError):
    """extra.moved_anchors is malformed; the message names the entry and the fix."""


def entries(extra: dict[str, Any] | None) -> list[dict[str, str]]:
    """The validated map (an empty list when mkdocs.yml has none)."""
    raw = (extra or {}).get("moved_anchors") or []
    if not isinstance(raw, list):
        raise MovedAnchorsError("mkdocs.yml extra.moved_anchors: must be a list of {from: page.md#anchor, to: page.md#anchor}")
    seen: set[str] = set()
    for i, entry in enumerate(raw):
        where = f"mkdocs.yml extra.moved_anchors[{i}]"
        if not isinstance(entry, dict) or set(entry) - {"from", "to", "label"} or not {"from", "to"} <= set(entry):
            raise MovedAnchorsError(
                f"{where}: write {{from: page.md#anchor, to: page.md#anchor}} (optional label), got {entry!r}"
            )
        if not _REF.match(str(entry["from"])):
            raise MovedAnchorsError(f"{where}: from {entry['from']!r} must be page.md#anchor (a path under docs/)")
        if not _TARGET.match(str(entry["to"])):
            raise MovedAnchorsError(f"{where}: to {entry['to']!r} must be page.md or page.md#anchor (a path under docs/)")
        if entry["from"] in seen:
            raise MovedAnchorsError(f"{where}: {entry['from']!r} is listed twice; an old anchor can lead to one place")
        seen.add(entry["from"])
    return raw


def page_url(src: str) -> str:
    """A page's address relative to the site root, as MkDocs writes it (use_directory_urls)."""
    stem = src[: -len(".md")]
    if stem == "index" or stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def url_of(ref: str) -> str:
    """page.md#anchor -> page/#anchor (site-root relative)."""
    page, _, anchor = ref.partition("#")
    return page_url(page) + (f"#{anchor}" if anchor else "")


def script_map(extra: dict[str, Any] | None) -> dict[str, str]:
    """{"old-page/#anchor": "new-page/#anchor"}, for the inline script."""
    return {url_of(e["from"]): url_of(e["to"]) for e in entries(extra)}
