"""The Error Reference: a light index (one filterable table) and one generated page per code.

data/guide.yaml's `graph_errors` -> the index table (``{{ error_index() }}`` on graph-api-errors.md)
and ``errors/<code>.md`` (written at build time by guide_macros/error_pages_hook.py, an MkDocs
hook). Each page shows the decision of snippets/graph_errors.classify, computed here at build
time, so no page can say something the classifier does not do. Example payloads are included from
snippets/errors/ (written by `python -m mockgraph.error_examples`, compared with the mock by a test).

Provenance is shown as badges (source kind, confidence, whether Meta states where a code arrives)
explained once per page by a legend, never as a sentence repeated per code.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import guide_data
from guide_macros.markup import badge, esc, md_escape
from guide_macros.registry import add_macros
from snippets import graph_errors

EXAMPLES = "snippets/errors"
# Hand-written worked examples for a few codes (prose and --8<-- includes, no facts typed):
# guide_macros/error_notes/<code>.md becomes the "In practice" section of that code's page.
NOTES_DIR = Path(__file__).with_name("error_notes")
INDEX_PAGE = "graph-api-errors.md"

# Label, old section id on the index (kept on the category's row group) and one line per category
# (guide_data.ERROR_CATEGORIES). Ids of the earlier pages (access-and-authorization, messaging,
# rate-limits, integrity) stay.
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
ARRIVES_SHORT = {"response": "response", "status_webhook": "webhook", "both": "both", "incoming_message": "incoming message"}

# Whose word a row is, from the host of its source: Meta's pages, Meta's OpenAPI spec, or neither.
SOURCE_KINDS = {"meta": "Meta", "spec": "Meta's spec", "reports": "integrators' reports"}
CONFIDENCE_SHORT = {"high": "H", "medium": "M", "low": "L"}

# The legend, once per page that shows badges (the index and every code's page).
LEGEND = (
    "**Source**: *Meta* is one of Meta's pages, *Meta's spec* its OpenAPI description, "
    "*integrators' reports* what developers and vendors observed. "
    "**Confidence** (H/M/L) is how far the source settles the fact. "
    "**Arrives**: *response* (the API answer), *webhook* (a `failed` status webhook after the "
    "send was accepted), *both*, or *incoming message* (in `messages[].errors` of a customer's "
    "message); **not stated by Meta** marks a code whose page does not say "
    "where it arrives: the guide then shows where the request's nature puts it (a refused request "
    "answers in the response) or what integrators observe."
)


def source_kind(url: str) -> str:
    host = urlsplit(url).netloc
    if host == "github.com" and urlsplit(url).path.startswith("/facebook/openapi"):
        return "spec"
    return "meta" if host.endswith("facebook.com") or host.endswith("whatsapp.com") else "reports"


def decision_for(row: dict) -> graph_errors.Decision:
    """What the classifier does with this code, as a client would call it."""
    return graph_errors.classify({"code": row["code"], "message": f"(#{row['code']}) {row['title']}"})


def code_label(row: dict) -> str:
    return f"{row['code']}–{row['range_to']}" if "range_to" in row else str(row["code"])


def http_text(row: dict) -> str:
    status = str(row["http_status"]) if row["http_status"] is not None else "not listed by Meta"
    return status + (f" ({row['http_status_note']})" if "http_status_note" in row else "")


def page_path(row: dict) -> str:
    """The code's page in docs/ (generated): errors/<code>.md, served at errors/<code>/."""
    return f"errors/{row['code']}.md"


def page_title(row: dict) -> str:
    return f"Error {code_label(row)}: {row['title']}"


def source_link(url: str) -> str:
    """A link named by its host and last path segment (e.g. developers.facebook.com: error-codes)."""
    parts = urlsplit(url)
    tail = parts.path.rstrip("/").rsplit("/", 1)[-1]
    return f"[{parts.netloc}{': ' + tail if tail else ''}](<{url}>)"


def badges(row: dict) -> str:
    """Source kind, confidence and arrival (with 'not stated by Meta' where Meta does not say)."""
    kind = source_kind(row["source"])
    parts = [
        badge(f"source: {SOURCE_KINDS[kind]}", f"source-{kind}"),
        badge(f"confidence: {CONFIDENCE_SHORT[row['confidence']]}", "confidence"),
        badge(f"arrives: {ARRIVES_SHORT[row['arrives']]}", "arrives"),
    ]
    if not row["arrives_stated"]:
        parts.append(badge("not stated by Meta", "not-stated"))
    return " ".join(parts)


