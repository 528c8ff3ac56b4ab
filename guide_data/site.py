"""The site's public address, as mkdocs.yml resolves it.

mkdocs.yml reads it from the SITE_URL environment variable with a local default
(`site_url: !ENV [SITE_URL, "http://127.0.0.1:8000/"]`). Loading the file with MkDocs' own YAML
loader resolves that tag exactly as the build does, so tests and tools that need the address
cannot drift from the pages' canonical links.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.utils.yaml import yaml_load

from guide_data.paths import ROOT


def site_url(root: Path = ROOT) -> str:
    """The site's base URL with a trailing slash, e.g. "http://127.0.0.1:8000/"."""
    with (root / "mkdocs.yml").open(encoding="utf-8") as handle:
        config = yaml_load(handle)
    url = config.get("site_url")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise ValueError(f"{root / 'mkdocs.yml'}: site_url must be an http(s) URL (set SITE_URL), got {url!r}")
    return url if url.endswith("/") else url + "/"
