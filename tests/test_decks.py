"""The shipped decks load; a broken deck names its file, line and field."""

from workshop.decks import InvalidDeck, available_decks, load_deck
from workshop.model import Sphere


def test_shipped_decks_are_valid_and_parallel():
    problems = []
    decks = available_decks(problems=problems)
    assert problems == []
    fr, en = decks["social-work.fr"], decks["social-work.en"]
    assert fr.lang == "fr" and en.lang == "en"
    assert [p["id"] for p in fr.practices] == [p["id"] for p in en.practices]
    assert len(fr.practices) >= 6
    for deck in (fr, en):
        assert set(deck.spheres) == {s.value for s in Sphere}
        assert all(s["question"] for s in deck.spheres.values())


def test_errors_name_the_file_line_and_field(tmp_path):
    path = tmp_path / "mine.fr.yaml"
    path.write_text(
        "id: mine\nlang: fr\ntitle: Le nôtre\n"
        "spheres:\n  means: {label: M, question: Q}\n  values: {label: V, question: Q}\n"
        "  prescriptions: {label: P, question: Q}\n"
        "practices:\n  - id: one\n    register: mediation\n    title: Un\n    description: D\n"
        "  - id: one\n    register: magic\n    title: Deux\n    description: D\n",
        encoding="utf-8",
    )
    try:
        load_deck(path)
    except InvalidDeck as error:
        messages = [str(e) for e in error.errors]
    else:
        raise AssertionError("the deck should be refused")
    assert (
        f"{path}:13: practices.1.id: 'one' is used twice; each practice needs its own id"
        in messages
    )
    assert any(m.startswith(f"{path}:14: practices.1.register: must be one of") for m in messages)


def test_a_broken_user_deck_does_not_stop_the_others(tmp_path):
    (tmp_path / "broken.fr.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    problems = []
    decks = available_decks([tmp_path], problems)
    assert "social-work.fr" in decks
    assert problems and problems[0].file.endswith("broken.fr.yaml") and problems[0].line
