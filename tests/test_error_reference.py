"""The generated Error Reference: every YAML code in the light, filterable index and on a page of its
own (errors/<code>/: Meta's title and text, the classifier's own decision, the mock's example,
related codes), old anchors still leading to the code, site search finding each code's page, and
the drift guard: no code on a page, in a snippet or in the mock that the YAML lacks, and no YAML
row without a field."""

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


def code_page(site, code: int):
    return pages(site).get(f"errors/{code}/index.html")


def index_rows(page) -> list[tuple[str, list[str]]]:
    """(category, cell texts) for each code row of the index table, in page order."""
    return [
        (tbody["data-category"], [cell_text(td) for td in tr.select("td")])
        for tbody in page.select("#error-index tbody")
        for tr in tbody.select("tr[data-forward]")
    ]


def section_text(page, anchor: str) -> str:
    """The text from a heading to the next heading of the same or a higher level."""
    heading = page.find(id=anchor)
    assert heading is not None, f"no section #{anchor}"
    parts = [reader_text(heading)]
    for sibling in heading.find_next_siblings():
        if sibling.name in ("h1", "h2"):
            break
        parts.append(reader_text(sibling))
    return " ".join(parts)


def test_the_index_lists_every_code_once_by_category_with_title_status_and_decision(errors_page, guide):
    rows = guide["graph_errors"]
    listed = index_rows(errors_page)
    assert sorted(cells[0].split("–")[0] for _, cells in listed) == sorted(str(row["code"]) for row in rows)
    by_code = {cells[0].split("–")[0]: (category, cells) for category, cells in listed}
    for row in rows:
        category, cells = by_code[str(row["code"])]
        assert category == row["category"]
        assert cells[1] == row["title"]
        assert cells[2] == (str(row["http_status"]) if row["http_status"] is not None else "–")
        assert cells[4] == graph_errors.classify({"code": row["code"]}).action
    categories = [category for category, _ in listed]
    assert categories == sorted(categories, key=list(guide_data.ERROR_CATEGORIES).index), "rows are grouped by category"


def test_the_index_is_light_and_its_script_is_local(site, errors_page):
    size = (site / PAGE).stat().st_size
    assert size <= 150_000, f"the Error Reference index is {size} bytes of HTML (at most 150 KB)"
    assert errors_page.select_one("#error-filter select[name=category]") is not None, "no category filter"
    for script in errors_page.select("script[src]"):
        assert not script["src"].startswith(("http://", "https://", "//")), script["src"]


def test_every_code_has_its_own_page_with_the_sections_a_reader_needs(site, errors_page, guide):
    for row in guide["graph_errors"]:
        code = row["code"]
        link = errors_page.find(id=str(code)).select_one("a[href]")
        assert link["href"] == f"../errors/{code}/", code
        page = code_page(site, code)
        assert page is not None, f"no page errors/{code}/"
        h1 = page.select_one("article h1").get_text(" ", strip=True)
        assert h1.startswith(f"Error {code}") and row["title"] in h1, h1
        text = reader_text(page.select_one("article"))
        for field in ("meta_text", "fix", "cause", "prevention"):
            assert " ".join(row[field].split()) in " ".join(text.split()), f"code {code}: {field} missing"
        for anchor in ("arrives", "fix", "decision", "prevention", "related", "source"):
            assert page.find(id=anchor) is not None, f"code {code}: no #{anchor} section"
        decision = graph_errors.classify({"code": code})
        assert decision.action in section_text(page, "decision"), code
        assert page.find("a", href=row["source"]) is not None, f"code {code}: Meta's source is not linked"
        ways = guide_data.arrival_ways(row)
        for way in ways:
            block = page.find(string=f"snippets/errors/{code}.{way}.json")
            assert block is not None, f"code {code}: no {way} example"
            assert block.find_parent("details") is not None, f"code {code}: the {way} example is not collapsed"
        example = json.loads((ROOT / "snippets" / "errors" / f"{code}.{ways[0]}.json").read_text(encoding="utf-8"))
        assert row["meta_text"] in json.dumps(example, ensure_ascii=False)


