"""The method's loop on the map: each pass a map of its own, the shift put in words."""

import pytest

from workshop import live
from workshop.aggregate import SHIFT_THRESHOLD, Cell, Shift, build_loops, build_map, shift
from workshop.model import Answer, Phase, Sphere, Vote


def cell(fine=0, discuss=0, problem=0, unsure=0) -> Cell:
    c = Cell()
    c.counts.update(
        {Answer.FINE: fine, Answer.DISCUSS: discuss, Answer.PROBLEM: problem, Answer.UNSURE: unsure}
    )
    return c


def test_split_then_agreed_on_a_problem_reads_more_worried_and_more_agreed():
    before, after = cell(fine=5, problem=5, unsure=2), cell(discuss=1, problem=11)
    assert shift(before, after) == Shift("more_worried", "more_agreed")
    assert shift(after, before) == Shift("less_worried", "more_split")


def test_a_move_under_the_threshold_is_no_change():
    # One person of 12 from "fine" to "to discuss": concern +0.04.
    before, after = cell(fine=6, discuss=3, problem=3), cell(fine=5, discuss=4, problem=3)
    assert abs(after.concern - before.concern) < SHIFT_THRESHOLD
    assert shift(before, after) == Shift("no_change", "no_change")
    # Two people from "fine" to "problem": concern +0.17, a shift.
    assert shift(before, cell(fine=4, discuss=3, problem=5)).concern == "more_worried"


def test_exactly_the_threshold_is_a_shift():
    before, after = cell(fine=10), cell(fine=8, discuss=2)  # concern 0 then 0.1
    assert shift(before, after).concern == "more_worried"


def test_without_a_definite_answer_there_is_nothing_to_compare():
    assert shift(cell(unsure=4), cell(problem=4)) == Shift("unknown", "unknown")
    assert shift(cell(fine=3), cell()) == Shift("unknown", "unknown")


PRACTICES = [{"id": "p"}, {"id": "q"}, {"id": "r"}]


def test_loops_follow_the_map_and_keep_each_pass_apart():
    first = build_map(
        PRACTICES,
        [("p", "means", "fine", 3), ("q", "means", "problem", 3), ("q", "values", "fine", 1)],
    )
    loops = build_loops(
        first,
        {"p": 3, "q": 2},
        [("p", "means", "problem", 2), ("q", "means", "problem", 1)],
        [("p", "means", "vu autrement")],
    )
    assert list(loops) == ["q", "p"]  # the map's order: q is the more tense
    p = loops["p"]
    assert p.last_pass == 3
    assert p.first[Sphere.MEANS].counts[Answer.FINE] == 3
    assert p.last[Sphere.MEANS].counts == {
        Answer.FINE: 0,
        Answer.DISCUSS: 0,
        Answer.PROBLEM: 2,
        Answer.UNSURE: 0,
    }
    assert p.last[Sphere.MEANS].comments == ["vu autrement"]
    assert p.shifts[Sphere.MEANS] == Shift("more_worried", "no_change")
    assert p.shifts[Sphere.VALUES] == Shift("unknown", "unknown")
    assert loops["q"].shifts[Sphere.MEANS] == Shift("no_change", "no_change")
    # The first map is what it was: later passes never add to it.
    assert first[1].cells[Sphere.MEANS].answered == 3


@pytest.fixture
def room(store, make_workshop):
    workshop = make_workshop(phase="screening")
    people = []
    for name in "abcd":
        store.add_participant(workshop.id, name, "")
        people.append(store.participant(workshop.id, name))
    for person, value in zip(people, ("fine", "fine", "problem", "problem"), strict=True):
        store.save_vote(person, Vote("whatsapp-users", Sphere.MEANS, Answer(value), ""))
    store.set_phase(workshop.id, Phase.MAP)
    store.set_phase(workshop.id, Phase.NEGOTIATION)
    return store.workshop_by_id(workshop.id), people


def test_the_snapshot_holds_the_open_revisit_then_the_loop(store, room):
    workshop, people = room
    store.open_revisit(workshop.id, Phase.NEGOTIATION, "whatsapp-users")
    for person in people[:3]:
        store.save_vote(person, Vote("whatsapp-users", Sphere.MEANS, Answer.PROBLEM, "", 2))
    snapshot = live.take(store, store.workshop_by_id(workshop.id))
    assert snapshot.open_revisit["answered"] == 3 and snapshot.open_revisit["pass"] == 2
    assert snapshot.revisit_practice["id"] == "whatsapp-users"
    assert snapshot.loops == {}  # not closed yet: no "after" to show
    first = snapshot.rows
    store.close_revisit(workshop.id)
    snapshot = live.take(store, store.workshop_by_id(workshop.id))
    assert snapshot.open_revisit is None and snapshot.revisit_practice is None
    assert [r["pass"] for r in snapshot.revisits] == [2]
    [loop] = snapshot.loops.values()
    assert loop.last[Sphere.MEANS].counts[Answer.PROBLEM] == 3
    assert loop.shifts[Sphere.MEANS] == Shift("more_worried", "more_agreed")
    # The first pass's map is exactly what it was before the revisit.
    assert [(r.practice["id"], r.cells) for r in snapshot.rows] == [
        (r.practice["id"], r.cells) for r in first
    ]
