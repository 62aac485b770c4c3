"""The method's loop in the store: answers per pass, revisits, what the screens read."""

import sqlite3

import pytest

from workshop.model import Answer, Invalid, Phase, Sphere, Vote
from workshop.store import Store


@pytest.fixture
def db(tmp_path):
    store = Store(tmp_path / "w.sqlite3")
    yield store
    store.close()


def _workshop(db, phase=Phase.NEGOTIATION):
    wid = db.create_workshop("ABCDE", "T", "fr", "d", {}, [{"id": "p"}, {"id": "q"}])
    db.set_phase(wid, phase)
    return wid


def _person(db, wid, name):
    db.add_participant(wid, name, "")
    return db.participant(wid, name)


def vote(value, pass_=1, practice="p", sphere=Sphere.MEANS, comment=""):
    return Vote(practice, sphere, Answer(value), comment, pass_)


def test_each_pass_keeps_its_own_answer_and_the_first_map_is_unchanged(db):
    wid = _workshop(db)
    ana, ben = _person(db, wid, "a"), _person(db, wid, "b")
    db.save_vote(ana, vote("fine", comment="avant"))
    db.save_vote(ben, vote("problem"))
    first = (db.answer_counts(wid), db.comments(wid), db.progress(wid))
    assert db.open_revisit(wid, Phase.NEGOTIATION, "p") == 2
    db.save_vote(ana, vote("problem", 2, comment="après"))
    db.save_vote(ana, vote("discuss", 2, comment="après, mieux"))  # replaces, same pass
    assert (db.answer_counts(wid), db.comments(wid), db.progress(wid)) == first
    assert db.answer_counts(wid, 2) == [("p", "means", "discuss", 1)]
    assert db.comments(wid, 2) == [("p", "means", "après, mieux")]
    assert db.answers_of(ana.id) == {("p", "means"): {"value": "fine", "comment": "avant"}}
    assert db.answers_of(ana.id, 2) == {
        ("p", "means"): {"value": "discuss", "comment": "après, mieux"}
    }
    assert db.progress(wid)["answers"] == 2  # the screening's questions only


def test_a_later_pass_is_taken_only_while_its_revisit_is_open(db):
    wid = _workshop(db)
    ana = _person(db, wid, "a")
    with pytest.raises(Invalid) as refused:
        db.save_vote(ana, vote("fine", 2))
    assert refused.value.key == "error.revisit_closed"
    db.open_revisit(wid, Phase.NEGOTIATION, "p")
    with pytest.raises(Invalid):  # the open revisit is p's pass 2, not q's
        db.save_vote(ana, vote("fine", 2, practice="q"))
    with pytest.raises(Invalid):  # nor p's pass 3
        db.save_vote(ana, vote("fine", 3))
    # A ballot with one answer for a closed pass is refused whole.
    with pytest.raises(Invalid):
        db.save_votes(ana, [vote("fine", 2), vote("fine", 2, practice="q")])
    assert db.answer_counts(wid, 2) == []
    db.save_votes(ana, [vote("fine", 2), vote("problem", 2, sphere=Sphere.VALUES)])
    assert db.open_revisit_of(wid)["answered"] == 1
    db.close_revisit(wid)
    with pytest.raises(Invalid):
        db.save_vote(ana, vote("problem", 2))
    assert sorted(db.answer_counts(wid, 2)) == [
        ("p", "means", "fine", 1),
        ("p", "values", "problem", 1),
    ]


def test_one_revisit_open_at_a_time_each_practice_again_and_again(db):
    wid = _workshop(db)
    assert db.open_revisit(wid, Phase.NEGOTIATION, "p") == 2
    assert db.workshop_by_id(wid).focus == "p"  # the practice revisited is discussed
    with pytest.raises(Invalid) as refused:
        db.open_revisit(wid, Phase.NEGOTIATION, "q")
    assert refused.value.key == "error.revisit_already_open"
    assert db.close_revisit(wid)["pass"] == 2
    with pytest.raises(Invalid) as refused:
        db.close_revisit(wid)
    assert refused.value.key == "error.no_revisit_open"
    assert db.open_revisit(wid, Phase.NEGOTIATION, "q") == 2
    db.close_revisit(wid)
    assert db.open_revisit(wid, Phase.NEGOTIATION, "p") == 3
    assert [(r["practice"], r["pass"], r["closed_at"] is None) for r in db.revisits(wid)] == [
        ("p", 2, False),
        ("q", 2, False),
        ("p", 3, True),
    ]
    # The database itself holds one open revisit per workshop, whatever the code does.
    with pytest.raises(sqlite3.IntegrityError):
        db.write(
            lambda c: c.execute(
                "INSERT INTO revisit (workshop_id, practice_id, pass, opened_at)"
                " VALUES (?, 'q', 3, 'x')",
                (wid,),
            )
        )


def test_a_revisit_is_opened_in_the_negotiation_only(db):
    wid = _workshop(db, Phase.MAP)
    with pytest.raises(Invalid) as refused:
        db.open_revisit(wid, Phase.MAP, "p")
    assert refused.value.key == "error.not_negotiating"
    with pytest.raises(Invalid) as refused:
        db.open_revisit(wid, Phase.NEGOTIATION, None)
    assert refused.value.key == "error.revisit_needs_practice"
    assert db.revisits(wid) == []


