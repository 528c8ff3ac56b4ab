"""The conventions readers of a docs site expect (issue 19), checked on the built site: llms.txt
and Markdown copies, glossary tooltips, edit and report links, page dates, the changelog and its
feed, moved anchors, navigation features and link previews."""

from __future__ import annotations

import copy
import datetime as dt
import os
import re
import struct
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import yaml
from markdown.extensions.toc import slugify
from mkdocs.utils.yaml import yaml_load

import guide_data
from guide_data import feed, glossary, moved
from guide_data.site import site_url
from support.paths import ROOT
from support.project import FORK_BASE, FORK_REPO
from support.site_pages import pages, snippet_text

REFERENCES = ["graph-api-errors.md", "endpoint-permissions.md"]


def mkdocs_config() -> dict:
    with (ROOT / "mkdocs.yml").open(encoding="utf-8") as handle:
        return yaml_load(handle)


NAV_TITLES = {src: title for item in mkdocs_config()["nav"] for title, src in item.items()}
# Every page in the nav but the big references is a guide page, in nav order.
GUIDE_PAGES = [src for src in NAV_TITLES if src not in REFERENCES]


def src_of(name: str) -> str:
    """The docs/ source of a built page: "app-review/index.html" -> "app-review.md"."""
    return "index.md" if name == "index.html" else name.removesuffix("/index.html") + ".md"


def page_address(src: str) -> str:
    return site_url() + moved.page_url(src)


# ---- 1. llms.txt ---------------------------------------------------------------------------------


def llms_sections(text: str) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        if line.startswith("## "):
            current = line[3:].strip()
            sections[current] = []
        elif current and line.startswith("- ["):
            sections[current].append(re.search(r"\]\(([^)]+)\)", line).group(1))
    return sections


def test_llms_txt_lists_the_guide_first_and_the_big_references_as_optional(site):
    sections = llms_sections((site / "llms.txt").read_text(encoding="utf-8"))
    assert list(sections) == ["Guide", "Optional"], "llms.txt: guide pages first, then the Optional section"
    md_url = {src: site_url() + moved.page_url(src) + "index.md" for src in GUIDE_PAGES + REFERENCES}
    assert sections["Guide"] == [md_url[src] for src in GUIDE_PAGES]
    assert sections["Optional"][:2] == [md_url[src] for src in REFERENCES]
    # The generated per-error pages (errors/<code>/, issue 18) join Optional through the glob.
    config = mkdocs_config()
    llms = next(p["llmstxt"] for p in config["plugins"] if isinstance(p, dict) and "llmstxt" in p)
    assert "errors/*.md" in llms["sections"]["Optional"]
    generated = sorted(site_url() + str(p.relative_to(site)) for p in (site / "errors").rglob("index.md"))
    assert set(generated) <= set(sections["Optional"]), "a per-error page is missing from llms.txt's Optional section"
    for url in sections["Guide"] + sections["Optional"]:
        local = site / urlsplit(url).path.lstrip("/")
        assert local.is_file(), f"llms.txt links {url}, which the build did not write"


def test_the_markdown_copies_hold_rendered_tables_and_included_code_not_macro_calls(site, guide):
    copies = {src: (site / moved.page_url(src) / "index.md").read_text(encoding="utf-8") for src in GUIDE_PAGES + REFERENCES}
    copies["llms-full.txt"] = (site / "llms-full.txt").read_text(encoding="utf-8")
    for name, text in copies.items():
        assert not re.search(r"\{\{\s*[a-z_]+\(|\{%", text), f"{name}: a raw macro call reached the Markdown copy"
        assert not re.search(r"^\s*-+8<-+", text, re.M), f"{name}: a raw --8<-- include reached the Markdown copy"
    guide_md = copies["whatsapp-permissions-guide.md"]
    # The permissions table, as a Markdown table: each YAML row's name and what it enables, in order.
    rows = [line for line in guide_md.splitlines() if line.startswith("| ") and "whatsapp_business" in line]
    for permission in guide["permissions"]:
        assert any(permission["name"] in row and permission["enables"][:40] in row for row in rows), permission["name"]
    # Included code: the quick start's send example, byte for byte inside a fenced block.
    sender = snippet_text(ROOT / "snippets" / "send_text.sh").strip("\n")
    assert sender in copies["whatsapp-quickstart.md"], "the Markdown copy lacks the included send_text.sh"
    assert sender in copies["llms-full.txt"]


