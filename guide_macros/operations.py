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
MOCK = {"simulated": "Simulated", "from spec": "Answered from Meta's spec", "not a Graph call": "Not a Graph call"}


def anchor(operation: dict) -> str:
    return "op-" + operation["id"]


def href_from_a_page(operation: dict) -> str:
    """The row's address from any page one level deep (every page here: use_directory_urls)."""
    return f"../endpoint-permissions/#{anchor(operation)}"


def _permission_cell(operation: dict) -> str:
    if operation["permissions"] == guide_data.NOT_STATED:
        inferred = " or ".join(guide_macros.code(p) for p in operation["inference"]["permissions"])
        return f"<strong>Not stated by Meta.</strong><br><em>Our inference:</em> {inferred}"
    if not operation["permissions"]:
        return "None"
    if guide_data.requires_all(operation):
        return "All of: " + " and ".join(guide_macros.code(p) for p in operation["permissions"])
    return " or ".join(guide_macros.code(p) for p in operation["permissions"])


def _source_cell(operation: dict) -> str:
    level = CONFIDENCE[operation["confidence"]]
    if "inference" in operation:
        reason = guide_macros.esc(operation["inference"]["reason"])
        link = f'<a href="{guide_macros.esc(operation["inference"]["source"])}">Permissions page</a>'
        return f"{reason} ({link}; confidence {level})"
    source = operation["source"]
    where = (
        f'<a href="{guide_macros.esc(source)}">Meta reference</a>' if source.startswith("https://") else guide_macros.esc(source)
    )
    return f"{guide_macros.esc(operation['says'])} ({where}; confidence {level})"


def _access_cell(operation: dict) -> str:
    tokens = operation["token_types"]
    token_text = "Not stated by Meta" if tokens == guide_data.NOT_STATED else ", ".join(guide_macros.esc(t) for t in tokens)
    parts = [f"Tokens: {token_text}", f"Advanced Access: {guide_macros.esc(operation['advanced_access'])}"]
    if operation["business_management"]:
        parts.append(f"Involves {guide_macros.code('business_management')}")
    return "<br>".join(parts)


def _row(operation: dict) -> str:
    method, path = operation["op"].split(" ", 1)
    # Plain text inside the link: Material's code style on a link fails contrast in the dark scheme.
    wrapped = guide_macros.esc(path).replace("/", "/<wbr>").replace("_", "_<wbr>")
    summary = guide_macros.esc(operation["summary"])
    op = f'<a href="#{anchor(operation)}"><strong>{guide_macros.esc(method)}</strong> {wrapped}</a><br>{summary}'
    access = _access_cell(operation) + f"<br>mockgraph: {MOCK[operation['mock']]}"
    cells = [op, _permission_cell(operation), _source_cell(operation), access]
    return f'<tr id="{anchor(operation)}">' + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


HEADERS = ["Operation", "Permission (any one)", "Source", "Tokens and access"]


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

    @env.macro
    def operations_reference() -> str:
        sections = []
        head = "".join(f"<th>{guide_macros.esc(h)}</th>" for h in HEADERS)
        for group, title in GROUP_TITLES.items():
            rows = [_row(o) for o in operations if o["group"] == group]
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
            lines.append(f"### `{name}` {{ #by-{name.replace('_', '-')} }}\n")
            lines.append(f"**Meta states it for:** {links}\n")
            if inferred:
                lines.append(
                    "**Our inference only (Meta does not state it):** "
                    + ", ".join(f"[{o['op']}](#{anchor(o)})" for o in inferred)
                    + "\n"
                )
        return "\n".join(lines)
