"""The built site: fact tables hold exactly the YAML's rows, data is escaped, and every code block
comes from a file in snippets/ (byte for byte) or is a literal example rendered from the YAML."""

from __future__ import annotations

import ast
import copy
import re
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from guide_data.site import site_url
from support.page_examples import included_file, python_blocks
from support.paths import ROOT, SHARED
from support.project import FORK_BASE, HOSTILE_VALUE
from support.site_pages import cell_text, pages, snippet_text, title_source


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
        assert row[3].split(" ") == " ".join(permission["endpoints"]).split(" ")


def test_access_types_table_holds_exactly_the_yaml_rows(guide_page, guide):
    rows = table_rows(guide_page, "access-types-table")
    expected = [
        [a["scenario"], a["access"], "Yes" if a["app_review"] else "No", a["timeline"] or "Not published by Meta"]
        for a in guide["access_types"]
    ]
    assert rows == expected


def test_other_fact_tables_and_lists_come_from_the_yaml(site, guide_page, guide):
    site_pages = pages(site)
    troubleshooting = site_pages["troubleshooting/index.html"]
    tokens = site_pages["production-tokens/index.html"]
    review = site_pages["app-review/index.html"]
    assert [r[0] for r in table_rows(troubleshooting, "debug-token-fields-table")] == [
        f["field"] for f in guide["debug_token_fields"]
    ]
    assert [r[0] for r in table_rows(guide_page, "optional-permissions-table")] == [
        p["name"] for p in guide["optional_permissions"]
    ]
    assert [r[0] for r in table_rows(tokens, "system-user-tokens-table")] == [t["kind"] for t in guide["system_user_tokens"]]
    assert [r[0] for r in table_rows(tokens, "token-paths-table")] == [t["who"] for t in guide["token_paths"]]
    assert [r[0] for r in table_rows(tokens, "system-user-roles-table")] == [r["role"] for r in guide["system_user_roles"]]
    for group in guide["app_review_checklist"]:
        items = review.select(f'ul.task-list[data-group="{group["group"]}"] li')
        assert len(items) == len(group["items"])
        for li, item in zip(items, group["items"]):
            assert li.get_text(" ", strip=True).startswith(item["text"])
            assert li.select_one("a.src")["href"] == item["source"], f"{item['text']!r} does not link its source"
    quotes = review.select("ul.rejection-reasons q.meta-quote")
    assert [q.get_text() for q in quotes] == [p["reason"] for p in guide["rejection_patterns"]]


def test_no_markdown_table_is_typed_in_a_page():
    for page in (ROOT / "docs").rglob("*.md"):
        typed = [line for line in page.read_text(encoding="utf-8").splitlines() if re.match(r"^\s*\|.*\|\s*$", line)]
        assert not typed, f"{page.name} types a table by hand; render it from data/guide.yaml: {typed[0]}"


def test_every_page_shows_the_pinned_version_and_its_own_last_verified_date(site, guide):
    for name, soup in pages(site).items():
        banner = soup.select_one(".guide-banner")
        assert banner is not None, f"{name} has no version banner"
        assert guide["graph_api"]["pinned_version"] in banner.get_text()
        source = "index.md" if name == "index.html" else name.replace("/index.html", ".md")
        expected = guide["page_last_verified"].get(source, guide["last_verified"])
        assert banner.select_one("time")["datetime"] == str(expected), f"{name}: wrong last-verified date"


def test_data_values_are_escaped_not_injected(fork_site):
    """A |, * or <script> in the data renders as text: no broken table, no markup, no script."""
    soup = pages(fork_site)["whatsapp-permissions-guide/index.html"]
    assert table_rows(soup, "permissions-table")[0][1] == HOSTILE_VALUE
    assert len(table_rows(soup, "permissions-table")[0]) == 4
    assert table_rows(soup, "access-types-table")[0][0] == HOSTILE_VALUE
    review = pages(fork_site)["app-review/index.html"]
    for page in (soup, review):
        assert not [s for s in page.find_all("script") if "alert(1)" in s.get_text()]
    assert review.select_one("q.meta-quote").get_text() == HOSTILE_VALUE


