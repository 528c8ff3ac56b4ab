"""Macros for the operation -> permission reference (docs/endpoint-permissions.md).

Renders data/guide.yaml's `operations:` grouped by resource, one table row per operation with a
stable anchor (#op-<operation id>), and an index by permission. A permission Meta does not state
is shown as such, with the inference next to it labelled as ours.
"""

from __future__ import annotations

from typing import Any

import guide_data
from guide_macros.markup import badge, code, esc, wrap
from guide_macros.registry import add_macros

GROUP_TITLES = {
    "messages": "Messages",
    "media": "Media",
    "phone-numbers": "Phone numbers",
    "business-profile": "Business profile",
    "templates": "Templates",
    "waba": "WhatsApp Business Account",
    "webhooks": "Webhooks",
    "business-portfolio": "Business portfolio",
    "preverified-numbers": "Pre-verified phone numbers",
    "partners": "Partners and Multi-Partner Solutions",
    "flows": "Flows",
    "groups": "Groups",
    "calls": "Calls",
    "tokens": "Tokens",
}
CONFIDENCE = {"H": "high", "M": "medium", "L": "low"}
MOCK = {"simulated": "simulated", "from spec": "from Meta's spec", "not a Graph call": "not a Graph call"}


def anchor(operation: dict) -> str:
    return "op-" + operation["id"]


def href_from_a_page(operation: dict) -> str:
    """The row's address from any page one level deep (every page here: use_directory_urls)."""
    return f"../endpoint-permissions/#{anchor(operation)}"


# Advanced Access column: the data's value, shortened (the page's legend says what each means).
ADVANCED_ACCESS = {"for other businesses' assets": "others' assets", "partner feature": "partner feature", "not involved": "–"}


def inference_reasons(operations: list[dict]) -> list[str]:
    """The distinct reasons behind the guide's inferences, in page order: each is printed once, in
    the legend, and rows point at it by number instead of repeating the sentence."""
    reasons: list[str] = []
    for operation in operations:
        reason = operation.get("inference", {}).get("reason")
        if reason and reason not in reasons:
            reasons.append(reason)
    return reasons


def _permission_cell(operation: dict) -> str:
    if operation["permissions"] == guide_data.NOT_STATED:
        inferred = " or ".join(code(p) for p in operation["inference"]["permissions"])
        return f"{inferred} {badge('inferred', 'not-stated')}"
    if not operation["permissions"]:
        return "None"
    if guide_data.requires_all(operation):
        return "All of: " + " and ".join(code(p) for p in operation["permissions"])
    return " or ".join(code(p) for p in operation["permissions"])


def _source_cell(operation: dict, reasons: list[str]) -> str:
    confidence = badge(operation["confidence"], "confidence")
    if "inference" in operation:
        number = reasons.index(operation["inference"]["reason"]) + 1
        return f'<a href="#inference-{number}">Inference {number}</a> {confidence}'
    source = operation["source"]
    where = f'<a href="{esc(source)}">Meta reference</a>' if source.startswith("https://") else esc(source)
    return f"{esc(operation['says'])} ({where}) {confidence}"


def _tokens_cell(operation: dict) -> str:
    tokens = operation["token_types"]
    text = "–" if tokens == guide_data.NOT_STATED else ", ".join(esc(t) for t in tokens)
    if operation["business_management"]:
        text += f"<br>+ {code('business_management')}"
    return text


def _row(operation: dict, reasons: list[str]) -> str:
    method, path = operation["op"].split(" ", 1)
    # Plain text inside the link: Material's code style on a link fails contrast in the dark scheme.
    wrapped = wrap(path)
    summary = esc(operation["summary"])
    op = f'<a href="#{anchor(operation)}"><strong>{esc(method)}</strong> {wrapped}</a><br>{summary}'
    cells = [
        op,
        _permission_cell(operation),
        _source_cell(operation, reasons),
        _tokens_cell(operation),
        ADVANCED_ACCESS[operation["advanced_access"]],
        MOCK[operation["mock"]],
    ]
    # Search indexes the operation and its permission; the other cells (long, often alike) stay out
    # of the index every page downloads (Material drops the attribute from the page after indexing).
    indexed = (True, True, False, False, False, False)
    excluded = ' data-search-exclude="true"'
    tds = "".join(f'<td data-label="{h}"{"" if keep else excluded}>{c}</td>' for h, c, keep in zip(HEADERS, cells, indexed))
    return f'<tr id="{anchor(operation)}">{tds}</tr>'


