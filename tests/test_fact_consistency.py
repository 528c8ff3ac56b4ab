"""Facts that must agree with each other (issue 20): where an error arrives and what its own note
says, counts the pages state and the data they come from, and confidence that follows the source."""

from __future__ import annotations

import json
import re

import pytest
from jsonschema import Draft202012Validator

import guide_data
from snippets import graph_errors
from support.openapi import SPEC_URI
from support.paths import SHARED
from support.site_pages import pages, reader_text

EXAMPLES = guide_data.ROOT / "snippets" / "errors"
HTTP_METHODS = {"get", "post", "put", "delete", "patch"}


def spec_errors(registry, ref: str, instance) -> list[str]:
    validator = Draft202012Validator({"$ref": f"{SPEC_URI}#{ref}"}, registry=registry)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(instance)]


# -- item 3: an error's arrival agrees with its own note ------------------------------------------
def test_no_error_that_comes_with_an_incoming_message_is_labelled_a_failed_status(guide):
    for row in guide["graph_errors"]:
        note = row.get("arrives_note", "")
        if "incoming message" in note and "messages[].errors" in note and row["arrives"] != "both":
            assert row["arrives"] == "incoming_message", f"code {row['code']}: its note says incoming message"
        if row["arrives"] == "incoming_message":
            assert "incoming message" in note, f"code {row['code']}: the note must say so"


def test_131052_arrives_with_the_users_message_in_metas_webhook_shape(guide, spec, registry):
    (row,) = [r for r in guide["graph_errors"] if r["code"] == 131052]
    assert row["arrives"] == "incoming_message"
    assert not (EXAMPLES / "131052.status_webhook.json").exists()
    payload = json.loads((EXAMPLES / "131052.incoming_message.json").read_text(encoding="utf-8"))
    (value,) = [change["value"] for entry in payload["entry"] for change in entry["changes"]]
    assert "statuses" not in value
    assert not spec_errors(registry, "/components/schemas/Metadata", value["metadata"])
    (message,) = value["messages"]
    # Meta's schema for an unsupported incoming message reuses the outbound fields, so compare
    # with Meta's own example of one instead: the same fields, and the same fields in errors[].
    metas = spec["components"]["schemas"]["UnsupportedMessage"]["allOf"][1]["example"]
    assert set(message) == set(metas) and message["type"] == metas["type"]
    assert set(message["errors"][0]) == set(metas["errors"][0])
    decision = graph_errors.classify(message["errors"][0])
    assert decision.action == row["client_action"] and decision.details == row["meta_text"]


# -- item 2: counts come from the data, never typed -----------------------------------------------
COUNTED = re.compile(r"\b\d[\d,]*\s+(?:operations|calls|endpoints|error codes|codes|permissions)\b", re.I)


def test_no_page_types_a_count_the_data_can_give():
    for page in sorted((guide_data.ROOT / "docs").rglob("*.md")):
        typed = COUNTED.findall(page.read_text(encoding="utf-8"))
        assert not typed, f"{page.name} types {typed}: derive the count from data/guide.yaml with a macro"


def test_the_pages_state_the_operation_counts_of_the_data_and_metas_spec(site, guide, spec):
    in_spec = sum(1 for methods in spec["paths"].values() for method in methods if method in HTTP_METHODS)
    beyond = [o["op"] for o in guide["operations"] if not o["spec_path"]]
    assert len(guide["operations"]) == in_spec + len(beyond)
    shown = pages(site)
    guide_text = " ".join(shown["whatsapp-permissions-guide/index.html"].get_text(" ").split())
    assert f"the {in_spec} operations in Meta's spec, plus" in guide_text
    intro = " ".join(shown["endpoint-permissions/index.html"].get_text(" ").split())
    assert f"all {len(guide['operations'])} operations: the {in_spec} in Meta's OpenAPI spec" in intro
    for page_text in (guide_text, intro):  # <wbr> hints become spaces in get_text: compare without them
        assert all(op.replace(" ", "") in page_text.replace(" ", "") for op in beyond)


# -- item 5: subcodes shown for WhatsApp codes change no decision ---------------------------------
def test_whatsapp_subcodes_from_metas_examples_are_for_logs_and_change_no_decision(guide):
    rows = [r for r in guide["graph_errors"] if r.get("subcodes_source") == "https://github.com/facebook/openapi"]
    assert rows
    for row in rows:
        assert "never branch" in row["subcodes_note"], row["code"]
        for sub in row["subcodes"]:
            decision = graph_errors.classify({"code": row["code"], "error_subcode": sub["subcode"]})
            assert decision.action == row["client_action"] == sub["client_action"], (row["code"], sub["subcode"])


