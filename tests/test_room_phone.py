"""Phones in a full room: a 35-practice workshop answered by 12 people (tests/roomdata.py).

What is measured is geometry, never pixels, so that later restyling keeps the tests: at
320×568 and 360×640, in French and English, normal and easy-read,

- a card is at most two screens tall, and its first sphere's four answers (easy-read: the
  first answer) are on the first screen without scrolling, for every practice;
- no word of an answer, a button or a summary is broken across two lines (each word's
  DOM Range has its boxes on one line), chosen or not;
- the chosen answer is a checked radio button with a check mark, saved as it is tapped;
- the map, negotiation (a practice under discussion, an open consent round) and charter
  pages break no word either, are no wider than the screen, and pass axe-core.

One server for the module holds one workshop per language, reading mode and phase,
written into its data folder before it starts.
"""

from __future__ import annotations

import time

import pytest
from roomdata import seed_room
from serverproc import Server
from test_accessibility import AXE, RUN_AXE, report
from test_browser import browser  # noqa: F401

from workshop.model import ClauseStatus, Phase
from workshop.store import Store

pytestmark = pytest.mark.browser

SIZES = {"320x568": (320, 568), "360x640": (360, 640)}
LANGS = ("fr", "en")
MODES = {"normal": False, "easy": True}
PRACTICES = 35
# Where a word must stay whole: the answers' words, buttons, summaries, the counts.
WORDS = ".choice-word, button, summary, .nav-buttons, .easy-counts li, .counts li"
CLAUSES = {
    "fr": ("Nous écrivons aux personnes par Signal, avec leur accord.", "L'équipe"),
    "en": ("We write to people with Signal, with their consent.", "The team"),
}

BROKEN_WORDS = """(selector) => {
  const broken = [];
  for (const element of document.querySelectorAll(selector)) {
    if (!element.getClientRects().length) continue;  // not shown (hidden, closed)
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const word of node.textContent.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, word.index);
        range.setEnd(node, word.index + word[0].length);
        const boxes = [...range.getClientRects()].filter(box => box.width > 0);
        if (boxes.some(box => Math.abs(box.top - boxes[0].top) > box.height / 2)) {
          broken.push(word[0]);
        }
      }
    }
  }
  return broken;
}"""

#: The top bar: the workshop's name, the language link and the room's timer.
TOP_BAR = """() => {
  const box = selector => {
    const element = document.querySelector(selector);
    return element && element.getClientRects().length ? element.getBoundingClientRect() : null;
  };
  const name = box('.brand-name'), lang = box('.lang-switch'), timer = box('.topbar .room-timer');
  return {name: name && name.width, overlap: !!(name && lang && name.right > lang.left + 1),
          timer: timer && [timer.top, timer.bottom, timer.right]};
}"""

CARD_GEOMETRY = """() => {
  const answers = [...document.querySelectorAll('fieldset.sphere .choice')];
  return {
    height: document.documentElement.scrollHeight,
    width: document.documentElement.scrollWidth,
    scrolled: window.scrollY,
    bottoms: answers.slice(0, 4).map(answer => answer.getBoundingClientRect().bottom),
  };
}"""


def _negotiating(store: Store, code: str, phase: str, lang: str) -> None:
    """A practice under discussion, timed, an adopted clause with a commitment, and an open
    round on another one; in the charter phase the second is withdrawn."""
    workshop = store.workshop(code)
    focus = workshop.practices[0]["id"]
    store.set_focus(workshop.id, focus)
    text, who = CLAUSES[lang]
    adopted = store.add_clause(workshop.id, focus, text)
    store.open_round(workshop.id, adopted)
    store.decide_clause(workshop.id, adopted, ClauseStatus.ADOPTED_WITH_DISSENT)
    store.set_commitment(workshop.id, adopted, who, "2027-03-01")
    other = store.add_clause(workshop.id, None, text.replace("Signal", "Olvid"))
    store.open_round(workshop.id, other)
    store.set_timer(workshop.id, {"kind": "practice", "seconds": 600, "ends": time.time() + 600})
    if phase == "charter":
        store.decide_clause(workshop.id, other, ClauseStatus.WITHDRAWN)
        store.set_phase(workshop.id, Phase.CHARTER)


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    """The server, and the join code of each (phase, language, mode)'s workshop."""
    data = tmp_path_factory.mktemp("room-phone") / "data"
    codes = {}
    for phase in ("screening", "map", "negotiation", "charter"):
        for lang in LANGS:
            for mode, easy in MODES.items():
                start = "negotiation" if phase == "charter" else phase
                code = seed_room(data, lang, start, easy)
                if phase in ("negotiation", "charter"):
                    store = Store(data / "workshop.sqlite3")
                    try:
                        _negotiating(store, code, phase, lang)
                    finally:
                        store.close()
                codes[phase, lang, mode] = code
    server = Server(data).start()
    yield server, codes
    server.stop()


