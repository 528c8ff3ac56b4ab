"""The JSON schema of data/guide.yaml: the shape of every entry, its types and closed lists.

Rules a schema cannot state (uniqueness, references between entries) are in checks.py.
"""

from __future__ import annotations

import re
from typing import Any

from guide_data.vocabulary import (
    ARRIVALS,
    CLIENT_ACTIONS,
    CONFIDENCE,
    ERROR_CATEGORIES,
    ERROR_ROW_FIELDS,
    KNOWN_PERMISSIONS,
    META_HOSTS,
    MOCK_MODES,
    NOT_STATED,
    OPERATION_GROUPS,
    TOKEN_TYPES,
    TOPICS,
)

_text = {"type": "string", "minLength": 1}
_url = {"type": "string", "pattern": "^https://"}
_date = {"type": "date"}
_optional_date = {"type": ["date", "null"]}
_confidence = {"enum": ["H", "M", "L"]}
# A page of Meta's own (META_HOSTS).
_meta_url = {
    "type": "string",
    "pattern": r"^https://(" + "|".join(re.escape(host) for host in META_HOSTS) + ")/",
}


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


def _facts(topics: tuple[str, ...]) -> dict:
    """Facts on topics a page shows, each with its evidence (Meta's page or the community's), its
    confidence and its sources; checks.py checks the evidence against the sources' hosts."""
    return _table(
        {
            "topic": {"enum": list(topics)},
            "evidence": {"enum": ["meta", "community"]},
            "confidence": _confidence,
            "text": _text,
            "sources": {"type": "array", "minItems": 1, "items": _url},
        }
    )


def _quoted_figure(figure: str) -> dict:
    """A whole number Meta states (a size, a number of days) beside the sentence of Meta's page
    that states it; checks.py checks that the sentence gives the same number."""
    return {
        "type": "object",
        "additionalProperties": False,
        "required": [figure, "says", "source", "confidence"],
        "properties": {
            figure: {"type": "integer", "minimum": 1},
            "says": _text,
            "source": _meta_url,
            "confidence": _confidence,
        },
    }


# ---- operations: the operation -> permission map (issue 13) ------------------------------------------
# One entry per Graph operation; see the comment above `operations:` in data/guide.yaml.
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
                "changelog_url": _url,
                "versions_url": _url,
                "guaranteed_years": {"type": "integer", "minimum": 1},
                "expired_version_calls": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["says", "source", "confidence"],
                    "properties": {
                        "says": _text,
                        "source": _url,
                        "confidence": _confidence,
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
        "topic_facts": _facts(TOPICS),
        "webhooks": {  # how Meta delivers webhooks: the receiver, the mock and docs/webhooks.md read it
            "type": "object",
            "additionalProperties": False,
            "required": ["max_payload", "redelivery", "fields_source", "fields_confidence", "fields", "facts"],
            "properties": {
                "max_payload": _quoted_figure("megabytes"),
                "redelivery": _quoted_figure("days"),
                "fields_source": _meta_url,
                "fields_confidence": _confidence,
                "fields": {
                    "type": "array",
                    "minItems": 1,
                    "uniqueItems": True,
                    "items": {"type": "string", "pattern": "^[a-z_]+$"},
                },
                "facts": _facts(("delivery", "override")),
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
