"""The projector's stage, in process: which view each moment shows, what the keys may ask
for, pages beyond 40 practices, and nothing of the answers before they are revealed."""

from __future__ import annotations

import pytest
from conftest import text

from workshop.model import Answer, Phase, Sphere, Vote
from workshop.tokens import token_hash


def view_of(client, url):
    page = client.get(url).get_data(as_text=True)
    start = page.index('data-view="') + len('data-view="')
    return page[start : page.index('"', start)]


@pytest.mark.parametrize(
    ("phase", "hidden", "view"),
    [
        ("joining", True, "join"),
        ("screening", True, "progress"),
        ("screening", False, "overview"),
        ("map", True, "overview"),
        ("negotiation", True, "overview"),  # nothing under discussion yet: the tension order
        ("charter", True, "charter"),
    ],
)
def test_each_moment_has_its_view(client, make_workshop, phase, hidden, view):
    workshop = make_workshop(phase=phase, hidden=hidden)
    assert view_of(client, f"/s/{workshop.code}") == view
    assert f"view-{view}" in client.get(f"/s/{workshop.code}").get_data(as_text=True)


def test_the_keys_ask_for_a_practice_or_the_overview_only_when_the_map_is_shown(
    client, make_workshop, store
):
    hidden = make_workshop(phase="screening", hidden=True)
    for asked in ("?practice=whatsapp-users", "?view=overview"):
        assert view_of(client, f"/s/{hidden.code}{asked}") == "progress"
        assert 'data-view="progress"' in text(client.get(f"/s/{hidden.code}/stage{asked}"))
    shown = make_workshop(phase="map")
    assert view_of(client, f"/s/{shown.code}?practice=whatsapp-users") == "focus"
    assert view_of(client, f"/s/{shown.code}?practice=no-such-card") == "overview"
    store.set_focus(shown.id, "team-group-chat")  # the facilitator's focus
    assert view_of(client, f"/s/{shown.code}") == "focus"
    assert view_of(client, f"/s/{shown.code}?view=overview") == "overview"
    fragment = client.get(f"/s/{shown.code}/stage?practice=whatsapp-users")
    assert fragment.status_code == 200 and "<html" not in fragment.get_data(as_text=True)
    assert client.get("/s/ZZZZZ/stage").status_code == 404


def test_the_negotiation_shows_the_practice_under_discussion_and_its_round(
    client, make_workshop, store, join, sio
):
    workshop = make_workshop(phase="map")
    store.set_phase(workshop.id, Phase.NEGOTIATION)
    store.set_focus(workshop.id, "whatsapp-users")
    clause = store.add_clause(workshop.id, "whatsapp-users", "Nous utilisons Signal.")
    store.open_round(workshop.id, clause)
    page = text(client.get(f"/s/{workshop.code}"))
    assert 'data-view="negotiation"' in page and "Nous utilisons Signal." in page
    assert "0 sur 0 ont répondu" in page
    # Another practice put under discussion: its own view, not that round.
    store.set_focus(workshop.id, "team-group-chat")
    page = text(client.get(f"/s/{workshop.code}"))
    assert 'data-practice="team-group-chat"' in page and "Nous utilisons Signal." not in page
    assert "Pas encore de clause pour cette pratique." in page


def test_more_than_40_practices_come_in_pages(client, app, store):
    deck = app.extensions["workshop.decks"]["social-work.fr"]
    practices = list(deck.practices) + [
        {**deck.practices[0], "id": f"room-{n}", "title": f"Pratique de l'équipe {n}"}
        for n in range(1, 11)
    ]
    wid = store.create_workshop("PAGES", "Grand atelier", "fr", deck.key, deck.spheres, practices)
    store.set_phase(wid, Phase.SCREENING)
    store.set_phase(wid, Phase.MAP)
    page = client.get("/s/PAGES").get_data(as_text=True)
    assert page.count('class="tile level-') == 45
    assert page.count('class="overview-page') == 2
    assert 'data-page="2" hidden' in page  # shown in turn by the page's script
    assert "1 / 2" in page


def test_a_reviewed_workshop_shows_what_the_group_said_before(client, app, make_workshop, store):
    before = make_workshop(phase="screening", title="L'an dernier")
    store.add_participant(before.id, token_hash("t" * 32), "")
    person = store.participant(before.id, token_hash("t" * 32))
    store.save_votes(person, [Vote("whatsapp-users", Sphere.MEANS, Answer.PROBLEM, "")])
    deck = app.extensions["workshop.decks"]["social-work.fr"]
    wid = store.create_workshop(
        "AGAIN",
        "Cette année",
        "fr",
        deck.key,
        deck.spheres,
        list(before.practices),
        previous_id=before.id,
    )
    store.set_phase(wid, Phase.SCREENING)
    store.set_phase(wid, Phase.MAP)
    page = text(client.get("/s/AGAIN?practice=whatsapp-users"))
    assert "Avant :" in page and "Problème 1" in page


def test_a_review_compares_with_where_the_earlier_group_ended(app, make_workshop, store):
    """A practice the earlier group looked at again after discussion: its "before" is
    that last pass, in the live map and in the review's archive and charter."""
    from workshop.archive.build import build_archive

    before = make_workshop(phase="screening", title="L'an dernier")
    store.add_participant(before.id, token_hash("t" * 32), "")
    person = store.participant(before.id, token_hash("t" * 32))
    store.save_votes(person, [Vote("whatsapp-users", Sphere.MEANS, Answer.PROBLEM, "")])
    store.set_phase(before.id, Phase.MAP)
    store.set_phase(before.id, Phase.NEGOTIATION)
    store.open_revisit(before.id, Phase.NEGOTIATION, "whatsapp-users")
    store.save_votes(person, [Vote("whatsapp-users", Sphere.MEANS, Answer.FINE, "", 2)])
    store.close_revisit(before.id)
    wid = store.create_workshop(
        "AGAIN",
        "Cette année",
        "fr",
        "social-work.fr",
        before.spheres,
        list(before.practices),
        previous_id=before.id,
    )
    review = store.workshop_by_id(wid)
    with app.app_context():
        then = app.extensions["workshop.realtime"].views.snapshot(review).before
        archive = build_archive(store, review)
    assert then[("whatsapp-users", "means")].counts[Answer.FINE] == 1
    assert then[("whatsapp-users", "means")].counts[Answer.PROBLEM] == 0
    assert archive["review"]["map"]["whatsapp-users"]["means"] == {
        "fine": 1,
        "discuss": 0,
        "problem": 0,
        "unsure": 0,
    }


def test_the_projector_has_no_controls(client, facilitator, make_workshop):
    workshop = make_workshop(phase="map")
    page = facilitator.get(f"/s/{workshop.code}").get_data(as_text=True)
    assert "<form" not in page and 'name="csrf"' not in page
