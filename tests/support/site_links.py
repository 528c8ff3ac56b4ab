"""Where an internal link of the built site lands: the page file and the element its fragment names,
and whether that element is real content or a pointer left on a "Moved" stub."""

from __future__ import annotations

import functools
import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

from support.site_pages import pages


def target(site: Path, page: str, href: str, site_url: str = "") -> tuple[str, str] | None:
    """(page key as in pages(), fragment) for an internal link on `page`, or None for an external
    one. `page` is a key of pages() (e.g. "errors/200/index.html"); absolute links count as
    internal when they start with `site_url`."""
    if site_url and href.startswith(site_url):
        path_part = "/" + href[len(site_url) :]
        base = "/"
    else:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or href.startswith(("mailto:", "//")):
            return None
        path_part, base = href, "/" + posixpath.dirname(page) + "/"
    parts = urlsplit(path_part)
    path = posixpath.normpath(posixpath.join(base, unquote(parts.path))) if parts.path else "/" + page
    path = path.lstrip("/")
    if not path.endswith(".html"):
        path = posixpath.join(path, "index.html") if path not in ("", ".") else "index.html"
    return path, unquote(parts.fragment)


@functools.lru_cache(maxsize=256)
def _stub_ids(site: Path, page: str) -> frozenset[str]:
    """Ids inside a section whose heading id starts with "moved" (a page's "Moved to other pages")."""
    soup: BeautifulSoup = pages(site)[page]
    stubs: set[str] = set()
    for heading in soup.select("article h2[id^=moved], article h3[id^=moved]"):
        for sibling in heading.find_next_siblings():
            if sibling.name in ("h1", "h2") or (heading.name == "h3" and sibling.name == "h3"):
                break
            stubs.update(el["id"] for el in sibling.find_all(id=True))
            if sibling.get("id"):
                stubs.add(sibling["id"])
    return frozenset(stubs)


def problem(site: Path, page: str, href: str, site_url: str = "") -> str | None:
    """Why the link leads nowhere useful, or None when it lands on content."""
    where = target(site, page, href, site_url)
    if where is None:
        return None
    file, fragment = where
    built = pages(site)
    if file not in built:
        if (site / file).is_file() or (site / file.replace("index.html", "")).is_file():
            return None  # an asset or the 404/search pages
        return f"{href}: no page {file}"
    if not fragment:
        return None
    if built[file].find(id=fragment) is None:
        return f"{href}: {file} has no id {fragment!r}"
    if fragment in _stub_ids(site, file):
        return f"{href}: lands on the 'Moved' stub of {file}; point it at the section that holds the content"
    return None
