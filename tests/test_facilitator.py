"""The facilitator creates a workshop, moves its phases and erases it."""

import json
import re

from conftest import csrf, text

from workshop.model import CODE_ALPHABET, Phase


def _create(facilitator, **overrides):
    facilitator.get("/f/new?wlang=fr")
    data = {
        "csrf": csrf(facilitator),
        "wlang": "fr",
        "deck": "social-work.fr",
        "title": "Équipe du CPAS",
        "practices": ["whatsapp-users", "id-photos"],
        "results_hidden": "on",
    }
    data.update(overrides)
    return facilitator.post("/f/new", data=data)


def test_the_terminal_link_logs_the_facilitator_in(app, client):
    response = client.get(f"/f/?token={app.config['FACILITATOR_SECRET']}")
    assert response.status_code == 302 and response.headers["Location"] == "/f/"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert client.get("/f/").status_code == 200


def test_create_a_workshop(facilitator, store):
    form = text(facilitator.get("/f/new?wlang=fr"))
    assert "Nous parlons avec les personnes sur WhatsApp" in form
    response = _create(facilitator)
    assert response.status_code == 303
    code = response.headers["Location"].rsplit("/", 1)[1]
    assert len(code) == 5 and set(code) <= set(CODE_ALPHABET)
    workshop = store.workshop(code)
    assert workshop.title == "Équipe du CPAS" and workshop.lang == "fr"
    assert [p["id"] for p in workshop.practices] == ["whatsapp-users", "id-photos"]
    assert workshop.results_hidden and workshop.phase.value == "joining"
    page = text(facilitator.get(f"/f/w/{code}"))
    assert f"/j/{code}" in page and "<svg" in page and "Ouvrir les réponses individuelles" in page


def test_the_deck_follows_the_language(facilitator):
    page = text(facilitator.get("/f/new?wlang=en"))
    assert "We talk with service users on WhatsApp" in page


def test_results_can_be_shown_live(facilitator, store):
    response = _create(facilitator, results_hidden="")
    code = response.headers["Location"].rsplit("/", 1)[1]
    assert not store.workshop(code).results_hidden


def test_several_workshops_live_side_by_side(facilitator, store):
    _create(facilitator, title="Un")
    _create(facilitator, title="Deux")
    page = text(facilitator.get("/f/"))
    assert "Un" in page and "Deux" in page
    assert len({w.code for w in store.workshops()}) == 2


def test_bad_creation_says_why_and_keeps_the_form(facilitator, store):
    response = _create(facilitator, title="", practices=[])
    assert response.status_code == 400
    page = text(response)
    assert "Donnez un titre à l'atelier" in page and "Choisissez au moins une pratique" in page
    long = _create(facilitator, title="T" * 200)
    assert "la limite est 120" in text(long) and "T" * 200 in text(long)
    assert store.workshops() == []


def test_phases_move_forward_and_back(facilitator, store, make_workshop):
    workshop = make_workshop()
    url = f"/f/w/{workshop.code}/phase"
    facilitator.get(f"/f/w/{workshop.code}")
    assert (
        facilitator.post(url, data={"csrf": csrf(facilitator), "phase": "screening"}).status_code
        == 303
    )
    assert store.workshop(workshop.code).phase.value == "screening"
    facilitator.post(url, data={"csrf": csrf(facilitator), "phase": "map"})
    assert store.workshop(workshop.code).phase.value == "map"
    facilitator.post(url, data={"csrf": csrf(facilitator), "phase": "screening"})
    assert store.workshop(workshop.code).phase.value == "screening"


def test_an_impossible_phase_is_refused_with_a_message(facilitator, store, make_workshop):
    workshop = make_workshop()
    response = facilitator.post(
        f"/f/w/{workshop.code}/phase",
        data={"csrf": csrf(facilitator), "phase": "map"},
        follow_redirects=True,
    )
    assert "On ne peut pas passer directement à cette étape" in text(response)
    assert store.workshop(workshop.code).phase.value == "joining"


def test_erase_needs_the_code_typed(facilitator, store, make_workshop, join):
    workshop = make_workshop(phase="screening")
    join(workshop)
    wrong = facilitator.post(
        f"/f/w/{workshop.code}/delete",
        data={"csrf": csrf(facilitator), "confirm": "nope"},
        follow_redirects=True,
    )
    assert "rien n'a été effacé" in text(wrong)
    assert store.workshop(workshop.code) is not None
    facilitator.post(
        f"/f/w/{workshop.code}/delete",
        data={"csrf": csrf(facilitator), "confirm": workshop.code.lower()},
    )
    assert store.workshop(workshop.code) is None
    assert store.read(lambda c: c.execute("SELECT COUNT(*) FROM participant").fetchone()[0]) == 0