# ---- 2. glossary -----------------------------------------------------------------------------------


def test_the_abbreviations_file_is_generated_from_the_yaml():
    assert glossary.ABBREVIATIONS_FILE.read_text(encoding="utf-8") == glossary.render(), (
        "data/abbreviations.md is stale: run python -m guide_data.glossary"
    )


def test_the_glossary_page_lists_every_term_with_its_source(site, guide):
    page = pages(site)["glossary/index.html"]
    terms = page.select("dl.glossary dt")
    names = [t.strong.get_text().lower() for t in terms]
    assert names == sorted(names), "a reader scans a glossary alphabetically"
    by_id = {t["id"]: t for t in terms}
    assert len(by_id) == len(guide["glossary"])
    for entry in guide["glossary"]:
        dt_el = by_id[glossary.anchor(entry)]
        assert dt_el.strong.get_text() == entry["term"]
        dd = dt_el.find_next_sibling("dd")
        assert entry["definition"] in dd.get_text(" ", strip=True)
        link = dd.select_one("a.src")
        if entry["source"].startswith("https://"):
            assert link["href"] == entry["source"], f"{entry['term']}: source not linked"
        else:
            assert entry["source"] in dd.get_text(), f"{entry['term']}: source not named"
    waba = by_id["waba"]
    assert "WAAC" in waba.get_text() and "WhatsApp Business Account" in waba.get_text(), "both names of the WABA"


def test_glossary_terms_show_their_definition_as_a_tooltip_but_never_in_code(site, guide):
    titles = {form: glossary.tooltip(e) for e in guide["glossary"] for form in e["forms"]}
    seen = set()
    for name, soup in pages(site).items():
        for abbr in soup.select("article abbr"):
            assert abbr.get("title") == titles.get(abbr.get_text()), f"{name}: {abbr} is not the glossary's definition"
            assert not abbr.find_parent(["pre", "code"]), f"{name}: a tooltip inside code changes what readers copy"
            seen.add(abbr.get_text())
    assert {"WABA", "BISU", "App Review", "Advanced Access", "Embedded Signup"} <= seen


def test_tooltips_leave_heading_ids_alone(site):
    """A heading holding a glossary term keeps the id its text (or its { #id }) gives it."""
    declared = {}
    for path in (ROOT / "docs").glob("*.md"):
        declared[path.name] = set(re.findall(r"\{ ?#([\w-]+) ?\}", path.read_text(encoding="utf-8")))
    checked = 0
    for name, soup in pages(site).items():
        for heading in soup.select("article h2, article h3"):
            if not heading.select("abbr"):
                continue
            heading = copy.copy(heading)
            for permalink in heading.select("a.headerlink"):
                permalink.decompose()
            expected = slugify(heading.get_text(), "-")
            assert heading["id"] == expected or heading["id"] in declared.get(src_of(name), set()), (
                f"{name}: heading {heading.get_text()!r} has id {heading['id']!r}"
            )
            checked += 1
    assert checked >= 3, "no heading holds a glossary term: the check checked nothing"


@pytest.mark.parametrize(
    ("mutate", "problem"),
    [
        (lambda d: d["glossary"][1]["forms"].append("WABA"), "the form 'WABA' belongs to more than one term"),
        (lambda d: d["glossary"][0].update(source="https://example.com/waba"), "glossary[0].source"),
        (lambda d: d["glossary"][0].update(forms=["WABA]"]), "glossary[0].forms[0]"),
        (lambda d: d["changelog"].reverse(), "changelog: entries must be newest first"),
        (lambda d: d["changelog"][0]["facts"].append("no_such_key"), "names no key of the data file"),
    ],
    ids=["form-twice", "non-meta-source", "bracket-in-form", "oldest-first", "unknown-fact"],
)
def test_a_broken_glossary_or_changelog_fails_validation_naming_the_problem(tmp_path, guide, mutate, problem):
    broken = copy.deepcopy(guide)
    mutate(broken)
    path = tmp_path / "guide.yaml"
    path.write_text(yaml.safe_dump(broken, allow_unicode=True), encoding="utf-8")
    with pytest.raises(guide_data.DataError, match=re.escape(problem)):
        guide_data.load(path)