def code_blocks(site: Path):
    for name, soup in pages(site).items():
        for block in soup.select("div.highlight"):
            yield name, block


INCLUDE_LINE = re.compile(r'^[ \t]*--8<--[ \t]*"([^"]+)"', re.M)


def test_every_code_block_is_a_tested_file_an_inline_example_or_a_marked_literal(site):
    """A titled block is its file byte for byte; an untitled Python block is inline code, which
    tests/test_page_examples.py lints and runs; anything else must be marked not-executable.
    And every file a page includes is shown, titled with its path."""
    titled, inline_python = set(), 0
    for name, block in code_blocks(site):
        title = block.select_one(".filename")
        if title is None:
            if "language-python" in block.get("class", []):
                inline_python += 1
                continue
            assert "not-executable" in block.get("class", []), (
                f"{name}: a code block neither comes from snippets/ nor is marked not-executable:\n{block.get_text()[:200]}"
            )
            continue
        named = title_source(title.get_text())
        assert named, f"{name}: the title {title.get_text()!r} names no file in snippets/"
        source, section = named
        assert source.is_file() and source.relative_to(ROOT).parts[0] == "snippets", f"{name}: {source}"
        shown = block.select_one("code").get_text()
        assert shown.strip("\n") == snippet_text(source, section).strip("\n"), f"{name}: {source} differs from the page"
        titled.add(str(source.relative_to(ROOT)) + (f":{section}" if section else ""))
    included = {m for page in (ROOT / "docs").rglob("*.md") for m in INCLUDE_LINE.findall(page.read_text(encoding="utf-8"))}
    # Macros add titled blocks of their own (the Error Reference's examples), so the pages'
    # include lines are a subset of what is shown.
    assert included <= titled, f"included but not shown as a titled block: {sorted(included - titled)}"
    assert inline_python == len([e for e in python_blocks() if included_file(e) is None])


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
    for name, parsed in pages(site).items():
        soup = copy.copy(parsed)  # pages() is shared between tests: cut the copy, not the original
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