# -- the index ------------------------------------------------------------------------------------


def index_table(rows: list[dict], from_page: str = "graph-api-errors/") -> str:
    """One table, a row group per category. Each row keeps the ids the old one-page reference had
    (#<code> on the row, #error-<code> on its first cell), and data-forward tells the page's script
    where that code lives now; without scripts, the reader lands on the row that links there."""
    up = "../" * from_page.count("/")
    head = "".join(f"<th>{h}</th>" for h in ("Code", "Title", "HTTP", "Arrives", "Client action", "Source"))
    groups = []
    for category, (label, anchor, intro) in CATEGORIES.items():
        selected = [row for row in rows if row["category"] == category]
        if not selected:
            continue
        lines = [
            f'<tbody data-category="{category}">',
            f'<tr class="error-group" id="{anchor}"><th colspan="6" scope="rowgroup">{label} ({len(selected)})'
            f' <span class="error-group__intro">{esc(intro)}</span></th></tr>',
        ]
        for row in selected:
            href = f"{up}errors/{row['code']}/"
            decision = decision_for(row)
            http = str(row["http_status"]) if row["http_status"] is not None else "–"
            arrives = ARRIVES_SHORT[row["arrives"]] + ("" if row["arrives_stated"] else "*")
            kind = source_kind(row["source"])
            lines.append(
                f'<tr id="{row["code"]}" data-forward="{href}">'
                f'<td data-label="Code" id="error-{row["code"]}" data-forward="{href}">'
                f'<a href="{href}">{code_label(row)}</a></td>'
                f'<td data-label="Title">{esc(row["title"])}</td>'
                f'<td data-label="HTTP">{http}</td>'
                f'<td data-label="Arrives">{arrives}</td>'
                f'<td data-label="Client action"><code>{decision.action}</code></td>'
                f'<td data-label="Source">{SOURCE_KINDS[kind]}, {CONFIDENCE_SHORT[row["confidence"]]}</td></tr>'
            )
        lines.append("</tbody>")
        groups.append("\n".join(lines))
    return (
        '<div class="md-typeset__scrollwrap"><div class="md-typeset__table">'
        f'<table id="error-index" class="error-index" data-source="data/guide.yaml" data-search-exclude>\n'
        f"<thead><tr>{head}</tr></thead>\n" + "\n".join(groups) + "\n</table></div></div>"
    )


def category_filter() -> str:
    """The filter's controls: shown only once the page's script runs (hidden without scripts)."""
    options = "".join(f'<option value="{category}">{label}</option>' for category, (label, _anchor, _intro) in CATEGORIES.items())
    return (
        '<form class="error-filter" id="error-filter" hidden data-search-exclude>'
        '<label>Category <select name="category"><option value="">All</option>'
        f"{options}</select></label> "
        '<label>Code or words <input name="q" type="search" autocomplete="off" placeholder="131047, template…"></label>'
        '<output name="count" aria-live="polite"></output></form>'
    )


# -- one page per code ----------------------------------------------------------------------------

_NUMBER = re.compile(r"(?<![\w.#/-])(\d{3,7})(?![\w.]|\s*(?:MB|KB|ms|s\b|%|hours?|days?|seconds?|minutes?))")


def mentioned_codes(row: dict, known: set[int]) -> list[int]:
    """Other codes of the table that this row's own text names (its cause, fix, notes…)."""
    fields = ("cause", "fix", "prevention", "arrives_note", "title_note", "deprecated", "http_status_note")
    texts = [row.get(f, "") for f in fields]
    texts += [m["note"] + " " + m["text"] for m in row.get("runtime_messages", [])]
    found: list[int] = []
    for text in texts:
        for match in _NUMBER.finditer(text):
            if re.search(r"HTTP\s*$|subcode\s*$|v$", text[: match.start()]):
                continue
            code = int(match.group(1))
            if code in known and code != row["code"] and code not in found:
                found.append(code)
    return found