def test_leaving_the_negotiation_closes_the_open_revisit(db):
    wid = _workshop(db)
    ana = _person(db, wid, "a")
    db.open_revisit(wid, Phase.NEGOTIATION, "p")
    db.save_vote(ana, vote("fine", 2))
    db.set_phase(wid, Phase.CHARTER)
    assert db.open_revisit_of(wid) is None
    with pytest.raises(Invalid):
        db.save_vote(ana, vote("problem", 2))
    assert db.last_passes(wid) == {"p": 2}


def test_the_last_pass_is_the_latest_closed_revisit_someone_answered(db):
    wid = _workshop(db)
    ana, ben = _person(db, wid, "a"), _person(db, wid, "b")
    db.save_vote(ana, vote("fine"))
    db.open_revisit(wid, Phase.NEGOTIATION, "p")
    db.save_vote(ana, vote("problem", 2, comment="vu"))
    db.save_vote(ben, vote("problem", 2, sphere=Sphere.VALUES))
    assert db.open_revisit_of(wid)["answered"] == 2
    assert db.last_passes(wid) == {}  # still being answered
    db.close_revisit(wid)
    db.open_revisit(wid, Phase.NEGOTIATION, "p")  # pass 3, closed without answers
    db.close_revisit(wid)
    db.open_revisit(wid, Phase.NEGOTIATION, "q")  # open: not a last pass yet
    db.save_vote(ana, vote("fine", 2, practice="q"))
    assert db.last_passes(wid) == {"p": 2}
    state = db.loop_state(wid)
    assert state["last"] == {"p": 2}
    assert sorted(state["counts"]) == [("p", "means", "problem", 1), ("p", "values", "problem", 1)]
    assert state["comments"] == [("p", "means", "vu")]
    assert state["open"]["practice"] == "q" and state["open"]["answered"] == 1
    assert [r["pass"] for r in state["revisits"]] == [2, 3, 2]


def test_erasing_a_workshop_erases_its_revisits(db):
    wid = _workshop(db)
    db.open_revisit(wid, Phase.NEGOTIATION, "p")
    db.delete_workshop(wid)
    assert db.read(lambda c: c.execute("SELECT COUNT(*) FROM revisit").fetchone()[0]) == 0


# --- The rules (workshop.model) ----------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "expected"), [(None, 1), ("", 1), (1, 1), ("2", 2), (2, 2), (9, 9)]
)
def test_a_pass_is_a_whole_number_from_one(sent, expected):
    from workshop.model import parse_pass

    assert parse_pass(sent) == expected


@pytest.mark.parametrize(
    ("sent", "key"),
    [
        (True, "error.bad_request"),
        (2.0, "error.bad_request"),
        ("deux", "error.bad_request"),
        ("٢", "error.bad_request"),  # a digit, but not an ASCII one
        ([2], "error.bad_request"),
        (0, "error.revisit_closed"),
        (10, "error.revisit_closed"),
        (2**70, "error.revisit_closed"),
    ],
)
def test_a_pass_that_cannot_be_is_refused(sent, key):
    from workshop.model import parse_pass

    with pytest.raises(Invalid) as refused:
        parse_pass(sent)
    assert refused.value.key == key


def test_an_answer_counts_only_in_the_pass_open_for_it():
    from workshop.model import check_pass

    open_ = {"practice": "p", "pass": 2}
    check_pass(Phase.SCREENING, "p", 1, None)
    check_pass(Phase.NEGOTIATION, "p", 2, open_)
    for phase, practice, pass_, revisit, key in (
        (Phase.NEGOTIATION, "p", 1, open_, "error.not_screening"),
        (Phase.NEGOTIATION, "q", 2, open_, "error.revisit_closed"),
        (Phase.NEGOTIATION, "p", 3, open_, "error.revisit_closed"),
        (Phase.NEGOTIATION, "p", 2, None, "error.revisit_closed"),
        (Phase.CHARTER, "p", 2, open_, "error.revisit_closed"),
    ):
        with pytest.raises(Invalid) as refused:
            check_pass(phase, practice, pass_, revisit)
        assert refused.value.key == key


def test_a_practice_is_asked_again_at_most_eight_times(db):
    wid = _workshop(db)
    for expected in range(2, 10):
        assert db.open_revisit(wid, Phase.NEGOTIATION, "p") == expected
        db.close_revisit(wid)
    with pytest.raises(Invalid) as refused:
        db.open_revisit(wid, Phase.NEGOTIATION, "p")
    assert refused.value.key == "error.too_many_revisits"
    assert refused.value.params == {"limit": 8}


def test_where_the_group_ended_is_the_last_pass_of_a_practice_looked_at_again(db):
    wid = _workshop(db)
    ana, ben = _person(db, wid, "a"), _person(db, wid, "b")
    for person in (ana, ben):
        db.save_votes(person, [vote("problem"), vote("fine", practice="q")])
    assert db.final_counts(wid) == db.answer_counts(wid)  # nothing looked at again yet
    db.open_revisit(wid, Phase.NEGOTIATION, "p")
    db.save_vote(ana, vote("fine", 2))
    assert sorted(db.final_counts(wid)) == [("p", "means", "problem", 2), ("q", "means", "fine", 2)]
    db.close_revisit(wid)  # closed: p ended where its new look left it, q where it began
    assert sorted(db.final_counts(wid)) == [("p", "means", "fine", 1), ("q", "means", "fine", 2)]
