"""The shipped decks load; a broken deck names its file, line and field in plain words."""

import subprocess
import sys

import pytest

from workshop.decks import InvalidDeck, available_decks, load_deck, short_title
from workshop.model import Sphere

HEAD = (
    "format: 1\nid: mine\nlang: fr\ntitle: Le nôtre\n"
    "spheres:\n  means: {label: M, question: Q}\n  values: {label: V, question: Q}\n"
    "  prescriptions: {label: P, question: Q}\n"
    "practices:\n"
)  # the practices start on line 10
ONE = "  - id: one\n    register: mediation\n    title: Un\n    description: D\n"


def problems_of(tmp_path, text):
    path = tmp_path / "mine.fr.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidDeck) as error:
        load_deck(path)
    return path, [str(e) for e in error.value.errors]


def test_shipped_decks_are_valid_and_parallel():
    problems = []
    decks = available_decks(problems=problems)
    assert problems == []
    for deck_id, minimum in (("social-work", 30), ("digital-life", 10)):
        fr, en = decks[f"{deck_id}.fr"], decks[f"{deck_id}.en"]
        assert fr.lang == "fr" and en.lang == "en"
        assert [p["id"] for p in fr.practices] == [p["id"] for p in en.practices]
        assert len(fr.practices) >= minimum
        for deck in (fr, en):
            assert set(deck.spheres) == {s.value for s in Sphere}
            assert all(s["question"] and s.get("help") for s in deck.spheres.values())
            assert all(p.get("easy_read") and p.get("pictogram") for p in deck.practices)


def test_every_shipped_practice_has_a_short_label_in_every_language():
    decks = available_decks()
    shipped = [d for d in decks.values() if d.key.split(".")[0] in ("social-work", "digital-life")]
    assert {d.lang for d in shipped} == {"fr", "en"} and len(shipped) == 4
    for deck in shipped:
        for practice in deck.practices:
            short = practice.get("short")
            assert short and len(short) <= 32, (deck.key, practice["id"], short)
            assert short == short.strip() and not short.endswith("."), (deck.key, short)
            assert short_title(practice) == short


def test_a_short_label_of_33_characters_is_refused(tmp_path):
    good = tmp_path / "good.fr.yaml"
    good.write_text(HEAD + ONE + f"    short: {'S' * 32}\n", encoding="utf-8")
    bad = tmp_path / "bad.fr.yaml"
    bad.write_text(HEAD + ONE + f"    short: {'S' * 33}\n", encoding="utf-8")
    run = [sys.executable, "-m", "workshop", "deck", "check"]
    ok = subprocess.run([*run, str(good)], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    ko = subprocess.run([*run, str(bad)], capture_output=True, text=True)
    assert ko.returncode == 1
    assert f"{bad}:14: practices.0.short: is 33 characters long; the limit is 32" in ko.stderr


def test_an_empty_short_label_is_refused(tmp_path):
    path, problems = problems_of(tmp_path, HEAD + ONE + '    short: ""\n')
    assert problems == [f"{path}:14: practices.0.short: is empty; write a short text here"]


def test_a_deck_without_short_labels_loads_and_falls_back_to_the_title(tmp_path):
    path = tmp_path / "mine.fr.yaml"
    path.write_text(HEAD + ONE, encoding="utf-8")
    practice = load_deck(path).practices[0]
    assert "short" not in practice and short_title(practice) == "Un"


def test_every_shipped_sphere_has_a_short_question_shorter_than_its_question():
    decks = available_decks()
    for key in ("social-work.fr", "social-work.en", "digital-life.fr", "digital-life.en"):
        for sphere, wording in decks[key].spheres.items():
            short = wording.get("short")
            assert short and len(short) <= 100, (key, sphere, short)
            assert len(short) < len(wording["question"]) and short.rstrip().endswith("?")


def test_a_sphere_short_question_of_101_characters_is_refused(tmp_path):
    deck = HEAD.replace("{label: M, question: Q}", "{label: M, short: %s, question: Q}")
    good = tmp_path / "good.fr.yaml"
    good.write_text(deck % ("S" * 100) + ONE, encoding="utf-8")
    assert load_deck(good).spheres["means"]["short"] == "S" * 100
    path, problems = problems_of(tmp_path, deck % ("S" * 101) + ONE)
    assert problems == [f"{path}:6: spheres.means.short: is 101 characters long; the limit is 100"]


def test_the_social_work_deck_covers_the_four_registers():
    deck = available_decks()["social-work.fr"]
    per_register = {}
    for practice in deck.practices:
        per_register[practice["register"]] = per_register.get(practice["register"], 0) + 1
    assert set(per_register) == {"computerisation", "mediatisation", "information", "mediation"}
    assert set(deck.registers) == set(per_register)


def test_a_duplicate_id_is_named_with_its_line(tmp_path):
    path, problems = problems_of(tmp_path, HEAD + ONE + ONE)
    assert problems == [
        f"{path}:14: practices.1.id: 'one' is used twice; each practice needs its own id"
    ]


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            "    register: magic\n",
            ":11: practices.0.register: must be one of computerisation, "
            "mediatisation, information, mediation",
        ),
        (
            "    pictogram: mesage-circle\n",
            ":14: practices.0.pictogram: 'mesage-circle' is not one of",
        ),
        (
            "    titel: Oups\n",
            ":14: practices.0.titel: is not a field of this format (did you mean 'title'?)",
        ),
        ("    alternatives: Signal\n", ":14: practices.0.alternatives: must be a list"),
    ],
)
def test_errors_say_what_is_wrong_in_plain_words(tmp_path, extra, expected):
    body = ONE.replace("    register: mediation\n", extra) if "register" in extra else ONE + extra
    path, problems = problems_of(tmp_path, HEAD + body)
    assert any(p.startswith(f"{path}{expected}") for p in problems), problems


