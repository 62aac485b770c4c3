"""Paper parity: a paper ballot counts in the map and in consent rounds like a phone."""

from conftest import csrf, text

from workshop.aggregate import build_map
from workshop.model import Phase, Sphere


def test_a_paper_participant_counts_exactly_like_a_phone(make_workshop, join, store, facilitator):
    w = make_workshop(phase="screening")
    phone, _ = join(w)
    phone.post(
        f"/j/{w.code}/card/1",
        data={"csrf": csrf(phone), "means": "problem", "values": "fine", "go": "next"},
    )
    page = text(facilitator.get(f"/f/w/{w.code}/paper"))
    assert "Bulletin n° 1" in page
    saved = facilitator.post(
        f"/f/w/{w.code}/paper",
        data={
            "csrf": csrf(facilitator),
            "sheet": "1",
            "whatsapp-users:means": "problem",
            "whatsapp-users:values": "fine",
        },
    )
    assert saved.status_code == 303 and saved.headers["Location"].endswith("sheet=2&saved=1")

    [row] = [
        r
        for r in build_map(w.practices, store.answer_counts(w.id))
        if r.practice["id"] == "whatsapp-users"
    ]
    assert row.cells[Sphere.MEANS].counts["problem"] == 2  # the phone's and the paper's
    assert row.cells[Sphere.VALUES].counts["fine"] == 2
    assert store.progress(w.id)["participants"] == 2
    sources = store.read(
        lambda c: sorted(
            r[0] for r in c.execute("SELECT source FROM participant WHERE workshop_id=?", (w.id,))
        )
    )
    assert sources == ["paper", "phone"]  # the data says where it came from…
    map_html = text(facilitator.get(f"/s/{w.code}"))
    assert "papier" not in map_html.lower()  # …the map does not

    # Correcting the same sheet replaces its answers; it is not a new person.
    facilitator.post(
        f"/f/w/{w.code}/paper",
        data={"csrf": csrf(facilitator), "sheet": "1", "whatsapp-users:means": "fine"},
    )
    assert store.progress(w.id)["participants"] == 2
    assert 'value="fine" checked' in facilitator.get(f"/f/w/{w.code}/paper?sheet=1").get_data(
        as_text=True
    )

    # In a consent round the paper participant answers through the facilitator.
    store.set_phase(w.id, Phase.MAP)
    store.set_phase(w.id, Phase.NEGOTIATION)
    clause = store.add_clause(w.id, None, "Une clause")
    round_id = store.open_round(w.id, clause)
    facilitator.post(
        f"/f/w/{w.code}/paper-consent",
        data={
            "csrf": csrf(facilitator),
            "sheet": "1",
            "value": "objection",
            "reason": "Sur papier",
        },
    )
    _, token = join(w)
    assert store.open_round_of(w.id)["tally"] == {"consent": 0, "reservation": 0, "objection": 1}
    assert store.open_round_of(w.id)["objections"] == ["Sur papier"]
    refused = facilitator.post(
        f"/f/w/{w.code}/paper-consent",
        follow_redirects=True,
        data={"csrf": csrf(facilitator), "sheet": "1", "value": "objection", "reason": ""},
    )
    assert "Une objection a besoin d'une raison" in text(refused)
    assert round_id


def test_ballots_print_numbered_sheets(make_workshop, facilitator, store):
    w = make_workshop()
    page = text(facilitator.get(f"/f/w/{w.code}/ballots?count=3"))
    assert page.count('class="ballot-sheet"') == 3
    assert "Bulletin n° 1" in page and "Bulletin n° 3" in page
    assert page.count("☐") == 3 * 3 * 3 * 4  # sheets × cards × spheres × answers


def test_bad_sheet_numbers_are_refused(make_workshop, facilitator, store):
    w = make_workshop(phase="screening")
    response = facilitator.post(
        f"/f/w/{w.code}/paper",
        follow_redirects=True,
        data={"csrf": csrf(facilitator), "sheet": "zéro", "whatsapp-users:means": "fine"},
    )
    assert "doit être un nombre entre 1 et 200" in text(response)
    assert store.progress(w.id)["participants"] == 0


def test_paper_follows_the_phones_rules_in_every_phase(make_workshop, facilitator, store):
    w = make_workshop(phase="screening")
    store.set_phase(w.id, Phase.MAP)
    refused = facilitator.post(
        f"/f/w/{w.code}/paper",
        follow_redirects=True,
        data={"csrf": csrf(facilitator), "sheet": "1", "whatsapp-users:means": "fine"},
    )
    assert "réponses individuelles ne sont pas ouvertes" in text(refused)
    assert store.progress(w.id)["participants"] == 0 and store.answer_counts(w.id) == []


def test_a_paper_ballot_has_a_comment_per_question_and_is_saved_whole(
    make_workshop, facilitator, store
):
    w = make_workshop(phase="screening")
    entry = text(facilitator.get(f"/f/w/{w.code}/paper"))
    assert entry.count('name="whatsapp-users:means:comment"') == 1
    assert entry.count(':comment"') == 3 * 3  # cards × spheres
    too_long = "x" * 501
    refused = facilitator.post(
        f"/f/w/{w.code}/paper",
        data={
            "csrf": csrf(facilitator),
            "sheet": "4",
            "whatsapp-users:means": "problem",
            "whatsapp-users:means:comment": "Sur le papier, à la main",
            "whatsapp-users:values": "fine",
            "whatsapp-users:values:comment": too_long,
        },
    )
    page = text(refused)
    assert refused.status_code == 400
    assert "501 caractères" in page and too_long in page  # why, and nothing typed is lost
    assert "Sur le papier, à la main" in page
    assert store.progress(w.id)["participants"] == 0  # the ballot is saved whole or not at all
    saved = facilitator.post(
        f"/f/w/{w.code}/paper",
        data={
            "csrf": csrf(facilitator),
            "sheet": "4",
            "whatsapp-users:means": "problem",
            "whatsapp-users:means:comment": "Sur le papier, à la main",
        },
    )
    assert saved.status_code == 303
    assert ("whatsapp-users", "means", "Sur le papier, à la main") in store.comments(w.id)


def test_ballots_use_the_wording_phones_get(make_workshop, facilitator, store, app):
    w = make_workshop()
    deck = app.extensions["workshop.decks"]["social-work.fr"]
    card = deck.practice("whatsapp-users")
    page = text(facilitator.get(f"/f/w/{w.code}/ballots?count=1"))
    assert card["description"] in page and card["easy_read"] not in page
    assert deck.spheres["means"]["question"] in page
    assert page.count('class="comment-row"') == 3 * 3  # a line to write on per question
