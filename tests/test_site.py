"""The built site: fact tables hold exactly the YAML's rows, data is escaped, and every code block
comes from a file in snippets/ (byte for byte) or is a literal example rendered from the YAML."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from pytest_examples import find_examples

from conftest import ROOT, build_site, copy_project

SECTION_MARKER = re.compile(r"^[ \t]*#[ \t]*--8<--[ \t]*\[(start|end):\w+\][ \t]*\n", re.M)


def pages(site: Path) -> dict[str, BeautifulSoup]:
    return {
        str(path.relative_to(site)): BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for path in site.rglob("index.html")
        if path.parent.name not in {"404", "search"}
    }


def cell_text(cell) -> str:
    """A cell's text as a reader sees it: <br> is a space, <wbr> (a line-break hint) is nothing."""
    for br in cell.find_all("br"):
        br.replace_with(" ")
    return " ".join(cell.get_text("").split())


def table_rows(soup: BeautifulSoup, table_id: str) -> list[list[str]]:
    table = soup.select_one(f"table#{table_id}")
    assert table is not None, f"table #{table_id} is missing"
    return [[cell_text(cell) for cell in row.find_all("td")] for row in table.select("tbody tr")]


@pytest.fixture(scope="session")
def guide_page(site) -> BeautifulSoup:
    return pages(site)["whatsapp-permissions-guide/index.html"]


def test_permissions_table_holds_exactly_the_yaml_rows(guide_page, guide):
    rows = table_rows(guide_page, "permissions-table")
    assert [r[0] for r in rows] == [p["name"] for p in guide["permissions"]]
    for row, permission in zip(rows, guide["permissions"]):
        assert row[1:3] == [permission["enables"], permission["does_not_cover"]]
        assert row[4].split(" ") == " ".join(permission["endpoints"]).split(" ")


def test_access_types_table_holds_exactly_the_yaml_rows(guide_page, guide):
    rows = table_rows(guide_page, "access-types-table")
    expected = [
        [a["scenario"], a["access"], "Yes" if a["app_review"] else "No", a["timeline"] or "Not published by Meta"]
        for a in guide["access_types"]
    ]
    assert rows == expected


def test_other_fact_tables_and_lists_come_from_the_yaml(guide_page, guide):
    assert [r[0] for r in table_rows(guide_page, "debug-token-fields-table")] == [f["field"] for f in guide["debug_token_fields"]]
    assert [r[0] for r in table_rows(guide_page, "optional-permissions-table")] == [
        p["name"] for p in guide["optional_permissions"]
    ]
    assert [r[0] for r in table_rows(guide_page, "system-user-tokens-table")] == [t["kind"] for t in guide["system_user_tokens"]]
    for group in guide["app_review_checklist"]:
        items = guide_page.select(f'ul.task-list[data-group="{group["group"]}"] li')
        assert [li.get_text(" ", strip=True) for li in items] == group["items"]
    headings = [h.get_text(strip=True).strip("“”¶") for h in guide_page.select("h3") if h.get_text().startswith("“")]
    assert headings == [p["reason"] for p in guide["rejection_patterns"]]


def test_no_markdown_table_is_typed_in_a_page():
    for page in (ROOT / "docs").rglob("*.md"):
        typed = [line for line in page.read_text(encoding="utf-8").splitlines() if re.match(r"^\s*\|.*\|\s*$", line)]
        assert not typed, f"{page.name} types a table by hand; render it from data/guide.yaml: {typed[0]}"


def test_every_page_shows_the_pinned_version_and_last_verified_date(site, guide):
    for name, soup in pages(site).items():
        banner = soup.select_one(".guide-banner")
        assert banner is not None, f"{name} has no version banner"
        assert guide["graph_api"]["pinned_version"] in banner.get_text()
        assert str(guide["last_verified"]) in banner.get_text()


