"""Answers driven by Meta's OpenAPI spec (mockgraph/spec_answers.json, written by
``python -m mockgraph.spec_extract``), the way stripe-mock answers from Stripe's spec.

- :func:`check_request` refuses what the spec's request schema refuses, with Graph's error shape
  and the offending parameter named: a missing parameter is "(#100) The parameter text.body is
  required" (the wording integrators report, e.g. shridarpatil/whatomate#487); an unknown key
  inside a parameter is '(#100) Unexpected key "x" on param "template['language']".'
  (WhatsApp/WhatsApp-Nodejs-SDK#21); any other bad value is "(#100) Invalid parameter" with the
  parameter named in error_data.details (shridarpatil/frappe_whatsapp#43).
- :func:`answer` is the operation's 200 example from the spec, with the path's own id put in.
- :func:`only_fields` applies ``fields=`` to an answer.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from mockgraph.errors import GraphError

if TYPE_CHECKING:
    from mockgraph.call import Call

ANSWERS_FILE = Path(__file__).with_name("spec_answers.json")
GRAPH_HOST = "graph.facebook.com"  # with the pinned version: where the spec's paging links point


@functools.lru_cache(maxsize=1)
def operations() -> dict[str, dict]:
    return json.loads(ANSWERS_FILE.read_text(encoding="utf-8"))["operations"]


@functools.lru_cache(maxsize=256)
def _validator(operation_id: str) -> Draft202012Validator | None:
    schema = operations()[operation_id]["request"]["schema"]
    return Draft202012Validator(schema) if schema else None


@functools.lru_cache(maxsize=32)
def message_validator(kind: str) -> Draft202012Validator | None:
    """The spec's schema for one message type (its Message oneOf branch), or None if the spec has no such type."""
    for branch in operations()["sendMessage"]["request"]["schema"]["oneOf"]:
        own = branch["allOf"][1]
        if kind in own["properties"]["type"].get("enum", []):
            return Draft202012Validator(branch)
    return None


def message_types() -> list[str]:
    return [b["allOf"][1]["properties"]["type"]["enum"][0] for b in operations()["sendMessage"]["request"]["schema"]["oneOf"]]


def param_name(path: list) -> str:
    """Graph's way of naming a nested parameter: template['language'], components[0]."""
    if not path:
        return "body"
    name = str(path[0])
    for part in path[1:]:
        name += f"[{part}]" if isinstance(part, int) else f"['{part}']"
    return name


def _deepest(error: ValidationError) -> ValidationError:
    """Inside oneOf/anyOf, the branch the body came closest to (fewest errors, then the deepest one)
    holds the error a reader can act on: "display_text is required", not "name must be flow"."""
    while error.context:
        branches: dict = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        if all(len(errs) == 1 and errs[0].validator == "required" and not errs[0].relative_path for errs in branches.values()):
            return error  # one of several keys is missing (media: id or link): graph_error names them all
        closest = min(
            branches.values(),
            # a branch whose fixed values (enum, const) the body matches is the one it meant
            key=lambda errs: (
                sum(e.validator in ("enum", "const") for e in errs),
                len(errs),
                -max(len(e.absolute_path) for e in errs),
            ),
        )
        error = max(closest, key=lambda e: (len(e.absolute_path), e.validator != "required"))
    return error


def graph_error(error: ValidationError) -> GraphError:
    error = _deepest(error)
    path = list(error.absolute_path)
    if error.validator in ("oneOf", "anyOf") and error.context:
        lists: list[Any] = [sub.validator_value for sub in error.context if isinstance(sub.validator_value, list)]
        options = [str(p) for keys in lists for p in keys]
        name = " or ".join(".".join(str(p) for p in [*path, option]) for option in dict.fromkeys(options))
        return GraphError(100, f"(#100) The parameter {name} is required", details=f"Send one of: {name}.")
    if error.validator == "required":
        wanted: Any = error.validator_value
        missing = next((p for p in wanted if isinstance(error.instance, dict) and p not in error.instance), "")
        name = ".".join(str(p) for p in [*path, missing])
        return GraphError(100, f"(#100) The parameter {name} is required", details=f"The parameter {name} is required.")
    if error.validator == "additionalProperties":
        schema: Any = error.schema
        allowed = set(schema.get("properties", {}))
        extra = sorted(k for k in error.instance if k not in allowed) if isinstance(error.instance, dict) else []
        key = extra[0] if extra else "?"
        message = f'(#100) Unexpected key "{key}" on param "{param_name(path)}".'
        return GraphError(100, message, details=f"{param_name(path)} takes: {', '.join(sorted(allowed))}.")
    name = param_name(path)
    return GraphError(100, "(#100) Invalid parameter", details=f"Parameter '{name}' is invalid: {error.message[:200]}")


