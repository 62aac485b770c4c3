"""The method's loop in the archive: every answer's pass, the revisits, version 1 read."""

import copy
import json
from pathlib import Path

import pytest
from test_sheets import read_csv

from workshop import charter
from workshop.archive import VERSION
from workshop.archive.build import build_archive, restore_archive
from workshop.archive.format import check_archive
from workshop.model import Answer, Invalid, Phase, Sphere, Vote
from workshop.store import Store

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture
def looped(store, make_workshop):
    """A workshop whose first practice was looked at again twice (pass 2 closed, pass 3
    still open), with a hidden comment in pass 2."""
    workshop = make_workshop(phase="screening")
    people = []
    for name in ("a", "b", "c"):
        store.add_participant(workshop.id, name, "")
        people.append(store.participant(workshop.id, name))
    for person, value in zip(people, ("fine", "problem", "unsure"), strict=True):
        store.save_vote(person, Vote("whatsapp-users", Sphere.MEANS, Answer(value), "avant"))
    for phase in (Phase.MAP, Phase.NEGOTIATION):
        store.set_phase(workshop.id, phase)
    store.open_revisit(workshop.id, Phase.NEGOTIATION, "whatsapp-users")
    for person in people:
        store.save_vote(person, Vote("whatsapp-users", Sphere.MEANS, Answer.PROBLEM, "après", 2))
    [hidden] = [c for c in store.comments_for_moderation(workshop.id) if c["text"] == "après"][:1]
    store.set_comment_hidden(workshop.id, hidden["id"], True)
    store.close_revisit(workshop.id)
    store.open_revisit(workshop.id, Phase.NEGOTIATION, "whatsapp-users")
    store.save_vote(people[0], Vote("whatsapp-users", Sphere.VALUES, Answer.FINE, "", 3))
    return store.workshop_by_id(workshop.id)


def test_every_answer_carries_its_pass_and_the_revisits_are_kept(looped, store):
    archive = build_archive(store, looped)
    assert archive["version"] == VERSION == 2
    passes = sorted((a["pass"], a["sphere"], a["value"]) for a in archive["answers"])
    assert passes == [
        (1, "means", "fine"),
        (1, "means", "problem"),
        (1, "means", "unsure"),
        (2, "means", "problem"),
        (2, "means", "problem"),
        (2, "means", "problem"),
        (3, "values", "fine"),
    ]
    assert [(r["practice"], r["pass"]) for r in archive["revisits"]] == [
        ("whatsapp-users", 2),
        ("whatsapp-users", 3),
    ]
    assert archive["revisits"][0]["closed_at"] and archive["revisits"][1]["closed_at"] is None
    # The map is the first pass, exactly as before the revisits.
    [row] = [r for r in archive["map"] if r["practice"] == "whatsapp-users"]
    assert row["cells"]["means"]["counts"] == {"fine": 1, "discuss": 0, "problem": 1, "unsure": 1}
    assert row["cells"]["means"]["comments"] == ["avant"] * 3


def test_export_import_export_keeps_every_pass(looped, store, tmp_path):
    first = build_archive(store, looped)
    other = Store(tmp_path / "elsewhere.sqlite3")
    try:
        restored = other.workshop_by_id(restore_archive(other, json.loads(json.dumps(first))))
        second = build_archive(other, restored)
        assert other.answer_counts(restored.id, 2) == [("whatsapp-users", "means", "problem", 3)]
        assert other.last_passes(restored.id) == {"whatsapp-users": 2}
        assert other.open_revisit_of(restored.id)["pass"] == 3
    finally:
        other.close()
    first.pop("exported_at"), second.pop("exported_at")
    assert second == first


def test_a_version_1_archive_comes_back_as_the_first_pass(store):
    older = json.loads((GOLDEN / "v1-demo-fr.json").read_text(encoding="utf-8"))
    assert older["version"] == 1 and "revisits" not in older
    assert all("pass" not in a for a in older["answers"])
    restored = store.workshop_by_id(restore_archive(store, older))
    again = build_archive(store, restored)
    assert again["version"] == 2 and again["revisits"] == []
    assert {a["pass"] for a in again["answers"]} == {1}
    assert len(again["answers"]) == len(older["answers"])
    assert again["map"] == older["map"]


def _broken(archive, change):
    broken = copy.deepcopy(archive)
    change(broken)
    with pytest.raises(Invalid) as error:
        check_archive(broken, restoring=True)
    return error.value.params["where"]


