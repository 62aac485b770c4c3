"""The facilitator steers the room from a phone: headless Chromium on a real server whose
workshops have 35 practices answered by 12 people (tests/roomdata.py), one per phase.

No control page is wider than a 360 px phone and every control is a 44 px target; the
negotiation fits one 1280x800 screen; the open round follows the room live; the timer
counts down on a phone, even one whose clock is wrong; creating a workshop counts the
practices chosen and ticks a register at once."""

from __future__ import annotations

import re

import pytest
import requests
from roomdata import seed_room
from serverproc import Server, wait_for
from test_browser import PHONE, browser, new_page  # noqa: F401

pytestmark = pytest.mark.browser

PHASES = ["joining", "screening", "map", "negotiation", "charter"]
CLAUSE = "Nous échangeons avec les personnes par Signal, depuis les téléphones de service."
DRAFT = "Nous demandons l'accord écrit de la personne avant le premier message."


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    """A server with one seeded workshop per phase; in negotiation a practice is under
    discussion, with a decision, an open round (three answers) and a draft clause."""
    data = tmp_path_factory.mktemp("room") / "data"
    codes = {phase: seed_room(data, phase=phase) for phase in PHASES}
    server = Server(data).start()
    http = server.facilitator()
    code = codes["negotiation"]

    def post(session, path, **form):
        form["csrf"] = session.cookies.get("spheres_csrf")
        response = session.post(f"{server.base}{path}", data=form, timeout=10)
        assert response.status_code < 400, (path, response.text[:300])
        return response

    page = http.get(f"{server.base}/f/w/{code}", timeout=10).text
    practice = re.search(r'name="practice" value="([^"]+)"', page).group(1)
    post(http, f"/f/w/{code}/focus", practice=practice)
    post(
        http,
        f"/f/w/{code}/decision",
        practice=practice,
        kind="keep_with_conditions",
        detail="Avec un téléphone de service",
    )
    for wording in (CLAUSE, DRAFT):
        post(http, f"/f/w/{code}/clauses", practice=practice, text=wording)
    first = min(
        int(i) for i in re.findall(r"/clauses/(\d+)", http.get(f"{server.base}/f/w/{code}").text)
    )
    post(http, f"/f/w/{code}/clauses/{first}", action="open")
    people = []
    for value, reason in (
        ("consent", ""),
        ("objection", "Pas de smartphone"),
        ("reservation", "Former"),
    ):
        person = requests.Session()
        server.sessions.append(person)
        person.get(f"{server.base}/j/{code}", timeout=10)
        person.post(f"{server.base}/j/{code}/join", json={"pseudonym": ""}, timeout=10)
        round_id = re.search(
            r'name="round" value="(\d+)"', person.get(f"{server.base}/j/{code}").text
        ).group(1)
        post(person, f"/j/{code}/consent", round=round_id, value=value, reason=reason)
        people.append((person, round_id))
    server.codes, server.post, server.people = codes, post, people
    yield server
    server.stop()


def facilitator_page(browser, server, **options):  # noqa: F811
    page = new_page(browser, **options)
    page.goto(server.facilitator_url)
    return page


CONTROLS = ", ".join(
    [
        "main button",
        "main .button",
        "main summary",
        "main select",
        "main input:not([type=radio]):not([type=checkbox]):not([type=hidden])",
        ".control-nav a",
    ]
)
TARGETS = """() => Array.from(document.querySelectorAll(CONTROLS))
  .filter(e => e.offsetParent !== null)
  .map(e => ({what: e.outerHTML.slice(0, 90), h: e.getBoundingClientRect().height}))
  .filter(t => t.h < 44)""".replace("CONTROLS", repr(CONTROLS))


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_no_control_page_is_wider_than_a_360_px_phone(browser, room, lang):  # noqa: F811
    page = facilitator_page(browser, room, **PHONE)
    page.goto(f"{room.base}/f/?lang={lang}")
    paths = ["/f/", "/f/new", f"/f/w/{room.codes['screening']}/paper"]
    paths += [f"/f/w/{room.codes[phase]}" for phase in PHASES]
    for path in paths:
        page.goto(room.base + path)
        # What is folded must fit too, once opened.
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{path} is {width} px wide on a 360 px phone"
        small = page.evaluate(TARGETS)
        assert small == [], f"{path}: targets under 44 px: {small[:3]}"
    assert page.errors == []