HEADERS = ["Operation", "Permission (any one)", "Source", "Tokens", "Advanced Access", "mockgraph"]


def operations_count(data: dict[str, Any]) -> int:
    return len(data["operations"])


def operations_spec_count(data: dict[str, Any]) -> int:
    """How many of the map's operations are Meta's OpenAPI spec's own."""
    return sum(1 for o in data["operations"] if o["spec_path"])


def operations_beyond_spec(data: dict[str, Any]) -> str:
    """The calls the map adds to the spec, as inline code joined in prose ("a, b and c")."""
    names = [code(o["op"]) for o in data["operations"] if not o["spec_path"]]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def operations_stated_count(data: dict[str, Any]) -> int:
    return sum(1 for o in data["operations"] if o["permissions"] != guide_data.NOT_STATED)


def operations_inferences(data: dict[str, Any]) -> str:
    """The legend's list of inference reasons, each once, with the Meta page they rest on."""
    operations = data["operations"]
    sources = {o["inference"]["reason"]: o["inference"]["source"] for o in operations if "inference" in o}
    return "\n".join(
        f'{n}. <span id="inference-{n}"></span>{esc(reason)} ([Permissions page](<{sources[reason]}>))'
        for n, reason in enumerate(inference_reasons(operations), 1)
    )


def operations_reference(data: dict[str, Any]) -> str:
    """One table per resource group, under its own heading."""
    operations = data["operations"]
    reasons = inference_reasons(operations)
    sections = []
    head = "".join(f"<th>{esc(h)}</th>" for h in HEADERS)
    for group, title in GROUP_TITLES.items():
        rows = [_row(o, reasons) for o in operations if o["group"] == group]
        if not rows:
            continue
        # Material's own wrappers: the table scrolls sideways on narrow screens instead of overflowing.
        table = (
            '<div class="md-typeset__scrollwrap"><div class="md-typeset__table">'
            f'<table class="operations" id="operations-{group}" data-source="data/guide.yaml">\n'
            f"<thead><tr>{head}</tr></thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table></div></div>"
        )
        sections.append(f"## {title} {{ #{group} }}\n\n{table}\n")
    return "\n".join(sections)


def operations_by_permission(data: dict[str, Any]) -> str:
    """Per permission, the operations Meta states it for, then those only inferred."""
    operations = data["operations"]
    lines = []
    for name in guide_data.KNOWN_PERMISSIONS:
        stated = [o for o in operations if o["permissions"] != guide_data.NOT_STATED and name in o["permissions"]]
        inferred = [o for o in operations if "inference" in o and name in o["inference"]["permissions"]]
        if not stated and not inferred:
            continue
        links = ", ".join(f"[{o['op']}](#{anchor(o)})" for o in stated) or "none"
        # Out of the search index: each operation is already indexed once, in its table row.
        lines.append(f"### `{name}` {{ #by-{name.replace('_', '-')} data-search-exclude }}\n")
        lines.append(f"**Meta states it for:** {links}\n")
        if inferred:
            lines.append(
                "**Our inference only (Meta does not state it):** "
                + ", ".join(f"[{o['op']}](#{anchor(o)})" for o in inferred)
                + "\n"
            )
    return "\n".join(lines)


def register(env: Any, data: dict[str, Any]) -> None:
    """Add this module's macros to the macros environment (called from guide_macros.define_env)."""
    add_macros(
        env,
        data,
        operations_count,
        operations_spec_count,
        operations_beyond_spec,
        operations_stated_count,
        operations_inferences,
        operations_reference,
        operations_by_permission,
    )