def test_facilitator_language_switch(facilitator):
    page = text(facilitator.get("/f/?lang=en"))
    assert "Your workshops" in page
    assert "Your workshops" in text(facilitator.get("/f/"))  # remembered
    assert "Vos ateliers" in text(facilitator.get("/f/?lang=fr"))


def test_join_url_uses_the_printed_address(app, facilitator, make_workshop):
    app.config["BASE_URL"] = "http://192.0.2.10:8000"
    workshop = make_workshop()
    page = text(facilitator.get(f"/f/w/{workshop.code}"))
    assert re.search(rf"http://192\.0\.2\.10:8000/j/{workshop.code}", page)


def test_practices_are_filtered_by_register_and_words(facilitator):
    page = text(facilitator.get("/f/new?wlang=fr&deck=social-work.fr&register=mediation"))
    assert "Nous faisons des démarches en ligne avec les codes de la personne" in page
    assert "Nous parlons avec les personnes sur WhatsApp" not in page
    searched = text(facilitator.get("/f/new?wlang=fr&deck=social-work.fr&q=whatsapp"))
    assert "Nous parlons avec les personnes sur WhatsApp" in searched
    assert "Nous cartographions les ressources du quartier" not in searched
    nothing = text(facilitator.get("/f/new?wlang=fr&deck=social-work.fr&q=zzzz"))
    assert "Aucune pratique ne correspond à ce filtre" in nothing


def test_the_order_typed_is_the_order_of_the_cards(facilitator, store):
    response = _create(
        facilitator,
        practices=["whatsapp-users", "id-photos", "ai-reports"],
        **{"order-whatsapp-users": "3", "order-id-photos": "1", "order-ai-reports": "2"},
    )
    code = response.headers["Location"].rsplit("/", 1)[1]
    assert [p["id"] for p in store.workshop(code).practices] == [
        "id-photos",
        "ai-reports",
        "whatsapp-users",
    ]


def test_cards_keep_the_deck_texts_they_were_created_with(facilitator, store):
    response = _create(facilitator, practices=["whatsapp-users"])
    card = store.workshop(response.headers["Location"].rsplit("/", 1)[1]).practices[0]
    assert card["register_label"] == "Médiatisation" and card["easy_read"] and card["pictogram"]


def test_a_deck_prints_one_card_per_practice(client, app):
    deck = app.extensions["workshop.decks"]["social-work.fr"]
    page = client.get("/decks/social-work.fr/print")
    assert page.status_code == 200
    html = text(page)
    assert html.count('class="print-card"') == len(deck.practices)
    assert "Les trois sphères" in html and deck.spheres["values"]["question"] in html
    css = client.get("/static/css/spheres.css")
    assert "@page" in css.get_data(as_text=True)
    css.close()
    assert client.get("/decks/nope.fr/print").status_code == 404
    assert "social-work.en" in text(client.get("/decks/"))


def test_the_home_page_offers_import_and_keeps_a_plain_title(facilitator):
    page = facilitator.get("/f/").get_data(as_text=True)
    title = page.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "<" not in title and "Vos ateliers" in title
    main = page.split('<main id="main"', 1)[1]
    assert 'name="archive" type="file"' in main


