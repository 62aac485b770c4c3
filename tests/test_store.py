"""The store: acknowledged writes are committed, batches fail one job at a time."""

import sqlite3
import threading

import pytest

from workshop.model import Answer, Sphere, Vote
from workshop.store import SCHEMA, Store


@pytest.fixture
def db(tmp_path):
    store = Store(tmp_path / "w.sqlite3")
    yield store
    store.close()


def _workshop(store):
    return store.create_workshop("ABCDE", "T", "fr", "d", {}, [{"id": "p"}])


def test_schema_is_versioned_and_in_wal(db):
    assert db.read(lambda c: c.execute("PRAGMA user_version").fetchone()[0]) == len(SCHEMA)
    assert db.read(lambda c: c.execute("PRAGMA journal_mode").fetchone()[0]) == "wal"


def test_an_older_database_is_migrated_without_loss(tmp_path):
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    conn.executescript(SCHEMA[0] + "; PRAGMA user_version=1;")
    conn.execute(
        "INSERT INTO workshop (code, title, lang, deck, created_at) VALUES"
        " ('OLD22', 'Avant', 'fr', 'social-work.fr', '2026-01-01')"
    )
    conn.commit()
    conn.close()
    store = Store(path)
    try:
        workshop = store.workshop("OLD22")
        assert workshop.title == "Avant" and workshop.allow_proposals
        assert store.read(lambda c: c.execute("PRAGMA user_version").fetchone()[0]) == len(SCHEMA)
        assert store.proposals(workshop.id) == []
    finally:
        store.close()


def test_acknowledged_writes_are_visible_to_another_connection(db, tmp_path):
    wid = _workshop(db)
    pid = db.add_participant(wid, "hash", "")
    db.save_vote(db.participant(wid, "hash"), Vote("p", Sphere.MEANS, Answer.FINE, ""))
    # A separate connection, as a restarted server would open: the row is on disk.
    other = sqlite3.connect(tmp_path / "w.sqlite3")
    assert other.execute("SELECT participant_id, value FROM answer").fetchall() == [(pid, "fine")]
    other.close()


def test_a_failing_job_fails_alone(db):
    wid = _workshop(db)
    db.add_participant(wid, "same", "")
    with pytest.raises(sqlite3.IntegrityError):
        db.add_participant(wid, "same", "")
    assert db.progress(wid)["participants"] == 1


def test_concurrent_writers_share_commits_and_lose_nothing(db):
    wid = _workshop(db)
    participants = [
        db.participant(wid, h)
        for h in [db.add_participant(wid, f"h{i}", "") and f"h{i}" for i in range(40)]
    ]
    commits = []
    original = db._commit

    def counting(batch):
        commits.append(len(batch))
        return original(batch)

    db._commit = counting
    barrier = threading.Barrier(40)

    def vote(participant):
        barrier.wait()
        for sphere in Sphere:
            db.save_vote(participant, Vote("p", sphere, Answer.PROBLEM, "x"))

    threads = [threading.Thread(target=vote, args=(p,)) for p in participants]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert db.progress(wid)["answers"] == 120
    assert sum(commits) == 120
    assert len(commits) < 120  # several answers shared one disk sync


def test_settings_are_created_once(db):
    assert db.setting("k", lambda: "first") == "first"
    assert db.setting("k", lambda: "second") == "first"


def test_erasing_a_workshop_erases_its_people_and_answers(db):
    wid = _workshop(db)
    db.add_participant(wid, "h", "Camille")
    db.save_vote(db.participant(wid, "h"), Vote("p", Sphere.VALUES, Answer.FINE, "note"))
    db.delete_workshop(wid)
    for table in ("workshop", "practice", "participant", "answer"):
        assert db.read(lambda c, t=table: c.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]) == 0


def test_a_batch_of_votes_is_saved_whole_or_not_at_all(db):
    wid = _workshop(db)
    db.add_participant(wid, "h", "")
    participant = db.participant(wid, "h")
    ballot = [Vote("p", sphere, Answer.FINE, "") for sphere in Sphere]
    # A comment of None breaks the answer table's NOT NULL: the last vote cannot be stored.
    broken = [*ballot[:2], Vote("p", Sphere.PRESCRIPTIONS, Answer.PROBLEM, None)]
    with pytest.raises(sqlite3.IntegrityError):
        db.save_votes(participant, broken)
    assert db.answers_of(participant.id) == {}

    jobs = []
    original = db._commit

    def counting(batch):
        jobs.append(len(batch))
        return original(batch)

    db._commit = counting
    db.save_votes(participant, ballot)
    assert jobs == [1]  # one job in one commit, not one per answer
    assert db.answers_of(participant.id) == {
        ("p", sphere.value): {"value": "fine", "comment": ""} for sphere in Sphere
    }


def test_a_free_code_is_not_taken(db, monkeypatch):
    _workshop(db)  # takes ABCDE
    codes = iter(["ABCDE", "ABCDE", "FGHJK"])
    monkeypatch.setattr("workshop.store.workshops.new_join_code", lambda: next(codes))
    assert db.free_code() == "FGHJK"
