"""The method's loop end to end: the facilitator asks a practice again, phones (with and
without JavaScript) and paper sheets answer it in its pass, then it closes."""

import pytest
from conftest import csrf, text

from workshop.model import Answer, Phase, Sphere, Vote

PRACTICE = "whatsapp-users"  # the first card


@pytest.fixture
def negotiating(make_workshop, store, join):
    """A workshop in negotiation whose first practice was screened by two people."""
    workshop = make_workshop(phase="screening")
    phones = [join(workshop) for _ in range(2)]
    for (client, _token), value in zip(phones, ("fine", "problem"), strict=True):
        client.post(
            f"/j/{workshop.code}/card/1",
            data={"csrf": csrf(client), "means": value, "go": "next"},
        )
    store.set_phase(workshop.id, Phase.MAP)
    store.set_phase(workshop.id, Phase.NEGOTIATION)
    return store.workshop_by_id(workshop.id), phones


def post(client, path, **data):
    return client.post(path, data={"csrf": csrf(client), **data})


def revisit(facilitator, workshop, **data):
    return post(facilitator, f"/f/w/{workshop.code}/revisit", **data)


def test_a_phone_without_javascript_answers_the_new_look(negotiating, facilitator, store, join):
    workshop, phones = negotiating
    first = store.answer_counts(workshop.id)
    post(facilitator, f"/f/w/{workshop.code}/focus", practice=PRACTICE)
    assert revisit(facilitator, workshop, action="open").status_code == 303
    assert store.open_revisit_of(workshop.id)["pass"] == 2
    # Someone who joined after screening is asked too.
    late, _ = join(workshop)
    home = text(late.get(f"/j/{workshop.code}"))
    assert "Nouveau regard après la discussion (passage 2)" in home
    assert "Répondre de nouveau" in home
    card = late.get(f"/j/{workshop.code}/card/1")
    page = text(card)
    assert card.status_code == 200
    assert "Nouveau regard après la discussion (passage 2)" in page
    assert 'name="pass" value="2"' in page
    assert "checked" not in page  # asked again, empty
    saved = post(
        late,
        f"/j/{workshop.code}/card/1",
        **{"pass": "2", "means": "problem", "means_comment": "vu autrement", "values": "discuss"},
    )
    assert saved.status_code == 303 and saved.headers["Location"].endswith("#revisit")
    assert sorted(store.answer_counts(workshop.id, 2)) == [
        (PRACTICE, "means", "problem", 1),
        (PRACTICE, "values", "discuss", 1),
    ]
    assert store.answer_counts(workshop.id) == first  # the first map is untouched
    assert "vos réponses à ce nouveau regard sont enregistrées" in text(
        late.get(f"/j/{workshop.code}")
    )
    # Coming back shows this pass's answers (and only them) to change them.
    again = text(late.get(f"/j/{workshop.code}/card/1"))
    assert "vu autrement" in again
    # The facilitator's comments list says which look a comment belongs to.
    comments = text(facilitator.get(f"/f/w/{workshop.code}"))
    assert "passage 2, après la discussion" in comments and "vu autrement" in comments
    # Another card is not asked again.
    assert late.get(f"/j/{workshop.code}/card/2").status_code == 302
    assert store.open_revisit_of(workshop.id)["answered"] == 1

    # Closed: the card goes back to the negotiation, and an answer sent late is refused
    # with what was typed, nothing saved.
    assert revisit(facilitator, workshop, action="close").status_code == 303
    client, _ = phones[0]
    assert client.get(f"/j/{workshop.code}/card/1").status_code == 302
    late_answer = post(
        client,
        f"/j/{workshop.code}/card/1",
        **{"pass": "2", "means": "fine", "means_comment": "trop tard ?"},
    )
    assert late_answer.status_code == 409
    page = text(late_answer)
    assert "Ce nouveau regard sur la pratique est clos" in page
    assert "trop tard ?" in page and 'value="fine" checked' in page
    assert store.answer_counts(workshop.id, 2) == [
        (PRACTICE, "means", "problem", 1),
        (PRACTICE, "values", "discuss", 1),
    ]
    assert "Nouveau regard après" not in text(client.get(f"/j/{workshop.code}"))


