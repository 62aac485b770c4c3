"""From the map to adopted clauses: decisions, consent rounds, dissent kept, commitments."""

import html
import re
import threading

import pytest
from conftest import csrf, text

from workshop.model import ClauseStatus, Consent, Invalid, Phase
from workshop.security import token_hash


@pytest.fixture
def negotiating(make_workshop, store):
    workshop = make_workshop(phase="map")
    store.set_phase(workshop.id, Phase.NEGOTIATION)
    return store.workshop_by_id(workshop.id)


def post(client, path, **data):
    return client.post(path, data={"csrf": csrf(client), **data})


def test_a_clause_is_amended_after_an_objection_then_adopted(
    negotiating, facilitator, join, sio, store
):
    w = negotiating
    base = f"/f/w/{w.code}"
    assert post(facilitator, f"{base}/focus", practice="whatsapp-users").status_code == 303
    post(
        facilitator,
        f"{base}/decision",
        practice="whatsapp-users",
        kind="replace",
        detail="par Signal",
    )
    post(
        facilitator,
        f"{base}/clauses",
        practice="whatsapp-users",
        text="Nous échangeons avec les personnes par Signal.",
    )
    [clause] = store.clauses(w.id)
    phones = [join(w) for _ in range(3)]
    sockets = [sio({"role": "participant", "code": w.code, "token": t}) for _c, t in phones]
    post(facilitator, f"{base}/clauses/{clause['id']}", action="open")
    round_ = store.open_round_of(w.id)
    for s in sockets:
        assert any(e["name"] == "negotiation" for e in s.get_received())

    # The phones see the clause; one objects (a reason is required), one has a reservation.
    page = text(phones[0][0].get(f"/j/{w.code}"))
    assert "Nous échangeons avec les personnes par Signal." in page and "J'objecte" in page
    no_reason = sockets[0].emit(
        "consent", {"round": round_["id"], "value": "objection"}, callback=True
    )
    assert no_reason == {
        "ok": False,
        "error": "Une objection a besoin d'une raison : quel risque voyez-vous ?",
    }
    assert sockets[0].emit(
        "consent",
        {
            "round": round_["id"],
            "value": "objection",
            "reason": "Certaines personnes n'ont pas de smartphone",
        },
        callback=True,
    ) == {"ok": True}
    assert sockets[1].emit(
        "consent",
        {"round": round_["id"], "value": "reservation", "reason": "Il faut former l'équipe"},
        callback=True,
    ) == {"ok": True}
    form = post(phones[2][0], f"/j/{w.code}/consent", round=str(round_["id"]), value="consent")
    assert form.status_code == 303
    tally = store.open_round_of(w.id)["tally"]
    assert tally == {"consent": 1, "reservation": 1, "objection": 1}

    refused = facilitator.post(
        f"{base}/clauses/{clause['id']}",
        follow_redirects=True,
        data={"csrf": csrf(facilitator), "action": "adopt"},
    )
    assert "Le dernier tour a des objections" in text(refused)
    post(facilitator, f"{base}/clauses/{clause['id']}", action="close")
    post(
        facilitator,
        f"{base}/clauses/{clause['id']}",
        action="edit",
        text="Nous échangeons par Signal, et par SMS avec qui n'a pas de smartphone.",
    )
    post(facilitator, f"{base}/clauses/{clause['id']}", action="open")
    second = store.open_round_of(w.id)
    assert second["number"] == 2 and "SMS" in second["text"]
    for s in sockets:
        assert s.emit("consent", {"round": second["id"], "value": "consent"}, callback=True) == {
            "ok": True
        }
    post(facilitator, f"{base}/clauses/{clause['id']}", action="adopt")
    post(
        facilitator,
        f"{base}/clauses/{clause['id']}",
        action="commitment",
        who="la coordination",
        by="2027-03-01",
    )
    adopted = store.clause(w.id, clause["id"])
    assert adopted["status"] == "adopted"
    assert [r["number"] for r in adopted["rounds"]] == [1, 2]  # every round is kept
    assert adopted["rounds"][0]["objections"] == ["Certaines personnes n'ont pas de smartphone"]
    assert (adopted["commitment_who"], adopted["commitment_by"]) == (
        "la coordination",
        "2027-03-01",
    )
    assert store.decisions(w.id) == {"whatsapp-users": {"kind": "replace", "detail": "par Signal"}}


