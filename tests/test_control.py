"""The control page: what the projector shows (focus, also in the map phase, and back to
the overview), the practices' compact list, the negotiation on one screen with the rest
folded, the open round followed live. Plain forms: everything works without JavaScript."""

from __future__ import annotations

import re

import pytest
from conftest import csrf, text

from workshop.model import Phase

FOCUS = "whatsapp-users"


def words(response) -> str:
    """A page's text without its tags, as read."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text(response)))


def text_of(html_text: str) -> str:
    return re.sub(r"<[^>]+>", "", html_text)


def post(client, path, **data):
    return client.post(path, data={"csrf": csrf(client), **data})


def answer_all(store, workshop, people=3):
    """`people` phones answer every question: the map has numbers."""
    from workshop.model import Answer, Sphere, Vote

    for number in range(people):
        store.add_participant(workshop.id, f"hash-{number}", "")
        person = store.participant(workshop.id, f"hash-{number}")
        store.save_votes(
            person,
            [Vote(p["id"], s, Answer.PROBLEM, "") for p in workshop.practices for s in Sphere],
        )


def test_in_the_map_phase_one_practice_goes_on_the_projector_and_back(
    facilitator, make_workshop, store, app, sio, join
):
    workshop = make_workshop(phase="screening", hidden=False)
    answer_all(store, workshop)
    store.set_phase(workshop.id, Phase.MAP)
    _, token = join(workshop)
    phone = sio({"role": "participant", "code": workshop.code, "token": token})
    screen = sio({"role": "screen", "code": workshop.code})
    app.extensions["workshop.realtime"].flush()
    phone.get_received(), screen.get_received()

    assert "Au projecteur : La vue d'ensemble de la carte" in words(
        facilitator.get(f"/f/w/{workshop.code}")
    )
    page = text(facilitator.get(f"/f/w/{workshop.code}"))
    # The compact list: the short label, the tension in words, the answers, a button.
    item = re.search(r"<li>(.*?)</li>", page.split('class="focus-list"')[1], re.S).group(1)
    assert "tension" in item and "3 réponses" in item
    assert 'name="practice" value="' in item and "Projeter" in item
    assert "WhatsApp avec les personnes" in page  # the deck's short label

    shown = post(facilitator, f"/f/w/{workshop.code}/focus", practice=FOCUS)
    assert shown.status_code == 303 and shown.headers["Location"].endswith("#practices")
    assert store.workshop(workshop.code).focus == FOCUS
    app.extensions["workshop.realtime"].flush()
    [state] = [e["args"][0] for e in screen.get_received() if e["name"] == "state"]
    assert state["focus"] == FOCUS  # the projector hears it at once
    assert [e for e in phone.get_received() if e["name"] == "negotiation"] == []  # no reload
    assert "Au projecteur : WhatsApp avec les personnes" in words(
        facilitator.get(f"/f/w/{workshop.code}")
    )
    page = text(facilitator.get(f"/f/w/{workshop.code}"))
    assert 'aria-current="true"' in page and "Revenir à la vue d'ensemble" in page

    back = post(facilitator, f"/f/w/{workshop.code}/focus", practice="")
    assert back.status_code == 303 and store.workshop(workshop.code).focus is None
    assert "Revenir à la vue d'ensemble" not in text(facilitator.get(f"/f/w/{workshop.code}"))


def test_an_unknown_practice_is_refused_and_the_focus_stays(facilitator, make_workshop, store):
    workshop = make_workshop(phase="map")
    post(facilitator, f"/f/w/{workshop.code}/focus", practice=FOCUS)
    for form in ({"practice": "id-photos"}, {}):  # not in this workshop; nothing sent
        refused = facilitator.post(
            f"/f/w/{workshop.code}/focus", data={"csrf": csrf(facilitator), **form}
        )
        assert "Cette carte n'existe pas" in text(facilitator.get(refused.headers["Location"]))
        assert store.workshop(workshop.code).focus == FOCUS


@pytest.mark.parametrize("phase", ["map", "negotiation"])
@pytest.mark.parametrize("who", ["stranger", "participant"])
def test_nobody_else_moves_the_projector(app, facilitator, make_workshop, join, store, phase, who):
    workshop = make_workshop(phase="map")
    store.set_phase(workshop.id, Phase(phase))
    post(facilitator, f"/f/w/{workshop.code}/focus", practice=FOCUS)
    intruder = app.test_client() if who == "stranger" else join(workshop)[0]
    for practice in ("", "team-group-chat"):
        refused = post(intruder, f"/f/w/{workshop.code}/focus", practice=practice)
        assert refused.status_code == 403
    assert store.workshop(workshop.code).focus == FOCUS


def test_in_negotiation_the_phones_follow_the_practice_under_discussion(
    facilitator, make_workshop, store, sio, join
):
    workshop = make_workshop(phase="map")
    store.set_phase(workshop.id, Phase.NEGOTIATION)
    _, token = join(workshop)
    phone = sio({"role": "participant", "code": workshop.code, "token": token})
    phone.get_received()
    moved = post(facilitator, f"/f/w/{workshop.code}/focus", practice=FOCUS)
    assert moved.headers["Location"].endswith("#negotiation")
    assert [e["name"] for e in phone.get_received()] == ["negotiation"]
    post(facilitator, f"/f/w/{workshop.code}/focus", practice="")
    assert [e["name"] for e in phone.get_received()] == ["negotiation"]
    assert store.workshop(workshop.code).focus is None


def _between(page: str, start: str, end: str) -> str:
    return page.split(start, 1)[1].split(end, 1)[0]


def test_the_negotiation_is_on_one_screen_and_the_rest_is_folded(facilitator, make_workshop, store):
    workshop = make_workshop(phase="map", hidden=False)
    store.set_phase(workshop.id, Phase.NEGOTIATION)
    store.set_focus(workshop.id, FOCUS)
    clause = store.add_clause(workshop.id, FOCUS, "Nous utilisons Signal.")
    store.add_clause(workshop.id, None, "Nous relisons la charte dans un an.")
    store.open_round(workshop.id, clause)
    page = facilitator.get(f"/f/w/{workshop.code}").get_data(as_text=True)
    work = _between(page, 'id="work"', 'id="more"')
    # The practice under discussion, its decision, its open round and its clause first…
    assert "Nous parlons avec les personnes sur WhatsApp" in work
    assert f'action="/f/w/{workshop.code}/decision"' in work
    assert "Nous utilisons Signal." in work and "Clore le tour" in work
    assert "data-round-answered" in work
    # …a general clause folded beneath it, the other practices in a list to open…
    assert re.search(r"<details[^>]*general-clauses[^>]*>", work)
    assert "Nous relisons la charte dans un an." in _between(work, "general-clauses", "</details>")
    assert re.search(r'<details class="fold" id="practices">', work)  # closed: a practice is chosen
    # …and everything else folded, closed, after it.
    more = page.split('id="more"', 1)[1]
    for fold in ("join", "charter-more", "map-more", "comments", "paper", "erase"):
        assert re.search(rf'<details class="fold[^"]*" id="{fold}">', more), fold
    assert page.index('id="phase"') < page.index('id="timer"') < page.index('id="work"')


def test_without_a_practice_chosen_the_list_is_open(facilitator, make_workshop, store):
    workshop = make_workshop(phase="map")
    store.set_phase(workshop.id, Phase.NEGOTIATION)
    page = facilitator.get(f"/f/w/{workshop.code}").get_data(as_text=True)
    assert '<details class="fold" id="practices" open>' in page
    assert "Choisissez dans la liste la pratique à discuter" in text(
        facilitator.get(f"/f/w/{workshop.code}")
    )


def test_the_next_practice_is_the_next_undecided_one_in_tension_order(
    facilitator, make_workshop, store
):
    from workshop.live import take
    from workshop.model import DecisionKind

    workshop = make_workshop(phase="screening")
    answer_all(store, workshop)
    store.set_phase(workshop.id, Phase.MAP)
    store.set_phase(workshop.id, Phase.NEGOTIATION)
    order = [r.practice["id"] for r in take(store, store.workshop_by_id(workshop.id)).rows]
    store.set_focus(workshop.id, order[0])
    store.set_decision(workshop.id, order[1], DecisionKind.KEEP, "")
    page = text(facilitator.get(f"/f/w/{workshop.code}"))
    short = {p["id"]: p.get("short") or p["title"] for p in workshop.practices}
    assert f"Pratique suivante : {short[order[2]]}" in page
    button = re.search(
        r'<button type="submit" name="practice" value="([^"]+)" class="button">Pratique suivante',
        facilitator.get(f"/f/w/{workshop.code}").get_data(as_text=True),
    )
    assert button.group(1) == order[2]


def test_the_open_round_is_pushed_with_its_tally_and_reasons_but_never_who(
    app, facilitator, make_workshop, store, join, sio
):
    workshop = make_workshop(phase="map")
    store.set_phase(workshop.id, Phase.NEGOTIATION)
    clause = store.add_clause(workshop.id, FOCUS, "Nous utilisons Signal.")
    store.open_round(workshop.id, clause)
    boss = sio({"role": "facilitator", "code": workshop.code}, client=facilitator)
    phone, _ = join(workshop, pseudonym="Dominique")
    round_id = store.open_round_of(workshop.id)["id"]
    post(
        phone,
        f"/j/{workshop.code}/consent",
        round=round_id,
        value="objection",
        reason="Trop risqué",
    )
    boss.get_received()
    app.extensions["workshop.realtime"].flush()
    [state] = [e["args"][0] for e in boss.get_received() if e["name"] == "state"]
    assert state["round"]["id"] == round_id and state["round"]["clause_id"] == clause
    assert state["round"]["tally"] == {"consent": 0, "reservation": 0, "objection": 1}
    assert state["round"]["objections"] == ["Trop risqué"]
    assert "Dominique" not in str(state["round"])


@pytest.mark.parametrize("phase", ["joining", "screening", "map", "negotiation", "charter"])
def test_every_phase_puts_its_work_first_and_works_without_javascript(
    facilitator, make_workshop, store, phase
):
    workshop = make_workshop(phase="map")
    store.set_phase(workshop.id, Phase(phase))
    page = facilitator.get(f"/f/w/{workshop.code}").get_data(as_text=True)
    assert 'class="control-nav"' in page and 'href="#work"' in page and 'href="#timer"' in page
    work = _between(page, 'id="work"', 'id="more"')
    expected = {
        "joining": "join-heading",
        "screening": "progress-heading",
        "map": "focus-list",
        "negotiation": "negotiation-heading",
        "charter": "charter-heading",
    }[phase]
    assert expected in work
    for form in re.findall(r"<form [^>]*>", page):  # every action is a plain form
        assert 'method="post"' in form or 'method="get"' in form, form


def test_the_facilitator_s_phone_signs_in_with_a_one_time_code(
    app, facilitator, make_workshop, monkeypatch
):
    from workshop.views.facilitator import room

    workshop = make_workshop(phase="screening")
    app.config["BASE_URL"] = "http://192.0.2.10:8000"
    secret = app.config["FACILITATOR_SECRET"]
    page = facilitator.get(f"/f/w/{workshop.code}").get_data(as_text=True)
    steer = _between(page, '<details class="fold" id="steer">', "</details>")
    assert "<svg" not in steer and secret not in page  # nothing to scan until asked for
    drawn = []
    monkeypatch.setattr(room, "qr_svg", lambda data, label: drawn.append(data) or "<svg></svg>")
    shown = facilitator.post(f"/f/w/{workshop.code}/steer", data={"csrf": csrf(facilitator)})
    assert shown.status_code == 200 and "Ne projetez pas ce code" in text_of(shown.get_data(True))
    [url] = drawn
    assert url.startswith("http://192.0.2.10:8000/f/steer/") and secret not in url
    path = url.removeprefix("http://192.0.2.10:8000")
    phone = app.test_client()
    landed = phone.get(path)
    assert landed.status_code == 302 and landed.headers["Location"] == f"/f/w/{workshop.code}"
    assert phone.get(f"/f/w/{workshop.code}").status_code == 200  # signed in
    again = app.test_client()
    refused = again.get(path)  # spent: a photo of the code is worth nothing
    assert refused.status_code == 403 and "déjà servi ou a expiré" in text_of(
        refused.get_data(True)
    )
    assert again.get(f"/f/w/{workshop.code}").status_code == 403
    assert app.test_client().get("/f/steer/made-up").status_code == 403


def test_a_code_for_the_facilitator_s_phone_expires(app, facilitator, make_workshop, monkeypatch):
    from workshop import security
    from workshop.views.facilitator import room

    workshop = make_workshop()
    drawn = []
    monkeypatch.setattr(room, "qr_svg", lambda data, label: drawn.append(data) or "<svg></svg>")
    facilitator.post(f"/f/w/{workshop.code}/steer", data={"csrf": csrf(facilitator)})
    later = room.time.time() + security.PAIRING_SECONDS + 1
    monkeypatch.setattr(room.time, "time", lambda: later)
    path = "/f/steer/" + drawn[0].rsplit("/", 1)[1]
    assert app.test_client().get(path).status_code == 403


@pytest.mark.parametrize("who", ["stranger", "participant"])
def test_only_the_facilitator_asks_for_a_code(app, make_workshop, join, who):
    workshop = make_workshop()
    intruder = app.test_client() if who == "stranger" else join(workshop)[0]
    asked = intruder.post(f"/f/w/{workshop.code}/steer", data={"csrf": csrf(intruder)})
    assert asked.status_code == 403
