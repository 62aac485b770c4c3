"""Everyone takes part: easy-read mode, one's own language, reading aloud."""

import re

from conftest import csrf, text

from workshop.model import ClauseStatus, Phase


def _create(facilitator, **extra):
    facilitator.get("/f/new?wlang=fr")
    data = {
        "csrf": csrf(facilitator),
        "wlang": "fr",
        "deck": "social-work.fr",
        "title": "Atelier",
        "practices": ["whatsapp-users", "id-photos"],
        **extra,
    }
    response = facilitator.post("/f/new", data=data)
    return response.headers["Location"].rsplit("/", 1)[1]


def test_easy_read_asks_one_question_per_screen(facilitator, store, join):
    code = _create(facilitator, easy_read="on")
    workshop = store.workshop(code)
    assert workshop.easy_read
    store.set_phase(workshop.id, Phase.SCREENING)
    phone, _ = join(workshop)
    page = text(phone.get(f"/j/{code}/card/1"))
    assert "Question 1 sur 6" in page
    assert workshop.practices[0]["easy_read"].split()[0] in page  # the easy-read text
    assert page.count('type="radio"') == 4  # one question on this screen
    saved = phone.post(
        f"/j/{code}/card/1", data={"csrf": csrf(phone), "q": "1", "means": "problem", "go": "next"}
    )
    assert saved.headers["Location"].endswith(f"/j/{code}/card/1?q=2")
    assert "Question 2 sur 6" in text(phone.get(f"/j/{code}/card/1?q=2"))
    last = phone.post(
        f"/j/{code}/card/1",
        data={"csrf": csrf(phone), "q": "3", "prescriptions": "fine", "go": "next"},
    )
    assert last.headers["Location"].endswith(f"/j/{code}/card/2")
    back = phone.post(f"/j/{code}/card/2", data={"csrf": csrf(phone), "q": "1", "go": "previous"})
    assert back.headers["Location"].endswith(f"/j/{code}/card/1?q=3")
    assert store.progress(workshop.id)["answers"] == 2


def test_easy_read_shows_the_cards_text_once_and_keeps_it_one_tap_away(facilitator, store, join):
    code = _create(facilitator, easy_read="on")
    workshop = store.workshop(code)
    store.set_phase(workshop.id, Phase.SCREENING)
    phone, _ = join(workshop)
    words = workshop.practices[0]["easy_read"]
    first = text(phone.get(f"/j/{code}/card/1"))
    assert first.count(f"{words}</p>") == 1 and "Relire la carte" not in first
    for step in (2, 3):
        page = text(phone.get(f"/j/{code}/card/1?q={step}"))
        again = re.search(r'<details class="easy-again">(.*?)</details>', page, re.S)
        assert again and "<summary>Relire la carte</summary>" in again[1]
        assert page.count(f"{words}</p>") == 1 and words in again[1]  # only behind the tap
        assert "Nous parlons avec les personnes sur WhatsApp</h1>" in page
    # The chosen answer comes back checked, its comment open.
    phone.post(
        f"/j/{code}/card/1",
        data={"csrf": csrf(phone), "q": "2", "values": "discuss", "values_comment": "À voir"},
    )
    page = text(phone.get(f"/j/{code}/card/1?q=2"))
    assert re.search(r'name="values" value="discuss" checked', page)
    assert '<details class="comment-box" open>' in page


def test_a_participant_reads_in_their_own_language(facilitator, store, join):
    code = _create(facilitator)
    workshop = store.workshop(code)
    store.set_phase(workshop.id, Phase.SCREENING)
    phone, _ = join(workshop)
    assert "Nous parlons avec les personnes sur WhatsApp" in text(phone.get(f"/j/{code}/card/1"))
    switched = phone.get(f"/j/{code}/lang/en")
    assert switched.status_code == 302
    page = text(phone.get(f"/j/{code}/card/1"))
    assert "We talk with service users on WhatsApp" in page
    assert "To discuss" in page and "Means" in page
    # The facilitator's workshop stays in French.
    store.set_phase(workshop.id, Phase.MAP)
    projector = text(facilitator.get(f"/s/{code}?practice=whatsapp-users"))
    assert "Nous parlons avec les personnes sur WhatsApp" in projector


