"""MkDocs hook (mkdocs.yml `hooks:`): keep code blocks and collapsed example payloads out of the
search index.

Every page's search entry would otherwise carry each JSON payload and each listed file again
(the index is downloaded by every page that opens search). Readers search for a code, a
permission or a phrase; the prose around each block names what it shows, so the page is still
found. Material's search plugin skips an element marked data-search-exclude (and strips the
attribute from the page after indexing), so the HTML readers get is unchanged.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.plugins import event_priority

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

# A code block (pymdownx.highlight: class "highlight" or "language-x highlight") and a collapsed
# example (pymdownx.details: <details class="example">): marked on the element itself, because
# Material's indexer loses track of an exclusion on an outer element around nested <div>s.
_BLOCK = re.compile(r'<(div|details) class="((?:language-\S+ )?highlight|example)"')


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    return _BLOCK.sub(r'<\1 class="\2" data-search-exclude="true"', html)


# -- the index every page downloads, kept small (issue 18 item 4) ------------------------------------
# Material's index holds each section's whole text; every page fetches it before a reader types.
# Readers search for a code, a permission, an endpoint or a pasted error message, and land on the
# section that answers it; they do not need every sentence indexed to get there. So each section
# keeps its title, its first paragraph, every short paragraph (where pasted error strings live),
# every quoted message and every inline-code term (permissions, fields, endpoints, commands).
# Error pages keep Meta's text whole; Endpoint Permissions keeps each operation's path, name and
# permission and drops the columns' repeated labels. The changelog and the glossary keep their
# titles only: each fact they mention is indexed on the page that states it.
_TAG = re.compile(r"<[^>]+>")
_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
_CODE = re.compile(r"<code>([^<]{2,80})</code>")
_QUOTE = re.compile(r"“[^”]{3,200}”")
_PLACEHOLDER = re.compile(r"\{[a-z-]+\}")
_TABLE_LABELS = re.compile(r"Operation\s*Permission \(any one\)\s*Source\s*Tokens\s*Advanced Access|\bmockgraph\b|\binferred\b")
FIRST_PARAGRAPH_CHARS = 140  # about two lines: enough to say what the section is about
SHORT_PARAGRAPH_CHARS = 100  # a pasted error message, a one-line rule
TITLES_ONLY = ("changelog/", "glossary/")


def _plain(html: str) -> str:
    return " ".join(_TAG.sub(" ", html).split())


def _lean(html: str) -> str:
    paragraphs = [_plain(p) for p in _PARAGRAPH.findall(html)]
    kept = [p for i, p in enumerate(paragraphs) if i == 0 or len(p) <= SHORT_PARAGRAPH_CHARS] or [_plain(html)]
    text = " ".join(p if len(p) <= FIRST_PARAGRAPH_CHARS else p[:FIRST_PARAGRAPH_CHARS].rsplit(" ", 1)[0] for p in kept)
    extra = dict.fromkeys(_QUOTE.findall(html) + _CODE.findall(html))
    return " ".join([text, *(term for term in extra if term not in text)]).strip()


def lean_doc(doc: dict) -> dict | None:
    """The index entry a reader's query needs, or None to leave the section out."""
    page, _, section = doc["location"].partition("#")
    if page in TITLES_ONLY:
        return None if section else {**doc, "text": ""}
    if page.startswith("errors/"):
        return {**doc, "text": _plain(doc["text"]).removeprefix("Meta's text: ")}
    if page == "endpoint-permissions/" and section:  # a path's {placeholders} are not what anyone types
        words = _PLACEHOLDER.sub("", _TABLE_LABELS.sub(" ", _plain(doc["text"]))).split()
        return {**doc, "text": " ".join(dict.fromkeys(words))}  # each term once: search matches terms
    return {**doc, "text": _lean(doc["text"])}


@event_priority(-100)  # after the search plugin has written the index
def on_post_build(config: MkDocsConfig) -> None:
    path = Path(config["site_dir"]) / "search" / "search_index.json"
    if not path.is_file():
        return
    index = json.loads(path.read_text(encoding="utf-8"))
    index["docs"] = [lean for doc in index["docs"] if (lean := lean_doc(doc)) is not None]
    path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
