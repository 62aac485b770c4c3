#!/usr/bin/env python3
"""Page weight: what a participant's phone downloads on first load (issue 5: at most 100 KB).

    python bench/page_weight.py                 # start a --demo server on loopback, measure
    python bench/page_weight.py --budget 102400 # the limit per page, in bytes (default: 100 KB)
    python bench/page_weight.py --first-visit-budget 40960  # join page to first card (40 KB)

Starts `workshop serve --demo --host 127.0.0.1 --port 0` on a temporary data folder (the
demo workshop is open for answers), then drives Debian's Chromium (never a downloaded
browser) at 360x640 like a phone:

1. the join page, in a fresh context (empty cache): where the QR code leads;
2. the list of cards, right after pressing "join" (same context: what is cached stays);
3. card 1, in the same context;
4. card 1 again in a fresh context holding only the participant's cookie (empty cache):
   the heaviest participant page, for a phone that kept nothing.

Each response's bytes on the wire (headers included) come from the Chrome DevTools
Protocol (`Network.loadingFinished` encodedDataLength); a response served from the cache
costs 0. WebSocket frames received while the page settles are counted too. Chromium asks
for compressed responses as any phone's browser does (`Accept-Encoding`); the `enc` column
shows what the server sent (gzip, or nothing: sent as it is). A table per page; the exit
code is 1 if a page loaded with an empty cache (1 and 4) weighs more than the budget, or
the first visit (1 + 2 + 3) more than its own budget. Needs the test extras (Playwright,
requests) and Chromium on PATH.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from serverproc import Server, wait_for  # noqa: E402

BUDGET = 100 * 1024
#: The first visit of one phone (join page, list of cards, first card), gzip on.
FIRST_VISIT_BUDGET = 40 * 1024
ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
    "--no-first-run",
]
PHONE = {
    "viewport": {"width": 360, "height": 640},
    "is_mobile": True,
    "has_touch": True,
    "locale": "fr-FR",
}


class Recorder:
    """Every response of one page (CDP Network events), with its bytes on the wire."""

    def __init__(self, page):
        self.page = page
        self.cdp = page.context.new_cdp_session(page)
        self.requests: dict[str, dict] = {}
        self.frames = [0, 0]  # WebSocket frames received, their bytes
        self.cdp.on("Network.requestWillBeSent", self._sent)
        self.cdp.on("Network.responseReceived", self._received)
        self.cdp.on("Network.requestServedFromCache", self._cached)
        self.cdp.on("Network.loadingFinished", self._finished)
        self.cdp.on("Network.webSocketFrameReceived", self._frame)
        self.cdp.send("Network.enable")

    def _sent(self, event):
        row = self.requests.setdefault(event["requestId"], {"bytes": 0, "cache": ""})
        row["url"], row["type"] = event["request"]["url"], event.get("type", "")

    def _received(self, event):
        row = self.requests.setdefault(event["requestId"], {"bytes": 0, "cache": ""})
        response = event["response"]
        row["url"], row["status"] = response["url"], response["status"]
        headers = {k.lower(): v for k, v in (response.get("headers") or {}).items()}
        row["encoding"] = headers.get("content-encoding", "")
        row["type"] = event.get("type", row.get("type", ""))
        if response.get("fromDiskCache"):
            row["cache"] = "disk cache"

    def _cached(self, event):
        self.requests.setdefault(event["requestId"], {"bytes": 0})["cache"] = "memory cache"

    def _finished(self, event):
        self.requests.setdefault(event["requestId"], {"cache": ""})["bytes"] = int(
            event["encodedDataLength"]
        )

    def _frame(self, event):
        self.frames[0] += 1
        self.frames[1] += len(event["response"]["payloadData"].encode())

    def take(self) -> list[dict]:
        """The rows recorded since the last call, in request order; then start afresh."""
        rows = [r for r in self.requests.values() if "url" in r and "status" in r]
        if self.frames[0]:
            rows.append(
                {
                    "url": f"(WebSocket: {self.frames[0]} frames received)",
                    "type": "WebSocket",
                    "status": 101,
                    "bytes": self.frames[1],
                    "cache": "",
                }
            )
        self.requests, self.frames = {}, [0, 0]
        return rows


def settle(page) -> None:
    page.wait_for_load_state("load")
    page.wait_for_load_state("networkidle")  # the Socket.IO handshake is done


def table(title: str, rows: list[dict]) -> int:
    total = sum(r["bytes"] for r in rows)
    print(f"\n{title}")
    print(f"  {'resource':<58} {'type':<11} {'status':>6} {'enc':>4} {'bytes':>8}")
    for r in rows:
        parts = urlsplit(r["url"])
        name = parts.path + (f"?{parts.query}" if parts.query else "") if parts.scheme else r["url"]
        if len(name) > 58:
            name = name[:55] + "..."
        note = f"  ({r['cache']})" if r.get("cache") else ""
        encoding = r.get("encoding", "") if not r.get("cache") else ""
        print(f"  {name:<58} {r['type']:<11} {r['status']:>6} {encoding:>4} {r['bytes']:>8}{note}")
    print(f"  {'total':<58} {'':<11} {'':>6} {'':>4} {total:>8}  ({total / 1024:.1f} KB)")
    return total


def measure(join_url: str, chromium: str) -> list[tuple[str, int, bool]]:
    from playwright.sync_api import sync_playwright

    code = join_url.rstrip("/").rsplit("/", 1)[1]
    results = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=ARGS)
        context = browser.new_context(**PHONE)
        page = context.new_page()
        recorder = Recorder(page)

        page.goto(join_url)
        settle(page)
        title = "1. join page, empty cache"
        results.append((title, table(title, recorder.take()), True))

        page.locator("main form button[type=submit]").click()
        page.wait_for_url(f"**/j/{code}")
        settle(page)
        title = "2. list of cards after joining (same phone: cached files are reused)"
        results.append((title, table(title, recorder.take()), False))

        card_url = join_url.rstrip("/") + "/card/1"
        page.goto(card_url)
        settle(page)
        title = "3. card 1 (same phone)"
        results.append((title, table(title, recorder.take()), False))

        cookies = context.cookies()
        cold = browser.new_context(**PHONE)
        cold.add_cookies(cookies)
        page = cold.new_page()
        recorder = Recorder(page)
        page.goto(card_url)
        settle(page)
        title = "4. card 1, empty cache (a phone that kept only its cookie)"
        results.append((title, table(title, recorder.take()), True))
        cold.close()
        context.close()
        browser.close()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--budget", type=int, default=BUDGET, help="bytes (default 102400)")
    parser.add_argument(
        "--first-visit-budget",
        type=int,
        default=FIRST_VISIT_BUDGET,
        help="bytes for pages 1 + 2 + 3 (default 40960)",
    )
    parser.add_argument(
        "--chromium",
        default=shutil.which("chromium") or shutil.which("chromium-browser"),
        help="the browser to drive (default: chromium on PATH)",
    )
    options = parser.parse_args()
    if not options.chromium:
        parser.error("no chromium on PATH (Debian: apt-get install chromium)")

    with tempfile.TemporaryDirectory(prefix="spheres-weight-") as folder:
        server = Server(Path(folder) / "data", 0, "--demo").start()
        try:
            join_url = wait_for(lambda: server.lines("Join:"), timeout=10)[0]
            host = urlsplit(join_url).hostname
            if host not in ("127.0.0.1", "localhost"):
                raise SystemExit(f"refusing to measure a non-loopback address: {join_url}")
            results = measure(join_url, options.chromium)
        finally:
            server.stop()

    print(f"\nbudget: {options.budget} bytes ({options.budget / 1024:.0f} KB) per page")
    over = [(title, total) for title, total, cold in results if cold and total > options.budget]
    session = sum(total for _title, total, _cold in results[:3])
    print(
        f"first visit, join page to first card on one phone: {session} bytes "
        f"({session / 1024:.1f} KB; budget {options.first_visit_budget})"
    )
    for title, total in over:
        print(f"OVER BUDGET by {total - options.budget} bytes: {title}")
    if session > options.first_visit_budget:
        print(f"FIRST VISIT OVER BUDGET by {session - options.first_visit_budget} bytes")
    if not over:
        print("every page loaded with an empty cache is within the budget")
    return 1 if over or session > options.first_visit_budget else 0


if __name__ == "__main__":
    sys.exit(main())
