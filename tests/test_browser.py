"""The reader's experience in a real browser: Debian's Chromium driven by Playwright against the
built site on a local server. Mandatory in CI (REQUIRE_BROWSER=1); elsewhere skipped, with the
reason, when /usr/bin/chromium is missing. Screenshots go to screenshots/ (git-ignored)."""

from __future__ import annotations

import functools
import os
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from support.paths import ROOT
from support.site_links import target
from support.site_pages import pages, snippet_text, title_source

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
SCREENSHOTS = ROOT / "screenshots"

pytestmark = pytest.mark.browser


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002
        pass


@pytest.fixture(scope="session")
def site_url(site):
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {CHROMIUM} is missing: apt-get install -y chromium, or set CHROMIUM_PATH")
        pytest.skip(f"no browser at {CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH); browser tests skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def context(browser, site_url):
    ctx = browser.new_context()
    ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url.rstrip("/"))
    yield ctx
    ctx.close()


def page_paths(site: Path) -> list[str]:
    return sorted(
        str(p.parent.relative_to(site)).replace(".", "") + "/" if p.parent != site else ""
        for p in site.rglob("index.html")
        if p.parent.name not in {"404", "search"}
    )


@pytest.fixture(scope="session")
def all_paths(site):
    """Every page, the 121 generated error pages included: for the cheap sweeps (clean load, links, 375 px)."""
    return [p.lstrip("/") for p in page_paths(site)]


@pytest.fixture(scope="session")
def paths(all_paths, guide):
    """The written pages, and the generated error pages whose structure differs, for the slow checks
    (axe, copy buttons, screenshots). Every error page comes from one template with the same badges
    and colours whatever its category; what varies is which sections it has: a worked example
    (guide_macros/error_notes/), arrival both ways, a subcode table."""
    rows = guide["graph_errors"]
    sample = {int(p.stem) for p in (ROOT / "guide_macros" / "error_notes").glob("*.md")}
    sample |= {next(r["code"] for r in rows if r["arrives"] == "both"), next(r["code"] for r in rows if "subcodes" in r)}
    return [p for p in all_paths if not p.startswith("errors/") or int(p.split("/")[1]) in sample]


@pytest.fixture(scope="session")
def axe_paths(site, paths):
    """The pages axe checks: `paths`, with one of the code/ pages (whole files, one template, the same
    token colours) instead of all of them: the largest, which holds the most kinds of token."""
    code = [p for p in paths if p.startswith("code/")]
    largest = max(code, key=lambda p: (site / p / "index.html").stat().st_size)
    return [p for p in paths if not p.startswith("code/")] + [largest]


def open_page(context, url, record=None):
    """A new tab at `url`, once its load event has fired (Material's scripts have run)."""
    page = context.new_page()
    if record is not None:
        page.on("console", lambda m: record["console"].append(m.text) if m.type == "error" else None)
        page.on("requestfailed", lambda r: record["failed"].append(r.url))
        page.on("request", lambda r: record["requests"].append(r.url))
    page.goto(url, wait_until="load")
    return page


def screenshot(page, name: str) -> None:
    """A full-page screenshot for review, when asked for (SCREENSHOTS=1: they cost more than the checks
    and nobody reads them in CI); for pages taller than 12,000 CSS px only the first screen: Chromium
    times out rendering them whole on a shared CPU."""
    if os.environ.get("SCREENSHOTS") != "1":
        return
    SCREENSHOTS.mkdir(exist_ok=True)
    height = page.evaluate("document.documentElement.scrollHeight")
    page.screenshot(path=str(SCREENSHOTS / name), full_page=height <= 12_000)


def shot_name(path: str, suffix: str) -> str:
    return (path.strip("/") or "index").replace("/", "-") + f"-{suffix}.png"


