"""The projector in a real room: 35 practices answered by 12 people, at 1280x720 and
1920x1080, in French and English, in every phase. Geometry, not pixels: the page never
scrolls, its smallest text is at least 1/45 of the screen's height, every practice is on
the screen at once, the QR code, the join code and the clause are large enough, and the
negotiation uses the screen. Then the keys, and the facilitator's focus winning over them.
"""

from __future__ import annotations

import pytest
from roomdata import seed_negotiation, seed_room
from serverproc import Server, wait_for
from test_browser import ARGS, CHROMIUM

pytestmark = pytest.mark.browser

SIZES = [(1280, 720), (1920, 1080)]
LANGS = ["fr", "en"]
VIEWS = ["join", "progress", "overview", "focus", "negotiation", "charter", "revisit", "loop"]

#: Visible text of the page, with its font size and box (what a reader at the back sees).
TEXTS = """() => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.textContent.trim()) continue;
    const el = node.parentElement;
    if (el.closest('.visually-hidden, .skip, [hidden], script, style')) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const box = range.getBoundingClientRect();
    if (!box.width || !box.height) continue;
    found.push({text: node.textContent.trim().slice(0, 40),
                size: parseFloat(getComputedStyle(el).fontSize),
                top: box.top, bottom: box.bottom, left: box.left, right: box.right});
  }
  return found;
}"""


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    """One server with the room in every phase, in both languages."""
    data = tmp_path_factory.mktemp("room") / "data"
    codes = {}
    for lang in LANGS:
        codes["join", lang] = seed_room(data, lang, phase="joining")
        codes["progress", lang] = seed_room(data, lang, phase="screening", results_hidden=True)
        codes["overview", lang] = seed_room(data, lang, phase="map")
        codes["negotiation", lang] = seed_negotiation(data, lang)
        codes["charter", lang] = seed_negotiation(data, lang, phase="charter")
        codes["revisit", lang] = seed_negotiation(data, lang, revisit="open")
        codes["loop", lang] = seed_negotiation(data, lang, revisit="closed")
    server = Server(data).start()
    yield server, codes
    server.stop()


@pytest.fixture(scope="module")
def chromium():
    if CHROMIUM is None:
        pytest.skip("no chromium on PATH (Debian: apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def projector(chromium, room, view, lang, size):
    server, codes = room
    width, height = size
    page = chromium.new_page(viewport={"width": width, "height": height}, locale=lang)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors
    code = codes["overview" if view == "focus" else view, lang]
    first = "" if view != "focus" else "?practice=whatsapp-users"
    page.goto(f"{server.base}/s/{code}{first}")
    shown = "negotiation" if view == "loop" else view  # a practice asked again, discussed
    page.locator(f"body.view-{shown}[data-live]").wait_for()  # after the first live update
    page.wait_for_timeout(300)  # a fetch the keys started may still land
    return page


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("view", VIEWS)
def test_the_projector_fills_one_screen_read_from_the_back(chromium, room, view, lang, size):
    width, height = size
    page = projector(chromium, room, view, lang, size)
    try:
        scroll = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
        )
        assert scroll == [width, height], f"the page scrolls: {scroll}"
        texts = page.evaluate(TEXTS)
        assert texts
        smallest = min(texts, key=lambda t: t["size"])
        assert smallest["size"] >= height / 45 - 0.01, f"text too small to read: {smallest}"
        outside = [
            t for t in texts if t["bottom"] > height + 1 or t["right"] > width + 1 or t["left"] < -1
        ]
        assert not outside, f"text off the screen: {outside[:3]}"
        measure = getattr(_Views, view)
        measure(page, width, height)
        assert page.errors == []
    finally:
        page.close()


def box(page, selector):
    return page.locator(selector).first.bounding_box()


