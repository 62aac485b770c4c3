"""A phone with JavaScript answers a new look: saved as it is chosen, in its pass, and the
page follows the facilitator when it closes."""

from __future__ import annotations

import sqlite3

import pytest
from serverproc import wait_for
from test_browser import PHONE, browser, new_page, server  # noqa: F401

pytestmark = pytest.mark.browser


def test_a_phone_saves_its_new_look_as_it_goes(browser, server):  # noqa: F811
    facilitator = server.facilitator()
    code = server.create_workshop(facilitator, ["whatsapp-users", "cloud-case-files"])
    server.set_phase(facilitator, code, "screening")
    phone = new_page(browser, **PHONE)
    phone.goto(f"{server.base}/j/{code}")
    phone.locator("main form button[type=submit]").click()
    phone.wait_for_url(f"**/j/{code}")
    for phase in ("map", "negotiation"):
        server.set_phase(facilitator, code, phase)
    # The phone follows the phase by itself: a goto here would race its own reload.
    phone.get_by_role("heading", level=1, name="Négociation").wait_for()
    csrf = facilitator.cookies["spheres_csrf"]

    def revisit(**data):
        url = f"{server.base}/f/w/{code}/revisit"
        facilitator.post(url, data={"csrf": csrf, **data}, timeout=10).raise_for_status()

    with phone.expect_navigation():  # the page reloads when the new look opens
        revisit(action="open", practice="cloud-case-files")
    control = new_page(browser, viewport={"width": 1280, "height": 800})
    control.goto(server.facilitator_url)
    control.goto(f"{server.base}/f/w/{code}")
    counted = control.locator("[data-revisit-answered]")
    assert counted.inner_text() == "personne n'a encore répondu."
    projector = new_page(browser, viewport={"width": 1280, "height": 720})
    projector.goto(f"{server.base}/s/{code}")
    assert projector.locator(".revisit-count b").inner_text() == "0"
    phone.get_by_role("link", name="Répondre de nouveau").click()
    phone.wait_for_url(f"**/j/{code}/card/2")
    assert "Nouveau regard après la discussion (passage 2)" in phone.inner_text("main")
    # The card asked again is the screening's card: short questions, comments on demand,
    # within two screens.
    assert phone.evaluate("document.documentElement.scrollHeight") <= 2 * 640
    assert phone.locator("details.comment-box[open]").count() == 0
    phone.locator(".sphere-values .choice-problem").click()
    status = phone.locator(".sphere-values .save-status")
    wait_for(lambda: status.inner_text().strip() == "Enregistré ✓")

    db = sqlite3.connect(server.data / "workshop.sqlite3")
    rows = db.execute("SELECT practice_id, sphere, value, pass FROM answer").fetchall()
    db.close()
    assert rows == [("cloud-case-files", "values", "problem", 2)]
    # The control page and the projector count it live, without showing the answer.
    wait_for(lambda: counted.inner_text() == "1 personne a répondu.")
    wait_for(lambda: projector.locator(".revisit-count b").inner_text() == "1")
    assert projector.locator("svg.bar").count() == 0

    with phone.expect_navigation():  # closed: the card gives way to the negotiation
        revisit(action="close")
    phone.wait_for_url(f"**/j/{code}")
    assert "Nouveau regard après" not in phone.inner_text("main")
    # Closed: the projector sets the first and the last pass side by side.
    projector.locator("body.view-negotiation .pass-line.after").first.wait_for()
    for page in (phone, control, projector):
        assert page.errors == []