def test_every_page_loads_cleanly_fits_a_375px_screen_and_its_links_land(browser, site, site_url, all_paths, paths):
    """One visit per page, in one tab on a phone-sized screen, as a reader clicking through: no console
    error, no failed or 4xx/5xx request, nothing from another host, no sideways scroll at 375 px, and
    every same-host link the browser shows (navigation, table of contents, footer and article, after
    the scripts ran) reaches a built page and an id on it. (The desktop width is met by the axe and
    copy-button checks; one visit instead of one per check halves the browser's work.)"""
    ctx = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True)
    page = ctx.new_page()
    here = {"path": ""}
    problems: list[str] = []

    def note(what: str) -> None:
        problems.append(f"/{here['path']}: {what}")

    page.on("console", lambda m: note(f"console error {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda error: note(f"uncaught script error {error}"))
    # Moving on to the next page aborts what the last one still fetched after its load event (the
    # favicon, the search index, the sitemap): an abort of a same-host request is not a fault. A
    # missing file still shows, as a 4xx response (below); another host, when it is requested.

    def failed(request) -> None:
        if not (request.failure == "net::ERR_ABORTED" and request.url.startswith(site_url)):
            note(f"failed {request.url} ({request.failure})")

    page.on("requestfailed", failed)
    page.on("response", lambda r: note(f"{r.status} for {r.url}") if r.status >= 400 else None)
    own = (site_url, "data:", "blob:")
    page.on("request", lambda r: None if r.url.startswith(own) else note(f"request to another host {r.url}"))
    links: dict[str, str] = {}  # href -> the first page showing it
    for path in all_paths:
        here["path"] = path
        page.goto(site_url + path, wait_until="load")
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            links.setdefault(href, path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            note(f"scrolls sideways by {overflow}px at 375px")
        if path in paths:
            screenshot(page, shot_name(path, "mobile"))
    page.wait_for_load_state("networkidle")  # what the last page starts after its load event
    ctx.close()
    assert problems == [], "\n".join(problems)

    built = pages(site)
    checked = 0
    for href, path in links.items():
        where = target(site, path + "index.html", href, site_url)
        if where is None:
            continue  # another host: never fetched offline
        file, fragment = where
        if file not in built:  # a file rather than a page (the feed, llms.txt, an image): it must exist
            assert (site / file).is_file() or (site / file.removesuffix("index.html")).is_file(), f"/{path}: {href} leads nowhere"
        elif fragment:
            assert built[file].find(id=fragment) is not None or built[file].find("a", attrs={"name": fragment}), (
                f"/{path}: {href} points at a missing id"
            )
        checked += 1
    assert checked > 1000, f"only {checked} links seen: the sweep did not read the pages"


def test_fact_tables_show_exactly_the_yaml_rows(context, site_url, guide):
    page = open_page(context, site_url + "whatsapp-permissions-guide/")
    names = page.locator("#permissions-table tbody tr td:first-child").all_inner_texts()
    assert names == [p["name"] for p in guide["permissions"]]
    scenarios = page.locator("#access-types-table tbody tr td:first-child").all_inner_texts()
    assert scenarios == [a["scenario"] for a in guide["access_types"]]


def test_copy_buttons_copy_exactly_the_tested_snippet(context, site_url, paths):
    copied = 0
    page = context.new_page()
    for path in paths:
        page.goto(site_url + path, wait_until="load")
        # Long files sit in collapsed blocks: open them as a reader would before copying.
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        blocks = page.locator("div.highlight:has(.filename)")
        for i in range(blocks.count()):
            block = blocks.nth(i)
            named = title_source(block.locator(".filename").inner_text())
            assert named, f"/{path}: a code block's title names no file"
            source, section = named
            if not block.is_visible():  # in a content tab that is not selected: select it, as a reader would
                block.evaluate(
                    """b => { const tab = b.closest('.tabbed-block');
                              const i = Array.from(tab.parentElement.children).indexOf(tab);
                              b.closest('.tabbed-set').querySelectorAll(':scope > .tabbed-labels > label')[i].click(); }"""
                )
            block.hover()
            block.locator("button.md-code__button").click()
            clipboard = page.evaluate("navigator.clipboard.readText()")
            assert clipboard.strip("\n") == snippet_text(source, section).strip("\n"), f"/{path}: copying {source.name}"
            copied += 1
    assert copied >= 20


@pytest.mark.parametrize(
    ("query", "page_path"),
    [
        ("debug_token", "troubleshooting/"),
        ("whatsapp_business_messaging", "whatsapp-permissions-guide/"),
        ("App Review", "app-review/"),
        ("131030", "troubleshooting/"),
        ("BISU", "production-tokens/"),
        ("131047", "errors/131047/"),
        ("healthy ecosystem engagement", "errors/131049/"),  # Meta's text for 131049, as pasted from a webhook
    ],
)
def test_search_finds_the_term_and_opens_the_right_page(context, site_url, query, page_path):
    page = open_page(context, site_url)
    search = page.locator("input.md-search__input")
    search.click()
    search.press_sequentially(query, delay=20)  # Material searches on key events, not on fill()
    result = page.locator(f".md-search-result__item > a[href*='/{page_path}']").first
    result.wait_for(timeout=10_000)
    result.click()
    page.wait_for_load_state("networkidle")
    assert urlsplit(page.url).path.endswith(page_path), page.url
    assert query.lower() in page.locator("article").inner_text().lower()


def test_the_palette_toggle_switches_light_and_dark(context, site_url):
    page = open_page(context, site_url + "whatsapp-permissions-guide/")
    scheme = "document.body.getAttribute('data-md-color-scheme')"
    assert page.evaluate(scheme) == "default"
    page.locator("form[data-md-component='palette'] label:visible").first.click()
    assert page.evaluate(scheme) == "slate"
    screenshot(page, shot_name("whatsapp-permissions-guide/", "dark"))
    page.locator("form[data-md-component='palette'] label:visible").first.click()
    assert page.evaluate(scheme) == "default"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_violations(context, site_url, axe_paths, scheme):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    problems = []
    page = context.new_page()
    current = "document.body.getAttribute('data-md-color-scheme')"
    for path in axe_paths:
        page.goto(site_url + path, wait_until="load")
        if scheme == "dark" and page.evaluate(current) != "slate":  # the reader's way: the toggle (remembered)
            page.locator("form[data-md-component='palette'] label:visible").first.click()
        assert page.evaluate(current) == ("slate" if scheme == "dark" else "default")
        # The toggle's own tooltip fades in for 0.25 s; half-faded text is blended with the page and
        # fails the contrast check by timing alone. Check tooltips as a reader sees them: settled.
        page.wait_for_function(
            "Array.from(document.querySelectorAll('.md-tooltip, .md-tooltip2'))"
            ".every(t => ['0', '1'].includes(getComputedStyle(t).opacity))"
        )
        # Material makes an overflowing code block focusable from a resize observer; on a long page
        # (the Error Reference) that lands after the load event. Check the page as a reader meets it.
        page.wait_for_function(
            "Array.from(document.querySelectorAll('pre > code'))"
            ".every(c => c.scrollWidth <= c.clientWidth || c.hasAttribute('tabindex'))"
        )
        screenshot(page, shot_name(path, scheme))
        results = axe.run(page)
        for violation in results.response["violations"]:
            if violation["impact"] in ("serious", "critical"):
                targets = [node["target"] for node in violation["nodes"][:3]]
                problems.append(f"/{path} ({scheme}): {violation['id']} {violation['help']} at {targets}")
    assert not problems, "\n".join(problems)


def test_a_reader_with_an_error_reaches_its_fix_from_the_home_page_in_two_clicks(context, site_url):
    """Home -> Troubleshooting (or the Error Reference) -> the section, by clicking visible links."""
    page = open_page(context, site_url)
    page.locator("article .grid a[href$='troubleshooting/']").first.click()
    page.wait_for_url("**/troubleshooting/")
    page.locator("article a[href$='#error-131030']").first.click()
    assert urlsplit(page.url).fragment == "error-131030"
    assert page.locator("#error-131030").is_visible()
    page = open_page(context, site_url)
    page.locator("article .grid a[href$='graph-api-errors/#all-error-codes']").first.click()
    page.wait_for_url("**/graph-api-errors/#all-error-codes")
    # The index: one table, each code linking to its own page.
    page.locator("#error-index a[href$='errors/131047/']").click()
    page.wait_for_url("**/errors/131047/")
    assert page.locator("article h1").inner_text().startswith("Error 131047")


def test_the_error_index_filters_by_category_and_words(context, site_url, guide):
    page = open_page(context, site_url + "graph-api-errors/")
    form = page.locator("#error-filter")
    assert form.is_visible(), "the filter shows once its script runs"
    form.locator("select").select_option("throttling")
    shown = page.locator("#error-index tr[data-forward]:visible td:first-child").all_inner_texts()
    assert shown and {s.split("–")[0] for s in shown} == {
        str(r["code"]) for r in guide["graph_errors"] if r["category"] == "throttling"
    }
    form.locator("select").select_option("")
    form.locator("input").fill("re-engagement")
    shown = page.locator("#error-index tr[data-forward]:visible td:first-child").all_inner_texts()
    assert "131047" in shown and len(shown) < len(guide["graph_errors"])


@pytest.mark.parametrize(
    ("old", "lands"),
    [
        ("graph-api-errors/#131047", "errors/131047/"),
        ("graph-api-errors/#error-131047", "errors/131047/"),
        ("graph-api-errors/#error-200-permission-required", "errors/200/#in-practice"),
    ],
)
def test_old_error_reference_links_forward_to_the_codes_page(context, site_url, old, lands):
    page = open_page(context, site_url + old)
    page.wait_for_url(site_url + lands)
    fragment = urlsplit(lands).fragment
    assert page.locator(f"[id='{fragment}']" if fragment else "article h1").is_visible()


def test_fact_tables_become_cards_without_sideways_scroll_at_375px(browser, site_url):
    """The widest fact table must fit the screen: no scroll inside the table, none on the page."""
    ctx = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True)
    try:
        page = open_page(ctx, site_url + "whatsapp-permissions-guide/")
        table = page.locator("#permissions-table")
        overflow = table.evaluate("t => t.scrollWidth - t.clientWidth")
        assert overflow <= 1, f"the permissions table scrolls sideways by {overflow}px"
        assert table.evaluate("t => t.getBoundingClientRect().right") <= 375
        label = page.locator("#permissions-table td").first.evaluate("td => getComputedStyle(td, '::before').content")
        assert "Permission" in label, "narrow rows should name their column"
    finally:
        ctx.close()


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("whatsapp-permissions-guide/#quick-fix", "troubleshooting/#quick-fix"),
        ("whatsapp-permissions-guide/#privacy-policy-does-not-mention-whatsapp", "app-review/#rejection-reasons"),
        ("whatsapp-permissions-guide/#production-token-setup", "production-tokens/"),
    ],
)
def test_an_old_anchor_lands_on_the_sections_new_page(context, site_url, old, new):
    """mkdocs.yml extra.moved_anchors: a bookmark of a moved section opens its new page at the section."""
    record = {"console": [], "failed": [], "requests": []}
    page = open_page(context, site_url + old, record)
    page.wait_for_url(site_url + new)
    fragment = urlsplit(page.url).fragment
    assert not fragment or page.locator(f"[id='{fragment}']").is_visible()
    assert [u for u in record["requests"] if not u.startswith(site_url)] == []


