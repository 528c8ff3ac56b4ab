"""What each page costs a reader on a gzip-serving host (GitHub Pages compresses HTML, CSS, JS and
JSON): the page's HTML, the stylesheets, scripts and icon it loads, and the search index Material's
search fetches on every page, each gzip-compressed as such a host sends it. Computed from the built
files, so all pages are measured, not a sample; compared with a stock Material page of the seed
draft (../shared/seed/) built in the same run."""

from __future__ import annotations

import gzip
import os
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from benchmarks import pages

ROOT = Path(__file__).resolve().parent.parent
SEED = Path(os.environ.get("SHARED_DIR", ROOT.parent / "shared")) / "seed" / "whatsapp-permissions-guide.md"
BUDGET = 1.3  # at most this many times the stock page's bytes
GZIP_LEVEL = 6  # the level gzip-serving hosts commonly use (nginx's gzip_comp_level default is 1; zlib's default 6)


class _Loads(HTMLParser):
    """The files a page makes the browser fetch: stylesheets, scripts, icons."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "script" and a.get("src"):
            self.urls.append(a["src"] or "")
        elif tag == "link" and a.get("href") and {"stylesheet", "icon"} & set((a.get("rel") or "").split()):
            self.urls.append(a["href"] or "")


def gz(data: bytes) -> int:
    return len(gzip.compress(data, GZIP_LEVEL, mtime=0))


def page_weight(site: Path, page: Path) -> dict[str, int]:
    """Gzip bytes of one page (HTML, assets, search index) and the same uncompressed."""
    parser = _Loads()
    html = page.read_bytes()
    parser.feed(html.decode("utf-8"))
    base = "/" + str(page.parent.relative_to(site)).strip(".") + "/"
    files = [page]
    for url in parser.urls:
        parts = urlsplit(urljoin(base.replace("//", "/"), url))
        if parts.scheme or parts.netloc:
            continue  # another host: counted by the browser benchmark as third-party
        local = site / parts.path.lstrip("/")
        if local.is_file():
            files.append(local)
    index = site / "search" / "search_index.json"
    if index.is_file():
        files.append(index)
    return {"gzip_bytes": sum(gz(f.read_bytes()) for f in files), "raw_bytes": sum(f.stat().st_size for f in files)}


def stock_seed_page(dest: Path) -> Path:
    """The seed draft as a stock Material page (same theme version, search on, no web fonts)."""
    return pages.build_stock_material(dest, SEED.read_text(encoding="utf-8"))


def measure(site: Path, scratch: Path) -> dict:
    stock_site = stock_seed_page(scratch / "stock-seed")
    stock = page_weight(stock_site, stock_site / "index.html")
    pages = {}
    for page in sorted(site.rglob("index.html")):
        if page.parent.name in {"404", "search"}:
            continue
        name = "/" + str(page.parent.relative_to(site)).strip(".") + ("/" if page.parent != site else "")
        weight = page_weight(site, page)
        weight["ratio"] = round(weight["gzip_bytes"] / stock["gzip_bytes"], 2)
        pages[name.replace("//", "/")] = weight
    return {"stock_seed_page": stock, "pages": pages, "budget_ratio": BUDGET}