def test_dissent_can_be_recorded_instead_of_lost(negotiating, store, join):
    w = negotiating
    clause = store.add_clause(w.id, None, "Pas de données de santé dans le cloud.")
    round_id = store.open_round(w.id, clause)
    _, token = join(w)
    participant = store.participant(w.id, token_hash(token))
    store.save_consent(round_id, participant.id, Consent.OBJECTION, "Trop strict")
    store.decide_clause(w.id, clause, ClauseStatus.ADOPTED_WITH_DISSENT)
    kept = store.clause(w.id, clause)
    assert kept["status"] == "adopted_with_dissent"
    assert kept["rounds"][0]["objections"] == ["Trop strict"]


def test_answers_after_the_round_closed_are_refused(negotiating, store, join, sio):
    w = negotiating
    clause = store.add_clause(w.id, None, "Texte")
    round_id = store.open_round(w.id, clause)
    _, token = join(w)
    phone = sio({"role": "participant", "code": w.code, "token": token})
    store.close_round(w.id, clause)
    reply = phone.emit("consent", {"round": round_id, "value": "consent"}, callback=True)
    assert reply["ok"] is False and "clos" in reply["error"]


def test_one_round_at_a_time(negotiating, store):
    w = negotiating
    a, b = store.add_clause(w.id, None, "A"), store.add_clause(w.id, None, "B")
    store.open_round(w.id, a)
    with pytest.raises(Invalid) as error:
        store.open_round(w.id, b)
    assert error.value.key == "error.round_already_open"


