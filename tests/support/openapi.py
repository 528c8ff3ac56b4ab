"""Meta's OpenAPI spec: where it is read from (../shared, or $META_OPENAPI_SPEC; never copied into
this repo) and the URI the tests' schema registry files it under."""

from __future__ import annotations

import os
from pathlib import Path

from support.paths import SHARED

OPENAPI_SPEC = Path(os.environ.get("META_OPENAPI_SPEC", SHARED / "meta-openapi" / "business-messaging-api_v23.0.yaml"))
SPEC_URI = "urn:meta-openapi"
