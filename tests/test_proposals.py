"""Practices "of ours": proposed by a participant, decided by the facilitator, kept."""

from conftest import csrf, text

from workshop.model import Phase


def propose(phone, workshop, title, description=""):
    return phone.post(
        f"/j/{workshop.code}/propose",
        data={"csrf": csrf(phone), "title": title, "description": description},
    )


def test_a_proposal_accepted_becomes_a_card_for_everyone(
    make_workshop, join, store, facilitator, sio
):
    workshop = make_workshop(phase="screening")
    phone, _ = join(workshop)
    other, token = join(workshop)
    other_socket = sio({"role": "participant", "code": workshop.code, "token": token})
    response = propose(
        phone,
        workshop,
        "Nous partageons un agenda Google",
        "Les rendez-vous des personnes y sont visibles par toute l'équipe.",
    )
    assert response.status_code == 303
    assert "L'animation va lire votre proposition" in text(phone.get(response.headers["Location"]))
    [pending] = store.proposals(workshop.id, "pending")
    page = text(facilitator.get(f"/f/w/{workshop.code}"))
    assert "Nous partageons un agenda Google" in page
    accepted = facilitator.post(
        f"/f/w/{workshop.code}/proposals/{pending['id']}",
        data={
            "csrf": csrf(facilitator),
            "decision": "accept",
            "title": "Nous partageons un agenda en ligne",
            "description": "Corrigée",
            "register": "computerisation",
        },
    )
    assert accepted.status_code == 303
    cards = store.workshop(workshop.code).practices
    assert len(cards) == 4
    assert cards[-1] == {
        "id": f"room-{pending['id']}",
        "title": "Nous partageons un agenda en ligne",
        "description": "Corrigée",
        "register": "computerisation",
        "register_label": "Informatisation",
        # The author's words stay as they are; the register reads in every language.
        "i18n": {"en": {"register_label": "Computerisation"}},
        "origin": "room",
    }
    assert any(e["name"] == "cards" for e in other_socket.get_received())
    card = text(other.get(f"/j/{workshop.code}/card/4"))
    assert "Nous partageons un agenda en ligne" in card and "proposée par le groupe" in card
    assert (
        other.post(
            f"/j/{workshop.code}/card/4",
            data={"csrf": csrf(other), "means": "problem", "go": "next"},
        ).status_code
        == 303
    )
    store.set_phase(workshop.id, Phase.MAP)
    assert "proposée par le groupe" in text(other.get(f"/j/{workshop.code}"))


def test_a_declined_proposal_adds_nothing(make_workshop, join, store, facilitator):
    workshop = make_workshop(phase="screening")
    phone, _ = join(workshop)
    propose(phone, workshop, "Hors sujet")
    [pending] = store.proposals(workshop.id, "pending")
    facilitator.post(
        f"/f/w/{workshop.code}/proposals/{pending['id']}",
        data={"csrf": csrf(facilitator), "decision": "decline"},
    )
    assert len(store.workshop(workshop.code).practices) == 3
    assert store.proposals(workshop.id)[0]["status"] == "declined"
    again = facilitator.post(
        f"/f/w/{workshop.code}/proposals/{pending['id']}",
        data={"csrf": csrf(facilitator), "decision": "accept", "title": "X"},
        follow_redirects=True,
    )
    assert "déjà été traitée" in text(again)
    assert len(store.workshop(workshop.code).practices) == 3


def test_bad_proposals_keep_what_was_typed(make_workshop, join, store):
    workshop = make_workshop(phase="screening")
    phone, _ = join(workshop)
    response = propose(phone, workshop, "", "Une description sans titre")
    assert response.status_code == 400
    assert "Écrivez la pratique en une phrase" in text(response)
    assert "Une description sans titre" in text(response)
    long = propose(phone, workshop, "Titre", "d" * 401)
    assert "la limite est 400" in text(long)
    assert store.proposals(workshop.id) == []


def test_proposals_only_during_screening_and_when_allowed(app, make_workshop, join, store):
    workshop = make_workshop(phase="joining")
    phone, _ = join(workshop)
    assert propose(phone, workshop, "Trop tôt").status_code == 409
    closed = store.create_workshop(
        "NOPRP", "Sans", "fr", "social-work.fr", {}, [], allow_proposals=False
    )
    store.set_phase(closed, Phase.SCREENING)
    phone2, _ = join(store.workshop("NOPRP"))
    assert propose(phone2, store.workshop("NOPRP"), "Non").status_code == 409
    assert "Une pratique à nous" not in text(phone2.get("/j/NOPRP"))


def test_only_the_facilitator_decides(make_workshop, join, store, app):
    workshop = make_workshop(phase="screening")
    phone, _ = join(workshop)
    propose(phone, workshop, "Ma proposition")
    [pending] = store.proposals(workshop.id, "pending")
    for client in (phone, app.test_client()):
        response = client.post(
            f"/f/w/{workshop.code}/proposals/{pending['id']}",
            data={"csrf": csrf(client), "decision": "accept", "title": "X"},
        )
        assert response.status_code == 403
    assert store.proposals(workshop.id, "pending") == [pending]
