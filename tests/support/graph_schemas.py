"""JSON schemas for the Graph endpoints Meta's OpenAPI spec does not cover, written from Meta's
field references as recorded in ../shared/facts/whatsapp-cloud-api.md (§2 debug_token, §3
/me/permissions and the error envelope)."""

_unixtime = {"type": "integer", "minimum": 0}

DEBUG_TOKEN = {
    "type": "object",
    "required": ["data"],
    "additionalProperties": False,
    "properties": {
        "data": {
            "type": "object",
            "required": ["is_valid"],
            "additionalProperties": False,
            "properties": {
                "app_id": {"type": "string"},
                "type": {"enum": ["USER", "PAGE", "APP", "SYSTEM_USER"]},
                "application": {"type": "string"},
                "error": {
                    "type": "object",
                    "required": ["code", "message"],
                    "additionalProperties": False,
                    # inside debug_token the field is `subcode`, not `error_subcode`
                    "properties": {"code": {"type": "integer"}, "message": {"type": "string"}, "subcode": {"type": "integer"}},
                },
                "expires_at": _unixtime,
                "data_access_expires_at": _unixtime,
                "is_valid": {"type": "boolean"},
                "issued_at": _unixtime,
                "metadata": {"type": "object"},
                "profile_id": {"type": "string"},
                "scopes": {"type": "array", "items": {"type": "string"}},
                "granular_scopes": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["scope"],
                        "additionalProperties": False,
                        "properties": {"scope": {"type": "string"}, "target_ids": {"type": "array", "items": {"type": "string"}}},
                    },
                },
                "user_id": {"type": "string"},
            },
        }
    },
}

ME_PERMISSIONS = {
    "type": "object",
    "required": ["data"],
    "properties": {
        "data": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["permission", "status"],
                "additionalProperties": False,
                "properties": {"permission": {"type": "string"}, "status": {"enum": ["granted", "declined", "expired"]}},
            },
        }
    },
}

ERROR_ENVELOPE = {
    "type": "object",
    "required": ["error"],
    "additionalProperties": False,
    "properties": {
        "error": {
            "type": "object",
            "required": ["message", "type", "code", "fbtrace_id"],
            "additionalProperties": False,
            "properties": {
                "message": {"type": "string"},
                "type": {"enum": ["OAuthException", "GraphMethodException", "GraphAPIException"]},
                "code": {"type": "integer"},
                "error_subcode": {"type": "integer"},
                "error_user_title": {"type": "string"},
                "error_user_msg": {"type": "string"},
                "is_transient": {"type": "boolean"},
                "error_data": {
                    "type": "object",
                    "required": ["messaging_product", "details"],
                    "properties": {"messaging_product": {"const": "whatsapp"}, "details": {"type": "string"}},
                },
                "fbtrace_id": {"type": "string"},
            },
        }
    },
}