def related(row: dict, rows: list[dict]) -> list[tuple[dict, str]]:
    """Codes related by the data itself: replaced by / replaces, named in this row, naming this row."""
    by_code = {r["code"]: r for r in rows}
    known = set(by_code)
    out: dict[int, str] = {}
    if "replaced_by" in row:
        out[row["replaced_by"]] = "replaces this deprecated code"
    for other in rows:
        if other.get("replaced_by") == row["code"]:
            out.setdefault(other["code"], "an older code this one replaces")
    for code in mentioned_codes(row, known):
        out.setdefault(code, "named on this page")
    for other in rows:
        if other["code"] != row["code"] and row["code"] in mentioned_codes(other, known):
            out.setdefault(other["code"], "its page names this code")
    return [(by_code[code], why) for code, why in out.items()]


def _subcodes(row: dict) -> str:
    if "subcodes" not in row:
        return ""
    lines = ["| Subcode | Meaning | Client action |", "|---|---|---|"]
    for sub in row["subcodes"]:
        decision = graph_errors.classify({"code": row["code"], "error_subcode": sub["subcode"]})
        lines.append(f"| {sub['subcode']} | {md_escape(sub['meaning'])} | `{decision.action}` |")
    note = f" {md_escape(row['subcodes_note'])}" if "subcodes_note" in row else ""
    return f"\n\nBy subcode ([source](<{row['subcodes_source']}>)).{note}\n\n" + "\n".join(lines)


def _runtime_messages(row: dict) -> str:
    if "runtime_messages" not in row:
        return ""
    items = [
        f"- “{md_escape(m['text'])}”: {md_escape(m['note'])} "
        f"([source](<{m['source']}>)) {badge(SOURCE_KINDS[source_kind(m['source'])], 'source-' + source_kind(m['source']))} "
        f"{badge('confidence ' + CONFIDENCE_SHORT[m['confidence']], 'confidence')}"
        for m in row["runtime_messages"]
    ]
    return "## Messages integrators see { #runtime-messages }\n\n" + "\n".join(items) + "\n\n"


def _examples(row: dict) -> str:
    ways = guide_data.arrival_ways(row)
    blocks = []
    for way in ways:
        name = f"{EXAMPLES}/{row['code']}.{way}.json"
        # Collapsed; error_pages_hook keeps it out of the search index (it repeats the page's text).
        fence = f'    ```json title="{name}"\n    --8<-- "{name}"\n    ```'
        blocks.append(f'??? example "{WAY_LABEL[way]}, as mockgraph produces it"\n\n{fence}')
    return "\n\n".join(blocks)


def _notes(row: dict) -> str:
    path = NOTES_DIR / f"{row['code']}.md"
    if not path.is_file():
        return ""
    return "## In practice { #in-practice data-search-exclude }\n\n" + path.read_text(encoding="utf-8").strip() + "\n\n"


