"""Macros for docs/webhooks.md: Meta's webhook delivery facts and the documented fields, from
data/guide.yaml's `webhooks` section (rendered like the topic facts, with their sources)."""

from __future__ import annotations

from typing import Any

from guide_macros import guide_topics


def register(env: Any, data: dict[str, Any]) -> None:
    from guide_macros import code, esc  # at call time: guide_macros imports this module

    hooks = data["webhooks"]

    @env.macro
    def webhook_facts(topic: str) -> str:
        facts = [f for f in hooks["facts"] if f["topic"] == topic]
        if not facts:
            raise KeyError(f"webhooks.facts has no entry for topic {topic!r}")
        if topic == "delivery":  # Meta's two numbers first, quoted, then the rest
            stated = [hooks["max_payload"], hooks["redelivery"]]
            facts = [
                {"evidence": "meta", "confidence": s["confidence"], "text": s["says"], "sources": [s["source"]]} for s in stated
            ] + facts
        return (
            f'<ul class="facts" data-topic="webhooks-{esc(topic)}">\n'
            + "\n".join(guide_topics._fact(f) for f in facts)
            + "\n</ul>"
        )

    @env.macro
    def webhook_max_payload() -> str:
        cap = hooks["max_payload"]
        return f"{cap['megabytes']} MB " + guide_topics.source_links([cap["source"]], "meta", cap["confidence"])

    @env.macro
    def webhook_fields() -> str:
        names = ", ".join(code(name) for name in hooks["fields"])
        link = guide_topics.source_links([hooks["fields_source"]], "meta", hooks["fields_confidence"])
        return f"{len(hooks['fields'])} fields: {names} {link}"
