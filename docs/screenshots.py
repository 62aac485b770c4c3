"""Regenerate the README's screenshots: `python docs/screenshots.py` (needs Debian's chromium).

Starts a demo server on loopback in a temporary folder, lets the simulated participants
answer for a while, and photographs the facilitator page, a phone and the projector.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from playwright.sync_api import sync_playwright  # noqa: E402
from serverproc import Server, wait_for  # noqa: E402

ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(Path(tmp) / "data", 0, "--demo").start()
        try:
            code = wait_for(lambda: server.lines("Join: "))[0].rsplit("/", 1)[1]
            time.sleep(25)  # let the simulated room answer
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=ARGS)
                desk = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 860})
                page = desk.new_page()
                page.goto(server.facilitator_url)
                page.goto(f"{server.base}/f/w/{code}")
                page.screenshot(path=HERE / "img" / "facilitator.png")
                projector = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
                projector.goto(f"{server.base}/s/{code}")
                projector.wait_for_timeout(800)
                projector.screenshot(path=HERE / "img" / "projector.png")
                phone = browser.new_context(
                    locale="fr-FR", viewport={"width": 360, "height": 640}, is_mobile=True
                ).new_page()
                phone.goto(f"{server.base}/j/{code}")
                phone.get_by_role("button").first.click()
                phone.goto(f"{server.base}/j/{code}/card/1")
                phone.locator(".sphere-means .choice-discuss").click()
                phone.locator(".sphere-means .comment-box summary").click()
                phone.locator("#means-comment").fill("Il faudrait l'accord écrit de la personne.")
                phone.locator(".sphere-means .save-status").get_by_text("Enregistré").wait_for()
                phone.evaluate("window.scrollTo(0, 0)")
                phone.screenshot(path=HERE / "img" / "phone.png")
                browser.close()
        finally:
            server.stop()


if __name__ == "__main__":
    main()