def error_page(row: dict, rows: list[dict]) -> str:
    """The Markdown of errors/<code>.md."""
    code = row["code"]
    decision = decision_for(row)
    label, anchor, _intro = CATEGORIES[row["category"]]
    index = f"../{INDEX_PAGE}"
    wait = f" Wait: {md_escape(decision.wait)}." if decision.wait else ""
    retry = "may be sent again unchanged" if decision.retryable else "is not sent again unchanged"
    extra = ""
    if "title_note" in row:
        extra += f"\n\n**Title:** {md_escape(row['title_note'])}"
    if "deprecated" in row:
        replaced = f" Replaced by [{row['replaced_by']}]({row['replaced_by']}.md)." if "replaced_by" in row else ""
        extra += f"\n\n**Deprecated:** {md_escape(row['deprecated'])}{replaced}"
    arrives_note = md_escape(row["arrives_note"]) if "arrives_note" in row else ""
    rel = related(row, rows)
    rel_items = "\n".join(f"- [{code_label(r)}: {md_escape(r['title'])}]({r['code']}.md) ({why})" for r, why in rel)
    rel_items += f"\n- Every other {label.lower()} code: [the Error Reference]({index}#{anchor})"
    description = (
        f"WhatsApp Cloud API error {code_label(row)} ({row['title']}): "
        "what it means, where it arrives, what to do now and how to prevent it."
    )
    return (
        "---\n"
        f"description: {_yaml_str(description)}\n"
        "render_macros: false\n"
        "---\n\n"
        f"# {md_escape(page_title(row))} {{ #error-{code} }}\n\n"
        f'<p class="error-badges" data-search-exclude="true">{badges(row)}</p>\n\n'
        f"**Meta's text:** “{md_escape(row['meta_text'])}”\n\n"
        # Out of the search index: the title and Meta's text find the page (the index is every page's load).
        f"{md_escape(row['cause'])}{extra}\n{{ data-search-exclude }}\n\n"
        "## Where it arrives { #arrives data-search-exclude }\n\n"
        f"**{_first_upper(ARRIVES_TEXT[row['arrives']])}.** {arrives_note} "
        f"HTTP status: {md_escape(http_text(row))}. "
        f"[How errors arrive]({index}#where-errors-arrive).\n\n"
        "## What to do now { #fix data-search-exclude }\n\n"
        f"{md_escape(row['fix'])}\n\n"
        "## The classifier's decision { #decision data-search-exclude }\n\n"
        f"`classify()` in `snippets/graph_errors.py` answers **`{decision.action}`** "
        f"({ACTION_TEXT[decision.action]}): the request {retry}.{wait}{_subcodes(row)}\n\n"
        "## Prevention { #prevention data-search-exclude }\n\n"
        f"{md_escape(row['prevention'])}\n\n"
        f"{_notes(row)}"
        f"{_runtime_messages(row)}"
        "## Related codes { #related data-search-exclude }\n\n"
        f"{rel_items}\n\n"
        "## Source { #source data-search-exclude }\n\n"
        f"{source_link(row['source'])}. {badges(row)}\n\n"
        f'<p class="error-legend">{_md_inline_to_html(LEGEND)}</p>\n\n'
        f"{_examples(row)}\n"
    )


def _yaml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _md_inline_to_html(text: str) -> str:
    """The legend's few inline marks (**bold**, *italic*, `code`) as HTML, for a raw HTML block."""
    text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)
    text = re.sub(r"\*(.+?)\*", r"<em>\1</em>", text)
    return re.sub(r"`(.+?)`", r"<code>\1</code>", text)


def brief(rows: list[dict], code: int, message: str | None = None) -> str:
    """A short, sourced summary of one code for a page one level deep (Troubleshooting), linking to
    the code's own page, where the complete fix is."""
    row = next((r for r in rows if r["code"] == code), None)
    if row is None:  # a typo in a page must stop the build
        raise KeyError(f"graph_errors has no code {code}")
    head = f"**Code {code_label(row)}, {md_escape(row['title'])}** (HTTP {http_text(row).split(' (')[0]})."
    body = md_escape(row["cause"])
    if message is not None:  # one message of the code: quoted verbatim, with what it means
        found = [m for m in row.get("runtime_messages", []) if message in m["text"]]
        if len(found) != 1:
            raise KeyError(f"code {code}: {len(found)} runtime messages contain {message!r}")
        m = found[0]
        head += f"\n\n> {md_escape(m['text'])}"
        body = f"{md_escape(m['note'])} ([source](<{m['source']}>), {m['confidence']} confidence)"
    # An address, not a .md link: the page is generated at build time (Zensical does not build it).
    link = f'<a href="../errors/{code}/">code {code_label(row)}: {esc(row["title"])}</a>'
    return f"{head}\n\n{body}\n\n**The complete fix:** {link}."


def error_index(data: dict[str, Any]) -> str:
    return category_filter() + "\n\n" + index_table(data["graph_errors"])


def error_legend(data: dict[str, Any]) -> str:
    return f'<p class="error-legend">{_md_inline_to_html(LEGEND)}</p>'


def error_count(data: dict[str, Any]) -> int:
    return len(data["graph_errors"])


def error_brief(data: dict[str, Any], code: int, message: str | None = None) -> str:
    """A short, sourced summary of one code for another page: its cause from the YAML, the
    runtime message containing `message` (verbatim, so site search finds it), and a link to
    the one complete fix, the code's own page."""
    return brief(data["graph_errors"], code, message)


def register(env: Any, data: dict[str, Any]) -> None:
    """Add the Error Reference's macros to the macros environment (called from guide_macros.define_env)."""
    add_macros(env, data, error_index, error_legend, error_count, error_brief)


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]
