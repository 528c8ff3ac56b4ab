"""Read YAML files, and load data/guide.yaml validated (parsed once per process)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

from guide_data.paths import DATA_FILE
from guide_data.validation import DataError, validate


def read_yaml(path: Path | str, what: str = "the guide data") -> Any:
    """Parse a YAML file with a safe loader, or raise DataError naming the file (``what`` says what
    it should hold) and why it cannot be read. Also reads Meta's OpenAPI spec for mockgraph."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise DataError(f"{path}: cannot read {what} ({exc.strerror})") from None
    try:
        # libyaml's safe loader when PyYAML has it: the same safe subset, parsed about 10 times
        # faster, which is most of mockgraph's start-up.
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        raise DataError(f"{path}: not valid YAML: {exc}") from None


def load(path: Path | str | None = None) -> dict:
    """Load and validate the data file (the default file is parsed once per process)."""
    return _load_cached(str(Path(path) if path else DATA_FILE))


@functools.lru_cache(maxsize=8)
def _load_cached(path: str) -> dict:
    return validate(read_yaml(path), path)


def pinned_version(data: dict | None = None) -> str:
    """The Graph API version every URL carries: of ``data``, else of the data file."""
    return (data or load())["graph_api"]["pinned_version"]