def test_related_codes_come_from_the_data_and_lead_to_their_pages(site, guide):
    from guide_macros import errors as error_macros

    rows = guide["graph_errors"]
    replaced = next(r for r in rows if "replaced_by" in r)
    related = [r["code"] for r, _ in error_macros.related(replaced, rows)]
    assert replaced["replaced_by"] in related
    back = [r["code"] for r, _ in error_macros.related(next(r for r in rows if r["code"] == replaced["replaced_by"]), rows)]
    assert replaced["code"] in back
    page = code_page(site, replaced["code"])
    hrefs = {a["href"] for a in page.select("#related ~ ul a[href]")}
    assert f"../{replaced['replaced_by']}/" in hrefs


def test_old_anchors_still_take_the_reader_to_the_code(errors_page, guide):
    for row in guide["graph_errors"]:
        for anchor in (str(row["code"]), f"error-{row['code']}"):
            element = errors_page.find(id=anchor)
            assert element is not None, anchor
            assert element["data-forward"] == f"../errors/{row['code']}/", anchor
            # Without scripts the reader lands on the row, which links to the code's page.
            assert element.find_parent("tr") or element.name == "tr"
    for anchor in ("all-error-codes", "where-errors-arrive", "access-and-authorization", "messaging", "rate-limits", "integrity"):
        assert errors_page.find(id=anchor) is not None, anchor
    moved = errors_page.find(id="error-200-permission-required")
    assert moved["data-forward"] == "../errors/200/#in-practice"


def test_the_error_200_page_gives_its_fix_worked_examples_and_the_runtime_strings_with_sources(site, guide):
    row = next(r for r in guide["graph_errors"] if r["code"] == 200)
    page = code_page(site, 200)
    practice = section_text(page, "in-practice")
    for example in ("send_hello_world.management-only.json", "get_phone_number.no-assets.json"):
        assert example in practice, f"error 200's worked example {example} is missing"
    assert " ".join(row["fix"].split()) in " ".join(section_text(page, "fix").split()), "the complete fix is the YAML's"
    text = section_text(page, "runtime-messages")
    links = {a["href"] for a in page.select("#runtime-messages ~ ul a[href]")}
    for message in row["runtime_messages"]:
        assert message["text"] in text and message["source"] in links


def test_site_search_finds_each_code_on_its_own_page(site, guide):
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    by_location = {doc["location"]: doc for doc in index["docs"]}
    for row in guide["graph_errors"]:
        doc = by_location.get(f"errors/{row['code']}/")
        assert doc is not None, f"search has no entry for code {row['code']}"
        assert str(row["code"]) in doc["title"], row["code"]
        title = re.sub(r"\s+", " ", row["title"])
        assert title.lower() in re.sub(r"<[^>]+>", "", doc["title"]).lower(), row["code"]
    # Example payloads (every mockgraph answer carries an fbtrace_id) and their labels stay out.
    noise = [doc["location"] for doc in index["docs"] if "fbtrace_id" in doc["text"] or "as mockgraph produces it" in doc["text"]]
    assert not noise, f"example payloads are in the search index: {noise[:5]}"


# -- drift guard ----------------------------------------------------------------------------------
# How a code shows up: "(#131047)", "code 190"/"codes 4", "error 200", a link to a code's section,
# a JSON "code": 100, GraphError(131047, ...) in the mock, or any six-digit 13xxxx number (WhatsApp's
# own range; nothing else in the guide looks like it).
CODE_PATTERNS = [
    re.compile(r"\(#(\d+)\)"),
    re.compile(r"\b[Cc]odes? (\d{1,7})\b"),
    re.compile(r"\b[Ee]rror (\d{1,7})\b"),
    re.compile(r"graph-api-errors(?:\.md|/)#(?:error-)?(\d+)\b"),
    re.compile(r"\berrors/(\d+)(?:\.md|/)"),
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
    files += sorted((ROOT / "guide_macros" / "error_notes").glob("*.md"))
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


def test_every_category_the_schema_allows_has_a_row_group_and_a_filter_option(errors_page, guide):
    from guide_macros import errors as error_macros

    assert list(error_macros.CATEGORIES) == list(guide_data.ERROR_CATEGORIES)
    used = {row["category"] for row in guide["graph_errors"]}
    options = {o["value"] for o in errors_page.select("#error-filter option")}
    for category in guide_data.ERROR_CATEGORIES:
        _label, anchor, _ = error_macros.CATEGORIES[category]
        assert category in options, category
        if category in used:
            assert errors_page.find(id=anchor).find_parent("tbody")["data-category"] == category
