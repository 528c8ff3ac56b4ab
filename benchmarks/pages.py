"""Per-page weight and timing in headless Chromium, cold cache, from a local server; and the same
for a stock Material page built in the same run, to see what this site adds."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
ASSET_TYPES = {"stylesheet", "script", "font", "image"}
# Chrome DevTools' "Slow 4G" preset, as Lighthouse applies it: 150 ms RTT x 3.75 and 1.6 Mbit/s
# down (750 kbit/s up) x 0.9. Applied per page through CDP's Network.emulateNetworkConditions.
SLOW_4G = {
    "offline": False,
    "latency": 150 * 3.75,
    "downloadThroughput": 1.6 * 1024 * 1024 * 0.9 / 8,
    "uploadThroughput": 750 * 1024 * 0.9 / 8,
}
# The seed draft's origin site is on the internet; benchmarks run offline, so it cannot be
# measured here. The report says so instead of printing a guess.
SEED_ORIGIN_NOTE = "seed origin's permissions page: not measurable offline (no network access in this run)"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002
        pass


def serve_dir(directory: Path) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def build_stock_material(dest: Path, markdown: str = "# Stock page\n\nA stock Material for MkDocs page.\n") -> Path:
    """A one-page stock Material site of `markdown`: same theme version, no customisation, no web fonts."""
    (dest / "docs").mkdir(parents=True)
    (dest / "docs" / "index.md").write_text(markdown, encoding="utf-8")
    (dest / "mkdocs.yml").write_text("site_name: Stock\ntheme:\n  name: material\n  font: false\n", encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(dest / "site")],
        cwd=dest,
        check=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    return dest / "site"


def measure_page(browser, url: str, local: str, network: dict | None = None) -> dict:
    """Transferred bytes and timings of one cold-cache load; `network` throttles it (SLOW_4G)."""
    context = browser.new_context()  # a new context per page: cold cache
    page = context.new_page()
    if network is not None:
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", network)
    responses = []
    page.on("requestfinished", lambda request: responses.append(request))
    page.goto(url, wait_until="networkidle")
    timing = page.evaluate("""() => {
        const nav = performance.getEntriesByType('navigation')[0];
        const fcp = performance.getEntriesByName('first-contentful-paint')[0];
        return {fcp: fcp ? fcp.startTime : null, load: nav.loadEventEnd - nav.startTime};
    }""")
    total = assets = 0
    third_party = 0
    for request in responses:
        sizes = request.sizes()
        size = sizes["responseBodySize"] + sizes["responseHeadersSize"]
        total += size
        if request.resource_type in ASSET_TYPES:
            assets += size
        if not request.url.startswith(local) and not request.url.startswith("data:"):
            third_party += 1
    context.close()
    return {
        "bytes": total,
        "asset_bytes": assets,
        "requests": len(responses),
        "third_party_requests": third_party,
        "fcp_ms": round(timing["fcp"] or 0, 1),
        "load_ms": round(timing["load"], 1),
    }


def measure_site(site: Path, paths: list[str]) -> dict:
    from playwright.sync_api import sync_playwright

    results = {}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        # The same browser as the browser tests: $CHROMIUM_PATH, else Debian's package.
        chromium = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        server, base = serve_dir(site)
        stock_server, stock_base = serve_dir(build_stock_material(Path(tmp)))
        try:
            for path in paths:
                results["/" + path] = measure_page(browser, base + path, base)
                slow = measure_page(browser, base + path, base, SLOW_4G)
                results["/" + path].update(slow_4g_fcp_ms=slow["fcp_ms"], slow_4g_load_ms=slow["load_ms"])
            results["stock Material page"] = measure_page(browser, stock_base, stock_base)
            stock_slow = measure_page(browser, stock_base, stock_base, SLOW_4G)
            results["stock Material page"].update(slow_4g_fcp_ms=stock_slow["fcp_ms"], slow_4g_load_ms=stock_slow["load_ms"])
        finally:
            server.shutdown()
            stock_server.shutdown()
            browser.close()
    return results