def validate(validator: Draft202012Validator, body: Any) -> None:
    # Not jsonschema's best_match: it descends into oneOf by its own measure; _deepest picks the closest branch.
    error = next(iter(validator.iter_errors(body)), None)
    if error is not None:
        raise graph_error(error)


def request_body(call: Call, entry: dict) -> Any:
    """The body as the spec describes it: JSON, or the form fields (multipart or urlencoded)."""
    if call.request.mimetype == "application/json":
        return call.json_body()
    body: dict[str, Any] = {}
    properties = (entry["request"]["schema"] or {}).get("properties", {})
    for name, value in call.form.items():
        if properties.get(name, {}).get("type") == "array" and value[:1] != "[":
            body[name] = call.request.form.getlist(name)  # repeated fields: tasks=MANAGE&tasks=DEVELOP
            continue
        # Graph reads a form field holding a JSON array or object as that value (e.g. tasks=["MANAGE"]),
        # unless the parameter is itself a string (multipart Flows take categories as a JSON string).
        if value[:1] in ("[", "{") and properties.get(name, {}).get("type") != "string":
            try:
                value = json.loads(value)
            except ValueError:
                pass
        body[name] = value
    for name in call.request.files:
        body[name] = call.request.files[name].filename or "upload"
    return body


def check_request(call: Call, operation_id: str) -> Any:
    entry = operations()[operation_id]
    for name, parameter in entry["query"].items():
        if parameter["required"] and not call.request.args.get(name):
            raise GraphError(100, f"(#100) The parameter {name} is required", details=f"The parameter {name} is required.")
    body = request_body(call, entry)
    validator = _validator(operation_id)
    if validator is not None and (body or entry["request"]["required"]):
        validate(validator, body)
    return body


@functools.lru_cache(maxsize=256)
def _answer_text(operation_id: str) -> str:
    return json.dumps(operations()[operation_id]["answer"])


def answer(call: Call, operation_id: str) -> Any:
    """The spec's 200 answer for the operation, with the path's own object id as its id and the mock's
    pinned version in its Graph URLs."""
    result = json.loads(_answer_text(operation_id).replace("{graph-base}", f"https://{GRAPH_HOST}/{call.mock.pinned}"))
    if isinstance(result, dict) and "id" in result and call.ids and call.operation["op"].count("/") == 1:
        result["id"] = next(iter(call.ids.values()))
    return result


def spec_handler(call: Call) -> Any:
    """The handler of every operation without a hand-written one: validate, then answer from the spec."""
    operation_id = call.operation["id"]
    check_request(call, operation_id)
    return answer(call, operation_id)


def fields_of(operation_id: str) -> list[str]:
    entry = operations().get(operation_id)
    return entry["fields"] if entry else []


def _field_names(text: str) -> list[str]:
    """fields=a,b{c,d},e.limit(5) -> [a, b, e]: the top-level names, nested selections left as they are."""
    names, depth, current = [], 0, ""
    for char in text + ",":
        if char in "{(":
            depth += 1
        elif char in "})":
            depth -= 1
        if char == "," and depth == 0:
            name = current.split("{", 1)[0].split(".", 1)[0].strip()
            if name:
                names.append(name)
            current = ""
        else:
            current += char
    return names


def only_fields(answer: Any, fields: str, operation_id: str, kind: str) -> Any:
    """Graph's fields=: the asked fields plus id, on the node or on each item of a list edge; a field
    the node does not have is refused as Graph does (code 100, "(#100) Tried accessing nonexisting
    field (x) on node type (Y)", reported verbatim in spring-attic/spring-social-facebook#172)."""
    entry = operations()[operation_id]
    asked = _field_names(fields)
    items = answer.get("data") if entry["list"] and isinstance(answer, dict) else None
    nodes = [n for n in items if isinstance(n, dict)] if isinstance(items, list) else [answer] if isinstance(answer, dict) else []
    known = set(entry["fields"]).union(*(set(n) for n in nodes)) | {"id"}
    unknown = [name for name in asked if name not in known]
    if unknown:
        node_type = entry["node_type"] or "".join(part.title() for part in kind.removesuffix("-id").split("-")) or "Node"
        raise GraphError(100, f"(#100) Tried accessing nonexisting field ({unknown[0]}) on node type ({node_type})")
    keep = set(asked) | {"id"}
    trimmed = [{k: v for k, v in node.items() if k in keep} for node in nodes]
    if items is not None:
        return {**answer, "data": trimmed}
    return trimmed[0] if trimmed else answer
