"""Macros for the operation -> permission reference (docs/endpoint-permissions.md).

Renders data/guide.yaml's `operations:` grouped by resource, one table row per operation with a
stable anchor (#op-<operation id>), and an index by permission. A permission Meta does not state
is shown as such, with the inference next to it labelled as ours.
"""

from __future__ import annotations

import guide_data
import guide_macros  # the package's escaping helpers (resolved at call time: the package imports this module)

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


def _badge(text: str, kind: str) -> str:
    return f'<span class="badge badge--{kind}">{guide_macros.esc(text)}</span>'


def _permission_cell(operation: dict) -> str:
    if operation["permissions"] == guide_data.NOT_STATED:
        inferred = " or ".join(guide_macros.code(p) for p in operation["inference"]["permissions"])
        return f"{inferred} {_badge('inferred', 'not-stated')}"
    if not operation["permissions"]:
        return "None"
    if guide_data.requires_all(operation):
        return "All of: " + " and ".join(guide_macros.code(p) for p in operation["permissions"])
    return " or ".join(guide_macros.code(p) for p in operation["permissions"])


def _source_cell(operation: dict, reasons: list[str]) -> str:
    confidence = _badge(operation["confidence"], "confidence")
    if "inference" in operation:
        number = reasons.index(operation["inference"]["reason"]) + 1
        return f'<a href="#inference-{number}">Inference {number}</a> {confidence}'
    source = operation["source"]
    where = (
        f'<a href="{guide_macros.esc(source)}">Meta reference</a>' if source.startswith("https://") else guide_macros.esc(source)
    )
    return f"{guide_macros.esc(operation['says'])} ({where}) {confidence}"


def _tokens_cell(operation: dict) -> str:
    tokens = operation["token_types"]
    text = "–" if tokens == guide_data.NOT_STATED else ", ".join(guide_macros.esc(t) for t in tokens)
    if operation["business_management"]:
        text += f"<br>+ {guide_macros.code('business_management')}"
    return text


def _row(operation: dict, reasons: list[str]) -> str:
    method, path = operation["op"].split(" ", 1)
    # Plain text inside the link: Material's code style on a link fails contrast in the dark scheme.
    wrapped = guide_macros.esc(path).replace("/", "/<wbr>").replace("_", "_<wbr>")
    summary = guide_macros.esc(operation["summary"])
    op = f'<a href="#{anchor(operation)}"><strong>{guide_macros.esc(method)}</strong> {wrapped}</a><br>{summary}'
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


def register(env, data: dict) -> None:
    """Define this module's macros on the mkdocs-macros env (called from guide_macros.define_env)."""
    operations = data["operations"]

    @env.macro
    def operations_count() -> int:
        return len(operations)

    @env.macro
    def operations_spec_count() -> int:
        """How many of the map's operations are Meta's OpenAPI spec's own."""
        return sum(1 for o in operations if o["spec_path"])

    @env.macro
    def operations_beyond_spec() -> str:
        """The calls the map adds to the spec, as inline code joined in prose ("a, b and c")."""
        names = [guide_macros.code(o["op"]) for o in operations if not o["spec_path"]]
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]

    @env.macro
    def operations_stated_count() -> int:
        return sum(1 for o in operations if o["permissions"] != guide_data.NOT_STATED)

    reasons = inference_reasons(operations)

    @env.macro
    def operations_inferences() -> str:
        """The legend's list of inference reasons, each once, with the Meta page they rest on."""
        sources = {o["inference"]["reason"]: o["inference"]["source"] for o in operations if "inference" in o}
        return "\n".join(
            f'{n}. <span id="inference-{n}"></span>{guide_macros.esc(reason)} ([Permissions page](<{sources[reason]}>))'
            for n, reason in enumerate(reasons, 1)
        )

    @env.macro
    def operations_reference() -> str:
        sections = []
        head = "".join(f"<th>{guide_macros.esc(h)}</th>" for h in HEADERS)
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

    @env.macro
    def operations_by_permission() -> str:
        lines = []
        names = list(guide_data.KNOWN_PERMISSIONS)
        for name in names:
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