def test_the_phone_saves_its_new_look_over_socketio(negotiating, facilitator, store, sio):
    workshop, phones = negotiating
    sockets = [sio({"role": "participant", "code": workshop.code, "token": t}) for _, t in phones]
    screen = sio({"role": "screen", "code": workshop.code})
    for s in (*sockets, screen):
        s.get_received()
    answer = {"practice": PRACTICE, "sphere": "means", "value": "problem", "pass": 2}
    refused = sockets[0].emit("answer", answer, callback=True)
    assert refused == {
        "ok": False,
        "error": "Ce nouveau regard sur la pratique est clos (ou n'est pas celui qui est"
        " ouvert) : votre réponse n'est pas enregistrée.",
    }
    revisit(facilitator, workshop, action="open", practice=PRACTICE)
    for s in (*sockets, screen):
        events = {e["name"]: e["args"] for e in s.get_received()}
        assert events["revisit"] == [{"open": {"practice": PRACTICE, "pass": 2}}]
        assert ("negotiation" in events) == (s is not screen)  # phones reload
    assert sockets[0].emit("answer", answer, callback=True) == {"ok": True}
    assert sockets[1].emit("answer", {**answer, "value": "discuss"}, callback=True) == {"ok": True}
    # The first pass is not open: screening is over.
    assert sockets[0].emit("answer", {**answer, "pass": 1}, callback=True)["ok"] is False
    assert sockets[0].emit("answer", {**answer, "pass": 3}, callback=True)["ok"] is False
    assert sockets[0].emit("answer", {**answer, "pass": True}, callback=True)["ok"] is False
    assert sorted(store.answer_counts(workshop.id, 2)) == [
        (PRACTICE, "means", "discuss", 1),
        (PRACTICE, "means", "problem", 1),
    ]
    revisit(facilitator, workshop, action="close")
    events = {e["name"]: e["args"] for e in sockets[0].get_received()}
    assert events["revisit"] == [{"open": None}] and "negotiation" in events
    assert sockets[0].emit("answer", answer, callback=True)["ok"] is False


def test_a_paper_sheet_answers_the_new_look(negotiating, facilitator, store):
    workshop, _ = negotiating
    revisit(facilitator, workshop, action="open", practice=PRACTICE)
    entry = text(facilitator.get(f"/f/w/{workshop.code}/paper?sheet=4"))
    assert "Nouveau regard après la discussion (passage 2)" in entry
    assert 'name="pass" value="2"' in entry
    assert f'name="{PRACTICE}:means"' in entry
    assert 'name="team-group-chat:means"' not in entry  # only the practice asked again
    saved = post(
        facilitator,
        f"/f/w/{workshop.code}/paper",
        sheet="4",
        **{"pass": "2", f"{PRACTICE}:means": "unsure", f"{PRACTICE}:means:comment": "papier"},
    )
    assert saved.status_code == 303
    assert store.answer_counts(workshop.id, 2) == [(PRACTICE, "means", "unsure", 1)]
    assert store.comments(workshop.id, 2) == [(PRACTICE, "means", "papier")]
    assert store.open_revisit_of(workshop.id)["answered"] == 1
    # The sheet opens again with its answers of this pass.
    assert "papier" in text(facilitator.get(f"/f/w/{workshop.code}/paper?sheet=4"))
    revisit(facilitator, workshop, action="close")
    late = post(
        facilitator,
        f"/f/w/{workshop.code}/paper",
        sheet="5",
        **{"pass": "2", f"{PRACTICE}:values": "fine", f"{PRACTICE}:values:comment": "tard"},
    )
    assert late.status_code == 409
    page = text(late)
    assert "Ce nouveau regard sur la pratique est clos" in page and "tard" in page
    assert store.answer_counts(workshop.id, 2) == [(PRACTICE, "means", "unsure", 1)]
    assert store.paper_sheets(workshop.id) == [4]


def test_the_facilitator_reads_why_a_revisit_is_refused(negotiating, facilitator, store):
    workshop, _ = negotiating
    code = workshop.code

    def refused(**data):
        response = revisit(facilitator, workshop, **data)
        assert response.status_code == 303
        return text(facilitator.get(response.headers["Location"]))

    assert "Choisissez d'abord la pratique à revoir." in refused(action="open")
    assert "Cette carte n'existe pas dans l'atelier." in refused(action="open", practice="nowhere")
    assert "Aucun nouveau regard n'est ouvert." in refused(action="close")
    revisit(facilitator, workshop, action="open", practice=PRACTICE)
    assert "Un nouveau regard est déjà ouvert" in refused(
        action="open", practice="cloud-case-files"
    )
    page = text(facilitator.get(f"/f/w/{code}"))
    assert "Nouveau regard ouvert sur « Nous parlons avec les personnes sur WhatsApp »" in page
    assert "personne n'a encore répondu." in page
    # Leaving the negotiation closes it.
    post(facilitator, f"/f/w/{code}/phase", phase="charter")
    assert store.open_revisit_of(workshop.id) is None
    post(facilitator, f"/f/w/{code}/phase", phase="negotiation")
    post(facilitator, f"/f/w/{code}/phase", phase="map")
    assert "La négociation n'est pas en cours." in refused(action="open", practice=PRACTICE)
    assert [r["pass"] for r in store.revisits(workshop.id)] == [2]


def test_the_control_page_shows_before_and_after_in_words(negotiating, facilitator, store):
    workshop, phones = negotiating
    revisit(facilitator, workshop, action="open", practice=PRACTICE)
    people = [store.participant(workshop.id, _hash(t)) for _, t in phones]
    for person in people:
        store.save_vote(person, Vote(PRACTICE, Sphere.MEANS, Answer.PROBLEM, "", 2))
    revisit(facilitator, workshop, action="close")
    page = text(facilitator.get(f"/f/w/{workshop.code}"))
    assert "Avant et après la discussion (passage 1 et passage 2)" in page
    assert "plus inquiets" in page and "plus d'accord" in page
    assert "pas de comparaison possible" in page  # values: nobody answered it


