"""Macros for docs/webhooks.md: Meta's webhook delivery facts and the documented fields, from
data/guide.yaml's `webhooks` section (rendered like the topic facts, with their sources)."""

from __future__ import annotations

from typing import Any

from guide_macros.guide_topics import fact_item, source_links
from guide_macros.markup import code, esc
from guide_macros.registry import add_macros


def webhook_facts(data: dict[str, Any], topic: str) -> str:
    hooks = data["webhooks"]
    facts = [f for f in hooks["facts"] if f["topic"] == topic]
    if not facts:
        raise KeyError(f"webhooks.facts has no entry for topic {topic!r}")
    if topic == "delivery":  # Meta's two numbers first, quoted, then the rest
        stated = [hooks["max_payload"], hooks["redelivery"]]
        facts = [
            {"evidence": "meta", "confidence": s["confidence"], "text": s["says"], "sources": [s["source"]]} for s in stated
        ] + facts
    return f'<ul class="facts" data-topic="webhooks-{esc(topic)}">\n' + "\n".join(fact_item(f) for f in facts) + "\n</ul>"


def webhook_max_payload(data: dict[str, Any]) -> str:
    cap = data["webhooks"]["max_payload"]
    return f"{cap['megabytes']} MB " + source_links([cap["source"]], "meta", cap["confidence"])


def webhook_fields(data: dict[str, Any]) -> str:
    hooks = data["webhooks"]
    names = ", ".join(code(name) for name in hooks["fields"])
    link = source_links([hooks["fields_source"]], "meta", hooks["fields_confidence"])
    return f"{len(hooks['fields'])} fields: {names} {link}"


def register(env: Any, data: dict[str, Any]) -> None:
    """Add this module's macros to the macros environment (called from guide_macros.define_env)."""
    add_macros(env, data, webhook_facts, webhook_max_payload, webhook_fields)