def test_an_old_anchor_followed_inside_the_page_also_moves_on(context, site_url):
    """The reader is already on the old page (instant navigation, a hash change): same result."""
    page = open_page(context, site_url + "whatsapp-permissions-guide/")
    with page.expect_navigation(url=site_url + "troubleshooting/#debugging-permissions"):
        page.evaluate("location.hash = '#debugging-permissions'")
    assert page.locator("[id='debugging-permissions']").is_visible()


def test_without_javascript_an_old_anchor_lands_on_a_link_to_its_new_page(browser, site_url):
    ctx = browser.new_context(java_script_enabled=False)
    try:
        page = ctx.new_page()
        page.goto(site_url + "whatsapp-permissions-guide/#quick-fix")
        assert urlsplit(page.url).path.endswith("/whatsapp-permissions-guide/")
        link = page.locator("a#quick-fix")
        assert link.is_visible()
        link.click()
        page.wait_for_url(site_url + "troubleshooting/#quick-fix")
    finally:
        ctx.close()


def test_a_glossary_term_shows_its_definition_on_hover(context, site_url, guide):
    page = open_page(context, site_url + "production-tokens/")
    term = page.locator("article abbr", has_text="BISU").first
    term.scroll_into_view_if_needed()
    term.hover()
    tooltip = page.locator(".md-tooltip2, .md-tooltip").filter(has_text="Business Integration System User").first
    tooltip.wait_for(state="visible", timeout=5_000)
    definition = next(e for e in guide["glossary"] if "BISU" in e["forms"])["definition"]
    assert definition[:40] in tooltip.inner_text()
    screenshot(page, "glossary-tooltip.png")


def test_the_footer_and_instant_navigation_stay_on_this_host(context, site_url):
    """navigation.footer / navigation.instant.prefetch: the next-page link opens the next page, and
    hovering it (prefetch) requests nothing from another host. (Material intercepts links only
    under site_url, which the test server's random port is not, so this is a full load here.)"""
    record = {"console": [], "failed": [], "requests": []}
    page = open_page(context, site_url + "app-review/", record)
    page.locator("a.md-footer__link--next").hover()
    page.wait_for_load_state("networkidle")
    page.locator("a.md-footer__link--next").click()
    page.wait_for_url(site_url + "production-tokens/")
    assert record["console"] == [] and record["failed"] == []
    assert [u for u in record["requests"] if not u.startswith(site_url)] == []