def _hash(token):
    from workshop.security import token_hash

    return token_hash(token)


@pytest.mark.parametrize("who", ["stranger", "participant"])
def test_only_the_facilitator_opens_and_closes_a_revisit(negotiating, app, join, store, who):
    workshop, _ = negotiating
    intruder = app.test_client() if who == "stranger" else join(workshop)[0]
    opened = post(intruder, f"/f/w/{workshop.code}/revisit", action="open", practice=PRACTICE)
    assert opened.status_code == 403
    assert store.revisits(workshop.id) == []
    store.open_revisit(workshop.id, Phase.NEGOTIATION, PRACTICE)
    closed = post(intruder, f"/f/w/{workshop.code}/revisit", action="close")
    assert closed.status_code == 403
    assert store.open_revisit_of(workshop.id)["pass"] == 2


def test_the_projector_counts_the_new_look_then_shows_before_and_after(
    negotiating, facilitator, store, client
):
    workshop, phones = negotiating
    revisit(facilitator, workshop, action="open", practice=PRACTICE)
    people = [store.participant(workshop.id, _hash(t)) for _, t in phones]
    store.save_vote(people[0], Vote(PRACTICE, Sphere.MEANS, Answer.PROBLEM, "tout compte fait", 2))
    page = text(client.get(f"/s/{workshop.code}"))
    assert 'data-view="revisit"' in page
    assert "Nouveau regard après la discussion (passage 2)" in page
    assert "sur 2 ont répondu" in page and "<b>1</b>" in page
    assert "tout compte fait" not in page  # the new answers stay off until it closes
    assert "plus inquiets" not in page
    store.save_vote(people[1], Vote(PRACTICE, Sphere.MEANS, Answer.PROBLEM, "", 2))
    revisit(facilitator, workshop, action="close")
    for url in (f"/s/{workshop.code}", f"/s/{workshop.code}?practice={PRACTICE}"):
        page = text(client.get(url))
        assert "Avant et après la discussion (passage 1 et passage 2)" in page
        assert "plus inquiets · plus d'accord" in page  # fine + problem → problem + problem
        assert "pas de comparaison possible" in page  # values: nobody answered it
    focus = text(client.get(f"/s/{workshop.code}?practice={PRACTICE}"))
    assert "1 commentaire au nouveau regard" in focus and "tout compte fait" in focus
    overview = text(client.get(f"/s/{workshop.code}?view=overview"))
    assert "regardée de nouveau après la discussion" in overview  # the ↻ mark
    assert "le premier passage (touche R : le dernier)" in overview
    last = text(client.get(f"/s/{workshop.code}/stage?view=overview&pass=last"))
    assert "le dernier passage (touche R : le premier)" in last
    assert "Problème 2" in last and "Problème 2" not in overview  # the last pass's cells


def test_an_easy_read_phone_answers_the_new_look_one_question_a_screen(
    make_workshop, store, facilitator, join
):
    workshop = make_workshop(phase="negotiation", easy=True)
    client, _ = join(workshop)
    revisit(facilitator, workshop, action="open", practice=PRACTICE)
    # The negotiation page invites to it, in easy-read words.
    home = text(client.get(f"/j/{workshop.code}"))
    assert "Nouvelles questions après la discussion" in home and "passage 2" not in home
    assert "Répondez encore aux 3 questions" in home and ">Répondre</a>" in home
    card = f"/j/{workshop.code}/card/1"
    first = text(client.get(card))
    assert "Question 1 sur 3" in first and "Nouvelles questions après la discussion" in first
    assert first.count("<fieldset") == 1 and 'name="means"' in first
    assert "Nous parlons avec les personnes sur WhatsApp" in first  # the card's title
    moved = post(client, card, **{"pass": "2", "q": "1", "go": "next", "means": "problem"})
    assert moved.status_code == 303 and moved.headers["Location"].endswith("card/1?q=2")
    second = text(client.get(moved.headers["Location"]))
    assert "Question 2 sur 3" in second and 'name="values"' in second
    assert 'name="means"' not in second
    back = post(client, card, **{"pass": "2", "q": "2", "go": "previous", "values": "fine"})
    assert back.headers["Location"].endswith("card/1?q=1")
    assert 'value="problem" checked' in text(client.get(back.headers["Location"]))
    last = text(client.get(f"{card}?q=3"))
    assert "Envoyer mes réponses" in last and "Suivant" not in last
    done = post(
        client, card, **{"pass": "2", "q": "3", "go": "overview", "prescriptions": "unsure"}
    )
    assert done.headers["Location"].endswith("#revisit")
    assert sorted(store.answer_counts(workshop.id, 2)) == [
        (PRACTICE, "means", "problem", 1),
        (PRACTICE, "prescriptions", "unsure", 1),
        (PRACTICE, "values", "fine", 1),
    ]
    assert store.answer_counts(workshop.id) == []  # the first pass is untouched
    assert "Merci ! Vos réponses sont enregistrées." in text(client.get(f"/j/{workshop.code}"))