# ---- 3. edit and report ----------------------------------------------------------------------------


def check_edit_and_report_links(site: Path, repo_url: str, base: str) -> None:
    for name, soup in pages(site).items():
        src = src_of(name)
        if not (ROOT / "docs" / src).is_file():
            continue  # a redirect page (mkdocs-redirects), not a page of the guide
        edit = soup.select_one("article a.md-content__button[rel=edit]")
        assert edit is not None and edit["href"] == f"{repo_url}/edit/main/docs/{src}", f"{name}: edit link"
        report = soup.select_one("article a.guide-report")
        assert report is not None and report.get_text(strip=True) == "Report a problem with this page"
        parts = urlsplit(report["href"])
        assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{repo_url}/issues/new", f"{name}: {report['href']}"
        query = parse_qs(parts.query)
        # page.title: its nav entry, else its heading
        title = NAV_TITLES.get(src) or soup.select_one("article h1").get_text(strip=True).rstrip("¶")
        assert title in query["title"][0] and title in query["body"][0], f"{name}: the issue does not name the page"
        assert base + moved.page_url(src) in query["body"][0], f"{name}: the issue does not give the page's address"


def test_every_page_has_edit_and_report_links_to_the_configured_repository(site):
    check_edit_and_report_links(site, mkdocs_config()["repo_url"], site_url())


# ---- 4. dates ---------------------------------------------------------------------------------------


def git_date(path: Path) -> str | None:
    result = subprocess.run(
        ["git", "log", "-1", "--format=%ad", "--date=format-local:%Y-%m-%d", "--", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "TZ": "UTC"},  # the plugin's timezone; HOME kept for git's safe.directory
    )
    return result.stdout.strip() or None


def test_each_page_shows_when_it_last_changed_in_git_beside_its_verification_date(site, guide):
    for name, soup in pages(site).items():
        src = src_of(name)
        changed = soup.select_one("[data-last-changed]")
        if not (ROOT / "docs" / src).is_file():  # generated during the build: no git history of its own
            assert changed is None, f"{name}: a generated page cannot have a git date"
        else:
            assert changed is not None, f"{name}: no last-changed date"
            expected = git_date(ROOT / "docs" / src) or dt.datetime.now(dt.timezone.utc).date().isoformat()  # uncommitted
            assert changed.get_text(" ", strip=True).endswith(expected), f"{name}: {changed.get_text(' ', strip=True)}"
        verified = str(guide_data.verified_on(guide, src))
        assert soup.select_one("[data-facts-verified]")["data-facts-verified"] == verified, f"{name}: footer date"
        assert soup.select_one(".guide-banner time")["datetime"] == verified, f"{name}: banner date"


def test_the_home_page_banner_footer_and_text_state_one_verification_date(site, guide):
    home = pages(site)["index.html"]
    stated = re.search(r"Facts last verified (\d{4}-\d\d-\d\d)", home.select_one("article").get_text())
    assert stated, "the home page no longer states its verification date"
    assert stated.group(1) == home.select_one(".guide-banner time")["datetime"] == str(guide_data.verified_on(guide, "index.md"))


