"""The generated Error Reference: every YAML code in the filterable overview and in a section of its
own (stable anchor, Meta's title and text, the classifier's own decision, the mock's example), site
search finding each title, and the drift guard: no code on a page, in a snippet or in the mock that
the YAML lacks, and no YAML row without a field."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest

import guide_data
from snippets import graph_errors
from support.paths import ROOT
from support.site_pages import cell_text, pages, reader_text

PAGE = "graph-api-errors/index.html"


@pytest.fixture(scope="module")
def errors_page(site):
    return pages(site)[PAGE]


def tab_tables(page) -> dict[str, list[list[str]]]:
    """Tab label -> table rows (cell texts), for the overview's content tabs."""
    tabbed = page.select_one("#all-error-codes").find_next("div", class_="tabbed-set")
    labels = [label.get_text(strip=True) for label in tabbed.select(".tabbed-labels label")]
    blocks = tabbed.select(".tabbed-content > .tabbed-block")
    return {
        label: [[cell_text(td) for td in tr.select("td")] for tr in block.select("tbody tr")]
        for label, block in zip(labels, blocks)
    }


def section_text(page, code: int) -> str:
    """The text from a code's heading to the next heading."""
    heading = page.find(id=str(code))
    assert heading is not None and heading.name == "h3", f"code {code} has no section with id {code}"
    parts = [reader_text(heading)]
    for sibling in heading.find_next_siblings():
        if sibling.name in ("h2", "h3"):
            break
        parts.append(reader_text(sibling))
    return " ".join(parts)


def test_the_overview_tabs_list_every_code_once_per_category_and_all_of_them_in_the_first(errors_page, guide):
    tables = tab_tables(errors_page)
    rows = guide["graph_errors"]
    first, *categories = tables.items()
    assert first[0] == f"All ({len(rows)})"
    assert [r[0].split("–")[0] for r in first[1]] == [str(row["code"]) for row in rows]
    listed = [cell[0] for _, table in categories for cell in table]
    assert sorted(listed) == sorted(r[0] for r in first[1]), "every code sits in exactly one category tab"
    for row, cells in zip(rows, first[1]):
        assert cells[1] == row["title"]
        assert cells[2] == (str(row["http_status"]) if row["http_status"] is not None else "–")
        assert cells[4] == graph_errors.classify({"code": row["code"]}).action


def test_the_overview_links_to_every_section_and_filters_without_scripts_from_elsewhere(errors_page, guide):
    links = {a["href"] for a in errors_page.select("div.error-tabs div.tabbed-set a[href]")}
    assert {f"#{row['code']}" for row in guide["graph_errors"]} <= links
    for script in errors_page.select("script[src]"):
        assert not script["src"].startswith(("http://", "https://", "//")), script["src"]


def test_every_code_has_a_section_with_metas_title_text_fix_decision_and_mock_example(errors_page, guide):
    for row in guide["graph_errors"]:
        text = section_text(errors_page, row["code"])
        for field in ("title", "meta_text", "fix", "cause", "prevention"):
            assert " ".join(row[field].split()) in text, f"code {row['code']}: {field} missing from its section"
        decision = graph_errors.classify({"code": row["code"]})
        assert f"Classifier decision: {decision.action}" in text, row["code"]
        ways = ["response", "status_webhook"] if row["arrives"] == "both" else [row["arrives"]]
        for way in ways:
            assert f"snippets/errors/{row['code']}.{way}.json" in text, f"code {row['code']}: no {way} example"
        # Meta's text is in the example the mock produced, so a pasted message finds its section.
        example = json.loads((ROOT / "snippets" / "errors" / f"{row['code']}.{ways[0]}.json").read_text(encoding="utf-8"))
        assert row["meta_text"] in json.dumps(example, ensure_ascii=False)


def test_old_anchors_still_resolve(errors_page, guide):
    for row in guide["graph_errors"]:
        assert errors_page.find(id=f"error-{row['code']}") is not None, row["code"]
    for anchor in (
        "error-200-permission-required",
        "all-error-codes",
        "access-and-authorization",
        "messaging",
        "rate-limits",
        "integrity",
    ):
        assert errors_page.find(id=anchor) is not None, anchor


def test_the_error_200_section_gives_the_runtime_strings_integrators_see_with_their_sources(errors_page, guide):
    row = next(r for r in guide["graph_errors"] if r["code"] == 200)
    text = section_text(errors_page, 200)
    links = {a["href"] for a in errors_page.find(id="200").find_next("ul").find_all_next("a", href=True, limit=40)}
    for message in row["runtime_messages"]:
        assert message["text"] in text and message["source"] in links


def test_site_search_finds_each_codes_title_in_its_section(site, guide):
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    by_location = {doc["location"]: doc for doc in index["docs"]}
    for row in guide["graph_errors"]:
        doc = by_location.get(f"graph-api-errors/#{row['code']}")
        assert doc is not None, f"search has no entry for code {row['code']}"
        title = re.sub(r"\s+", " ", row["title"])
        assert title.lower() in re.sub(r"<[^>]+>", "", doc["title"] + " " + doc["text"]).lower(), row["code"]