def test_the_negotiation_fits_one_screen_and_is_one_tap_away_on_a_phone(browser, room):  # noqa: F811
    code = room.codes["negotiation"]
    desk = facilitator_page(browser, room, viewport={"width": 1280, "height": 800})
    desk.goto(f"{room.base}/f/w/{code}")
    work = desk.locator("#negotiation")
    must_show = [
        work.locator("h2"),
        work.get_by_role("button", name="Enregistrer la décision"),
        work.get_by_text(CLAUSE),
        work.locator("[data-round-answered]"),
        work.get_by_role("button", name="Clore le tour"),
        work.locator("textarea", has_text=DRAFT),
        work.get_by_role("button", name="Ouvrir un tour de consentement"),
        desk.get_by_role("button", name="Clore : la charte"),
        desk.get_by_role("button", name="5 min", exact=True),
    ]
    for part in must_show:
        box = part.bounding_box()
        assert box and box["y"] + box["height"] <= 800, f"below the first screen: {part}"
    assert desk.evaluate("document.documentElement.scrollHeight") < 2500  # not 4,471 px
    phone = facilitator_page(browser, room, **PHONE)
    phone.goto(f"{room.base}/f/w/{code}")
    jump = phone.locator(".control-nav").get_by_role("link", name="En discussion")
    assert jump.bounding_box()["y"] < 640
    jump.click()
    heading = phone.locator("#negotiation h2").bounding_box()
    assert 0 <= heading["y"] < 640
    assert desk.errors == [] and phone.errors == []


def test_the_open_round_is_followed_live_on_the_control_page(browser, room):  # noqa: F811
    code = room.codes["negotiation"]
    page = facilitator_page(browser, room, **PHONE)
    page.goto(f"{room.base}/f/w/{code}")
    answered = page.locator("#negotiation [data-round-answered]")
    assert answered.inner_text() == "3"
    person, round_id = room.people[0]
    room.post(person, f"/j/{code}/consent", round=round_id, value="objection", reason="Trop cher")
    wait_for(
        lambda: page.locator('#negotiation [data-round-tally="objection"]').inner_text() == "2"
    )
    assert answered.inner_text() == "3"  # the same person changed their answer
    assert "Trop cher" in page.locator('[data-round-reasons="objections"]').inner_text()
    room.post(person, f"/j/{code}/consent", round=round_id, value="consent", reason="")
    wait_for(
        lambda: page.locator('#negotiation [data-round-tally="objection"]').inner_text() == "1"
    )
    assert page.errors == []


def test_the_timer_counts_down_on_a_phone_whose_clock_is_wrong(browser, room):  # noqa: F811
    code = room.codes["screening"]
    boss = facilitator_page(browser, room, **PHONE)  # steering from a phone too
    boss.goto(f"{room.base}/f/w/{code}")
    phone = new_page(browser, **PHONE)
    phone.add_init_script(
        "(() => { const real = Date.now; Date.now = () => real() + 3 * 3600e3; })()"
    )
    phone.goto(f"{room.base}/j/{code}")
    phone.locator("main form button[type=submit]").click()
    phone.wait_for_url(f"**/j/{code}")
    timer = phone.get_by_role("timer")
    assert timer.is_hidden()
    boss.get_by_role("button", name="2 min", exact=True).click()
    timer.wait_for()
    assert timer.get_attribute("aria-labelledby") and "Temps pour répondre" in timer.inner_text()
    clock = phone.locator(".room-timer-clock")
    wait_for(lambda: clock.inner_text() in ("02:00", "01:59", "01:58"))
    first = clock.inner_text()
    wait_for(lambda: clock.inner_text() != first, timeout=4)
    assert clock.inner_text() >= "01:55"  # counting from the seconds sent, not its own clock
    assert "jusqu'à" in phone.locator(".room-timer-until").inner_text()
    boss.get_by_role("button", name="Arrêter le minuteur").click()
    timer.wait_for(state="hidden")
    assert phone.errors == [] and boss.errors == []