def references_in_code(path: Path) -> set[str]:
    """What a test module's code names: the modules it imports, and its string literals outside
    docstrings (comments and prose do not count as running a file)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            names.add(node.value)
    return names


def test_every_file_shown_on_the_site_is_exercised_by_a_test(site):
    """A block "comes from a tested file" only if some test runs that file: a response or output
    file is compared with what its script prints; a Python module is imported or run
    (`python -m snippets.x`) by a test's code; a shell script is named by a test's code."""
    from support.shell_examples import response_pairs

    named = set().union(*(references_in_code(p) for p in (ROOT / "tests").rglob("*.py")))
    paired = {s.name for s, _, _, _ in response_pairs()} | {r.name for _, r, _, _ in response_pairs()}
    goldens = {p.name for p in (ROOT / "snippets" / "output").iterdir()}
    shown = {
        str(title_source(block.select_one(".filename").get_text())[0].relative_to(ROOT))
        for _, block in code_blocks(site)
        if block.select_one(".filename")
    }
    for path in sorted(shown):
        name, stem = Path(path).name, Path(path).stem
        if path.endswith(".py"):
            exercised = f"snippets.{stem}" in named or stem in named or name in named  # run as a script by its file name
        elif path.endswith(".sh"):
            exercised = name in paired or name in named or path in named
        else:
            # A golden compared with its script's output, or one of a folder of goldens a test checks
            # file by file against what the mock produces (snippets/errors/).
            exercised = name in paired or (name in goldens and name in named) or Path(path).parent.as_posix() in named
        assert exercised, f"{path} is shown on the site but no test runs it"


def test_the_version_lifecycle_table_holds_the_yaml_rows(site, guide):
    rows = table_rows(pages(site)["index.html"], "versions-table")
    assert [r[0].replace(" (pinned)", "") for r in rows] == [v["version"] for v in guide["graph_api"]["versions"]]
    pinned = [r[0] for r in rows if r[0].endswith("(pinned)")]
    assert pinned == [f"{guide['graph_api']['pinned_version']} (pinned)"]


def canonical(soup: BeautifulSoup) -> str:
    link = soup.select_one('link[rel="canonical"]')
    assert link is not None, "the page has no canonical link"
    return link["href"]


def test_canonical_links_use_the_configured_site_url(site):
    """Without SITE_URL the pages point at the local server (no host that does not exist); the
    address the tools use (guide_data.site.site_url) is the one the build used."""
    base = site_url()
    for name, soup in pages(site).items():
        assert canonical(soup) == base + name.removesuffix("index.html"), name


def test_a_fork_sets_its_address_with_site_url(fork_site):
    soup = pages(fork_site)["whatsapp-permissions-guide/index.html"]
    assert canonical(soup) == FORK_BASE + "whatsapp-permissions-guide/"
    sitemap = (fork_site / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>{FORK_BASE}whatsapp-permissions-guide/</loc>" in sitemap


# -- Sourced statements, dated statements, seed anchors, labelled responses (issue 14) ----------

SEED = SHARED / "seed" / "whatsapp-permissions-guide.md"
QUOTE_MARKS = ("“", "”", '"')


def seed_anchors() -> list[str]:
    """The heading ids of the seed draft, as its Markdown renderer made them (explicit {#id} wins)."""
    from markdown.extensions.toc import slugify

    if not SEED.is_file():
        pytest.fail(f"the seed draft is missing at {SEED}: put ../shared beside the checkout")
    anchors, fenced = [], False
    for line in SEED.read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        heading = re.match(r"^#{1,6}\s+(.*?)\s*$", line)
        if fenced or not heading:
            continue
        text = heading.group(1)
        explicit = re.search(r"\{\s*#([\w-]+)\s*\}\s*$", text)
        anchors.append(explicit.group(1) if explicit else slugify(text, "-"))
    return anchors


def test_every_seed_anchor_still_resolves_on_the_guide_page(guide_page):
    """Other sites (and the doctor) link to the seed draft's sections: each id must still exist,
    and a moved section's id must sit on a link that leads on."""
    anchors = seed_anchors()
    assert len(anchors) >= 20, "the seed draft's headings were not read"
    missing = [a for a in anchors if guide_page.find(id=a) is None]
    assert not missing, f"seed anchors that no longer resolve: {missing}"


def _is_meta_url(url: str) -> bool:
    from urllib.parse import urlsplit

    from guide_data import META_HOSTS

    return urlsplit(url).scheme == "https" and urlsplit(url).netloc in META_HOSTS


def test_no_quoted_rejection_reason_lacks_a_meta_source(site):
    """A rejection reason shown in quotes reads as Meta's wording: it must link a Meta page."""
    checked = 0
    for name, soup in pages(site).items():
        for quote in soup.select("article q"):
            assert "meta-quote" in quote.get("class", []), f"{name}: a quotation that is not a sourced Meta quote: {quote}"
            assert _is_meta_url(quote.get("data-source", "")), f"{name}: {quote.get_text()!r} has no Meta source"
            link = quote.find_next("a", class_="src")
            assert link is not None and link["href"] == quote["data-source"], f"{name}: {quote.get_text()!r} links no source"
            checked += 1
        for heading in soup.select("article h2, article h3, article h4"):
            text = heading.get_text(strip=True)
            assert not text.startswith(QUOTE_MARKS), f"{name}: the heading {text!r} quotes a reason without a source"
        for section in soup.select("ul.rejection-reasons > li"):
            assert section.select_one("q.meta-quote"), f"{name}: a rejection reason without Meta's quoted title"
    assert checked >= 5


def test_no_dated_statement_on_the_site_is_past_its_date(site, guide):
    """A statement written for before its date must be rewritten once the date passes."""
    import datetime as dt

    today = dt.date.today()
    entries = {d["id"]: d for d in guide["dated_statements"]}
    shown: set[str] = set()
    for name, soup in pages(site).items():
        for span in soup.select("span.dated"):
            entry = entries.get(span["data-dated"])
            assert entry is not None, f"{name}: dated statement {span['data-dated']!r} is not in the YAML"
            date = dt.date.fromisoformat(span["data-date"])
            assert not (span["data-status"] == "upcoming" and date <= today), (
                f"{name}: {span.get_text()!r} was written for before {date}, which has passed; rewrite it in "
                "data/guide.yaml (dated_statements) and set status: passed"
            )
            assert span.get_text() == entry["text"]
            shown.add(entry["id"])
    # Every dated statement in the YAML is on a page: one that is not can go stale unseen.
    assert shown == set(entries), f"dated statements no page shows: {sorted(set(entries) - shown)}"


def test_every_response_block_is_labelled_as_mockgraph_output(site):
    """Responses and outputs on the site come from the mock: the reader must be told so."""
    labelled = 0
    for name, block in code_blocks(site):
        title = block.select_one(".filename")
        named = title_source(title.get_text()) if title else None
        if named and named[0].parent.name in ("responses", "output"):
            assert "mockgraph" in title.get_text(), f"{name}: {named[0].name} is shown without saying it is mockgraph output"
            labelled += 1
    assert labelled >= 5


def test_every_topic_statement_links_its_sources_and_labels_community_evidence(site, guide):
    facts_by_topic: dict[str, list[dict]] = {}
    for fact in guide["topic_facts"]:
        facts_by_topic.setdefault(fact["topic"], []).append(fact)
    hooks = guide["webhooks"]  # webhooks.md: Meta's two quoted figures, then the delivery facts
    quoted = [
        {"sources": [q["source"]], "evidence": "meta", "text": q["says"]} for q in (hooks["max_payload"], hooks["redelivery"])
    ]
    facts_by_topic["webhooks-delivery"] = quoted
    for fact in hooks["facts"]:
        facts_by_topic.setdefault(f"webhooks-{fact['topic']}", []).append(fact)
    rendered: dict = {}
    for name, soup in pages(site).items():
        for listing in soup.select("ul.facts"):
            topic = listing["data-topic"]
            assert topic not in rendered, f"topic {topic} is stated on {rendered[topic][0]} and again on {name}: link instead"
            rendered[topic] = (name, listing)
    assert set(rendered) == set(facts_by_topic), "every topic needs a section on some page"
    for topic, (name, listing) in rendered.items():
        items = listing.find_all("li", recursive=False)
        assert len(items) == len(facts_by_topic[topic])
        for li, fact in zip(items, facts_by_topic[topic]):
            assert [a["href"] for a in li.select("a.src")] == fact["sources"], f"{name}: {fact['text'][:40]!r}"
            community = li.get_text().startswith("Observed by integrators")
            assert community == (fact["evidence"] == "community"), f"{name}: {fact['text'][:40]!r} mislabels its evidence"


def test_the_home_page_routes_each_situation_to_its_page(site):
    home = pages(site)["index.html"]
    targets = {a["href"] for a in home.select("article .grid a[href]")}
    for href in (
        "graph-api-errors/#all-error-codes",
        "troubleshooting/",
        "troubleshooting/#webhooks-not-arriving",
        "whatsapp-quickstart/",
        "whatsapp-permissions-guide/",
        "app-review/",
        "production-tokens/#partners-bisu-tokens",
    ):
        assert href in targets, f"the home page does not route to {href}"


def test_the_header_links_the_repository_without_asking_githubs_api(site):
    for name, soup in pages(site).items():
        link = soup.select_one("header a.md-source")
        assert link is not None and link["href"].startswith("https://github.com/"), f"{name}: no repository link"
        assert not soup.select('[data-md-component="source"]'), f"{name}: the source component would call api.github.com"


def test_expired_versions_are_marked_expired(site, guide):
    import datetime as dt

    rows = {r[0].replace(" (pinned)", ""): r for r in table_rows(pages(site)["index.html"], "versions-table")}
    today = dt.date.today()
    for version in guide["graph_api"]["versions"]:
        ended = version["available_until"] is not None and version["available_until"] <= today
        assert rows[version["version"]][2].endswith("(expired)") == ended, f"{version['version']}: {rows[version['version']]}"