def test_passes_and_revisits_are_checked(looped, store):
    archive = build_archive(store, looped)
    check_archive(archive, restoring=True)
    later = next(i for i, a in enumerate(archive["answers"]) if a["pass"] == 2)

    def no_pass(a):
        del a["answers"][0]["pass"]

    def unknown_pass(a):
        a["answers"][later]["pass"] = 4

    def pass_as_text(a):
        a["answers"][later]["pass"] = "2"

    def twice(a):
        a["revisits"].append(dict(a["revisits"][0]))

    def two_open(a):
        a["revisits"][0]["closed_at"] = None

    def first_pass_revisit(a):
        a["revisits"][0]["pass"] = 1

    def elsewhere(a):
        a["revisits"][1]["practice"] = "nowhere"
        a["answers"] = [x for x in a["answers"] if x["pass"] != 3]

    def no_revisits(a):
        del a["revisits"]

    def same_pass_twice(a):
        a["answers"].append(dict(a["answers"][later]))

    assert _broken(archive, no_pass) == "answers[0].pass"
    assert _broken(archive, unknown_pass) == f"answers[{later}].pass"
    assert _broken(archive, pass_as_text) == f"answers[{later}].pass"
    assert _broken(archive, twice) == "revisits[2]"
    assert _broken(archive, two_open) == "revisits[1].closed_at"
    assert _broken(archive, first_pass_revisit) == "revisits[0].pass"
    assert _broken(archive, elsewhere) == "revisits[1].practice"
    assert _broken(archive, no_revisits) == "revisits"
    assert _broken(archive, same_pass_twice) == f"answers[{len(archive['answers'])}]"


def test_the_spreadsheet_says_each_answers_pass(looped, store):
    header, *rows = read_csv(charter.render(build_archive(store, looped), "csv"))
    assert header[-1] == "Passage"
    assert sorted(row[-1] for row in rows) == ["1", "1", "1", "2", "2", "2", "3"]
    # The comment hidden in pass 2 stays out of the spreadsheet, said hidden.
    assert [row[7:9] for row in rows if row[-1] == "2"].count(["", "oui"]) == 1


# --- The charter: the first and the last pass, in every format -------------------------


def test_the_charter_shows_the_first_and_the_last_pass_in_every_format(looped, store):
    import zipfile
    from io import BytesIO
    from xml.etree import ElementTree

    archive = build_archive(store, looped)  # pass 2 closed, pass 3 still open
    md = charter.render(archive, "md").decode()
    assert "## Nouveaux regards après la discussion" in md
    assert "| Sphère | Avant (passage 1) | Après (passage 2) | Inquiétude | Accord |" in md
    assert "| Moyens | ✓1 ↔0 ✗1 ?1 | ✓0 ↔0 ✗3 ?0 | plus inquiets | plus d'accord |" in md
    assert "| Valeurs | ✓0 ↔0 ✗0 ?0 | ✓0 ↔0 ✗0 ?0 | pas de comparaison possible" in md
    html = charter.render(archive, "html").decode()
    assert 'aria-label="Avant et après la discussion : Nous parlons' in html
    assert html.count("<svg") == 2  # the map, and the practice asked again
    assert "plus d&#39;accord" in html
    odt = zipfile.ZipFile(BytesIO(charter.render(archive, "odt")))
    content = odt.read("content.xml").decode()
    ElementTree.fromstring(content)
    assert "Nouveaux regards après la discussion" in content and "plus d'accord" in content


def test_a_charter_without_revisits_has_no_such_section(store):
    older = json.loads((GOLDEN / "v1-demo-fr.json").read_text(encoding="utf-8"))
    assert "Nouveaux regards" not in charter.render(older, "md").decode()
    restored = store.workshop_by_id(restore_archive(store, older))
    assert "Nouveaux regards" not in charter.render(build_archive(store, restored), "html").decode()


def test_the_finished_demo_asks_whatsapp_again_and_the_group_moves(app, store):
    from workshop import demo
    from workshop.charter.document import build

    deck = app.extensions["workshop.decks"]["social-work.en"]
    workshop = store.workshop_by_id(demo.create_finished(store, deck))
    assert store.last_passes(workshop.id) == {"whatsapp-users": 2}
    [loop] = build(build_archive(store, workshop)).loops
    assert loop.practice.id == "whatsapp-users" and loop.last_pass == 2
    words = {(m.concern, m.disagreement) for m in loop.shifts.values()}
    assert words == {("more_worried", "more_agreed")}
