"""A participant's whole path as plain HTML forms: what an old phone without JS does."""

import re

from conftest import csrf, text

from workshop.model import Phase


def test_join_by_scanning_then_wait(client, make_workshop):
    workshop = make_workshop()
    page = client.get(f"/j/{workshop.code}")
    assert page.status_code == 200
    assert "Entrer dans l'atelier" in text(page) and "anonymes" in text(page)
    joined = client.post(f"/j/{workshop.code}/join", data={"csrf": csrf(client), "pseudonym": ""})
    assert joined.status_code == 303
    wait = client.get(f"/j/{workshop.code}")
    assert "Vous êtes dans l'atelier" in text(wait)


def test_typed_code_finds_the_workshop(client, make_workshop):
    workshop = make_workshop()
    response = client.get(f"/?code={workshop.code.lower()}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/j/{workshop.code}")
    missing = client.get("/?code=ZZZZZ")
    assert missing.status_code == 404 and "Aucun atelier ne porte ce code" in text(missing)


def test_pseudonym_too_long_keeps_what_was_typed(client, make_workshop):
    workshop = make_workshop()
    name = "Camille" * 10
    response = client.post(
        f"/j/{workshop.code}/join", data={"csrf": csrf(client), "pseudonym": name}
    )
    assert response.status_code == 400
    assert "la limite est 40" in text(response)
    assert f'value="{name}"' in text(response)
    assert client.get_cookie("spheres_p_" + workshop.code, path=f"/j/{workshop.code}") is None


def _answer_card(client, workshop, number, go="next", **fields):
    data = {"csrf": csrf(client), "go": go, **fields}
    return client.post(f"/j/{workshop.code}/card/{number}", data=data)