# -- drift guard ----------------------------------------------------------------------------------
# How a code shows up: "(#131047)", "code 190"/"codes 4", "error 200", a link to a code's section,
# a JSON "code": 100, GraphError(131047, ...) in the mock, or any six-digit 13xxxx number (WhatsApp's
# own range; nothing else in the guide looks like it).
CODE_PATTERNS = [
    re.compile(r"\(#(\d+)\)"),
    re.compile(r"\b[Cc]odes? (\d{1,7})\b"),
    re.compile(r"\b[Ee]rror (\d{1,7})\b"),
    re.compile(r"graph-api-errors(?:\.md|/)#(?:error-)?(\d+)\b"),
    re.compile(r'"code":\s*(\d+)'),
    re.compile(r"GraphError\(\s*(\d+)"),
    re.compile(r"\berror=\((\d+),"),
    re.compile(r"\b(13\d{4})\b"),
    re.compile(r"\bcode\s*(?:==|!=|<=|>=|<|>)\s*(\d+)"),
    re.compile(r"\b(\d+)\s*<=\s*code\b"),
]
# A typed list of codes in Python: TEMPORARY_CODES = (1, 2, 4, 17, 80007) or `code in (1, 2, 4)`
CODE_LIST = re.compile(r"(?i)\bcodes?\w*\s*(?:=|\bin)\s*[({\[]([\d,\s]+)[)}\]]")


def codes_in(text: str) -> set[int]:
    found = {int(m) for pattern in CODE_PATTERNS for m in pattern.findall(text)}
    return found | {int(n) for group in CODE_LIST.findall(text) for n in re.findall(r"\d+", group)}


def known_codes(rows: list[dict]) -> set[int]:
    known = set()
    for row in rows:
        known.update(range(row["code"], row.get("range_to", row["code"]) + 1))
    return known


def guarded_files() -> list[Path]:
    files = sorted((ROOT / "docs").rglob("*.md")) + sorted((ROOT / "mockgraph").glob("*.py"))
    files += [p for p in sorted((ROOT / "snippets").rglob("*")) if p.suffix in (".py", ".sh", ".json", ".txt")]
    return files


def test_every_code_on_a_page_in_a_snippet_or_in_the_mock_is_in_the_yaml(guide):
    known = known_codes(guide["graph_errors"])
    unknown = {}
    for path in guarded_files():
        missing = codes_in(path.read_text(encoding="utf-8")) - known
        if missing:
            unknown[str(path.relative_to(ROOT))] = sorted(missing)
    assert not unknown, f"codes not in data/guide.yaml graph_errors (add a sourced row): {unknown}"


def test_the_drift_guard_catches_a_code_the_yaml_lacks(guide):
    known = known_codes(guide["graph_errors"])
    new = next(c for c in range(131000, 140000) if c not in known)
    samples = (
        f"Graph answered (#{new}) Something",
        f"see [{new}](graph-api-errors.md#{new})",
        f'{{"code": {new}}}',
        f"RETRY_CODES = (4, {new})",
    )
    for text in samples:
        assert new in codes_in(text) - known, text


@pytest.mark.parametrize("field", guide_data.ERROR_ROW_FIELDS)
def test_a_yaml_row_lacking_any_field_is_refused_naming_it(guide, field):
    data = copy.deepcopy(guide)
    row = data["graph_errors"][-1]
    del row[field]
    with pytest.raises(guide_data.DataError, match=re.escape(field)):
        guide_data.validate(data, "test")


def test_rows_that_need_a_note_a_wait_or_a_replacement_are_refused_without_it(guide):
    rows = guide["graph_errors"]
    cases = [
        (next(i for i, r in enumerate(rows) if not r["arrives_stated"]), "arrives_note", "arrives_note must start"),
        (next(i for i, r in enumerate(rows) if r["client_action"] == graph_errors.RETRY_AFTER_WAIT), "wait", "needs `wait`"),
        (next(i for i, r in enumerate(rows) if "replaced_by" in r), "deprecated", "replaced_by needs"),
    ]
    for index, field, message in cases:
        data = copy.deepcopy(guide)
        del data["graph_errors"][index][field]
        with pytest.raises(guide_data.DataError, match=re.escape(message)):
            guide_data.validate(data, "test")


def test_every_category_the_schema_allows_has_a_tab_and_a_section_heading(errors_page, guide):
    from guide_macros import errors as error_macros

    assert list(error_macros.CATEGORIES) == list(guide_data.ERROR_CATEGORIES)
    used = {row["category"] for row in guide["graph_errors"]}
    labels = list(tab_tables(errors_page))
    for category in guide_data.ERROR_CATEGORIES:
        label, anchor, _ = error_macros.CATEGORIES[category]
        if category in used:
            assert errors_page.find(id=anchor).name == "h2", category
            assert any(tab.startswith(f"{label} (") for tab in labels), category
