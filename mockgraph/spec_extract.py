"""python -m mockgraph.spec_extract: derive mockgraph/spec_answers.json from Meta's OpenAPI spec.

mockgraph answers every operation of Meta's spec the way stripe-mock answers Stripe's: the request
body is validated against the operation's request schema, and the answer is the operation's own
200 example (or, where the spec has none, an instance built from its 200 schema). The spec is not
shipped with the project (../shared/meta-openapi, MIT, (c) Meta Platforms, Inc. and affiliates);
this command writes the part the mock needs, per operation, into one generated file, so mockgraph
installs and runs on its own. A test fails while the file and the spec differ.

Spec defects, each handled here on purpose (see DEFECTS):
- TextMessage and its siblings put ``additionalProperties: false`` inside one allOf branch, so no
  message (not even Meta's own examples) can pass: the key is dropped from allOf branches.
- BaseMessageProperties requires ``recipient_type`` and ``type``, but Meta's own examples ("Send
  Text Message with Preview URL", "Send Contact Message") omit them and Graph defaults them
  (individual, text): they are not required here.
- Some 200 examples do not match their own schema; then the answer is built from the schema.
"""

from __future__ import annotations

import copy
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

# guide_data ships in mockgraph's wheel (pyproject.toml), so its YAML reader and writer serve here too.
from guide_data.generated import write_generated
from guide_data.loader import read_yaml
from guide_data.validation import DataError

ROOT = Path(__file__).resolve().parents[1]
SPEC = Path(os.environ.get("META_OPENAPI_SPEC") or ROOT.parent / "shared" / "meta-openapi" / "business-messaging-api_v23.0.yaml")
TARGET = Path(__file__).with_name("spec_answers.json")
METHODS = ("get", "post", "delete")
# Keys that say nothing a validator or the mock's answer needs: dropped to keep the file small.
PROSE = ("description", "summary", "title", "externalDocs", "discriminator", "deprecated", "x-")
DEFECTS = [
    "allOf branches with additionalProperties: false (TextMessage and siblings) refuse every message: dropped",
    "lower-case enums (sub_type: catalog) refuse Meta's own upper-case examples (CATALOG), which Graph takes: both cases",
    "interactive.type lacks order_details and order_status (Meta's examples send them) and cta_url (Meta's "
    "interactive CTA URL messages reference): added",
    "a template button's sub_type lacks flow, which Meta's Flow template example sends: added",
    "a oneOf whose branches one body can match both of (QR code create/update) refuses Meta's own example: anyOf",
    "the index pattern ^[2-6, 11-14]$ is a character class that refuses Meta's index 0: dropped",
    "a button's index and a location's latitude and longitude are type string, Meta's examples send numbers: either",
    "template.language requires policy, which Meta's examples never send: not required",
    "patterns escaped twice (^\\\\+[1-9]...) want a literal backslash: unescaped once",
    "BaseMessageProperties requires recipient_type and type, which Graph defaults (individual, text): not required",
    "components.parameterGroups is not an OpenAPI 3.1 field: validators must skip validating the spec itself",
    "200 examples that fail their own schema: the answer is built from the schema instead",
]


CTA_URL_ACTION = {
    "required": ["name", "parameters"],
    "properties": {
        "name": {"enum": ["cta_url"]},
        "parameters": {
            "type": "object",
            "required": ["display_text", "url"],
            "additionalProperties": False,
            "properties": {"display_text": {"type": "string", "maxLength": 20}, "url": {"type": "string"}},
        },
    },
}


def _overlapping(branches: list) -> bool:
    """Two object branches where one requires a subset of the other's keys and allows more keys."""
    objects = [b for b in branches if isinstance(b, dict) and b.get("required")]
    return any(
        a is not b and set(a["required"]) < set(b["required"]) and a.get("additionalProperties") is not False
        for a in objects
        for b in objects
    )


