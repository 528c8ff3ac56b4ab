"""Load and validate data/guide.yaml, the single source of the guide's facts.

The macros (pages), mockgraph (scopes, versions) and the tests all read the data through
:func:`load`, so a broken data file fails every consumer with the same clear message.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib.resources
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator, ValidationError, validators

ROOT = Path(__file__).resolve().parent.parent


def _data_file() -> Path:
    """data/guide.yaml in a checkout (the one copy); in an installed wheel, the copy packaged as
    guide_data/data/guide.yaml (pyproject.toml maps data/ there), found with importlib.resources."""
    in_checkout = ROOT / "data" / "guide.yaml"
    if in_checkout.is_file():
        return in_checkout
    return Path(str(importlib.resources.files(__name__).joinpath("data", "guide.yaml")))


DATA_FILE = _data_file()

# The permissions Meta's WhatsApp Permissions page names (core and optional). A name outside this
# list is almost always a typo, and a typo here would silently change what mockgraph enforces.
KNOWN_PERMISSIONS = (
    "whatsapp_business_messaging",
    "whatsapp_business_management",
    "business_management",
    "whatsapp_business_manage_events",
    "ads_read",
)

# What a client should do with an error: the small set the classifier answers with.
CLIENT_ACTIONS = ("retry_with_backoff", "retry_after_wait", "fix_then_retry", "do_not_retry", "reauthenticate")

# Where an error reaches the client: the API response, a `failed` message-status webhook, or both;
# or, for media a user sent that Meta could not fetch, with that incoming message (messages[].errors).
ARRIVALS = ("response", "status_webhook", "both", "incoming_message")
CONFIDENCE = ("high", "medium", "low")


def arrival_ways(row: dict) -> list[str]:
    """The separate forms an error row arrives in (one example payload each)."""
    return ["response", "status_webhook"] if row["arrives"] == "both" else [row["arrives"]]


# The error reference's tabs, in page order (Meta's page sections plus the families it links to).
ERROR_CATEGORIES = (
    "authorization",
    "throttling",
    "integrity",
    "sending",
    "templates",
    "flows",
    "registration",
    "marketing",
    "payments",
    "groups",
    "calling",
    "management",
    "graph",
)
# An arrives_note for a value Meta does not state opens with one of these, so the page says so.
ARRIVES_NOT_STATED = ("Meta does not say", "Meta's page does not say")
# Every graph_errors row has these fields (the drift guard in tests checks the same list).
ERROR_ROW_FIELDS = (
    "code",
    "category",
    "title",
    "meta_text",
    "http_status",
    "cause",
    "fix",
    "prevention",
    "client_action",
    "arrives",
    "arrives_stated",
    "source",
    "confidence",
)

_text = {"type": "string", "minLength": 1}
_url = {"type": "string", "pattern": "^https://"}
_date = {"type": "date"}
_optional_date = {"type": ["date", "null"]}
_confidence = {"enum": ["H", "M", "L"]}
# Hosts whose pages count as Meta's own word (a quoted Meta statement must link to one of them).
META_HOSTS = ("developers.facebook.com", "developers.secure.facebook.com", "www.facebook.com", "www.whatsapp.com")
_meta_url = {
    "type": "string",
    "pattern": r"^https://(" + "|".join(re.escape(host) for host in META_HOSTS) + ")/",
}
# The pages of the site, for page_last_verified: a key must name a file in docs/.
TOPICS = (
    "test_numbers",
    "temporary_token",
    "subscribed_apps",
    "embedded_signup",
    "messaging_limits",
    "app_review_mechanics",
    "status_webhooks",
    "onboarding",
    "onboarding_failures",
    "scope_changes",
    "long_lived_tokens",
    "business_management",
    "waba_name",
    "coexistence",
)


def _table(item_properties: dict, required: list[str] | None = None) -> dict:
    """A non-empty list of objects with exactly these keys."""
    return {
        "type": "array",
        "minItems": 1,
        "items": {
            "type": "object",
            "properties": item_properties,
            "required": required if required is not None else list(item_properties),
            "additionalProperties": False,
        },
    }


# ---- operations: the operation -> permission map (issue 13) ------------------------------------------
# One entry per Graph operation; see the comment above `operations:` in data/guide.yaml.
NOT_STATED = "not stated by Meta"
TOKEN_TYPES = ("USER", "SYSTEM_USER", "BUSINESS_INTEGRATION_SYSTEM_USER", "APP")
OPERATION_GROUPS = (
    "messages", "media", "phone-numbers", "business-profile", "templates", "waba", "webhooks",
    "business-portfolio", "preverified-numbers", "partners", "flows", "groups", "calls", "tokens",
)  # fmt: skip
MOCK_MODES = ("simulated", "from spec", "not a Graph call")
_permission_list = {"type": "array", "items": {"enum": list(KNOWN_PERMISSIONS)}, "uniqueItems": True}
_source = {"type": "string", "pattern": r"^(https://\S+|Meta OpenAPI spec v23\.0, .+)$"}
_operation = {
    "type": "object",
    "additionalProperties": False,
    "required": [
        "id",
        "op",
        "spec_path",
        "group",
        "summary",
        "permissions",
        "token_types",
        "advanced_access",
        "business_management",
        "confidence",
        "mock",
    ],  # fmt: skip
    "properties": {
        "id": {"type": "string", "pattern": r"^[A-Za-z][A-Za-z0-9]*$"},
        "op": {"type": "string", "pattern": r"^(GET|POST|DELETE) /[a-z0-9_/{}-]*$"},
        "spec_path": {"type": ["string", "null"], "pattern": r"^/"},
        "group": {"enum": list(OPERATION_GROUPS)},
        "summary": _text,
        "permissions": {"oneOf": [_permission_list, {"const": NOT_STATED}]},
        "source": _source,
        "says": _text,
        "requires": {"enum": ["any", "all"]},  # default any: one of the permissions is enough
        "inference": {
            "type": "object",
            "additionalProperties": False,
            "required": ["permissions", "source", "reason"],
            "properties": {"permissions": {**_permission_list, "minItems": 1}, "source": _source, "reason": _text},
        },
        "token_types": {"oneOf": [{"type": "array", "minItems": 1, "items": {"enum": list(TOKEN_TYPES)}}, {"const": NOT_STATED}]},
        "advanced_access": {"enum": ["for other businesses' assets", "partner feature", "not involved"]},
        "business_management": {"type": "boolean"},
        "confidence": _confidence,
        "mock": {"enum": list(MOCK_MODES)},
    },
    # A stated permission carries its source; an unstated one carries the marked inference instead.
    "if": {"properties": {"permissions": {"const": NOT_STATED}}},
    "then": {"required": ["inference"], "not": {"required": ["source"]}},
    "else": {"required": ["source", "says"], "not": {"required": ["inference"]}},
}
OPERATIONS_SCHEMA: dict[str, Any] = {"type": "array", "minItems": 1, "items": _operation}


def required_permissions(operation: dict) -> list[str]:
    """The permissions that unlock an operation: Meta's statement, else the marked inference. Any
    one suffices unless `requires_all(operation)`. mockgraph enforces exactly this."""
    if operation["permissions"] == NOT_STATED:
        return list(operation["inference"]["permissions"])
    return list(operation["permissions"])


def requires_all(operation: dict) -> bool:
    """True when Meta lists the permissions as all required, not as alternatives."""
    return operation.get("requires", "any") == "all"


def _operation_checks(data: dict) -> list[str]:
    problems = []
    ids = [o["id"] for o in data["operations"]]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(f"operations: id {dup!r} is listed more than once")
    ops = [o["op"] for o in data["operations"]]
    for dup in sorted({o for o in ops if ops.count(o) > 1}):
        problems.append(f"operations: {dup!r} is listed more than once")
    by_op = {o["op"]: o for o in data["operations"]}
    for permission in data["permissions"]:
        for endpoint in permission["endpoints"]:
            operation = by_op.get(endpoint)
            if operation is None:
                problems.append(f"permissions: {permission['name']} lists {endpoint!r}, which has no entry in operations")
            elif permission["name"] not in required_permissions(operation):
                problems.append(
                    f"permissions: {permission['name']} lists {endpoint!r}, but operations[{operation['id']}] "
                    f"does not name that permission; make the two agree"
                )
    return problems


# ---- glossary and changelog (issue 19) ---------------------------------------------------------------
# A term's source is Meta's page, or Meta's OpenAPI spec where no page defines the word.
_glossary_source = {"anyOf": [_meta_url, {"type": "string", "pattern": r"^Meta OpenAPI spec v\d+\.\d+, .+"}]}
# A form becomes `*[form]: ...` in data/abbreviations.md: no brackets, no line breaks, no Markdown.
_abbr_form = {"type": "string", "pattern": r"^[A-Za-z0-9][A-Za-z0-9 _.'-]*$"}
GLOSSARY_SCHEMA: dict[str, Any] = _table(
    {
        "term": _text,
        "name": _text,  # the expansion of an abbreviation
        "also": _text,  # another name Meta uses
        "forms": {"type": "array", "minItems": 1, "uniqueItems": True, "items": _abbr_form},
        "definition": {"type": "string", "minLength": 1, "pattern": r"^[^\n*\[\]`<>]+$"},
        "source": _glossary_source,
        "confidence": _confidence,
    },
    required=["term", "forms", "definition", "source", "confidence"],
)
CHANGELOG_SCHEMA: dict[str, Any] = _table(
    {
        "id": {"type": "string", "pattern": "^[a-z0-9-]+$"},
        "date": _date,
        "title": _text,
        "facts": {
            "type": "array",
            "minItems": 1,
            "items": {"type": "string", "pattern": r"^[a-z_]+(\.[a-z_]+)*(\[[^\]]+\])?(\.[a-z_]+)?$"},
        },
        "summary": _text,
        "source": _url,
    }
)


SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": [
        "last_verified",
        "graph_api",
        "permissions",
        "optional_permissions",
        "access_types",
        "app_review_checklist",
        "rejection_patterns",
        "debug_token_fields",
        "system_user_tokens",
        "permission_statuses",
        "graph_errors",
        "setup_modes",
        "page_last_verified",
        "token_paths",
        "system_user_roles",
        "dated_statements",
        "topic_facts",
        "operations",
        "glossary",
        "changelog",
    ],
    "properties": {
        "last_verified": _date,
        "glossary": GLOSSARY_SCHEMA,
        "changelog": CHANGELOG_SCHEMA,
        "graph_api": {
            "type": "object",
            "additionalProperties": False,
            "required": ["pinned_version", "changelog_url", "versions_url", "guaranteed_years", "versions"],
            "properties": {
                "pinned_version": {"type": "string", "pattern": r"^v\d+\.\d+$"},
                "changelog_url": {"type": "string", "pattern": "^https://"},
                "versions_url": {"type": "string", "pattern": "^https://"},
                "guaranteed_years": {"type": "integer", "minimum": 1},
                "expired_version_calls": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["says", "source", "confidence"],
                    "properties": {
                        "says": _text,
                        "source": {"type": "string", "pattern": "^https://"},
                        "confidence": {"enum": ["H", "M", "L"]},
                    },
                },
                "versions": _table(
                    {
                        "version": {"type": "string", "pattern": r"^v\d+\.\d+$"},
                        "released": _optional_date,
                        "available_until": _optional_date,
                        "note": _text,
                    },
                    required=["version", "released", "available_until"],
                ),
            },
        },
        "permissions": _table(
            {
                "name": {"enum": list(KNOWN_PERMISSIONS)},
                "enables": _text,
                "does_not_cover": _text,
                "typical_integration": {"type": "boolean"},
                "endpoints": {
                    "type": "array",
                    "minItems": 1,
                    "items": {"type": "string", "pattern": r"^(GET|POST|DELETE) /\S+$"},
                },
            }
        ),
        "optional_permissions": _table({"name": {"enum": list(KNOWN_PERMISSIONS)}, "needed_when": _text}),
        "access_types": _table(
            {
                "scenario": _text,
                "access": {"enum": ["Standard", "Advanced"]},
                "app_review": {"type": "boolean"},
                "timeline": {"type": ["string", "null"], "minLength": 1},
            }
        ),
        "page_last_verified": {
            "type": "object",
            "propertyNames": {"pattern": r"^[a-z0-9-]+\.md$"},
            "additionalProperties": _date,
        },
        "app_review_checklist": _table(
            {
                "group": _text,
                # Every requirement names the Meta page that states it.
                "items": _table({"text": _text, "source": _meta_url, "confidence": _confidence}),
            }
        ),
        # Meta's own titles only: `source` must be a Meta page; `fix` is this guide's advice.
        "rejection_patterns": _table({"reason": _text, "source": _meta_url, "confidence": _confidence, "fix": _text}),
        "token_paths": _table({"who": _text, "token": _text, "how": _text, "source": _meta_url, "confidence": _confidence}),
        "system_user_roles": _table({"role": {"enum": ["Employee", "Admin"]}, "reaches": _text, "choose_when": _text}),
        "dated_statements": _table(
            {
                "id": {"type": "string", "pattern": "^[a-z0-9-]+$"},
                "date": _date,
                "status": {"enum": ["upcoming", "passed"]},
                "text": _text,
                "source": _meta_url,
                "confidence": _confidence,
            }
        ),
        "topic_facts": _table(
            {
                "topic": {"enum": list(TOPICS)},
                "evidence": {"enum": ["meta", "community"]},
                "confidence": _confidence,
                "text": _text,
                "sources": {"type": "array", "minItems": 1, "items": _url},
            }
        ),
        "webhooks": {  # how Meta delivers webhooks: the receiver, the mock and docs/webhooks.md read it
            "type": "object",
            "additionalProperties": False,
            "required": ["max_payload", "redelivery", "fields_source", "fields_confidence", "fields", "facts"],
            "properties": {
                "max_payload": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["megabytes", "says", "source", "confidence"],
                    "properties": {
                        "megabytes": {"type": "integer", "minimum": 1},
                        "says": _text,
                        "source": _meta_url,
                        "confidence": _confidence,
                    },
                },
                "redelivery": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["days", "says", "source", "confidence"],
                    "properties": {
                        "days": {"type": "integer", "minimum": 1},
                        "says": _text,
                        "source": _meta_url,
                        "confidence": _confidence,
                    },
                },
                "fields_source": _meta_url,
                "fields_confidence": _confidence,
                "fields": {
                    "type": "array",
                    "minItems": 1,
                    "uniqueItems": True,
                    "items": {"type": "string", "pattern": "^[a-z_]+$"},
                },
                "facts": _table(
                    {
                        "topic": {"enum": ["delivery", "override"]},
                        "evidence": {"enum": ["meta", "community"]},
                        "confidence": _confidence,
                        "text": _text,
                        "sources": {"type": "array", "minItems": 1, "items": _url},
                    }
                ),
            },
        },
        "debug_token_fields": _table({"field": _text, "type": _text, "meaning": _text}),
        "system_user_tokens": _table(
            {"kind": _text, "lifetime": _text, "refresh": _text, "choose_when": _text, "api_parameter": _text}
        ),
        "graph_errors": _table(
            {
                "code": {"type": "integer", "minimum": 0},
                # 200 stands for Meta's "200-299" row: range_to is the last code the row covers.
                "range_to": {"type": "integer", "minimum": 1},
                "category": {"enum": list(ERROR_CATEGORIES)},
                "title": _text,
                "title_note": _text,
                "meta_text": _text,
                "http_status": {"type": ["integer", "null"], "minimum": 200, "maximum": 599},
                "http_status_note": _text,
                "cause": _text,
                "fix": _text,
                "prevention": _text,
                # What a client should do: snippets/graph_errors.py decides from this column
                # (exported to snippets/graph_error_actions.json by python -m guide_data.error_actions).
                "client_action": {"enum": list(CLIENT_ACTIONS)},
                "wait": _text,
                "subcodes": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["subcode", "meaning", "client_action"],
                        "properties": {
                            "subcode": {"type": "integer", "minimum": 1},
                            "meaning": _text,
                            "client_action": {"enum": list(CLIENT_ACTIONS)},
                        },
                    },
                },
                "subcodes_source": _url,
                # Why the subcodes are shown when they are not for matching on (WhatsApp endpoints).
                "subcodes_note": _text,
                "runtime_messages": _table(
                    {"text": _text, "note": _text, "source": _url, "confidence": {"enum": list(CONFIDENCE)}}
                ),
                "arrives": {"enum": list(ARRIVALS)},
                "arrives_stated": {"type": "boolean"},
                "arrives_note": _text,
                "deprecated": _text,
                "replaced_by": {"type": "integer", "minimum": 0},
                "source": _url,
                "confidence": {"enum": list(CONFIDENCE)},
            },
            required=list(ERROR_ROW_FIELDS),
        ),
        "setup_modes": _table({"aspect": _text, "test": _text, "production": _text}),
        "permission_statuses": _table({"status": {"enum": ["granted", "declined", "expired"]}, "meaning": _text}),
        "operations": OPERATIONS_SCHEMA,
    },
}

# YAML gives dates as datetime.date: teach the validator a "date" type instead of stringifying.
_DataValidator = validators.extend(
    Draft202012Validator,
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine("date", lambda _checker, value: isinstance(value, dt.date)),
)


def is_retryable(action: str) -> bool:
    """Whether a client action lets the same request be sent again without a change."""
    return action in ("retry_with_backoff", "retry_after_wait")


class DataError(ValueError):
    """The data file is missing, unparsable or breaks the schema. The message says where and what."""


def _key_path(parts: Iterable[str | int]) -> str:
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "(top level)"


def _cross_checks(data: dict) -> list[str]:
    """Rules a JSON schema cannot state: uniqueness and references between entries."""
    problems = []
    names = [p["name"] for p in data["permissions"] + data["optional_permissions"]]
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.append(f"permissions: {name!r} is listed more than once")
    problems += _error_row_checks(data["graph_errors"])
    versions = {v["version"]: v for v in data["graph_api"]["versions"]}
    pinned = data["graph_api"]["pinned_version"]
    if pinned not in versions:
        problems.append(f"graph_api.pinned_version: {pinned!r} is not in graph_api.versions; add its row")
    elif versions[pinned]["released"] is None:
        problems.append(f"graph_api.pinned_version: {pinned!r} has no release date; pin a released version")
    for i, version in enumerate(data["graph_api"]["versions"]):
        if version["released"] and version["available_until"] and version["available_until"] <= version["released"]:
            problems.append(f"graph_api.versions[{i}]: available_until is not after released")
    problems += _topic_checks(data)
    problems += _glossary_checks(data)
    return problems + _operation_checks(data)


def _glossary_checks(data: dict) -> list[str]:
    """One definition per spelling, and a changelog a reader can follow: unique ids, newest first,
    each fact naming a key of this file."""
    problems = []
    forms = [f for entry in data["glossary"] for f in entry["forms"]]
    for dup in sorted({f for f in forms if forms.count(f) > 1}):
        problems.append(f"glossary: the form {dup!r} belongs to more than one term; a tooltip can show one definition")
    terms = [e["term"] for e in data["glossary"]]
    for dup in sorted({t for t in terms if terms.count(t) > 1}):
        problems.append(f"glossary: term {dup!r} is listed more than once")
    ids = [e["id"] for e in data["changelog"]]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(f"changelog: id {dup!r} is listed more than once")
    dates = [e["date"] for e in data["changelog"]]
    if dates != sorted(dates, reverse=True):
        problems.append("changelog: entries must be newest first (sorted by date, descending)")
    for entry in data["changelog"]:
        for fact in entry["facts"]:
            key = re.split(r"[.\[]", fact, maxsplit=1)[0]
            if key not in data:
                problems.append(f"changelog[{entry['id']}]: {fact!r} names no key of the data file")
    return problems


def _error_row_checks(rows: list[dict]) -> list[str]:
    """What the error table's schema cannot say: unique codes, and the fields one field implies."""
    problems = []
    codes = [e["code"] for e in rows]
    for code in sorted({c for c in codes if codes.count(c) > 1}):
        problems.append(f"graph_errors: code {code} is listed more than once")
    for e in rows:
        where = f"graph_errors: code {e['code']}"
        if not e["arrives_stated"] and not e.get("arrives_note", "").startswith(ARRIVES_NOT_STATED):
            problems.append(f"{where}: arrives_stated is false; arrives_note must start with {ARRIVES_NOT_STATED} and say why")
        if e["arrives_stated"] and "arrives_note" not in e:
            problems.append(f"{where}: arrives_stated is true; arrives_note must quote where Meta says it")
        if e["client_action"] == "retry_after_wait" and "wait" not in e:
            problems.append(f"{where}: retry_after_wait needs `wait` (the wait Meta names)")
        if "replaced_by" in e and (e["replaced_by"] not in codes or "deprecated" not in e):
            problems.append(f"{where}: replaced_by needs `deprecated` and a code that is in the table")
        if "subcodes" in e and "subcodes_source" not in e:
            problems.append(f"{where}: subcodes need subcodes_source (Meta's page that lists them)")
        if "range_to" in e and e["range_to"] <= e["code"]:
            problems.append(f"{where}: range_to must be above the code")
    return problems


