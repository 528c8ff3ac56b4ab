"""What a reader with one question meets on the built pages: no sentence repeated as boilerplate, a
Quick Start of short examples (each a file with its own test), and no internal link that lands on
a missing id or on a "Moved to other pages" stub (where a reader pays an extra click)."""

from __future__ import annotations

import copy
import re
from collections import Counter

from support.paths import ROOT
from support.site_links import problem
from support.site_pages import pages, snippet_text, title_source

QUICKSTART = "whatsapp-quickstart/index.html"
MAX_REPEATS, MIN_WORDS = 10, 8


def sentences(article) -> list[str]:
    """The article's prose sentences (code, tables' inner markup and scripts left out)."""
    article = copy.copy(article)
    for element in article.select("pre, code, script, style, div.highlight"):
        element.decompose()
    blocks = [b.get_text(" ", strip=True) for b in article.find_all(["p", "li", "td", "th", "h1", "h2", "h3", "summary", "dd"])]
    found = []
    for block in blocks:
        found += [" ".join(s.split()) for s in re.split(r"(?<=[.!?;:])\s+", block)]
    return found


def test_no_sentence_of_eight_or_more_words_appears_more_than_ten_times_on_any_page(site):
    repeated = {}
    for name, soup in pages(site).items():
        article = soup.select_one("article")
        counts = Counter(s for s in sentences(article) if len(s.split()) >= MIN_WORDS)
        worst = [(n, s) for s, n in counts.items() if n > MAX_REPEATS]
        if worst:
            repeated[name] = worst
    assert not repeated, f"boilerplate repeated on a page (show it once, e.g. as a badge and a legend): {repeated}"


def test_the_repetition_check_catches_boilerplate():
    from bs4 import BeautifulSoup

    row = "<li>Meta's page does not say per code; the request is refused, so it comes back.</li>"
    article = BeautifulSoup(f"<article><ul>{row * (MAX_REPEATS + 1)}</ul></article>", "html.parser").article
    counts = Counter(s for s in sentences(article) if len(s.split()) >= MIN_WORDS)
    assert max(counts.values()) > MAX_REPEATS


def code_blocks(article) -> list[tuple[str, str]]:
    return [
        (b.select_one(".filename").get_text(strip=True) if b.select_one(".filename") else "", b.select_one("code").get_text())
        for b in article.select("div.highlight")
    ]


def test_the_quick_starts_first_message_is_short_python_beside_its_curl_form(site):
    article = pages(site)[QUICKSTART].select_one("article")
    section = article.find(id="first-message").find_next("div", class_="tabbed-set")
    labels = [label.get_text(strip=True) for label in section.select(".tabbed-labels label")]
    assert labels == ["Python", "curl"]
    python, curl = code_blocks(section)
    assert python[0] == "snippets/quickstart/send_first_message.py" and curl[0].endswith(".sh")
    assert len(python[1].rstrip("\n").splitlines()) <= 15
    assert "import requests" in python[1] and "curl " in curl[1]


def test_the_quick_start_has_no_long_block_and_at_most_40_percent_code(site):
    article = pages(site)[QUICKSTART].select_one("article")
    blocks = code_blocks(article)
    for title, text in blocks:
        assert len(text.rstrip("\n").splitlines()) <= 25, f"{title}: longer than 25 lines (move it to production-code.md)"
    code_words = sum(len(text.split()) for _, text in blocks)
    prose = copy.copy(article)
    for element in prose.select("div.highlight"):
        element.decompose()
    prose_words = len(prose.get_text(" ").split())
    share = code_words / (code_words + prose_words)
    assert share <= 0.40, f"code is {share:.0%} of the Quick Start's words"