def test_the_end_of_the_time_is_said_once_in_words(browser, room):  # noqa: F811
    code = room.codes["map"]
    screen = new_page(browser, viewport={"width": 1280, "height": 720})
    screen.goto(f"{room.base}/s/{code}")
    http = room.facilitator()
    room.post(http, f"/f/w/{code}/timer", kind="practice", minutes="1")
    timer = screen.get_by_role("timer")
    timer.wait_for()
    # Jump to its end: the page counts on this device, from when the push arrived.
    screen.evaluate("(() => { const real = Date.now; Date.now = () => real() + 61e3; })()")
    wait_for(lambda: "Temps écoulé" in timer.inner_text(), timeout=3)
    assert screen.locator(".room-timer-clock").inner_text() == "00:00"
    assert (
        screen.locator("#room-timer-status").inner_text()
        == "Temps écoulé\u00a0: Discussion de la pratique"  # French spacing, kept whole
    )
    room.post(http, f"/f/w/{code}/timer", action="stop")
    timer.wait_for(state="hidden")
    assert screen.errors == []


def test_creating_counts_the_practices_and_ticks_a_register_at_once(browser, room):  # noqa: F811
    page = facilitator_page(browser, room, **PHONE)
    page.goto(f"{room.base}/f/new")
    count = page.locator("#chosen-count")
    assert count.inner_text() == "Aucune pratique choisie"
    ticked = page.locator("#practice-choices input[type=checkbox]:checked")
    page.get_by_role("button", name="Médiatisation").click()
    mediatisation = page.locator('#practice-choices li[data-register="mediatisation"]').count()
    assert 0 < mediatisation < 35 and ticked.count() == mediatisation
    assert count.inner_text() == f"{mediatisation} pratiques choisies"
    page.get_by_role("button", name="Cocher celles affichées", exact=True).click()
    assert count.inner_text() == "35 pratiques choisies"
    page.get_by_role("button", name="Décocher celles affichées").click()
    assert count.inner_text() == "Aucune pratique choisie" and ticked.count() == 0
    page.get_by_label("Titre de l'atelier").fill("Revue")
    page.get_by_label("Revoir un atelier précédent (facultatif)").select_option(room.codes["map"])
    assert count.inner_text() == "35 pratiques choisies"  # the reviewed workshop's practices
    assert page.errors == []


def test_the_code_for_the_facilitator_s_phone_shows_when_asked(browser, room):  # noqa: F811
    """The one-time code's page (what it signs in is tested in process: test_control)."""
    from test_accessibility import AXE, RUN_AXE

    code = room.codes["screening"]
    for size in ({"viewport": {"width": 1280, "height": 800}}, PHONE):
        # bypass_csp: to inject axe-core; the app's own scripts are unaffected
        desk = facilitator_page(browser, room, bypass_csp=True, **size)
        desk.goto(f"{room.base}/f/w/{code}")
        assert desk.locator("#steer svg.qr").count() == 0  # nothing to scan until asked
        desk.locator("#steer summary").click()
        desk.get_by_role("button", name="Montrer un code pour mon téléphone").click()
        desk.get_by_role("heading", name="Piloter depuis un téléphone").wait_for()
        assert desk.locator("svg.qr").is_visible()
        assert desk.evaluate("document.documentElement.scrollWidth") <= size["viewport"]["width"]
        desk.add_script_tag(path=str(AXE))
        assert desk.evaluate(RUN_AXE) == []
        desk.get_by_role("link", name="C'est fait : revenir à l'atelier").click()
        desk.wait_for_url(f"**/f/w/{code}#steer")
        assert desk.errors == []