def test_data_values_are_escaped_not_injected(tmp_path, guide):
    """A |, * or <script> in the data renders as text: no broken table, no markup, no script."""
    project = copy_project(tmp_path / "project")
    hostile = "Send | receive <script>alert(1)</script> *now*"
    data = yaml.safe_load((project / "data" / "guide.yaml").read_text(encoding="utf-8"))
    data["permissions"][0]["enables"] = hostile
    data["access_types"][0]["scenario"] = hostile
    data["rejection_patterns"][0]["reason"] = hostile
    (project / "data" / "guide.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = build_site(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr[-3000:]
    soup = pages(tmp_path / "site")["whatsapp-permissions-guide/index.html"]
    assert table_rows(soup, "permissions-table")[0][1] == hostile
    assert len(table_rows(soup, "permissions-table")[0]) == 5
    assert table_rows(soup, "access-types-table")[0][0] == hostile
    assert not [s for s in soup.find_all("script") if "alert(1)" in s.get_text()]
    assert hostile in [h.get_text(strip=True).strip("“”¶") for h in soup.select("h3")]


def snippet_text(path: Path) -> str:
    """What pymdownx.snippets includes: the file without section markers."""
    return SECTION_MARKER.sub("", path.read_text(encoding="utf-8"))


def code_blocks(site: Path):
    for name, soup in pages(site).items():
        for block in soup.select("div.highlight"):
            yield name, block


def test_every_code_block_is_a_tested_file_or_a_marked_literal(site):
    seen = 0
    for name, block in code_blocks(site):
        seen += 1
        title = block.select_one(".filename")
        if title is None:
            assert "not-executable" in block.get("class", []), (
                f"{name}: a code block neither comes from snippets/ nor is marked not-executable:\n{block.get_text()[:200]}"
            )
            continue
        source = ROOT / title.get_text(strip=True)
        assert source.is_file() and source.relative_to(ROOT).parts[0] == "snippets", f"{name}: {source}"
        shown = block.select_one("code").get_text()
        assert shown.strip("\n") == snippet_text(source).strip("\n"), f"{name}: {source} differs from the page"
    assert seen >= 10


def test_markdown_python_fences_are_includes_of_existing_snippets():
    """pytest-examples walks the pages' Python fences; each must include a file that the suite runs."""
    examples = list(find_examples(str(ROOT / "docs")))
    assert examples, "the guide shows no Python at all"
    for example in examples:
        include = re.fullmatch(r'--8<-- "([^"]+)"\s*', example.source)
        assert include, f"{example.path}:{example.start_line}: Python pasted into a page; include it from snippets/"
        assert (ROOT / include.group(1)).is_file()
        assert f'title="{include.group(1)}"' in example.prefix, "an included block must be titled with its file"


def python_snippets():
    return sorted((ROOT / "snippets").rglob("*.py"))


@pytest.mark.parametrize("path", python_snippets(), ids=lambda p: str(p.relative_to(ROOT)))
def test_python_snippet_compiles_and_passes_ruff(path):
    compile(path.read_text(encoding="utf-8"), str(path), "exec")
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", str(path)], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_shell_snippets_are_valid_bash():
    for path in sorted((ROOT / "snippets").glob("*.sh")):
        result = subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, f"{path.name}: {result.stderr}"


# Claims from the draft that Meta's pages contradict or do not support (see the guide's changelog).
RETRACTED_CLAIMS = [
    "3–7 business days",
    "3-7 business days",
    "1–3 business days",
    "exactly two permissions",
    "15 digits",
    "16 digits",
    "do not expire unless",
    "never expire unless",
    "v24.0 (Feb 2026)",
]


def test_no_page_repeats_a_retracted_claim(site):
    """The changelog may name what was retracted; no other part of a page may claim it."""
    for name, soup in pages(site).items():
        changelog = soup.select_one("h2#changelog")
        while changelog is not None and changelog.next_sibling is not None:
            changelog.next_sibling.extract()
        text = soup.get_text(" ")
        for claim in RETRACTED_CLAIMS:
            assert claim.lower() not in text.lower(), f"{name} repeats the retracted claim {claim!r}"


def test_the_guide_links_into_the_companion_pages_and_their_anchors_exist(site, guide_page):
    hrefs = {a["href"] for a in guide_page.select("article a[href]")}
    assert "../graph-api-errors/#error-200-permission-required" in hrefs
    assert any(h.startswith("../whatsapp-quickstart/") for h in hrefs)
    errors = pages(site)["graph-api-errors/index.html"]
    assert errors.select_one("#error-200-permission-required") is not None
    assert not [h for h in hrefs if "developers.facebook.com/docs/whatsapp/cloud-api/get-started" in h]


def test_every_file_shown_on_the_site_is_exercised_by_a_test(site):
    """A block "comes from a tested file" only if some test runs that file: Python modules are
    imported or run by a test, shell scripts run with their shown responses, outputs are compared."""
    from shell_examples import response_pairs

    tests_text = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").glob("*.py"))
    paired = {s.name for s, _, _, _ in response_pairs()} | {r.name for _, r, _, _ in response_pairs()}
    shown = {
        block.select_one(".filename").get_text(strip=True) for _, block in code_blocks(site) if block.select_one(".filename")
    }
    for path in sorted(shown):
        name = Path(path).name
        stem = name.split(".")[0]
        exercised = (
            name in paired
            or f'"{stem}"' in tests_text
            or f"snippets.{stem}" in tests_text
            or f"import {stem}" in tests_text
            or f'"{name}"' in tests_text
            or f'"{Path(path).parent.as_posix()}"' in tests_text  # a test checks every file of the folder
        )
        assert exercised, f"{path} is shown on the site but no test runs it"


def test_the_version_lifecycle_table_holds_the_yaml_rows(site, guide):
    rows = table_rows(pages(site)["index.html"], "versions-table")
    assert [r[0].replace(" (pinned)", "") for r in rows] == [v["version"] for v in guide["graph_api"]["versions"]]
    pinned = [r[0] for r in rows if r[0].endswith("(pinned)")]
    assert pinned == [f"{guide['graph_api']['pinned_version']} (pinned)"]