def test_every_quick_start_example_is_its_own_file_with_its_own_test_and_shown_as_it_ran(site):
    article = pages(site)[QUICKSTART].select_one("article")
    shown = {title for title, _ in code_blocks(article)}
    examples = sorted(p for p in (ROOT / "snippets" / "quickstart").glob("*.py") if p.name != "__init__.py")
    assert examples, "no short examples in snippets/quickstart/"
    for example in examples:
        assert f"snippets/quickstart/{example.name}" in shown, f"{example.name} is not on the Quick Start"
        assert (ROOT / "tests" / "quickstart" / f"test_{example.stem}.py").is_file(), f"{example.name} has no test"
    for title, text in code_blocks(article):
        source = title_source(title)
        if source:
            assert text.rstrip("\n") == snippet_text(*source).rstrip("\n"), title


def test_the_production_files_are_on_their_own_page_byte_for_byte_with_highlights(site):
    # sender.py collapsed on production-code.md; graph_http.py and the receiver's files each on their
    # own page under code/, so that no page carries more than one whole file (page weight).
    for name, where in (("sender.py", "production-code"), ("graph_http.py", "code/graph_http")):
        article = pages(site)[f"{where}/index.html"].select_one("article")
        titled = {b.select_one(".filename").get_text(strip=True): b for b in article.select("div.highlight")}
        block = titled[f"snippets/{name}"]
        expected = (ROOT / "snippets" / name).read_text(encoding="utf-8")
        assert block.select_one("code").get_text().rstrip("\n") == expected.rstrip("\n")
        assert block.select(".hll"), f"{name}: no highlighted line"
        if where == "production-code":
            assert block.find_parent("details") is not None, f"{name}: not collapsed"
    quickstart = pages(site)[QUICKSTART].select_one("article")
    assert not any(t.endswith(("sender.py", "graph_http.py", "webhook_receiver.py")) for t, _ in code_blocks(quickstart))


def test_every_internal_link_lands_on_content_not_on_a_moved_stub(site):
    bad = []
    for name, soup in pages(site).items():
        article = soup.select_one("article")
        for anchor in article.select("a[href]"):
            if anchor["href"].startswith("#__codelineno"):
                continue
            why = problem(site, name, anchor["href"])
            if why:
                bad.append(f"{name}: {why}")
        for element in article.select("[data-forward]"):
            why = problem(site, name, element["data-forward"])
            if why:
                bad.append(f"{name} (forwarding #{element.get('id')}): {why}")
    assert not bad, "\n".join(bad)


def test_the_link_check_sees_a_missing_id_and_a_moved_stub(site):
    page = "whatsapp-quickstart/index.html"
    assert problem(site, page, "../whatsapp-permissions-guide/#production-token-setup")
    assert problem(site, page, "../graph-api-errors/#no-such-section")
    assert problem(site, page, "../errors/131047/") is None


def test_a_highlight_whose_line_is_gone_fails_the_build_naming_file_and_line():
    import pytest

    from guide_macros.highlight import highlighted_lines

    assert highlighted_lines("snippets/quickstart/receive_messages.py", ("compare_digest",)).split()
    with pytest.raises(ValueError, match=r"receive_messages\.py holds 'no such line'"):
        highlighted_lines("snippets/quickstart/receive_messages.py", ("no such line",))


def test_each_highlighted_line_is_a_line_the_page_asks_to_highlight(site):
    """hl_lines() finds lines by content; the page shows the file without its section markers
    (`--8<-- [start:name]`), so a count that kept them would light the line after the one meant."""
    import ast

    calls = re.compile(r"hl_lines\((.*?)\)\s*\}\}")
    checked = 0
    for source in sorted((ROOT / "docs").rglob("*.md")):
        for call in calls.findall(source.read_text(encoding="utf-8")):
            path, *needles = ast.literal_eval(f"({call})")
            page = source.relative_to(ROOT / "docs").with_suffix("").as_posix() + "/index.html"
            article = pages(site)[page].select_one("article")
            titled = {b.select_one(".filename").get_text(strip=True): b for b in article.select("div.highlight")}
            lit = [line.get_text() for line in titled[path].select(".hll")]
            assert all(any(needle in line for needle in needles) for line in lit), f"{page}: {path} lights {lit}"
            assert all(any(needle in line for line in lit) for needle in needles), f"{page}: {path} misses a needle"
            checked += 1
    assert checked >= 3, "the pages that highlight lines of a file were not found"
