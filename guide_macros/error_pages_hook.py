"""MkDocs hook (mkdocs.yml `hooks:`): one page per error code, generated at build time.

For each row of data/guide.yaml's `graph_errors`, adds errors/<code>.md (rendered by
guide_macros.errors.error_page) to the build's files, outside the nav. MkDocs' own hook API
(File.generated, MkDocs 1.6) needs no plugin and writes nothing into docs/.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files, InclusionLevel

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

# MkDocs loads a hook by path, before the macros plugin puts the project on sys.path: do it here,
# so the hook reads the same data and renderer as the macros.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import guide_data  # noqa: E402
from guide_macros import errors  # noqa: E402


# Before every plugin's on_files (default priority 0): llmstxt expands its `errors/*.md` glob there,
# and the search and date plugins must see the pages too.
@event_priority(100)
def on_files(files: Files, config: MkDocsConfig) -> Files:
    rows = guide_data.load()["graph_errors"]
    for row in rows:
        content = errors.error_page(row, rows)
        files.append(File.generated(config, errors.page_path(row), content=content, inclusion=InclusionLevel.NOT_IN_NAV))
    return files