def test_a_build_without_git_history_falls_back_to_the_build_date_and_follows_repo_url(fork_site):
    """An archive or a copy without .git builds strictly; pages show the build date. The same build
    sets REPO_URL (a fork) and moves a whole page (redirect_maps): the links and the redirect follow."""
    # The build's own day (it ran earlier in this run, perhaps before midnight UTC), or today.
    built_at = dt.datetime.fromtimestamp((fork_site / "index.html").stat().st_mtime, dt.timezone.utc)
    days = (built_at.date().isoformat(), dt.datetime.now(dt.timezone.utc).date().isoformat())
    built = pages(fork_site)
    for name, soup in built.items():
        if name.startswith(("permissions/", "errors/")):  # the redirect page; pages generated at build time have no date
            continue
        assert soup.select_one("[data-last-changed]").get_text(" ", strip=True).endswith(days), name
    check_edit_and_report_links(fork_site, FORK_REPO, FORK_BASE)
    redirect = (fork_site / "permissions" / "index.html").read_text(encoding="utf-8")
    assert 'content="0; url=../whatsapp-permissions-guide/"' in redirect
    assert "http://" not in redirect.replace(FORK_BASE, "") and "https://" not in redirect.replace(FORK_BASE, "")


# ---- 5. changelog and feed ----------------------------------------------------------------------------


def test_the_changelog_page_shows_every_entry_newest_first_with_its_facts(site, guide):
    page = pages(site)["changelog/index.html"]
    entries = page.select("section.changelog-entry")
    assert [e["id"] for e in entries] == [c["id"] for c in guide["changelog"]]
    dates = [e["data-date"] for e in entries]
    assert dates == sorted(dates, reverse=True)
    for section, entry in zip(entries, guide["changelog"]):
        assert entry["title"] in section.h2.get_text()
        assert [c.get_text() for c in section.select(".changelog-facts code")] == entry["facts"]
        assert section.select_one("a.src")["href"] == entry["source"]


def test_the_feed_is_valid_rss_newest_first_with_absolute_links(site, guide):
    root = ET.parse(site / feed.FEED_FILE).getroot()  # well-formed, or this raises
    assert root.tag == "rss" and root.get("version") == "2.0"
    items = root.findall("channel/item")
    assert len(items) == len(guide["changelog"])
    published = [dt.datetime.strptime(i.findtext("pubDate"), "%a, %d %b %Y %H:%M:%S %z") for i in items]
    assert published == sorted(published, reverse=True), "feed items must be newest first"
    changelog_ids = {e["id"] for e in pages(site)["changelog/index.html"].select("section.changelog-entry")}
    for item, entry in zip(items, guide["changelog"]):
        link = item.findtext("link")
        assert link == item.findtext("guid") == f"{site_url()}changelog/#{entry['id']}"
        assert urlsplit(link).fragment in changelog_ids
        assert all(f in item.findtext("description") for f in entry["facts"])
    assert root.findtext("channel/link") == site_url() + "changelog/"


def test_every_page_head_links_the_feed(site):
    for name, soup in pages(site).items():
        link = soup.select_one('head link[rel=alternate][type="application/rss+xml"]')
        assert link is not None, f"{name}: no feed link in the head"
        target = urljoin(f"http://x/{name}", link["href"])
        assert urlsplit(target).path == "/" + feed.FEED_FILE, f"{name}: {link['href']}"


# ---- 6. moved anchors ---------------------------------------------------------------------------------


def test_every_moved_anchor_leads_to_an_existing_section_with_and_without_javascript(site):
    entries = moved.entries(mkdocs_config()["extra"])
    assert entries, "the seed's moved anchors are gone from the map"
    built = pages(site)
    for entry in entries:
        old_page, _, old_anchor = entry["from"].partition("#")
        new_page, _, new_anchor = entry["to"].partition("#")
        assert (ROOT / "docs" / old_page).is_file(), f"{entry['from']}: the old page must still exist"
        old = built[moved.page_url(old_page) + "index.html"]
        element = old.find(id=old_anchor)
        assert element is not None, f"{entry['from']}: no element keeps the old id for readers without JavaScript"
        link = element if element.name == "a" else element.find_previous("a")
        assert urljoin(f"http://x/{moved.page_url(old_page)}", link["href"]) == f"http://x/{moved.url_of(entry['to'])}"
        target = built[moved.page_url(new_page) + "index.html"]
        assert not new_anchor or target.find(id=new_anchor) is not None, f"{entry['to']}: no such section"