def _resolve(spec: dict, ref: str) -> Any:
    node: Any = spec
    for part in ref.lstrip("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def inline(spec: dict, node: Any, seen: tuple[str, ...] = ()) -> Any:
    """The schema with every $ref replaced by its target (a ref back into itself becomes {})."""
    if isinstance(node, list):
        return [inline(spec, item, seen) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        ref = node["$ref"]
        if ref in seen:
            return {}
        target = inline(spec, _resolve(spec, ref), (*seen, ref))
        if ref.endswith("/BaseMessageProperties"):
            # Defect: Graph defaults recipient_type and type; Meta's own examples omit them.
            target = {**target, "required": [r for r in target.get("required", []) if r not in ("recipient_type", "type")]}
        return target
    out: dict[str, Any] = {}
    if "pattern" in node and "\\\\" in node["pattern"]:
        # Defect: some patterns are escaped twice (^\\\\+[1-9]\\\\d{1,14}$ wants a literal backslash).
        node = {**node, "pattern": node["pattern"].replace("\\\\", "\\")}
    if node.get("pattern") == "^[2-6, 11-14]$":
        # Defect: a character class, not a range: it refuses a button index of 0, Meta's own example.
        node = {k: v for k, v in node.items() if k != "pattern"}
    if {"policy", "code"} <= set(node.get("properties", {})) and "policy" in node.get("required", []):
        # Defect: template.language.policy is required here, but Meta's own examples send only code.
        node = {**node, "required": [r for r in node["required"] if r != "policy"]}
    for name in ("index", "latitude", "longitude"):
        if node.get("properties", {}).get(name, {}).get("type") == "string":
            # Defect: typed string here, but Meta's own examples send numbers (index: 0, longitude: -122.4), as Graph takes.
            node = {
                **node,
                "properties": {**node["properties"], name: {**node["properties"][name], "type": ["string", "number"]}},
            }
    for key, value in node.items():
        if key.startswith(PROSE) or key in PROSE:
            continue
        if key == "allOf":
            # Defect: additionalProperties: false inside one allOf branch refuses the other branches' keys.
            value = [{k: v for k, v in branch.items() if k != "additionalProperties"} for branch in inline(spec, value, seen)]
            out[key] = value
            continue
        if key == "enum" and {"button", "list", "product_list"} <= set(value):
            # Defect: interactive.type lacks the payment types Meta's own examples send.
            value = [*value, *(t for t in ("order_details", "order_status", "cta_url") if t not in value)]
        if key == "enum" and {"quick_reply", "url"} <= set(value) and "flow" not in value:
            value = [*value, "flow"]  # Defect: a button's sub_type lacks flow, which Meta's Flow template example sends
        if key == "enum" and all(isinstance(v, str) and v == v.lower() for v in value) and any(v != v.upper() for v in value):
            # Defect: Meta's examples send "sub_type": "CATALOG" where the enum lists "catalog"; Graph takes either case.
            value = [*value, *(v.upper() for v in value if v.upper() != v)]
        if key == "properties":  # property names are data, never prose: a property may be called "title"
            out[key] = {name: inline(spec, sub, seen) for name, sub in value.items()}
            continue
        out[key] = inline(spec, value, seen) if key not in ("example", "examples", "enum", "const", "default") else value
    if _overlapping(out.get("oneOf", [])):
        # Defect: a oneOf whose branches a body can match both of (the QR code update sends code and
        # prefilled_message: both branches match), so the spec's own example fails: read it as anyOf.
        out["anyOf"] = out.pop("oneOf")
    if any(branch.get("required") == ["buttons"] for branch in out.get("anyOf", out.get("oneOf", []))):
        # Defect: interactive.action has no branch for CTA URL buttons (Meta's "Interactive CTA URL button
        # messages" reference: action.name cta_url, parameters.display_text and parameters.url).
        key = "anyOf" if "anyOf" in out else "oneOf"
        out[key] = [*out[key], CTA_URL_ACTION]
    return out


def build(schema: Any) -> Any:
    """An instance of a schema: its example, else its first enum value, else one built by type."""
    if not isinstance(schema, dict):
        return None
    if "example" in schema:
        return copy.deepcopy(schema["example"])
    if isinstance(schema.get("examples"), list) and schema["examples"]:
        return copy.deepcopy(schema["examples"][0])
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    if "allOf" in schema:
        merged: dict = {}
        for branch in schema["allOf"]:
            part = build(branch)
            if isinstance(part, dict):
                merged.update(part)
        return merged
    for key in ("oneOf", "anyOf"):
        if schema.get(key):
            return build(schema[key][0])
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    if kind == "object" or "properties" in schema:
        return {name: build(sub) for name, sub in schema.get("properties", {}).items()}
    if kind == "array":
        return [build(schema.get("items", {}))]
    if kind == "integer":
        return 1
    if kind == "number":
        return 1.0
    if kind == "boolean":
        return True
    return {"date-time": "2026-01-01T00:00:00+0000", "uri": "https://example.com/", "email": "demo@example.com"}.get(
        schema.get("format", ""), "demo"
    )


def _validator(schema: dict) -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


# Values for the spots where the spec's own example values fail its schema (a QR code's example
# "ANED2T5QRU7HG1" has a 1, which ^[A-Z2-7]{14}$ refuses; "09:00" is not an RFC 3339 time).
REPAIRS = {"^[A-Z2-7]{14}$": "DEMOQRCODE2345", "time": "09:00:00Z", "date-time": "2026-01-01T00:00:00Z", "string": "demo"}


def repair(schema: dict, instance: Any) -> Any:
    """The instance with every value its schema refuses replaced by one it accepts."""
    for _ in range(50):
        error = next(iter(_validator(schema).iter_errors(instance)), None)
        if error is None or not error.absolute_path:
            return instance
        key = error.validator_value if error.validator in ("pattern", "format") else error.schema.get("type")
        replacement = REPAIRS.get(str(key), REPAIRS["string"])
        parent: Any = instance
        *head, last = list(error.absolute_path)
        for part in head:
            parent = parent[part]
        parent[last] = replacement
    return instance


def _first_example(content: dict) -> Any:
    if "example" in content:
        return content["example"]
    examples = content.get("examples") or {}
    for example in examples.values():
        if "value" in example:
            return example["value"]
    return None


def operation_entry(spec: dict, method: str, path: str, operation: dict) -> dict:
    body = operation.get("requestBody")
    body = _resolve(spec, body["$ref"]) if body and "$ref" in body else body
    request: dict = {"content": [], "required": False, "schema": None}
    if body:
        request["content"] = sorted(body.get("content", {}))
        request["required"] = bool(body.get("required"))
        for media_type in ("application/json", "application/x-www-form-urlencoded", "multipart/form-data"):
            schema = body.get("content", {}).get(media_type, {}).get("schema")
            if schema:
                request["schema"] = inline(spec, schema)
                break
    query = {}
    for parameter in operation.get("parameters", []):
        parameter = _resolve(spec, parameter["$ref"]) if "$ref" in parameter else parameter
        if parameter.get("in") == "query":
            query[parameter["name"]] = {
                "required": bool(parameter.get("required")),
                "schema": inline(spec, parameter.get("schema", {})),
            }
    responses = operation.get("responses", {})
    ok = responses.get("200") or responses.get(200) or {}
    ok = _resolve(spec, ok["$ref"]) if "$ref" in ok else ok
    content = ok.get("content", {}).get("application/json", {})
    schema = inline(spec, content.get("schema", {})) if content.get("schema") else None
    answer = _first_example(content)
    built = False
    if schema is not None and (answer is None or any(_validator(schema).iter_errors(answer))):
        answer, built = repair(schema, build(schema)), True
    if answer is None:
        answer, built = {"success": True}, True  # the spec gives no body for this 200 (groups' writes)
    node_schema, node_type = content.get("schema", {}), None
    if "$ref" in node_schema:
        node_type = node_schema["$ref"].rsplit("/", 1)[1]
        node_schema = _resolve(spec, node_schema["$ref"])
    items = node_schema.get("properties", {}).get("data", {}).get("items") if isinstance(node_schema, dict) else None
    if items:  # a list edge: fields= applies to each item of data
        node_type = items["$ref"].rsplit("/", 1)[1] if "$ref" in items else node_type
        node_schema = _resolve(spec, items["$ref"]) if "$ref" in items else items
    properties = set(inline(spec, node_schema).get("properties", {})) if isinstance(node_schema, dict) else set()
    sample = answer["data"][0] if items and isinstance(answer, dict) and answer.get("data") else answer
    fields = sorted(properties | (set(sample) if isinstance(sample, dict) else set()))
    return {
        "op": f"{method.upper()} {path.replace('/{Version}', '', 1)}",
        "request": request,
        "query": query,
        "answer": answer,
        "answer_built_from_schema": built,
        "fields": fields,  # what fields= may ask for: the answer's schema properties and the example's keys
        "list": bool(items),
        "node_type": node_type,  # named in Graph's "nonexisting field" error
    }


def render(spec: dict) -> str:
    operations = {}
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item and "operationId" in item[method] and path.startswith("/{Version}"):
                operations[item[method]["operationId"]] = operation_entry(spec, method, path, item[method])
    document = {
        "_comment": "Generated by `python -m mockgraph.spec_extract` from Meta's OpenAPI spec "
        f"({spec['info'].get('version')}; MIT licence, Copyright (c) Meta Platforms, Inc. and affiliates); do not edit.",
        "defects_handled": DEFECTS,
        "operations": dict(sorted(operations.items())),
    }
    text = json.dumps(document, indent=None, separators=(",", ":"), ensure_ascii=False, sort_keys=False)
    # Graph URLs in Meta's examples (paging links) name the spec's version; the mock puts its pinned one in.
    return re.sub(r"https://graph\.facebook\.com/v\d+\.\d+", "{graph-base}", text) + "\n"


def load_spec(path: Path = SPEC) -> dict:
    return read_yaml(path, "Meta's OpenAPI spec")


def main() -> int:
    if not SPEC.is_file():
        print(f"mockgraph.spec_extract: Meta's spec is not at {SPEC}; set META_OPENAPI_SPEC to its path", file=sys.stderr)
        return 2
    try:
        spec = load_spec()
    except DataError as exc:
        print(f"mockgraph.spec_extract: {exc}", file=sys.stderr)
        return 2
    text = render(spec)
    return write_generated(TARGET, text, note=f" ({len(text) // 1024} KB)")


if __name__ == "__main__":
    sys.exit(main())
