"""The changelog's RSS 2.0 feed, built from data/guide.yaml's `changelog:` entries.

mkdocs-rss-plugin makes one feed item per page (from its git dates and metadata); this feed needs
one item per changelog entry, which lives in the YAML, not in pages. So the macros module's
on_post_build writes `changelog.xml` with the standard library's xml.etree, which escapes every
value. Links are absolute (a feed reader has no base URL) and follow site_url.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from email.utils import format_datetime

FEED_FILE = "changelog.xml"
CHANGELOG_PAGE = "changelog/"


def entry_url(site_url: str, entry: dict) -> str:
    return f"{site_url.rstrip('/')}/{CHANGELOG_PAGE}#{entry['id']}"


def _rfc822(day: dt.date) -> str:
    return format_datetime(dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc))


def rss(data: dict, site_url: str, site_name: str) -> bytes:
    """The feed as UTF-8 bytes, entries in the YAML's order (newest first; guide_data checks it)."""
    entries = data["changelog"]
    rss_el = ET.Element("rss", version="2.0")
    channel = ET.SubElement(rss_el, "channel")
    ET.SubElement(channel, "title").text = f"{site_name}: changelog"
    ET.SubElement(channel, "link").text = f"{site_url.rstrip('/')}/{CHANGELOG_PAGE}"
    ET.SubElement(channel, "description").text = "What changed in the guide's facts, each change with its source."
    ET.SubElement(channel, "language").text = "en"
    ET.SubElement(channel, "lastBuildDate").text = _rfc822(entries[0]["date"])
    for entry in entries:
        item = ET.SubElement(channel, "item")
        ET.SubElement(item, "title").text = entry["title"]
        ET.SubElement(item, "link").text = entry_url(site_url, entry)
        ET.SubElement(item, "guid", isPermaLink="true").text = entry_url(site_url, entry)
        ET.SubElement(item, "pubDate").text = _rfc822(entry["date"])
        facts = ", ".join(entry["facts"])
        ET.SubElement(item, "description").text = f"{entry['summary']} Facts changed: {facts}. Source: {entry['source']}"
    ET.indent(rss_el)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(rss_el, encoding="unicode") + "\n").encode("utf-8")
