"""Load and validate data/guide.yaml, the single source of the guide's facts.

The macros (pages), mockgraph (scopes, versions) and the tests all read the data through
:func:`load`, so a broken data file fails every consumer with the same clear message.

The package is split by concern; this module only names what the rest of the project uses:

- paths.py: where the checkout and the data file are (a checkout, or an installed wheel);
- vocabulary.py: the closed lists (permissions, error categories, Meta's hosts, ...);
- schema.py: the JSON schema of the file; checks.py: the rules a schema cannot state;
- validation.py: both applied, every problem reported at once (DataError);
- loader.py: YAML parsed safely, the data file loaded and validated once per process;
- derived.py: answers read off one entry (an operation's permissions, a page's verified date);
- generated.py: committed files generated from the data, rewritten only when they differ;
- the commands (`python -m guide_data.<name>`): glossary, error_actions, operation_permissions,
  drift, bump_version; and feed, moved, site for the macros.
"""

from __future__ import annotations

from guide_data.derived import arrival_ways, is_retryable, required_permissions, requires_all, verified_on
from guide_data.loader import load, pinned_version
from guide_data.paths import DATA_FILE, ROOT
from guide_data.validation import DataError, validate
from guide_data.vocabulary import ERROR_CATEGORIES, ERROR_ROW_FIELDS, KNOWN_PERMISSIONS, META_HOSTS, NOT_STATED

__all__ = [
    "DATA_FILE",
    "ERROR_CATEGORIES",
    "ERROR_ROW_FIELDS",
    "KNOWN_PERMISSIONS",
    "META_HOSTS",
    "NOT_STATED",
    "ROOT",
    "DataError",
    "arrival_ways",
    "is_retryable",
    "load",
    "pinned_version",
    "required_permissions",
    "requires_all",
    "validate",
    "verified_on",
]