def test_missing_fields_and_long_texts(tmp_path):
    text = (
        HEAD.replace("title: Le nôtre\n", "") + "  - id: two\n    register: mediation\n"
        f"    title: {'T' * 130}\n"
    )
    path, problems = problems_of(tmp_path, text)
    assert f"{path}:1: title: is missing; write it here" in problems
    assert f"{path}:9: practices.0.description: is missing; write it here" in problems
    assert f"{path}:11: practices.0.title: is 130 characters long; the limit is 120" in problems


def test_not_yaml_at_all(tmp_path):
    path, problems = problems_of(tmp_path, "id: [unclosed\n")
    assert problems[0].startswith(f"{path}:2: (file): is not valid YAML")


def test_a_broken_user_deck_does_not_stop_the_others(tmp_path):
    (tmp_path / "broken.fr.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    problems = []
    decks = available_decks([tmp_path], problems)
    assert "social-work.fr" in decks
    assert problems and problems[0].file.endswith("broken.fr.yaml") and problems[0].line


def test_user_decks_are_added_to_the_shipped_ones(tmp_path):
    (tmp_path / "mine.fr.yaml").write_text(HEAD + ONE, encoding="utf-8")
    decks = available_decks([tmp_path])
    assert decks["mine.fr"].title == "Le nôtre" and "social-work.fr" in decks


def test_deck_check_command(tmp_path):
    good = tmp_path / "good.fr.yaml"
    good.write_text(HEAD + ONE, encoding="utf-8")
    bad = tmp_path / "bad.fr.yaml"
    bad.write_text(HEAD + ONE + ONE, encoding="utf-8")
    run = [sys.executable, "-m", "workshop", "deck", "check"]
    ok = subprocess.run([*run, str(good)], capture_output=True, text=True)
    assert ok.returncode == 0 and "OK, 1 practices" in ok.stdout
    ko = subprocess.run([*run, str(good), str(bad)], capture_output=True, text=True)
    assert ko.returncode == 1 and f"{bad}:14: practices.1.id" in ko.stderr


def test_deck_list_command(tmp_path):
    (tmp_path / "good.fr.yaml").write_text(HEAD + ONE, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "workshop", "deck", "list", "--decks", str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "social-work.fr\tfr" in result.stdout and "good.fr\tfr\t1 practices" in result.stdout