class _Views:
    """What each view must show, measured."""

    @staticmethod
    def join(page, width, height):
        qr = box(page, ".join-view svg.qr")
        assert qr["height"] >= 0.4 * height and qr["y"] + qr["height"] <= height
        code = page.locator(".join-view .code.huge")
        size = float(code.evaluate("el => parseFloat(getComputedStyle(el).fontSize)"))
        assert size >= height / 12
        assert code.inner_text().strip()
        url = box(page, ".join-url")
        assert url["y"] + url["height"] <= height and url["x"] + url["width"] <= width
        assert page.locator(".join-count [data-field=participants]").inner_text() == "12"

    @staticmethod
    def progress(page, width, height):
        figures = page.locator(".big-figures dd").all_inner_texts()
        assert figures[:3] == ["12", "12", "0"]  # in, started, finished everything
        assert figures[3].endswith("%")
        assert page.locator(".waiting li").count() >= 1  # the unanswered card is named
        assert box(page, ".join-view svg.qr")["height"] >= 0.25 * height  # latecomers

    @staticmethod
    def overview(page, width, height):
        tiles = page.locator(".tile-link")
        assert tiles.count() == 35
        for i in range(35):
            b = tiles.nth(i).bounding_box()
            assert b["y"] >= 0 and b["y"] + b["height"] <= height + 1, f"practice {i + 1}"
            assert b["x"] >= 0 and b["x"] + b["width"] <= width + 1, f"practice {i + 1}"
        # Every cell shows the whole distribution: 3 bars a practice, 4 kinds of fill.
        assert page.locator(".tile .cellbar svg.bar").count() == 105
        assert page.locator(".legend svg.swatch").count() == 4
        # The spheres' names above the columns are whole.
        cut = page.locator(".col-heads span").evaluate_all(
            "heads => heads.filter(h => h.scrollWidth > h.clientWidth).map(h => h.textContent)"
        )
        assert cut == [], cut
        # The practice nobody answered reads so (its label is not cut to nothing).
        labels = page.locator(".tile-label").all_inner_texts()
        assert all(len(label) > 3 for label in labels)

    @staticmethod
    def focus(page, width, height):
        assert page.locator(".sphere-block").count() == 3
        bars = page.evaluate(
            "[...document.querySelectorAll('.sphere-block svg.bar.big')]"
            ".map(b => [b.getBoundingClientRect().width, b.getBoundingClientRect().height])"
        )
        assert len(bars) == 3
        assert all(w >= 0.4 * width and h >= height / 30 for w, h in bars), bars
        assert page.locator(".sphere-block .big-counts li").count() == 12
        assert page.locator(".comment-list li:not([hidden])").count() >= 1

    @staticmethod
    def negotiation(page, width, height):
        clause = page.locator(".clause-big")
        size = float(clause.evaluate("el => parseFloat(getComputedStyle(el).fontSize)"))
        assert size >= height / 25
        tally = page.locator(".tally-big [data-tally]").all_inner_texts()
        assert tally == ["7", "1", "1"]
        assert "9" in page.locator(".tally-big .answered").inner_text()
        assert page.locator(".reasons-big li:not([hidden])").count() == 2
        # The screen is used: from the top of the page to the lowest visible text.
        bottom = max(t["bottom"] for t in page.evaluate(TEXTS))
        assert bottom >= 0.6 * height, f"only {bottom / height:.0%} of the screen used"

    @staticmethod
    def revisit(page, width, height):
        count = page.locator(".revisit-count b")
        assert count.inner_text() == "7"
        size = float(count.evaluate("el => parseFloat(getComputedStyle(el).fontSize)"))
        assert size >= height / 8  # the count reads from the back
        assert page.locator("svg.bar").count() == 0  # the new answers stay off the screen

    @staticmethod
    def loop(page, width, height):
        # Before and after, side by side per sphere, and the shift in words.
        assert page.locator(".sphere-block .pass-line.before svg.bar").count() == 3
        assert page.locator(".sphere-block .pass-line.after svg.bar").count() == 3
        assert page.locator(".sphere-block .shift").count() == 3
        assert page.locator(".loop-line").is_visible()
        assert page.locator(".comment-list li:not([hidden])").count() >= 1

    @staticmethod
    def charter(page, width, height):
        items = page.locator(".charter-clauses li:not([hidden])")
        assert items.count() == 3
        size = float(items.first.evaluate("el => parseFloat(getComputedStyle(el).fontSize)"))
        assert size >= height / 25