def _topic_checks(data: dict) -> list[str]:
    """Evidence must match its sources: Meta facts link Meta's pages; community facts are low
    confidence and link somewhere else (an issue tracker, a forum)."""
    problems = []
    listed = [(f"topic_facts[{i}]", f) for i, f in enumerate(data["topic_facts"])]
    listed += [(f"webhooks.facts[{i}]", f) for i, f in enumerate(data.get("webhooks", {}).get("facts", []))]
    for where, fact in listed:
        on_meta = [url.split("/")[2] in META_HOSTS for url in fact["sources"]]
        if fact["evidence"] == "meta" and not all(on_meta):
            problems.append(f"{where}: evidence is meta but a source is not a Meta page")
        if fact["evidence"] == "community" and (any(on_meta) or fact["confidence"] != "L"):
            problems.append(f"{where}: community evidence must link non-Meta sources and have confidence L")
    hooks = data.get("webhooks")
    if hooks and f"{hooks['max_payload']['megabytes']} MB" not in hooks["max_payload"]["says"]:
        problems.append("webhooks.max_payload: megabytes differs from the figure Meta's quote (says) gives")
    if hooks and f"{hooks['redelivery']['days']} days" not in hooks["redelivery"]["says"]:
        problems.append("webhooks.redelivery: days differs from the figure Meta's quote (says) gives")
    ids = [d["id"] for d in data["dated_statements"]]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(f"dated_statements: id {dup!r} is listed more than once")
    # Only a checkout has the pages; an installed mockgraph carries the data without them.
    for name in data["page_last_verified"] if (ROOT / "docs").is_dir() else ():
        if not (ROOT / "docs" / name).is_file():
            problems.append(f"page_last_verified: docs/{name} does not exist")
    return problems