# -- item 11: a fact is no surer than the facts file rates its source -----------------------------
FACTS_DIR = SHARED / "facts"  # the research notes beside the project; CI does not check them out
RANK = {"L": 0, "M": 1, "H": 2}
URL = re.compile(r"https?://[^\s)>\]`\"',]+")
RATING = re.compile(r"\*\*([HML])(?:[/–-]([HML]))?\*\*|\(([HML])\)")


def _blocks(text: str):
    """Paragraphs, bullets, numbered items and table rows: the unit a rating in the file covers."""
    block: list[str] = []
    for line in text.splitlines():
        starts = not line.strip() or line.lstrip().startswith(("#", "- ", "| ", "* ")) or re.match(r"\s*\d+\. ", line)
        if starts:
            if block:
                yield "\n".join(block)
            block = [line] if line.strip() else []
        else:
            block.append(line)
    if block:
        yield "\n".join(block)


def _key(url: str) -> str:
    url = re.sub(r"^https?://", "", url).rstrip(".;:").rstrip("/").split("?")[0].split("#")[0]
    return url.replace("developers.secure.facebook.com", "developers.facebook.com")


def source_ratings() -> dict[str, set[str]]:
    """URL -> the ratings the facts files give statements sourced there."""
    ratings: dict[str, set[str]] = {}
    for path in FACTS_DIR.glob("whatsapp-*.md"):
        for block in _blocks(path.read_text(encoding="utf-8")):
            marks = {m for group in RATING.findall(block) for m in group if m}
            for url in URL.findall(block) if marks else ():
                ratings.setdefault(_key(url), set()).update(marks)
    return ratings


def rated_entries(guide: dict):
    for fact in guide["topic_facts"]:
        yield fact["text"], fact["confidence"], fact["sources"]
    for key in ("token_paths", "rejection_patterns", "dated_statements"):
        for entry in guide[key]:
            yield str(entry), entry["confidence"], [entry["source"]]
    for group in guide["app_review_checklist"]:
        for item in group["items"]:
            yield item["text"], item["confidence"], [item["source"]]


def test_confidence_follows_the_facts_files_rating_of_the_source(guide):
    if not FACTS_DIR.is_dir():  # research notes beside the project, never part of it (nor of CI)
        pytest.skip(f"no facts files at {FACTS_DIR}: this check runs where ../shared/facts is present")
    ratings = source_ratings()
    assert len(ratings) > 30, "the facts files' ratings were not found: has their format changed?"
    checked = 0
    for text, confidence, sources in rated_entries(guide):
        best = [max(ratings[_key(s)], key=RANK.__getitem__) for s in sources if _key(s) in ratings]
        if len(best) < len(sources):
            continue  # a source the facts files do not rate: nothing to compare with
        checked += 1
        cap = min(best, key=RANK.__getitem__)
        assert RANK[confidence] <= RANK[cap], f"{text[:70]!r}: {confidence}, but the facts file rates its source {cap}"
    assert checked > 10


# -- items 19, 20 and 22: the strings readers paste find one complete fix -------------------------
SEARCHED = {
    10: "(#10) Application does not have permission for this action",
    100: "API calls from the server require an appsecret_proof argument",
}


def test_site_search_finds_the_pasted_error_strings_on_troubleshooting_and_their_entry(site, guide):
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    for code, text in SEARCHED.items():
        (row,) = [r for r in guide["graph_errors"] if r["code"] == code]
        assert any(m["text"] == text for m in row["runtime_messages"]), f"code {code}: the string lives in the YAML"
        where = {doc["location"] for doc in index["docs"] if text in doc["text"]}
        assert f"errors/{code}/#runtime-messages" in where, where  # the code's own page
        assert any(loc.startswith("troubleshooting/#") for loc in where), where


def test_troubleshooting_states_each_codes_cause_as_its_entry_does_and_links_to_its_fix(site, guide):
    page = pages(site)["troubleshooting/index.html"]
    text = " ".join(reader_text(page).split())  # glossary tooltips unwrapped: "WABA," not "WABA ,"
    links = {a["href"] for a in page.select("article a[href]")}
    for code in (200, 190, 131030):  # the codes whose whole cause the page shows
        (row,) = [r for r in guide["graph_errors"] if r["code"] == code]
        assert " ".join(row["cause"].split()) in text, f"code {code}: cause differs from its entry"
        assert f"../errors/{code}/" in links, f"code {code}: no link to its complete fix"
    for code in SEARCHED:
        assert f"../errors/{code}/" in links