def _phone(browser, server, code, size, lang):  # noqa: F811
    width, height = SIZES[size]
    context = browser.new_context(
        viewport={"width": width, "height": height},
        is_mobile=True,
        has_touch=True,
        locale=lang,
        bypass_csp=True,  # to inject axe-core; the app's own scripts are unaffected
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors
    page.goto(f"{server.base}/j/{code}")
    page.locator("form[action$='/join'] button[type=submit]").click()
    page.wait_for_url(f"**/j/{code}")
    return page


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", SIZES)
def test_every_card_fits_two_screens_with_its_first_answers_on_the_first(
    browser,  # noqa: F811
    room,
    size,
    lang,
    mode,
):
    server, codes = room
    code = codes["screening", lang, mode]
    page = _phone(browser, server, code, size, lang)
    height = SIZES[size][1]
    first = 1 if mode == "easy" else 4  # easy-read asks one question, one answer a row
    try:
        for number in range(1, PRACTICES + 1):
            page.goto(f"{server.base}/j/{code}/card/{number}")
            card = page.evaluate(CARD_GEOMETRY)
            where = f"card {number} at {size} ({lang}, {mode})"
            assert card["height"] <= 2 * height, f"{where} is {card['height']} px tall"
            assert card["width"] <= SIZES[size][0], f"{where} is {card['width']} px wide"
            assert card["scrolled"] == 0 and len(card["bottoms"]) == 4, where
            assert max(card["bottoms"][:first]) <= height, f"{where}: {card['bottoms']}"
            assert page.evaluate(BROKEN_WORDS, WORDS) == [], where
        assert page.errors == []
    finally:
        page.context.close()


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", SIZES)
def test_the_chosen_answer_is_checked_marked_and_saved(browser, room, size, lang, mode):  # noqa: F811
    server, codes = room
    code = codes["screening", lang, mode]
    page = _phone(browser, server, code, size, lang)
    saved = "Enregistré" if lang == "fr" else "Saved"
    try:
        page.goto(f"{server.base}/j/{code}/card/2")
        sphere = page.locator("fieldset.sphere").first
        for answer in ("problem", "discuss", "unsure", "fine"):
            sphere.locator(f".choice-{answer}").tap()
            sphere.locator(".save-status").get_by_text(saved).wait_for()
            chosen = sphere.locator(f".choice-{answer} input")
            assert chosen.is_checked()
            assert sphere.locator("input:checked").count() == 1  # one tap, one answer
            mark = chosen.evaluate(
                "input => getComputedStyle(input.nextElementSibling, '::after').content"
            )
            assert "✓" in mark, f"{answer}: {mark}"
            unchosen = sphere.locator(".choice-face").evaluate_all(
                "faces => faces.map(face => getComputedStyle(face, '::after').content)"
            )
            assert sum("✓" in content for content in unchosen) == 1
            assert page.evaluate(BROKEN_WORDS, WORDS) == [], f"{answer} chosen at {size}"
        page.reload()  # saved over the socket as it was tapped
        assert sphere.locator(".choice-fine input").is_checked()
        assert page.errors == []
    finally:
        page.context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_a_comment_opens_on_demand_and_stays_open_while_it_holds_text(browser, room, lang):  # noqa: F811
    server, codes = room
    code = codes["screening", lang, "normal"]
    page = _phone(browser, server, code, "360x640", lang)
    try:
        page.goto(f"{server.base}/j/{code}/card/3")
        sphere = page.locator("fieldset.sphere").nth(1)
        box, area = sphere.locator("details.comment-box"), sphere.locator("textarea")
        assert not area.is_visible()
        sphere.locator(".choice-discuss").tap()
        box.locator("summary").tap()
        area.fill("x" * 501)
        assert "500" in sphere.locator(".count").inner_text()
        assert sphere.locator(".save-status.is-error").is_visible()  # the limit, in words
        area.fill("Avec l'accord écrit de la personne")
        area.blur()
        sphere.locator(".save-status").get_by_text(
            "Enregistr" if lang == "fr" else "Saved"
        ).wait_for()
        box.locator("summary").tap()  # closing it does not hide what is written
        page.wait_for_timeout(300)  # the toggle event comes after the tap
        assert box.get_attribute("open") is not None and area.is_visible()
        page.reload()
        assert box.get_attribute("open") is not None and area.is_visible()
        assert area.input_value() == "Avec l'accord écrit de la personne"
        help_box = sphere.locator("details.sphere-help")
        assert not help_box.locator("p").first.is_visible()
        help_box.locator("summary").tap()
        assert help_box.locator("p").first.is_visible()  # the full question, on demand
        assert page.errors == []
    finally:
        page.context.close()


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("phase", ["map", "negotiation", "charter"])
def test_the_map_negotiation_and_charter_pages_fit_a_phone(browser, room, phase, lang, mode):  # noqa: F811
    server, codes = room
    code = codes[phase, lang, mode]
    for size in SIZES:
        page = _phone(browser, server, code, size, lang)
        try:
            page.wait_for_load_state("networkidle")  # the map pushed over the socket too
            where = f"{phase} at {size} ({lang}, {mode})"
            assert page.locator("main h1").count() == 1, where
            if phase == "negotiation":
                page.locator(".consent-form").wait_for()
                # The practice's timer runs: it takes its own row, the name keeps its place.
                bar = page.evaluate(TOP_BAR)
                assert bar["name"] >= 80 and not bar["overlap"], f"{where}: {bar}"
                top, bottom, right = bar["timer"]
                assert bottom <= 0.2 * SIZES[size][1] and right <= SIZES[size][0], where
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= SIZES[size][0], f"{where} is {width} px wide"
            if phase == "map" and mode == "normal":
                # A practice (its three spheres, their counts) reads within one screen.
                rows = page.locator("table.map tbody tr").evaluate_all(
                    "rows => rows.map(row => row.getBoundingClientRect().height)"
                )
                assert len(rows) == PRACTICES and max(rows) <= SIZES[size][1], rows
            assert page.evaluate(BROKEN_WORDS, WORDS) == [], where
            if size == "320x568":
                page.add_script_tag(path=str(AXE))
                violations = page.evaluate(RUN_AXE)
                assert not violations, f"{where}\n" + report(violations)
            assert page.errors == []
        finally:
            page.context.close()