def test_the_seed_anchors_are_all_in_the_moved_map():
    """The Permissions Guide's old sections that moved are listed in the map, not typed in the page."""
    page = (ROOT / "docs" / "whatsapp-permissions-guide.md").read_text(encoding="utf-8")
    section = page.split("{ #moved-sections }", 1)[1].split("\n## ", 1)[0]
    typed = re.findall(r"\]\([^)]*\)\{ ?#[\w-]+ ?\}|<span id=", section)
    assert not typed, f"moved anchors typed in the page: {typed}; add entries to extra.moved_anchors instead"
    assert 'moved_anchors_from("whatsapp-permissions-guide.md")' in section


@pytest.mark.parametrize(
    ("extra", "problem"),
    [
        ({"moved_anchors": [{"from": "a.md", "to": "b.md#x"}]}, "from 'a.md' must be page.md#anchor"),
        ({"moved_anchors": [{"from": "a.md#x", "to": "https://example.com/"}]}, "must be page.md or page.md#anchor"),
        ({"moved_anchors": [{"from": "a.md#x", "to": "b.md#y"}, {"from": "a.md#x", "to": "c.md"}]}, "listed twice"),
        ({"moved_anchors": [{"from": "a.md#x"}]}, "write {from: page.md#anchor"),
    ],
)
def test_a_malformed_moved_anchor_is_refused_with_its_fix(extra, problem):
    with pytest.raises(moved.MovedAnchorsError, match=re.escape(problem)):
        moved.entries(extra)


# ---- 7. navigation and search features ------------------------------------------------------------------


def test_navigation_and_search_features_are_on_and_rendered(site):
    features = mkdocs_config()["theme"]["features"]
    for feature in (
        "navigation.instant.prefetch",
        "navigation.instant.progress",
        "navigation.footer",
        "navigation.top",
        "search.suggest",
        "search.share",
        "content.action.edit",
        "content.tooltips",
    ):
        assert feature in features, feature
    soup = pages(site)["app-review/index.html"]
    assert soup.select("footer .md-footer__link"), "navigation.footer: no previous/next links"
    assert soup.select_one(".md-top"), "navigation.top: no back-to-top button"
    assert soup.select_one('[data-md-component="search-share"]'), "search.share: no share button"
    assert soup.select_one('[data-md-component="search-suggest"]'), "search.suggest: no suggestion slot"


# ---- 8. link previews ------------------------------------------------------------------------------------


def front_matter(src: str) -> dict:
    text = (ROOT / "docs" / src).read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n", 2)[1]) if text.startswith("---\n") else {}


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


def test_every_page_has_link_preview_tags_and_the_image_exists(site):
    config = mkdocs_config()
    for name, soup in pages(site).items():

        def meta(key: str, attr: str = "property", soup=soup, name=name) -> str:
            tag = soup.select_one(f'head meta[{attr}="{key}"]')
            assert tag is not None, f"{name}: no {key}"
            return tag["content"]

        title = soup.select_one("head title").get_text()
        assert meta("og:title") == meta("twitter:title", "name") == title, name
        if (ROOT / "docs" / src_of(name)).is_file():
            description = front_matter(src_of(name)).get("description") or config["site_description"]
        else:  # a page generated at build time (errors/<code>/): its own description names its code
            description = soup.select_one('head meta[name="description"]')["content"]
            assert name.split("/")[1] in description, name
        assert meta("og:description") == meta("twitter:description", "name") == description, name
        assert meta("og:url") == soup.select_one("head link[rel=canonical]")["href"]
        image = meta("og:image")
        assert image == meta("twitter:image", "name") and image.startswith(site_url()), image
        local = site / image[len(site_url()) :]
        assert png_size(local) == (1200, 630) == (int(meta("og:image:width")), int(meta("og:image:height")))
        assert meta("twitter:card", "name") == "summary_large_image"
    assert config["site_name"] in pages(site)["index.html"].select_one('meta[property="og:title"]')["content"]