def _hint(error: ValidationError) -> str:
    return " (write dates as YYYY-MM-DD)" if error.validator == "type" and "date" in str(error.validator_value) else ""


def validate(data: Any, source: Path | str = DATA_FILE) -> dict:
    """Return ``data`` if it matches the schema, else raise DataError naming every problem."""
    errors = sorted(_DataValidator(SCHEMA).iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    problems = [f"{_key_path(e.absolute_path)}: {e.message}" + _hint(e) for e in errors]
    if not problems:
        problems = _cross_checks(data)
    if problems:
        lines = "\n".join(f"  - {p}" for p in problems)
        raise DataError(f"{source}: invalid guide data ({len(problems)} problem(s)); fix the file:\n{lines}")
    return data


def write_generated(target: Path, text: str) -> int:
    """Write a file generated from the YAML unless it already holds exactly that text; say which."""
    if target.is_file() and target.read_text(encoding="utf-8") == text:
        print(f"{target.relative_to(ROOT)} is up to date")
        return 0
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target.relative_to(ROOT)}")
    return 0


def load(path: Path | str | None = None) -> dict:
    """Load and validate the data file (the default file is parsed once per process)."""
    return _load_cached(str(Path(path) if path else DATA_FILE))


@functools.lru_cache(maxsize=8)
def _load_cached(path: str) -> dict:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise DataError(f"{path}: cannot read the guide data ({exc.strerror})") from None
    try:
        # libyaml's safe loader when PyYAML has it: the same safe subset, parsed about 10 times
        # faster, which is most of mockgraph's start-up.
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        raise DataError(f"{path}: not valid YAML: {exc}") from None
    return validate(data, path)


def verified_on(data: dict, page: str) -> dt.date:
    """When a page's facts were last verified: its page_last_verified date, else last_verified. The
    banner, the page footer and the home page's text all show this one date."""
    return data["page_last_verified"].get(page, data["last_verified"])


def pinned_version(data: dict | None = None) -> str:
    return (data or load())["graph_api"]["pinned_version"]
