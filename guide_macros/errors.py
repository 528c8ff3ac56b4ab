"""The Error Reference's macros: the overview tabs and one section per code, from data/guide.yaml.

Each section shows the decision of snippets/graph_errors.classify, computed here at build time,
so the page cannot say something the classifier does not do. Example payloads are included from
snippets/errors/ (written by `python -m mockgraph.error_examples`, compared with the mock by a test).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import guide_data
import guide_macros  # the package's escaping helpers (resolved at call time: the package imports this module)
from snippets import graph_errors

EXAMPLES = "snippets/errors"

# Tab label, section heading id and one line of introduction per category (guide_data.ERROR_CATEGORIES).
# Heading ids of the earlier page (access-and-authorization, messaging, rate-limits, integrity) stay.
CATEGORIES = {
    "authorization": ("Authorization", "access-and-authorization", "The token, its permissions or its access to the asset."),
    "throttling": ("Throttling", "rate-limits", "Rate and throughput limits: the errors to retry later."),
    "integrity": ("Integrity", "integrity", "Policy enforcement on the account."),
    "sending": ("Sending", "messaging", "Sending messages: recipients, parameters, media, the 24-hour window."),
    "templates": ("Templates", "templates", "Sending template messages."),
    "flows": ("Flows", "flows", "Sending WhatsApp Flows."),
    "registration": ("Registration", "registration", "Registering a business phone number and its two-step PIN."),
    "marketing": ("Marketing", "marketing", "Marketing messages: per-user limits, opt-outs and the Marketing Messages API."),
    "payments": ("Payments", "payments", "Payment method, payments terms and payments maintenance."),
    "groups": ("Groups", "groups", "The Groups API (Meta's separate Groups error page)."),
    "calling": ("Calling", "calling", "The Calling API (Meta's Calling troubleshooting page)."),
    "management": ("Management", "management", "Managing templates, migrating numbers, template insights and synchronisation."),
    "graph": ("Generic Graph", "generic-graph", "Codes of the Graph API itself that a WhatsApp integration meets."),
}

ACTION_TEXT = {
    graph_errors.RETRY_WITH_BACKOFF: "retry with backoff",
    graph_errors.RETRY_AFTER_WAIT: "retry after the wait Meta names",
    graph_errors.FIX_THEN_RETRY: "fix, then retry",
    graph_errors.DO_NOT_RETRY: "do not retry",
    graph_errors.REAUTHENTICATE: "re-authenticate",
}
ARRIVES_TEXT = {
    "response": "in the API response",
    "status_webhook": "in a failed status webhook",
    "both": "in the response or a failed status webhook",
    "incoming_message": "with an incoming message, in messages[].errors of the messages webhook",
}
WAY_LABEL = {
    "response": "Example response",
    "status_webhook": "Example failed status webhook",
    "incoming_message": "Example incoming-message webhook",
}


def decision_for(row: dict) -> graph_errors.Decision:
    """What the classifier does with this code, as a client would call it."""
    return graph_errors.classify({"code": row["code"], "message": f"(#{row['code']}) {row['title']}"})


def code_label(row: dict) -> str:
    return f"{row['code']}–{row['range_to']}" if "range_to" in row else str(row["code"])


def http_text(row: dict) -> str:
    status = str(row["http_status"]) if row["http_status"] is not None else "not listed by Meta"
    return status + (f" ({row['http_status_note']})" if "http_status_note" in row else "")


def overview_tabs(rows: list[dict]) -> str:
    """Content tabs (Material's built-in), one per category plus All: a compact table in each."""
    header = "| Code | Title | HTTP | Arrives | Client action |\n|---|---|---|---|---|"

    def table(selected: list[dict]) -> str:
        lines = [header]
        for row in selected:
            decision = decision_for(row)
            http = str(row["http_status"]) if row["http_status"] is not None else "–"
            lines.append(
                f"| [{code_label(row)}](#{row['code']}) | {guide_macros.md_escape(row['title'])} | {http} | "
                f"{row['arrives'].replace('_', ' ')} | `{decision.action}` |"
            )
        return "\n".join(lines)

    def tab(label: str, selected: list[dict]) -> str:
        body = table(selected).replace("\n", "\n    ")
        return f'=== "{label} ({len(selected)})"\n\n    {body}'

    parts = [tab("All", rows)]
    for category, (label, _anchor, _intro) in CATEGORIES.items():
        selected = [row for row in rows if row["category"] == category]
        if selected:
            parts.append(tab(label, selected))
    # md_in_html: the wrapper scopes docs/stylesheets/error-reference.css to these tabs.
    return '<div class="error-tabs" markdown>\n\n' + "\n\n".join(parts) + "\n\n</div>"


def source_link(url: str) -> str:
    """A link named by its host and last path segment (e.g. developers.facebook.com: error-codes)."""
    parts = urlsplit(url)
    tail = parts.path.rstrip("/").rsplit("/", 1)[-1]
    return f"[{parts.netloc}{': ' + tail if tail else ''}](<{url}>)"


def _fact_list(row: dict, decision: graph_errors.Decision) -> str:
    arrives = f"{ARRIVES_TEXT[row['arrives']]}. {row['arrives_note']}"  # a note says whether Meta states it
    wait = f" Wait: {decision.wait}." if decision.wait else ""
    retry = "may be sent again unchanged" if decision.retryable else "is not sent again unchanged"
    items = [
        f"**HTTP status:** {guide_macros.md_escape(http_text(row))}",
        f"**Arrives:** {guide_macros.md_escape(arrives)}",
        f"**Classifier decision:** `{decision.action}` ({ACTION_TEXT[decision.action]}; the request {retry})."
        + guide_macros.md_escape(wait),
        f"**Source:** {source_link(row['source'])} ({row['confidence']} confidence)",
    ]
    if "title_note" in row:
        items.append(f"**Title:** {guide_macros.md_escape(row['title_note'])}")
    if "deprecated" in row:
        replaced = f" Replaced by [{row['replaced_by']}](#{row['replaced_by']})." if "replaced_by" in row else ""
        items.append(f"**Deprecated:** {guide_macros.md_escape(row['deprecated'])}{replaced}")
    return "\n".join(f"- {item}" for item in items)


def _subcodes(row: dict) -> str:
    if "subcodes" not in row:
        return ""
    lines = ["| Subcode | Meaning | Client action |", "|---|---|---|"]
    for sub in row["subcodes"]:
        decision = graph_errors.classify({"code": row["code"], "error_subcode": sub["subcode"]})
        lines.append(f"| {sub['subcode']} | {guide_macros.md_escape(sub['meaning'])} | `{decision.action}` |")
    note = f" {guide_macros.md_escape(row['subcodes_note'])}" if "subcodes_note" in row else ""
    return f"\n\nSubcodes ([source](<{row['subcodes_source']}>)).{note}\n\n" + "\n".join(lines)


def _runtime_messages(row: dict) -> str:
    if "runtime_messages" not in row:
        return ""
    items = [
        f"- “{guide_macros.md_escape(m['text'])}”: {guide_macros.md_escape(m['note'])} "
        f"([source](<{m['source']}>), {m['confidence']} confidence)"
        for m in row["runtime_messages"]
    ]
    return "\n\nMessages integrators see at run time:\n\n" + "\n".join(items)


def _examples(row: dict) -> str:
    ways = guide_data.arrival_ways(row)
    blocks = []
    for way in ways:
        name = f"{EXAMPLES}/{row['code']}.{way}.json"
        # Collapsed: the page stays short enough to scan; search still indexes the payload.
        fence = f'    ```json title="{name}"\n    --8<-- "{name}"\n    ```'
        blocks.append(f'??? example "{WAY_LABEL[way]}, as mockgraph produces it"\n\n{fence}')
    return "\n\n".join(blocks)


def section(row: dict) -> str:
    code = row["code"]
    decision = decision_for(row)
    return (
        f"### {code_label(row)}: {guide_macros.md_escape(row['title'])} {{ #{code} }}\n\n"
        f"**Meta's text:** “{guide_macros.md_escape(row['meta_text'])}”\n{{ #error-{code} }}\n\n"
        f"{_fact_list(row, decision)}\n\n"
        f"**Cause.** {guide_macros.md_escape(row['cause'])}\n\n"
        f"**Fix.** {guide_macros.md_escape(row['fix'])}\n\n"
        f"**Prevention.** {guide_macros.md_escape(row['prevention'])}"
        f"{_subcodes(row)}{_runtime_messages(row)}\n\n"
        f"{_examples(row)}"
    )


def brief(rows: list[dict], code: int, message: str | None = None) -> str:
    row = next((r for r in rows if r["code"] == code), None)
    if row is None:  # a typo in a page must stop the build
        raise KeyError(f"graph_errors has no code {code}")
    head = f"**Code {code_label(row)}, {guide_macros.md_escape(row['title'])}** (HTTP {http_text(row).split(' (')[0]})."
    body = guide_macros.md_escape(row["cause"])
    if message is not None:  # one message of the code: quoted verbatim, with what it means
        found = [m for m in row.get("runtime_messages", []) if message in m["text"]]
        if len(found) != 1:
            raise KeyError(f"code {code}: {len(found)} runtime messages contain {message!r}")
        m = found[0]
        head += f"\n\n> {guide_macros.md_escape(m['text'])}"
        body = f"{guide_macros.md_escape(m['note'])} ([source](<{m['source']}>), {m['confidence']} confidence)"
    return (
        f"{head}\n\n{body}\n\n**The complete fix:** [code {code_label(row)} in the Error Reference](graph-api-errors.md#{code})."
    )


def category_sections(rows: list[dict], category: str) -> str:
    label, anchor, intro = CATEGORIES[category]
    selected = [section(row) for row in rows if row["category"] == category]
    return f"## {label} {{ #{anchor} }}\n\n{intro}\n\n" + "\n\n".join(selected)


def register(env, data: dict) -> None:
    """Define the page's macros on the mkdocs-macros environment."""
    rows = data["graph_errors"]

    @env.macro
    def graph_errors_overview() -> str:
        return overview_tabs(rows)

    @env.macro
    def error_category(category: str) -> str:
        return category_sections(rows, category)

    @env.macro
    def error_brief(code: int, message: str | None = None) -> str:
        """A short, sourced summary of one code for another page: its cause from the YAML, the
        runtime message containing `message` (verbatim, so site search finds it), and a link to
        the one complete fix, the code's entry in the Error Reference."""
        return brief(rows, code, message)