def test_keys_browse_this_screen_and_the_facilitator_wins(chromium, room):
    server, codes = room
    code = codes["negotiation", "fr"]
    page = projector(chromium, room, "negotiation", "fr", SIZES[0])
    try:
        first = page.locator(".stage-root").get_attribute("data-practice")
        page.keyboard.press("Escape")  # the overview, in tension order
        page.locator("body.view-overview").wait_for()
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        assert page.locator(".tile.selected").count() == 1
        second = page.locator(".tile.selected .tile-link").get_attribute("data-practice")
        page.keyboard.press("Enter")
        page.locator(f'body.view-focus .stage-root[data-practice="{second}"]').wait_for()
        assert f"practice={second}" in page.url  # a reload keeps what the keys chose
        page.keyboard.press("ArrowRight")
        wait_for(lambda: page.locator(".stage-root").get_attribute("data-practice") != second)
        page.keyboard.press("c")  # comments hidden
        assert page.locator("body.no-comments").count() == 1
        assert not page.locator(".focus-comments").is_visible()
        page.keyboard.press("?")
        assert page.locator("#keys").is_visible()
        page.keyboard.press("Escape")
        assert not page.locator("#keys").is_visible()

        # The facilitator puts another practice under discussion: the projector follows.
        boss = server.facilitator()
        boss.get(f"{server.base}/f/w/{code}", timeout=10)
        response = boss.post(
            f"{server.base}/f/w/{code}/focus",
            data={"csrf": boss.cookies["spheres_csrf"], "practice": second},
            timeout=10,
        )
        assert response.ok
        page.locator(f'body.view-negotiation .stage-root[data-practice="{second}"]').wait_for()
        assert "practice=" not in page.url
        assert second != first
        assert page.errors == []
    finally:
        page.close()


@pytest.mark.parametrize("view", VIEWS[2:])  # joining and progress show it beside the QR
def test_a_4_3_projector_keeps_the_join_code_whole(chromium, room, view):
    """On a 1024x768 projector the strip is short of room: the address gives way, never the
    code latecomers type, even beside a running timer."""
    page = projector(chromium, room, view, "fr", (1024, 768))
    try:
        assert page.evaluate("document.documentElement.scrollHeight") == 768
        strip = page.evaluate(
            """() => {
              const code = document.querySelector('.stage-head .code').getBoundingClientRect();
              const join = document.querySelector('.stage-join').getBoundingClientRect();
              const after = [...document.querySelectorAll('.stage-head > *')]
                .filter(el => el.offsetParent && !el.classList.contains('stage-join')
                              && !el.classList.contains('stage-title'))
                .map(el => el.getBoundingClientRect().left);
              return {code: [code.left, code.right], join: join.right, after};
            }"""
        )
        left, right = strip["code"]
        assert right - left > 0 and right <= strip["join"] + 0.5, strip
        assert all(right <= x for x in strip["after"] if x > left), strip
        assert page.errors == []
    finally:
        page.close()


def test_f_puts_the_projector_in_full_screen_and_back(chromium, room):
    page = projector(chromium, room, "overview", "fr", SIZES[0])
    try:
        page.keyboard.press("f")
        wait_for(lambda: page.evaluate("document.fullscreenElement !== null"))
        page.keyboard.press("f")
        wait_for(lambda: page.evaluate("document.fullscreenElement === null"))
        assert page.errors == []
    finally:
        page.close()
