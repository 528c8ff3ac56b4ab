"""MkDocs hook (mkdocs.yml `hooks:`): keep code blocks and collapsed example payloads out of the
search index.

Every page's search entry would otherwise carry each JSON payload and each listed file again
(the index is downloaded by every page that opens search). Readers search for a code, a
permission or a phrase; the prose around each block names what it shows, so the page is still
found. Material's search plugin skips an element marked data-search-exclude (and strips the
attribute from the page after indexing), so the HTML readers get is unchanged.
"""

from __future__ import annotations

import re

# A code block (pymdownx.highlight: class "highlight" or "language-x highlight") and a collapsed
# example (pymdownx.details: <details class="example">): marked on the element itself, because
# Material's indexer loses track of an exclusion on an outer element around nested <div>s.
_BLOCK = re.compile(r'<(div|details) class="((?:language-\S+ )?highlight|example)"')


def on_page_content(html: str, page, config, files) -> str:
    return _BLOCK.sub(r'<\1 class="\2" data-search-exclude="true"', html)