def test_a_hidden_comment_leaves_the_room_and_stays_in_the_archive(
    make_workshop, join, facilitator, store
):
    from workshop.archive.build import build_archive

    w = make_workshop(phase="screening")
    phone, _ = join(w)
    phone.post(
        f"/j/{w.code}/card/1",
        data={
            "csrf": csrf(phone),
            "means": "problem",
            "means_comment": "Comme Mme Durand au 3e étage",
            "values": "fine",
            "values_comment": "Pratique",
        },
    )
    store.set_phase(w.id, Phase.MAP)
    focus = f"/s/{w.code}?practice=whatsapp-users"  # the projector shows comments in focus
    assert "Mme Durand" in text(facilitator.get(focus))
    [comment] = [c for c in store.comments_for_moderation(w.id) if "Durand" in c["text"]]
    page = text(facilitator.get(f"/f/w/{w.code}"))
    assert "Mme Durand" in page and "Masquer" in page
    hidden = facilitator.post(
        f"/f/w/{w.code}/comments/{comment['id']}", data={"csrf": csrf(facilitator), "hidden": "1"}
    )
    assert hidden.status_code == 303
    for page in (facilitator.get(focus), phone.get(f"/j/{w.code}")):
        assert "Mme Durand" not in text(page) and "Pratique" in text(page)
    archive = build_archive(store, store.workshop_by_id(w.id))
    [kept] = [a for a in archive["answers"] if "Durand" in a["comment"]]
    assert kept["hidden"] is True
    assert "Durand" not in json.dumps(archive["map"], ensure_ascii=False)
    shown = facilitator.post(
        f"/f/w/{w.code}/comments/{comment['id']}", data={"csrf": csrf(facilitator), "hidden": "0"}
    )
    assert shown.status_code == 303 and "Mme Durand" in text(facilitator.get(focus))


def test_moderation_is_the_facilitators_alone(make_workshop, join, client, store):
    w = make_workshop(phase="screening")
    phone, _ = join(w)
    phone.post(
        f"/j/{w.code}/card/1", data={"csrf": csrf(phone), "means": "fine", "means_comment": "x"}
    )
    [comment] = store.comments_for_moderation(w.id)
    for who in (phone, client):
        refused = who.post(
            f"/f/w/{w.code}/comments/{comment['id']}", data={"csrf": csrf(who), "hidden": "1"}
        )
        assert refused.status_code == 403
    assert store.comments_for_moderation(w.id)[0]["hidden"] is False


def _ticked(page: str) -> set[str]:
    return set(re.findall(r'name="practices" value="([^"]+)" checked', page))


def test_the_creation_form_starts_with_nothing_ticked_and_counts(facilitator, app):
    page = facilitator.get("/f/new?wlang=fr").get_data(as_text=True)
    deck = app.extensions["workshop.decks"]["social-work.fr"]
    assert page.count('name="practices"') == len(deck.practices) and _ticked(page) == set()
    assert "Aucune pratique choisie" in page and "10 à 15" in text(facilitator.get("/f/new"))
    for register in ("computerisation", "mediatisation", "information", "mediation"):
        assert f'data-register="{register}"><span class="visually-hidden">' in page
        assert deck.register_label(register) in page
    assert 'data-other="{n} pratiques choisies"' in page


def test_creating_with_no_practice_is_refused_and_keeps_what_was_typed(facilitator, store):
    response = _create(
        facilitator,
        practices=[],
        title="Équipe du lundi",
        allow_proposals="on",
        easy_read="on",
        **{"order-id-photos": "7"},
    )
    assert response.status_code == 400 and store.workshops() == []
    page = response.get_data(as_text=True)
    assert "Choisissez au moins une pratique" in text(response)
    assert 'value="Équipe du lundi"' in page and _ticked(page) == set()
    assert re.search(r'name="easy_read" checked', page)
    assert 'name="order-id-photos" value="7"' in page
    again = _create(facilitator, practices=["id-photos"], title="")
    assert _ticked(again.get_data(as_text=True)) == {"id-photos"}  # a refusal keeps the ticks


def test_a_review_starts_with_the_reviewed_workshops_practices(facilitator, store):
    first = _create(
        facilitator, wlang="en", deck="social-work.en", practices=["ai-reports", "id-photos"]
    )
    code = first.headers["Location"].rsplit("/", 1)[1]
    assert f"/f/new?previous={code}" in facilitator.get("/f/").get_data(as_text=True)
    page = facilitator.get(f"/f/new?previous={code}").get_data(as_text=True)
    assert _ticked(page) == {"ai-reports", "id-photos"}
    assert 'name="wlang" value="en"' in page and "We talk with service users on WhatsApp" in text(
        facilitator.get(f"/f/new?previous={code}")
    )
    assert re.search(
        rf'<option value="{code}" data-practices="ai-reports id-photos" selected>', page
    )
    # Another language asked for: the same practices, in that language's deck.
    french = facilitator.get(f"/f/new?previous={code}&wlang=fr").get_data(as_text=True)
    assert _ticked(french) == {"ai-reports", "id-photos"} and "social-work.fr" in french
    assert _ticked(facilitator.get("/f/new?previous=NOPE9").get_data(as_text=True)) == set()