def test_tallies_are_exact_under_concurrent_answers(negotiating, store, join):
    w = negotiating
    clause = store.add_clause(w.id, None, "Texte")
    round_id = store.open_round(w.id, clause)
    people = [store.participant(w.id, token_hash(join(w)[1])) for _ in range(30)]
    values = [Consent.CONSENT, Consent.RESERVATION, Consent.OBJECTION]

    def answer(i, person):
        for _ in range(3):  # changing one's answer replaces it
            store.save_consent(round_id, person.id, values[i % 3], "raison")

    threads = [threading.Thread(target=answer, args=(i, p)) for i, p in enumerate(people)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.open_round_of(w.id)["tally"] == {"consent": 10, "reservation": 10, "objection": 10}


def test_the_projector_shows_the_round_without_names(negotiating, store, join, sio, app):
    w = negotiating
    store.set_focus(w.id, "whatsapp-users")
    clause = store.add_clause(w.id, "whatsapp-users", "Nous utilisons Signal.")
    round_id = store.open_round(w.id, clause)
    client, token = join(w, pseudonym="Camille")
    phone = sio({"role": "participant", "code": w.code, "token": token})
    phone.emit(
        "consent",
        {"round": round_id, "value": "objection", "reason": "Pas d'accord"},
        callback=True,
    )
    screen = sio({"role": "screen", "code": w.code})
    app.extensions["workshop.realtime"].flush()
    state = [e["args"][0] for e in screen.get_received() if e["name"] == "state"][-1]
    html = state["stage"]
    assert state["view"] == "negotiation"
    assert "Nous utilisons Signal." in html and "Pas d&#39;accord" in html
    assert "Camille" not in html
    assert 'data-tally="objection">1<' in html
    page = client.get(f"/s/{w.code}").get_data(as_text=True)
    assert "Nous utilisons Signal." in page


def test_the_charter_phase_shows_adopted_clauses_on_phones(negotiating, store, join):
    w = negotiating
    clause = store.add_clause(w.id, "whatsapp-users", "Nous utilisons Signal.")
    store.open_round(w.id, clause)
    store.decide_clause(w.id, clause, ClauseStatus.ADOPTED)
    store.add_clause(w.id, None, "Brouillon jamais adopté")
    store.set_phase(w.id, Phase.CHARTER)
    phone, _ = join(w)
    page = text(phone.get(f"/j/{w.code}"))
    assert "Notre charte" in page and "Nous utilisons Signal." in page
    assert "Brouillon jamais adopté" not in page


def test_suggestions_reach_the_facilitator_anonymously(negotiating, store, join, facilitator):
    w = negotiating
    store.set_focus(w.id, "whatsapp-users")
    phone, _ = join(w, pseudonym="Dominique")
    response = post(phone, f"/j/{w.code}/suggest", text="Signal pour tout le monde")
    assert response.status_code == 303
    page = text(facilitator.get(f"/f/w/{w.code}"))
    assert "Signal pour tout le monde" in page
    assert store.suggestions(w.id) == [
        {"practice": "whatsapp-users", "text": "Signal pour tout le monde"}
    ]


def test_bad_dates_and_texts_are_refused_with_a_message(negotiating, facilitator, store):
    w = negotiating
    bad = facilitator.post(
        f"/f/w/{w.code}/charter",
        follow_redirects=True,
        data={"csrf": csrf(facilitator), "review_date": "next year"},
    )
    assert "AAAA-MM-JJ" in text(bad)
    empty = facilitator.post(
        f"/f/w/{w.code}/clauses",
        follow_redirects=True,
        data={"csrf": csrf(facilitator), "text": "  "},
    )
    assert "Écrivez le texte de la clause" in text(empty)
    assert store.clauses(w.id) == []
    post(
        facilitator,
        f"/f/w/{w.code}/charter",
        team="Service social",
        place="Namur",
        date="2026-11-28",
        review_date="2027-11-28",
    )
    assert store.workshop_by_id(w.id).charter["review_date"] == "2027-11-28"


@pytest.mark.parametrize(
    ("lang", "commitment", "review"),
    [
        ("fr", "Engagement : la coordination, pour le 1er décembre 2026", "le 28 novembre 2027."),
        ("en", "Commitment: la coordination, by 1 December 2026", "on 28 November 2027."),
    ],
)
def test_the_phone_charter_writes_its_dates_in_words(
    make_workshop, store, join, lang, commitment, review
):
    w = make_workshop(phase="map", lang=lang)
    store.set_phase(w.id, Phase.NEGOTIATION)
    clause = store.add_clause(w.id, "whatsapp-users", "Nous utilisons Signal.")
    store.open_round(w.id, clause)
    store.decide_clause(w.id, clause, ClauseStatus.ADOPTED)
    store.set_commitment(w.id, clause, "la coordination", "2026-12-01")
    store.set_charter_details(w.id, {"review_date": "2027-11-28"})
    store.set_phase(w.id, Phase.CHARTER)
    phone, _ = join(w)
    page = text(phone.get(f"/j/{w.code}"))
    assert commitment in page and review in page
    assert "2026-12-01" not in page and "2027-11-28" not in page


@pytest.mark.parametrize(
    ("lang", "none", "zero"),
    [("fr", "Aucune clause adoptée", "0 clause"), ("en", "No clause adopted yet", "0 clauses")],
)
def test_no_adopted_clause_reads_as_none_not_zero(make_workshop, store, join, lang, none, zero):
    w = make_workshop(phase="map", lang=lang)
    store.set_phase(w.id, Phase.NEGOTIATION)
    store.add_clause(w.id, None, "Brouillon")
    client, _ = join(w)
    page = text(client.get(f"/s/{w.code}"))
    assert none in page and zero not in page


def test_the_paper_consent_form_asks_for_their_answer(make_workshop, store, facilitator):
    w = make_workshop(phase="screening")
    facilitator.post(
        f"/f/w/{w.code}/paper",
        data={"csrf": csrf(facilitator), "sheet": "1", "whatsapp-users:means": "fine"},
    )
    store.set_phase(w.id, Phase.MAP)
    store.set_phase(w.id, Phase.NEGOTIATION)
    store.open_round(w.id, store.add_clause(w.id, None, "Une clause"))
    page = text(facilitator.get(f"/f/w/{w.code}"))
    assert "Sa réponse (bulletin papier)" in page and "Votre réponse" not in page


def test_a_suggested_wording_becomes_a_clause_in_one_click(negotiating, store, join, facilitator):
    w = negotiating
    store.set_focus(w.id, "whatsapp-users")
    phone, _ = join(w)
    post(phone, f"/j/{w.code}/suggest", text="Nous proposons Signal à qui l'accepte")
    page = facilitator.get(f"/f/w/{w.code}").get_data(as_text=True)
    [(action, fields)] = re.findall(
        r'<form method="post" action="([^"]+)" class="inline-form">(.*?)</form>', page, re.S
    )
    assert "En faire une clause" in fields
    data = {k: html.unescape(v) for k, v in re.findall(r'name="(\w+)" value="([^"]*)"', fields)}
    assert facilitator.post(action, data=data).status_code == 303  # the one click
    [clause] = store.clauses(w.id)
    assert (clause["practice_id"], clause["text"], clause["status"]) == (
        "whatsapp-users",
        "Nous proposons Signal à qui l'accepte",
        "draft",
    )
