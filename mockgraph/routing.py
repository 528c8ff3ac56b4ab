"""One routing table, generated from data/guide.yaml's operation map.

Each operation's path template becomes a werkzeug rule; each {kind} in it becomes a converter that
matches only that kind's demo ids (mockgraph.objects), so rules that differ only by object type
(GET /{waba-id} and GET /{media-id}) route to different operations. The rule's endpoint is the
operation entry itself; the handler is looked up in mockgraph.handlers.HANDLERS by operation id.
:func:`build` fails loudly when the map and the handlers disagree.
"""

from __future__ import annotations

import re

from werkzeug.routing import BaseConverter, Map, Rule, ValidationError

from mockgraph.objects import ID_PATTERNS, Objects

PLACEHOLDER = re.compile(r"\{([a-z-]+)\}")


class RoutingError(RuntimeError):
    """The operation map and the mock's handlers disagree; the message lists every mismatch."""


def _converter(kind: str, objects: Objects) -> type[BaseConverter]:
    class IdConverter(BaseConverter):
        regex = ID_PATTERNS[kind]

        def to_python(self, value: str) -> str:
            if not objects.exists(kind, value):
                raise ValidationError()  # a well-formed id that names no object: Graph's code 100/33
            return value

    IdConverter.__name__ = f"{kind.title().replace('-', '')}Converter"
    return IdConverter


def rule_path(template: str) -> str:
    """/{phone-number-id}/messages -> /<phone_number_id:phone_number_id>/messages"""
    return PLACEHOLDER.sub(lambda m: f"<{m.group(1).replace('-', '_')}:{m.group(1).replace('-', '_')}>", template)


def build(operations: list[dict], handlers: dict, objects: Objects, spec_ids: frozenset[str] = frozenset()) -> Map:
    """The werkzeug Map for every operation the mock routes; raises RoutingError on any mismatch.

    spec_ids: the operations mockgraph/spec_answers.json can answer (every `mock: from spec` row)."""
    routed = [o for o in operations if o["mock"] != "not a Graph call"]
    simulated = {o["id"] for o in routed if o["mock"] == "simulated"}
    from_spec = {o["id"] for o in routed if o["mock"] == "from spec"}
    problems = [
        f"operation {i} is marked `from spec` in data/guide.yaml but mockgraph/spec_answers.json has no answer for it"
        for i in sorted(from_spec - spec_ids)
    ]
    problems += [
        f"operation {i} is marked simulated in data/guide.yaml but has no handler" for i in sorted(simulated - set(handlers))
    ]
    problems += [
        f"handler {i!r} has no operation marked `mock: simulated` in data/guide.yaml" for i in sorted(set(handlers) - simulated)
    ]
    kinds = {kind for o in routed for kind in PLACEHOLDER.findall(o["op"])}
    problems += [f"id kind {{{k}}} has no pattern in mockgraph.objects.ID_PATTERNS" for k in sorted(kinds - set(ID_PATTERNS))]
    if problems:
        raise RoutingError("mockgraph cannot start: " + "; ".join(problems))
    converters = {kind.replace("-", "_"): _converter(kind, objects) for kind in kinds}
    rules = []
    for operation in routed:
        method, template = operation["op"].split(" ", 1)
        rules.append(Rule(rule_path(template), endpoint=operation["id"], methods=[method]))
    return Map(rules, converters=converters, strict_slashes=False, merge_slashes=False)
