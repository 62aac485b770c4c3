"""Regenerate the README's screenshots: `python docs/screenshots.py` (needs Debian's chromium).

Writes a realistic room into a temporary data folder (35 practices answered by 12 people:
tests/roomdata.py), starts a demo server on loopback beside it, lets the simulated
participants answer for a while, and photographs the facilitator page, a phone's card and
the projector's overview, one practice in focus and the negotiation.
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
from roomdata import seed_negotiation, seed_room  # noqa: E402
from serverproc import Server, wait_for  # noqa: E402

ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
]
IMG = HERE / "img"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        room = seed_room(data, "fr", phase="map")
        negotiation = seed_negotiation(data, "fr")
        server = Server(data, 0, "--demo").start()
        try:
            code = wait_for(lambda: server.lines("Join: "))[-1].rsplit("/", 1)[1]
            time.sleep(25)  # let the simulated room answer
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=ARGS)
                desk = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 860})
                page = desk.new_page()
                page.goto(server.facilitator_url)
                page.goto(f"{server.base}/f/w/{code}")
                page.screenshot(path=IMG / "facilitator.png")
                projector = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
                for name, url in (
                    ("projector.png", f"/s/{room}"),
                    ("projector-focus.png", f"/s/{room}?practice=whatsapp-users"),
                    ("projector-negotiation.png", f"/s/{negotiation}"),
                ):
                    projector.goto(server.base + url)
                    projector.locator("body[data-live]").wait_for()
                    projector.wait_for_timeout(500)
                    projector.screenshot(path=IMG / name)
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
                phone.screenshot(path=IMG / "phone.png")
                browser.close()
        finally:
            server.stop()


if __name__ == "__main__":
    main()