def test_read_aloud_buttons_carry_the_text_and_wait_for_javascript(facilitator, store, join):
    code = _create(facilitator)
    workshop = store.workshop(code)
    store.set_phase(workshop.id, Phase.SCREENING)
    phone, _ = join(workshop)
    page = phone.get(f"/j/{code}/card/1").get_data(as_text=True)
    assert page.count("data-speak=") == 4  # the card and its three questions
    assert 'class="speak-button" data-speak="Nous parlons avec les personnes' in page
    # No-break spaces before "?" (a narrow phone never starts a line with it).
    speak = 'data-speak="Moyens. Qu&#39;apporte l&#39;outil\u00a0? En avons-nous les moyens\u00a0?"'
    assert speak in page
    # Shown only where speech synthesis exists, named in words for screen readers.
    assert page.count(' hidden><span class="pic pic-speak" aria-hidden="true"></span>') == 4
    assert '<span class="visually-hidden">Lire à voix haute</span>' in page


def test_the_live_map_reaches_each_phone_in_its_own_language(facilitator, store, join, sio, app):
    code = _create(facilitator, results_hidden="")
    workshop = store.workshop(code)
    store.set_phase(workshop.id, Phase.SCREENING)
    store.set_phase(workshop.id, Phase.MAP)
    _, fr_token = join(workshop)
    _, en_token = join(workshop)
    fr = sio({"role": "participant", "code": code, "token": fr_token, "lang": "fr"})
    en = sio({"role": "participant", "code": code, "token": en_token, "lang": "en"})
    for phone, title in (
        (fr, "Nous parlons avec les personnes sur WhatsApp"),
        (en, "We talk with service users on WhatsApp"),
    ):
        maps = [e["args"][0]["map"] for e in phone.get_received() if e["name"] == "map"]
        assert title in maps[-1]
    app.extensions["workshop.realtime"].mark(workshop.id)
    app.extensions["workshop.realtime"].flush()
    pushed = [e["args"][0]["map"] for e in en.get_received() if e["name"] == "map"]
    assert "We talk with service users on WhatsApp" in pushed[-1]


def test_an_english_phone_reads_english_in_negotiation_and_charter(facilitator, store, join):
    code = _create(facilitator)
    workshop = store.workshop(code)
    phone, _ = join(workshop)
    phone.get(f"/j/{code}/lang/en")
    for phase in (Phase.SCREENING, Phase.MAP, Phase.NEGOTIATION):
        store.set_phase(workshop.id, phase)
    store.set_focus(workshop.id, "whatsapp-users")
    clause = store.add_clause(workshop.id, "whatsapp-users", "Nous utilisons Signal.")
    store.open_round(workshop.id, clause)
    page = text(phone.get(f"/j/{code}"))
    assert "We talk with service users on WhatsApp" in page
    assert "Means" in page and "Moyens" not in page
    store.decide_clause(workshop.id, clause, ClauseStatus.ADOPTED)
    store.set_phase(workshop.id, Phase.CHARTER)
    charter = text(phone.get(f"/j/{code}"))
    assert "We talk with service users on WhatsApp" in charter
    assert "Nous parlons avec les personnes sur WhatsApp" not in charter


def test_a_card_proposed_by_the_room_keeps_its_words_and_reads_its_register_in_english(
    facilitator, store, join
):
    code = _create(facilitator, allow_proposals="on")
    workshop = store.workshop(code)
    store.set_phase(workshop.id, Phase.SCREENING)
    phone, _ = join(workshop)
    phone.post(f"/j/{code}/propose", data={"csrf": csrf(phone), "title": "Nous filmons"})
    [pending] = store.proposals(workshop.id, "pending")
    facilitator.post(
        f"/f/w/{code}/proposals/{pending['id']}",
        data={
            "csrf": csrf(facilitator),
            "decision": "accept",
            "title": "Nous filmons",
            "register": "mediatisation",
        },
    )
    phone.get(f"/j/{code}/lang/en")
    page = text(phone.get(f"/j/{code}/card/3"))
    assert "Nous filmons" in page  # the author's own words
    assert "Mediatisation" in page and "Médiatisation" not in page


JARGON = ("tension", "désaccord", "consens", "objection", "réserve", "clause", "%")


