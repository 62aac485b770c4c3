"""axe-core on every page, in every phase, in French and in English (issue 5).

One real server for the module. A French workshop is created through the facilitator's
page (the UI helper of test_browser.py) and an English one over HTTP; people join from a
phone and over HTTP, answer, write comments, propose practices (one accepted, one
waiting), fill in a paper ballot; then each workshop walks through every phase — joining,
screening (a timer running), map, negotiation (a practice under discussion, a decision, an
adopted clause and an open consent round with answers, timed, a practice asked again after
its discussion, its card answered by a phone) and charter — and at each phase axe checks
the facilitator's pages (also its control page on a phone, every fold opened), the
projector and the phones' pages (one phone reads the workshop in the other language; a
second workshop is in easy-read mode), and the pages a refused form comes back to. Phones
are 320 px wide, the narrowest issue 5 asks for: no page may be
wider (reflow). Pages that do not depend on a workshop's phase (the creation form, the
decks, the door, the error pages) are checked once per language, at the end, when every
workshop exists.

axe-core is vendored for the tests only (tests/vendor/, MPL-2.0): the app never serves it.
It is injected into the page under test; the contexts bypass the page's CSP for that
(`script-src 'self'` would otherwise refuse the injected script, as it should).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import requests
from serverproc import Server, wait_for
from test_browser import PHONE, browser, create_workshop  # noqa: F401

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
RUN_AXE = """async () => {
  const results = await axe.run(document, {runOnly: {type: 'tag', values: TAGS}});
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, url: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target, html: n.html, why: n.failureSummary})),
  }));
}""".replace("TAGS", json.dumps(TAGS))

# Phones at the narrowest width issue 5 asks for (WCAG 1.4.10 reflow: 320 CSS px).
SMALL_PHONE = {**PHONE, "viewport": {"width": 320, "height": 640}}
PHASES = ["joining", "screening", "map", "negotiation", "charter"]
LANGS = ["fr", "en"]
PRACTICES = ["whatsapp-users", "team-group-chat", "cloud-case-files"]  # same ids in fr and en

# Pages checked in every phase, then those of one phase only (a refused form comes back
# with its messages: that page is checked too).
PER_PHASE = [
    "facilitator-home",
    "facilitator-workshop",
    "facilitator-workshop-phone",
    "projector",
    "join",
    "participant",
    "participant-other-language",
    "paper",
    "ballots",
]
IN_PHASE = {
    "joining": ["join-refused"],
    "screening": [
        "card",
        "card-other-language",
        "card-refused",
        "easy-read-card",
        "easy-read-card-refused",
    ],
    "map": ["projector-focus"],
    "negotiation": [
        "consent-refused",
        "projector-focus",
        "projector-overview",
        "revisit-card",
        "revisit-card-refused",
    ],
}
# Pages that do not change with a workshop's phase: checked once per language, at the end.
ANY_PHASE = [
    "enter",
    "enter-refused",
    "creation-form",
    "creation-form-refused",
    "decks",
    "deck-print",
    "not-found",
    "unknown-workshop",
]

CASES = [
    (phase, lang, page)
    for phase in PHASES
    for lang in LANGS
    for page in PER_PHASE + IN_PHASE.get(phase, [])
] + [("after", lang, page) for lang in LANGS for page in ANY_PHASE]

TEXT = {
    "fr": {
        "pseudonym": "Dominique",
        "comment": "Les messages restent sur nos téléphones personnels",
        "other": "Je ne sais pas ce que dit la loi",
        "proposal": ("Nous partageons un agenda en ligne", "Les rendez-vous des personnes"),
        "waiting": ("Nous scannons les courriers", "Pour les retrouver plus vite"),
        "decision": "Avec un téléphone professionnel",
        "clause": "Nous échangeons avec les personnes par Signal.",
        "general": "Nous relisons cette charte dans un an.",
        "reason": "Des personnes n'ont pas de smartphone",
        "reserve": "Il faudra former l'équipe",
        "suggestion": "Demander l'accord de la personne avant",
        "who": "La cheffe de service",
        "team": "Équipe du lundi",
        "place": "Centre social",
    },
    "en": {
        "pseudonym": "Sam",
        "comment": "Messages stay on our own phones",
        "other": "I do not know what the law says",
        "proposal": ("We share an online calendar", "The appointments of the people we help"),
        "waiting": ("We scan the letters", "To find them faster"),
        "decision": "With a work phone",
        "clause": "We talk with people on Signal.",
        "general": "We read this charter again in a year.",
        "reason": "Some people have no smartphone",
        "reserve": "The team will need training",
        "suggestion": "Ask the person first",
        "who": "The head of service",
        "team": "Monday team",
        "place": "Community centre",
    },
}


class Workshop:
    """One workshop of the module, its facilitator and phones, moved phase by phase."""

    def __init__(self, server: Server, chromium, lang: str):
        self.server, self.lang, self.text = server, lang, TEXT[lang]
        self.base = server.base
        self.http = server.facilitator()  # the facilitator, over HTTP, to set things up
        locale = {"fr": "fr-FR", "en": "en-GB"}[lang]
        common = {"locale": locale, "bypass_csp": True}
        self.contexts = [
            chromium.new_context(viewport={"width": 1280, "height": 900}, **common),
            chromium.new_context(viewport={"width": 1366, "height": 768}, **common),
            chromium.new_context(**SMALL_PHONE, **common),
            chromium.new_context(**SMALL_PHONE, **common),
            chromium.new_context(**SMALL_PHONE, **common),
            chromium.new_context(**SMALL_PHONE, **common),
        ]
        self.facilitator, self.screen, self.phone, self.visitor, self.reader, self.steering = (
            context.new_page() for context in self.contexts
        )  # the reader is a phone that reads the workshop in the other language; the
        # facilitator also steers from a phone (its control page, every fold opened)
        goto(self.facilitator, server.facilitator_url)
        goto(self.steering, server.facilitator_url)
        if lang == "fr":
            self.code = create_workshop(self.facilitator, server)  # through the UI
        else:
            goto(self.facilitator, f"{self.base}/f/?lang=en")
            goto(self.steering, f"{self.base}/f/?lang=en")
            self.http.get(f"{self.base}/f/?lang=en", timeout=10)
            self.code = self._create_over_http()
        self.people: list[requests.Session] = []
        self.phase = "joining"
        self.done: set[str] = set()

    def _create_over_http(self, easy_read: bool = False) -> str:
        lang = self.lang
        self.http.get(f"{self.base}/f/new?wlang={lang}", timeout=10).raise_for_status()
        data = {
            "csrf": self.http.cookies["spheres_csrf"],
            "wlang": lang,
            "deck": f"social-work.{lang}",
            "title": {"fr": "Atelier facile à lire", "en": "Easy-read workshop"}[lang]
            if easy_read
            else "Monday workshop",
            "practices": PRACTICES,
            "results_hidden": "on",
            "allow_proposals": "on",
        }
        if easy_read:
            data["easy_read"] = "on"
        response = self.http.post(f"{self.base}/f/new", data=data, timeout=10)
        response.raise_for_status()
        return response.url.rsplit("/", 1)[1]

    # -- HTTP helpers -------------------------------------------------------------------

    def post(self, session: requests.Session, path: str, **data) -> requests.Response:
        data["csrf"] = session.cookies.get("spheres_csrf") or self._csrf(session)
        response = session.post(f"{self.base}{path}", data=data, timeout=10)
        assert response.status_code < 400, (path, response.status_code, response.text[:500])
        return response

    def _csrf(self, session: requests.Session) -> str:
        session.get(f"{self.base}/", timeout=10)
        return session.cookies["spheres_csrf"]

    def control_page(self) -> str:
        return self.http.get(f"{self.base}/f/w/{self.code}", timeout=10).text

    def move_to(self, target: str) -> None:
        """Step through the allowed transitions to `target`, setting up each phase once."""
        if "joining" not in self.done:
            self.done.add("joining")
            self._set_up_joining()
        while self.phase != target:
            direction = 1 if PHASES.index(target) > PHASES.index(self.phase) else -1
            step = PHASES[PHASES.index(self.phase) + direction]
            self.post(self.http, f"/f/w/{self.code}/phase", phase=step)
            screen = self.http.get(f"{self.base}/s/{self.code}", timeout=10).text
            assert f"screen phase-{step}" in screen, f"the workshop did not move to {step}"
            self.phase = step
            if step not in self.done:
                self.done.add(step)
                getattr(self, f"_set_up_{step}")()

    # -- what each phase brings ---------------------------------------------------------

    def _set_up_joining(self) -> None:
        goto(self.phone, f"{self.base}/j/{self.code}")
        self.phone.locator("#pseudonym").fill(self.text["pseudonym"])
        self.phone.locator("main form button[type=submit]").click()
        self.phone.locator("#live-status").wait_for(state="attached")
        other = {"fr": "en", "en": "fr"}[self.lang]
        goto(self.reader, f"{self.base}/j/{self.code}/lang/{other}")
        self.reader.locator("main form button[type=submit]").click()
        self.reader.locator("#live-status").wait_for(state="attached")
        assert self.reader.locator("html").get_attribute("lang") == other
        for _ in range(3):
            person = requests.Session()
            self.server.sessions.append(person)
            person.get(f"{self.base}/j/{self.code}", timeout=10)
            self.post(person, f"/j/{self.code}/join", pseudonym="")
            self.people.append(person)

    def _set_up_screening(self) -> None:
        t = self.text
        patterns = [
            ("problem", "discuss", "unsure"),
            ("problem", "fine", "discuss"),
            ("discuss", "problem", "fine"),
        ]
        for person, pattern in zip(self.people, patterns, strict=True):
            for number in (1, 2, 3):
                row = pattern[number - 1 :] + pattern[: number - 1]  # vary from card to card
                answers = dict(zip(("means", "values", "prescriptions"), row, strict=True))
                answers["values_comment"] = t["comment"] if number == 1 else ""
                answers["prescriptions_comment"] = t["other"] if number == 2 else ""
                self.post(person, f"/j/{self.code}/card/{number}", go="next", **answers)
        proposer = self.people[0]
        for title, description in (t["proposal"], t["waiting"]):
            self.post(proposer, f"/j/{self.code}/propose", title=title, description=description)
        first = min(int(i) for i in re.findall(r"/proposals/(\d+)", self.control_page()))
        self.post(
            self.http,
            f"/f/w/{self.code}/proposals/{first}",
            decision="accept",
            title=t["proposal"][0],
            description=t["proposal"][1],
            register="",
        )
        # A timer runs while people answer: every page of the room shows it.
        self.post(self.http, f"/f/w/{self.code}/timer", kind="screening", minutes="30")
        # A paper ballot, entered by the facilitator.
        paper = self.http.get(f"{self.base}/f/w/{self.code}/paper", timeout=10).text
        names = sorted(set(re.findall(r'name="([^"]+:(?:means|values|prescriptions))"', paper)))
        self.post(self.http, f"/f/w/{self.code}/paper", sheet="1", **dict.fromkeys(names, "fine"))
        # The phone answers one question of the first card.
        goto(self.phone, f"{self.base}/j/{self.code}/card/1")
        self.phone.locator(".sphere-means .choice-discuss").click()
        wait_for(lambda: self.phone.locator(".sphere-means .save-status").inner_text().strip())
        # A second workshop, in easy-read mode, that the same phone joins.
        self.easy = self._create_over_http(easy_read=True)
        self.post(self.http, f"/f/w/{self.easy}/phase", phase="screening")
        goto(self.phone, f"{self.base}/j/{self.easy}")
        self.phone.locator("main form button[type=submit]").click()
        self.phone.wait_for_url(f"**/j/{self.easy}")

    def _set_up_map(self) -> None:
        pass  # the map shows what was answered

    def _set_up_negotiation(self) -> None:
        t, code = self.text, self.code
        practice = re.search(r'name="practice" value="([^"]+)"', self.control_page()).group(1)
        self.post(self.http, f"/f/w/{code}/focus", practice=practice)
        self.post(
            self.http,
            f"/f/w/{code}/decision",
            practice=practice,
            kind="keep_with_conditions",
            detail=t["decision"],
        )
        self.post(self.http, f"/f/w/{code}/clauses", practice=practice, text=t["clause"])
        adopted = self._last_clause()
        self.post(self.http, f"/f/w/{code}/clauses/{adopted}", action="open")
        for person in self.people:
            self.post(person, f"/j/{code}/consent", round=self._round(person), value="consent")
        self.post(self.http, f"/f/w/{code}/clauses/{adopted}", action="close")
        self.post(self.http, f"/f/w/{code}/clauses/{adopted}", action="adopt")
        self.post(
            self.http,
            f"/f/w/{code}/clauses/{adopted}",
            action="commitment",
            who=t["who"],
            by="2027-01-15",
        )
        self.post(self.http, f"/f/w/{code}/clauses", practice="", text=t["general"])
        general = self._last_clause()
        self.post(self.http, f"/f/w/{code}/clauses/{general}", action="open")
        objector, reserved = self.people[:2]
        self.post(
            objector,
            f"/j/{code}/consent",
            round=self._round(objector),
            value="objection",
            reason=t["reason"],
        )
        self.post(
            reserved,
            f"/j/{code}/consent",
            round=self._round(reserved),
            value="reservation",
            reason=t["reserve"],
        )
        self.post(self.people[2], f"/j/{code}/suggest", text=t["suggestion"])
        self.post(self.http, f"/f/w/{code}/paper-consent", sheet="1", value="consent", reason="")
        self.post(self.http, f"/f/w/{code}/timer", kind="round", minutes="5")
        goto(self.phone, f"{self.base}/j/{code}")
        self.phone.locator(".choice-reservation").click()
        self.phone.locator("#reason").fill(t["reserve"])
        self.phone.locator(".consent-form button[type=submit]").click()
        self.phone.locator(".consent-form .save-status").wait_for()
        # The practice under discussion is asked again; one person answers its new look.
        self.post(self.http, f"/f/w/{code}/revisit", action="open")
        invited = self.people[0].get(f"{self.base}/j/{code}", timeout=10).text
        self.revisit_card = re.search(rf"/j/{code}/card/(\d+)", invited).group(1)
        self.post(
            self.people[0],
            f"/j/{code}/card/{self.revisit_card}",
            **{"pass": "2", "means": "problem", "values": "discuss", "values_comment": t["other"]},
        )

    def _set_up_charter(self) -> None:
        self.post(
            self.http,
            f"/f/w/{self.code}/charter",
            team=self.text["team"],
            place=self.text["place"],
            date="2026-03-02",
            review_date="2027-03-02",
        )

    def _last_clause(self) -> int:
        return max(int(i) for i in re.findall(r"/clauses/(\d+)", self.control_page()))

    def _round(self, person: requests.Session) -> str:
        page = person.get(f"{self.base}/j/{self.code}", timeout=10).text
        return re.search(r'name="round" value="(\d+)"', page).group(1)

    # -- the pages under test -----------------------------------------------------------

    def open(self, name: str):
        """Open page `name` in the right browser context; return the Playwright page."""
        base, code, lang = self.base, self.code, self.lang
        where = {
            "facilitator-home": (self.facilitator, f"{base}/f/"),
            "facilitator-workshop": (self.facilitator, f"{base}/f/w/{code}"),
            "facilitator-workshop-phone": (self.steering, f"{base}/f/w/{code}"),
            "paper": (self.facilitator, f"{base}/f/w/{code}/paper"),
            "ballots": (self.facilitator, f"{base}/f/w/{code}/ballots?count=2"),
            "creation-form": (self.facilitator, f"{base}/f/new?wlang={lang}"),
            "projector": (self.screen, f"{base}/s/{code}"),
            # what the projector's keys show: one practice in focus, the overview
            "projector-focus": (self.screen, f"{base}/s/{code}?practice={PRACTICES[0]}"),
            "projector-overview": (self.screen, f"{base}/s/{code}?view=overview"),
            "decks": (self.screen, f"{base}/decks/"),
            "deck-print": (self.screen, f"{base}/decks/social-work.{lang}/print"),
            "join": (self.visitor, f"{base}/j/{code}"),
            "enter": (self.visitor, f"{base}/"),
            "enter-refused": (self.visitor, f"{base}/?code=ZZZZZ"),
            "not-found": (self.visitor, f"{base}/no-such-page"),
            "unknown-workshop": (self.visitor, f"{base}/j/ZZZZZ"),
            "participant": (self.phone, f"{base}/j/{code}"),
            "card": (self.phone, f"{base}/j/{code}/card/1"),
            "participant-other-language": (self.reader, f"{base}/j/{code}"),
            "card-other-language": (self.reader, f"{base}/j/{code}/card/1"),
            "easy-read-card": (self.phone, f"{base}/j/{getattr(self, 'easy', '')}/card/2"),
            "revisit-card": (
                self.phone,
                f"{base}/j/{code}/card/{getattr(self, 'revisit_card', '1')}",
            ),
        }
        refused = {  # the page to start from, then what makes the server refuse the form
            "join-refused": ("join", self._refuse_join),
            "card-refused": ("card", self._refuse_card),
            "easy-read-card-refused": ("easy-read-card", self._refuse_card),
            "consent-refused": ("participant", self._refuse_consent),
            "revisit-card-refused": ("revisit-card", self._refuse_revisit),
            "creation-form-refused": ("creation-form", self._refuse_creation),
        }
        start, refuse = refused.get(name, (name, None))
        page, url = where[start]
        goto(page, url)
        if refuse:
            with page.expect_response(lambda r: r.request.resource_type == "document") as posted:
                refuse(page)
            assert posted.value.status == 400, f"{name}: the form was not refused"
            page.wait_for_load_state("load")
            page.locator("[role=alert]").first.wait_for()
        if name == "facilitator-workshop-phone":  # what is folded is checked too
            page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        if page.locator("#spheres-data").count():
            # A live page: let the state the server pushes over Socket.IO arrive first.
            page.wait_for_load_state("networkidle")
        return page

    def _refuse_join(self, page) -> None:
        page.locator("#pseudonym").fill("x" * 41)  # the limit is 40
        page.locator("main form button[type=submit]").click()

    def _refuse_card(self, page) -> None:
        if page.locator(".comment-box summary").count():  # comments open on demand
            page.locator(".comment-box summary").last.click()
        page.locator("textarea[name$=_comment]").last.fill("x" * 501)  # the limit is 500
        page.locator("button[name=go][value=next]").click()

    def _refuse_revisit(self, page) -> None:
        page.locator(".comment-box summary").last.click()  # comments open on demand
        page.locator("textarea[name$=_comment]").last.fill("x" * 501)  # the limit is 500
        page.locator(".revisit-form button[type=submit]").click()

    def _refuse_consent(self, page) -> None:
        page.locator(".choice-objection").click()  # an objection needs a reason
        page.locator("#reason").fill("")
        page.locator(".consent-form button[type=submit]").click()

    def _refuse_creation(self, page) -> None:
        page.locator("#title").evaluate("title => title.removeAttribute('required')")
        page.locator("#title").fill("")  # a workshop needs a title
        page.locator("#create-form button[type=submit]").click()

    def close(self) -> None:
        for context in self.contexts:
            context.close()


def goto(page, url: str) -> None:
    """Open `url`, again if the page's own live reload got in the way: participant.js
    reloads a page when the room adds a card or the phase moves, and since responses no
    longer wait for a delayed ACK that reload can land while the test is navigating."""
    for attempt in range(3):
        try:
            page.goto(url)
            return
        except Exception as error:  # playwright's Error, "interrupted by another navigation"
            if "interrupted by another navigation" not in str(error) or attempt == 2:
                raise
            page.wait_for_load_state()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    server = Server(tmp_path_factory.mktemp("a11y") / "data").start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def workshops(browser, server):  # noqa: F811 -- the browser fixture of test_browser.py
    made: dict[str, Workshop] = {}

    def get(lang: str) -> Workshop:
        if lang not in made:
            made[lang] = Workshop(server, browser, lang)
        return made[lang]

    yield get
    for workshop in made.values():
        workshop.close()


def report(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} — {v['url']}")
        for node in v["nodes"]:
            lines.append(f"    at {' '.join(map(str, node['target']))}")
            lines.append(f"       {node['html'][:300]}")
            lines.append("       " + (node["why"] or "").replace("\n", "\n       "))
    return "\n".join(lines)


@pytest.mark.parametrize(("phase", "lang", "page_name"), CASES, ids=["-".join(c) for c in CASES])
def test_axe_finds_no_violation(workshops, phase, lang, page_name):
    workshop = workshops(lang)
    workshop.move_to("charter" if phase == "after" else phase)
    page = workshop.open(page_name)
    title = page.title()  # axe only checks that there is one: it must read as words
    assert title.strip() and "<" not in title, f"page title of {page.url}: {title!r}"
    if page.viewport_size["width"] == 320:  # nothing wider than the screen (WCAG 1.4.10)
        overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
        assert overflow <= 0, f"{page.url} is {overflow} px wider than a 320 px phone"
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(RUN_AXE)
    if violations:
        pytest.fail(f"{len(violations)} kinds of violation on {page.url}\n" + report(violations))