def test_screen_every_card_without_javascript(store, make_workshop, join):
    workshop = make_workshop(phase="screening")
    phone, _token = join(workshop)
    overview = phone.get(f"/j/{workshop.code}")
    assert "0 réponse sur 9" in text(overview)
    card = phone.get(f"/j/{workshop.code}/card/1")
    assert "Carte 1 sur 3" in text(card)
    assert "Nous parlons avec les personnes sur WhatsApp" in text(card)
    assert "Moyens" in text(card) and "Valeurs" in text(card) and "Prescrits" in text(card)
    response = _answer_card(
        phone,
        workshop,
        1,
        means="fine",
        values="problem",
        values_comment="Les données partent aux USA",
        prescriptions="unsure",
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/j/{workshop.code}/card/2")
    _answer_card(phone, workshop, 2, means="discuss")
    last = _answer_card(phone, workshop, 3, means="fine", values="fine", prescriptions="fine")
    assert last.headers["Location"].endswith(f"/j/{workshop.code}")
    counts = dict(((p, s, v), n) for p, s, v, n in store.answer_counts(workshop.id))
    assert counts[("whatsapp-users", "values", "problem")] == 1
    assert counts[("team-group-chat", "means", "discuss")] == 1
    assert store.progress(workshop.id)["answers"] == 7
    assert "7 réponses sur 9" in text(phone.get(f"/j/{workshop.code}"))


def test_answers_can_be_changed_and_are_prefilled(store, make_workshop, join):
    workshop = make_workshop(phase="screening")
    phone, _ = join(workshop)
    _answer_card(phone, workshop, 1, means="fine", means_comment="d'abord")
    _answer_card(phone, workshop, 1, means="problem", means_comment="ensuite")
    assert store.answer_counts(workshop.id) == [("whatsapp-users", "means", "problem", 1)]
    page = text(phone.get(f"/j/{workshop.code}/card/1"))
    assert 'value="problem" checked' in page and "ensuite</textarea>" in page


def test_over_long_comment_is_refused_and_kept(store, make_workshop, join):
    workshop = make_workshop(phase="screening")
    phone, _ = join(workshop)
    long_comment = "Nous n'avons pas le temps. " * 30
    response = _answer_card(
        phone, workshop, 1, means="fine", values="discuss", values_comment=long_comment
    )
    assert response.status_code == 400
    assert "la limite est 500" in text(response)
    assert long_comment.strip() in text(response)  # nothing typed is lost
    saved = {(s, v) for _p, s, v, _n in store.answer_counts(workshop.id)}
    assert saved == {("means", "fine")}  # the valid answer is kept


def test_comment_without_answer_asks_for_an_answer(make_workshop, join):
    workshop = make_workshop(phase="screening")
    phone, _ = join(workshop)
    response = _answer_card(phone, workshop, 1, means_comment="Pas sûr")
    assert response.status_code == 400
    assert "Choisissez une réponse pour enregistrer votre commentaire" in text(response)
    assert "Pas sûr</textarea>" in text(response)


def test_identity_survives_a_reload_and_a_second_join(store, make_workshop, join):
    workshop = make_workshop(phase="screening")
    phone, token = join(workshop)
    again = phone.post(f"/j/{workshop.code}/join", json={})
    assert again.get_json()["token"] == token
    assert store.progress(workshop.id)["participants"] == 1


def test_cards_are_closed_outside_screening(store, make_workshop, join):
    workshop = make_workshop(phase="joining")
    phone, _ = join(workshop)
    assert phone.get(f"/j/{workshop.code}/card/1").status_code == 302
    refused = _answer_card(phone, workshop, 1, means="fine")
    assert refused.status_code == 409
    assert "réponses individuelles ne sont pas ouvertes" in text(refused)
    assert store.progress(workshop.id)["answers"] == 0


def test_map_phase_shows_the_map_to_participants(store, make_workshop, join):
    workshop = make_workshop(phase="screening")
    phone, _ = join(workshop)
    _answer_card(phone, workshop, 1, means="problem", means_comment="<script>alert(1)</script>")
    store.set_phase(workshop.id, Phase.MAP)
    raw = phone.get(f"/j/{workshop.code}").get_data(as_text=True)
    assert "La carte du groupe" in raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw and "<script>alert" not in raw


def test_unknown_card_is_404(make_workshop, join):
    workshop = make_workshop(phase="screening")
    phone, _ = join(workshop)
    assert phone.get(f"/j/{workshop.code}/card/9").status_code == 404


def test_english_workshop_speaks_english(make_workshop, join):
    workshop = make_workshop(phase="screening", lang="en")
    phone, _ = join(workshop)
    page = text(phone.get(f"/j/{workshop.code}/card/1"))
    assert "We talk with service users on WhatsApp" in page
    assert "To discuss" in page and "Don't know" in page


def _details(page: str, css_class: str) -> list[str]:
    """The opening tags of a card's <details> of one kind, in the page's order."""
    return re.findall(rf'<details class="{css_class}"[^>]*>', page)


def test_a_card_asks_short_questions_with_the_full_one_and_its_help_on_demand(make_workshop, join):
    workshop = make_workshop(phase="screening")
    phone, _ = join(workshop)
    page = text(phone.get(f"/j/{workshop.code}/card/1"))
    legend = re.search(r"<legend>(.*?)</legend>", page, re.S)[1]
    assert "Qu'apporte l'outil ? En avons-nous les moyens ?" in legend
    assert "valeur ajoutée" not in legend  # the full question waits under "Aide"
    helps = re.findall(r'<details class="sphere-help">.*?</details>', page, re.S)
    assert len(helps) == 3 and all("<summary>Aide</summary>" in h for h in helps)
    assert "Quelle est la valeur ajoutée de l'outil numérique" in helps[0]
    assert "Pensez au RGPD" in helps[2]
    # Four native radio buttons per sphere, none chosen yet; comments closed.
    assert page.count('type="radio" name="means"') == 4 and " checked" not in page
    assert _details(page, "comment-box") == ['<details class="comment-box">'] * 3


def test_a_sphere_without_a_short_question_shows_the_full_one_in_the_readers_language(
    app, store, join
):
    deck = app.extensions["workshop.decks"]["social-work.fr"]
    english = app.extensions["workshop.decks"]["social-work.en"].spheres
    spheres = {s: {k: v for k, v in w.items() if k != "short"} for s, w in deck.spheres.items()}
    spheres["i18n"] = {
        "en": {s: {"label": w["label"], "question": w["question"]} for s, w in english.items()}
    }
    wid = store.create_workshop("T9ABC", "Atelier", "fr", deck.key, spheres, [deck.practices[0]])
    store.set_phase(wid, Phase.SCREENING)
    workshop = store.workshop_by_id(wid)
    phone, _ = join(workshop)
    page = text(phone.get(f"/j/{workshop.code}/card/1"))
    legend = re.search(r"<legend>(.*?)</legend>", page, re.S)[1]
    assert "Quelle est la valeur ajoutée de l'outil numérique" in legend
    assert '<details class="sphere-help">' in page  # the help is still there, on demand
    phone.get(f"/j/{workshop.code}/lang/en")
    legend = re.search(
        r"<legend>(.*?)</legend>", text(phone.get(f"/j/{workshop.code}/card/1")), re.S
    )[1]
    assert "What is the added value of the digital tool" in legend


def test_a_comment_box_is_open_when_it_holds_text_or_was_refused(make_workshop, join):
    workshop = make_workshop(phase="screening")
    phone, _ = join(workshop)
    _answer_card(phone, workshop, 1, means="fine", means_comment="Avec l'accord écrit")
    page = text(phone.get(f"/j/{workshop.code}/card/1"))
    assert _details(page, "comment-box") == [
        '<details class="comment-box" open>',
        '<details class="comment-box">',
        '<details class="comment-box">',
    ]
    assert re.search(r'value="fine" checked', page)
    refused = text(_answer_card(phone, workshop, 1, prescriptions_comment="x" * 501))
    assert _details(refused, "comment-box")[2] == '<details class="comment-box" open>'
    assert 'role="alert"' in refused and "x" * 501 in refused