def _easy_workshop(facilitator, store, join, phase):
    """An easy-read workshop of two practices, answered by three phones, in `phase`."""
    code = _create(facilitator, easy_read="on", results_hidden="")
    workshop = store.workshop(code)
    store.set_phase(workshop.id, Phase.SCREENING)
    phones = [join(workshop)[0] for _ in range(3)]
    for phone, answer in zip(phones, ("problem", "problem", "discuss"), strict=True):
        phone.post(
            f"/j/{code}/card/1",
            data={"csrf": csrf(phone), "q": "1", "means": answer, "go": "next"},
        )
    phones[0].post(f"/j/{code}/card/2", data={"csrf": csrf(phones[0]), "q": "2", "values": "fine"})
    later = [Phase.MAP, Phase.NEGOTIATION, Phase.CHARTER]
    for step in later[: later.index(phase) + 1]:
        store.set_phase(workshop.id, step)
    return workshop, phones[0]


def _main(page: str) -> str:
    return re.search(r"<main.*?</main>", page, re.S)[0]


def _jargon(page: str) -> list[str]:
    """The words of the method's jargon a reader would see on the page."""
    seen = re.sub(r"<[^>]+>", " ", page).lower()
    return [word for word in JARGON if word in seen]


def test_the_easy_read_map_says_in_plain_words_what_the_group_said(facilitator, store, join):
    workshop, phone = _easy_workshop(facilitator, store, join, Phase.MAP)
    page = _main(text(phone.get(f"/j/{workshop.code}")))
    assert "<h1>Ce que le groupe a répondu</h1>" in page
    assert "Beaucoup voient un problème." in page  # two "problem", one "to discuss"
    assert _jargon(page) == []
    # The second card's "values" has one answer: "1 réponse", and not which one.
    second = page[page.index("Nous photographions") :]
    values = re.search(r"pic-values.*?</div>", second, re.S)[0]
    assert "1 réponse" in values and "Ça va" not in values and "icon-fine" not in values
    assert "Pas encore de réponse." in second  # its other spheres
    assert page.count('class="speak-button with-words"') == 2  # one per practice


def test_the_easy_read_map_is_the_one_pushed_live(facilitator, store, join, sio, app):
    workshop, _phone = _easy_workshop(facilitator, store, join, Phase.MAP)
    _, token = join(workshop)
    client = sio({"role": "participant", "code": workshop.code, "token": token, "lang": "en"})
    maps = [e["args"][0]["map"] for e in client.get_received() if e["name"] == "map"]
    assert "Many see a problem." in maps[-1] and "tension" not in maps[-1]
    app.extensions["workshop.realtime"].mark(workshop.id)
    app.extensions["workshop.realtime"].flush()
    pushed = [e["args"][0]["map"] for e in client.get_received() if e["name"] == "map"]
    assert pushed and 'class="easy-map"' in pushed[-1]


def test_easy_read_negotiation_and_charter_speak_plainly(facilitator, store, join):
    workshop, phone = _easy_workshop(facilitator, store, join, Phase.NEGOTIATION)
    code = workshop.code
    page = _main(text(phone.get(f"/j/{code}")))
    assert "Le groupe choisit de quoi parler." in page
    store.set_focus(workshop.id, "whatsapp-users")
    clause = store.add_clause(workshop.id, "whatsapp-users", "Nous écrivons par Signal.")
    store.open_round(workshop.id, clause)
    page = _main(text(phone.get(f"/j/{code}")))
    for words in (
        "Êtes-vous d'accord avec cette règle ?",
        "Oui, je suis d'accord",
        "Oui, mais j'ai une crainte",
        "Non, c'est un risque",
        "Beaucoup voient un problème.",
    ):
        assert words in page
    assert _jargon(page) == []
    refused = phone.post(
        f"/j/{code}/consent",
        data={
            "csrf": csrf(phone),
            "round": str(store.open_round_of(workshop.id)["id"]),
            "value": "objection",
            "reason": "",
        },
    )
    assert refused.status_code == 400
    assert "Vous avez répondu « Non ». Écrivez pourquoi." in text(refused)
    store.decide_clause(workshop.id, clause, ClauseStatus.ADOPTED_WITH_DISSENT)
    store.set_commitment(workshop.id, clause, "L'équipe", "2027-03-01")
    store.set_phase(workshop.id, Phase.CHARTER)
    charter = _main(text(phone.get(f"/j/{code}")))
    assert "<h1>Nos règles</h1>" in charter and "Nous écrivons par Signal." in charter
    assert "Certaines personnes étaient contre." in charter
    assert "Pour quand : 1er mars 2027" in charter
    assert _jargon(charter) == []
