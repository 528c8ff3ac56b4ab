"""python tools/social_card.py: draw the link-preview image, docs/assets/social-card.png (1200x630).

A flat background keeps the PNG small (about 60 KB): chat apps may skip large preview images.

WhatsApp, Slack and Telegram show this image (og:image, overrides/main.html) when a page's address
is pasted. Material's social plugin would draw one per page, but it downloads fonts at build time,
which fails offline; one static card, drawn here from the site's name and description in
mkdocs.yml by Debian's Chromium (system fonts, no network), is committed instead. Rerun after
changing the site's name or description and commit the PNG.
"""

from __future__ import annotations

import html
import os
import sys
from pathlib import Path

from mkdocs.utils.yaml import yaml_load

ROOT = Path(__file__).resolve().parent.parent
CARD = ROOT / "docs" / "assets" / "social-card.png"
WIDTH, HEIGHT = 1200, 630
CHROMIUM = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"

TEMPLATE = """<!doctype html><html><head><meta charset="utf-8"><style>
html, body {{ margin: 0; width: {w}px; height: {h}px; }}
body {{ font-family: "DejaVu Sans", "Liberation Sans", sans-serif; color: #fff;
       background: #075e54; border-bottom: 24px solid #25d366;
       display: flex; flex-direction: column; justify-content: center; padding: 0 90px; box-sizing: border-box; }}
h1 {{ font-size: 72px; line-height: 1.1; margin: 0 0 28px; letter-spacing: -1px; }}
p {{ font-size: 34px; line-height: 1.35; margin: 0; opacity: .95; max-width: 1000px; }}
.tag {{ margin-top: 44px; font-size: 26px; font-family: "DejaVu Sans Mono", monospace;
        background: rgba(0,0,0,.25); padding: 10px 18px; border-radius: 8px; align-self: flex-start; }}
</style></head><body><h1>{name}</h1><p>{description}</p>
<div class="tag">permissions · App Review · tokens · error codes</div></body></html>"""


def card_html(root: Path = ROOT) -> str:
    with (root / "mkdocs.yml").open(encoding="utf-8") as handle:
        config = yaml_load(handle)
    return TEMPLATE.format(
        w=WIDTH, h=HEIGHT, name=html.escape(config["site_name"]), description=html.escape(config["site_description"])
    )


def main(target: Path = CARD) -> int:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT}, device_scale_factor=1)
        page.set_content(card_html())
        target.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(target), full_page=False)
        browser.close()
    print(f"wrote {target.relative_to(ROOT)} ({WIDTH}x{HEIGHT})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
