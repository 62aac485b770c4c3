"""The store: acknowledged writes are committed, batches fail one job at a time."""

import sqlite3
import threading

import pytest

from workshop.model import Answer, Invalid, Sphere, Vote
from workshop.store import SCHEMA, Store
from workshop.store.schema import statements


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


# -- reads end what they started ---------------------------------------------------------


def _unreadable(row):
    raise ValueError(f"row {row[0]} cannot be read")


def _half_read(conn):
    """A listing that raises at its first row, its cursor left half-read (and kept alive
    by the traceback: the comprehension's frame holds it, as in `Store.workshops`)."""
    return [_unreadable(row) for row in conn.execute("SELECT id FROM workshop")]


def test_a_read_that_raises_mid_iteration_does_not_keep_an_old_snapshot(db, tmp_path):
    _workshop(db)
    db.create_workshop("FGHJK", "T2", "fr", "d", {}, [{"id": "p"}])
    failures = []
    for read in (db.read, db.read_snapshot):
        with pytest.raises(ValueError) as caught:
            read(_half_read)
        failures.append(caught)  # the traceback keeps the cursor alive, as a log would
    created = db.create_workshop("LMNPQ", "T3", "fr", "d", {}, [{"id": "p"}])
    assert db.workshop_by_id(created).code == "LMNPQ"
    assert [w.code for w in db.workshops()] == ["ABCDE", "FGHJK", "LMNPQ"]
    # No reader is left holding the WAL: a full checkpoint completes at once.
    other = sqlite3.connect(tmp_path / "w.sqlite3", timeout=0)
    assert other.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0
    other.close()
    assert len(failures) == 2


def test_a_job_that_raises_mid_iteration_does_not_hold_the_wal(db, tmp_path):
    _workshop(db)
    with pytest.raises(ValueError):
        db.write(_half_read)
    other = sqlite3.connect(tmp_path / "w.sqlite3", timeout=0)
    assert other.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0
    other.close()


# -- erasing leaves nothing on disk ------------------------------------------------------


def _files_holding(folder, markers):
    found = {}
    for path in folder.iterdir():
        data = path.read_bytes()
        hits = [m for m in markers if m.encode() in data]
        if hits:
            found[path.name] = hits
    return found


def test_erasing_a_workshop_leaves_none_of_its_texts_in_the_files(db, tmp_path):
    assert db.read(lambda c: c.execute("PRAGMA secure_delete").fetchone()[0]) == 1
    keep = db.create_workshop("KEEPS", "Kept", "fr", "d", {}, [{"id": "p"}])
    markers = [f"ZQX{i:03d}" for i in range(12)]
    wid = db.create_workshop("GONER", markers[0], "fr", "d", {}, [{"id": "p", "t": markers[1]}])
    for i in range(30):  # enough rows to fill pages shared with the workshop that stays
        db.add_participant(wid, f"g{i}", markers[2])
        db.add_participant(keep, f"k{i}", "kept")
        for pid, text in ((db.participant(wid, f"g{i}"), markers[3]), (None, None)):
            if pid:
                db.save_vote(pid, Vote("p", Sphere.MEANS, Answer.FINE, markers[4]))
                db.save_vote(pid, Vote("p", Sphere.MEANS, Answer.FINE, text * 20))
        db.save_vote(db.participant(keep, f"k{i}"), Vote("p", Sphere.MEANS, Answer.FINE, "ok"))
        if i == 15:  # part of it already in the main file, as after an automatic checkpoint
            db._truncate_wal(db._write_conn)
    clause = db.add_clause(wid, None, markers[5])
    db.edit_clause(wid, clause, markers[6])
    db.set_commitment(wid, clause, markers[7], "")
    db.set_charter_details(wid, {"team": markers[8], "place": markers[9]})
    db.add_proposal(wid, None, markers[10], markers[11] * 40)
    assert set(_files_holding(tmp_path, markers)) >= {"w.sqlite3-wal"}
    db.delete_workshop(wid)
    assert (tmp_path / "w.sqlite3-wal").stat().st_size == 0
    assert _files_holding(tmp_path, markers) == {}
    assert db.workshop("KEEPS").title == "Kept"


def test_an_erase_says_so_when_another_process_keeps_the_wal(db, tmp_path):
    wid = _workshop(db)
    db._write_conn.execute("PRAGMA busy_timeout=20")
    reader = sqlite3.connect(tmp_path / "w.sqlite3", isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT COUNT(*) FROM workshop").fetchone()
    with pytest.raises(sqlite3.OperationalError):
        db.delete_workshop(wid)
    assert db.workshop_by_id(wid) is None  # erased all the same
    reader.execute("COMMIT")
    reader.close()
    db.delete_workshop(_workshop(db))  # and the next erase truncates the WAL
    assert (tmp_path / "w.sqlite3-wal").stat().st_size == 0


# -- ids are never given twice -----------------------------------------------------------


def test_ids_of_erased_rows_are_never_given_again(db):
    keep = _workshop(db)
    newest = db.create_workshop("FGHJK", "T", "fr", "d", {}, [{"id": "p"}])
    people = [db.add_participant(newest, f"n{i}", "") for i in range(2)]
    clause = db.add_clause(newest, None, "c")
    round_ = db.open_round(newest, clause)
    proposal = db.add_proposal(newest, None, "t", "")
    suggestion = db.add_suggestion(newest, None, None, "s")
    db.delete_workshop(newest)
    assert db.create_workshop("LMNPQ", "T", "fr", "d", {}, [{"id": "p"}]) > newest
    assert db.add_participant(keep, "k", "") > max(people)
    later = db.add_clause(keep, None, "c")
    assert later > clause
    assert db.open_round(keep, later) > round_
    assert db.add_proposal(keep, None, "t", "") > proposal
    assert db.add_suggestion(keep, None, None, "s") > suggestion


def _old_database(path):
    """A file as version 3 left it, with a row in every table."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    for script in SCHEMA[:3]:
        for statement in script.split(";"):
            if statement.strip():
                conn.execute(statement)
    conn.execute("PRAGMA user_version=3")
    rows = [
        "INSERT INTO meta VALUES ('secret', 's')",
        "INSERT INTO workshop (id, code, title, lang, deck, created_at, charter) VALUES"
        " (1, 'OLD22', 'Avant', 'fr', 'social-work.fr', '2026-01-01', '{\"team\": \"T\"}')",
        "INSERT INTO workshop (id, code, title, lang, deck, created_at, previous_id) VALUES"
        " (2, 'OLD33', 'Après', 'fr', 'social-work.fr', '2026-02-01', 1)",
        "INSERT INTO practice VALUES (1, 'p', 0, '{\"id\": \"p\"}')",
        "INSERT INTO participant (id, workshop_id, token_hash, pseudonym, joined_at) VALUES"
        " (1, 1, 'h1', 'Camille', 'x')",
        "INSERT INTO participant (id, workshop_id, token_hash, source, paper_sheet,"
        " joined_at) VALUES (2, 1, 'h2', 'paper', 1, 'x')",
        "INSERT INTO answer VALUES (1, 1, 'p', 'means', 'fine', 'note', 'x')",
        "INSERT INTO answer VALUES (2, 1, 'p', 'values', 'problem', '', 'x')",
        "INSERT INTO proposal (id, workshop_id, participant_id, title, created_at) VALUES"
        " (1, 1, 1, 'Idée', 'x')",
        "INSERT INTO decision VALUES (1, 'p', 'keep', 'd', 'x')",
        "INSERT INTO clause (id, workshop_id, practice_id, text, created_at) VALUES"
        " (1, 1, 'p', 'Clause', 'x')",
        "INSERT INTO consent_round (id, clause_id, workshop_id, number, text, opened_at)"
        " VALUES (1, 1, 1, 1, 'Clause', 'x')",
        "INSERT INTO consent VALUES (1, 1, 'objection', 'why', 'x')",
        "INSERT INTO suggestion (id, workshop_id, participant_id, text, created_at) VALUES"
        " (1, 1, 1, 'mieux', 'x')",
    ]
    for row in rows:
        conn.execute(row)
    conn.close()


def _tables(conn):
    names = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            " ORDER BY name"
        )
    ]
    return {
        name: {
            "rows": [tuple(r) for r in conn.execute(f"SELECT * FROM {name} ORDER BY rowid")],
            "columns": [r[1:] for r in conn.execute(f"PRAGMA table_info({name})")],
            "keys": [r[2:] for r in conn.execute(f"PRAGMA foreign_key_list({name})")],
            "indexes": sorted(r[1:3] for r in conn.execute(f"PRAGMA index_list({name})")),
        }
        for name in names
    }


def test_a_version_3_database_migrates_with_its_data_indexes_and_keys(tmp_path):
    path = tmp_path / "old.sqlite3"
    _old_database(path)
    before = _tables(sqlite3.connect(path))
    store = Store(path)
    try:
        after = store.read(_tables)
        assert set(after) == set(before) | {"revisit"}
        assert after["revisit"]["rows"] == []
        # Columns added since version 3, at the end, with what old rows get: the answers
        # are not hidden, and were given in the first pass (screening).
        added = {
            # the pass is the fourth part of the answer's key
            "answer": [(("hidden", "INTEGER", 1, "0", 0), 0), (("pass", "INTEGER", 1, "1", 4), 1)],
            "workshop": [(("timer", "TEXT", 0, None, 0), None)],
        }
        for name, table in before.items():
            if name in added:
                n = len(added[name])
                assert after[name]["columns"][:-n] == table["columns"]
                assert after[name]["columns"][-n:] == [column for column, _ in added[name]]
                assert [r[:-n] for r in after[name]["rows"]] == table["rows"]
                assert {r[-n:] for r in after[name]["rows"]} == {
                    tuple(value for _, value in added[name])
                }
                assert after[name]["keys"] == table["keys"], name
                assert after[name]["indexes"] == table["indexes"], name
            else:
                assert after[name] == table, name
        assert store.read(lambda c: c.execute("PRAGMA foreign_key_check").fetchall()) == []
        assert store.read(lambda c: c.execute("PRAGMA foreign_keys").fetchone()[0]) == 1
        sequences = store.read(lambda c: dict(c.execute("SELECT * FROM sqlite_sequence")))
        assert sequences == {
            "workshop": 2,
            "participant": 2,
            "proposal": 1,
            "clause": 1,
            "consent_round": 1,
            "suggestion": 1,
        }
        assert store.workshop("OLD22").charter == {"team": "T"}
        assert store.workshop("OLD33").previous_id == 1
        assert store.comments(1) == [("p", "means", "note")]
        # The keys still act: erasing the newest workshop, then the first, takes every row.
        store.delete_workshop(2)
        assert store.create_workshop("NEW44", "T", "fr", "d", {}, [{"id": "p"}]) == 3
        store.delete_workshop(1)
        for name in ("participant", "answer", "proposal", "clause", "consent", "suggestion"):
            count = store.read(lambda c, n=name: c.execute(f"SELECT COUNT(*) FROM {n}").fetchone())
            assert count[0] == 0, name
        assert store.add_participant(3, "h3", "") == 3
    finally:
        store.close()


def test_migrating_an_old_file_vacuums_what_it_deleted_before(tmp_path):
    """Files written before `secure_delete` was asked for may keep erased texts in their
    free pages (SQLite builds differ in their default): the upgrade vacuums them once."""
    path = tmp_path / "old.sqlite3"
    _old_database(path)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA secure_delete=OFF")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("INSERT INTO practice VALUES (2, 'p', 0, '{}')")
    for i in range(300):  # comments: the answer table is not rebuilt by the migration
        conn.execute(
            "INSERT INTO participant (id, workshop_id, token_hash, joined_at)"
            " VALUES (?, 2, ?, 'x')",
            (10 + i, f"e{i}"),
        )
        conn.execute(
            "INSERT INTO answer VALUES (?, 2, 'p', 'means', 'fine', 'ERASEDBEFORE', 'x')",
            (10 + i,),
        )
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("DELETE FROM workshop WHERE id=2")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    assert b"ERASEDBEFORE" in path.read_bytes()
    Store(path).close()
    assert _files_holding(tmp_path, ["ERASEDBEFORE"]) == {}


def test_a_script_is_split_on_the_semicolons_that_end_its_statements():
    script = """
        CREATE TABLE t (x TEXT DEFAULT ';');
        CREATE TRIGGER t_x AFTER INSERT ON t BEGIN UPDATE t SET x = 'a;b'; END;
    """
    assert [s.split()[1] for s in statements(script)] == ["TABLE", "TRIGGER"]
    conn = sqlite3.connect(":memory:")
    for statement in statements(script):
        conn.execute(statement)
    conn.execute("INSERT INTO t DEFAULT VALUES")
    assert conn.execute("SELECT x FROM t").fetchall() == [("a;b",)]


# -- comments the facilitator hides ------------------------------------------------------


def _two_comments(db):
    wid = _workshop(db)
    for h, comment in (("a", "first"), ("b", "second")):
        db.add_participant(wid, h, "")
        db.save_vote(db.participant(wid, h), Vote("p", Sphere.MEANS, Answer.FINE, comment))
    db.save_vote(db.participant(wid, "a"), Vote("p", Sphere.VALUES, Answer.FINE, ""))
    return wid


def test_a_hidden_comment_leaves_the_comments_and_stays_hidden_when_edited(db):
    wid = _two_comments(db)
    listed = db.comments_for_moderation(wid)
    assert [c["text"] for c in listed] == ["second", "first"]  # newest first
    assert set(listed[0]) == {"id", "practice", "sphere", "text", "hidden", "pass"}
    assert listed[0]["practice"] == "p" and listed[0]["sphere"] == "means"
    assert not any(c["hidden"] for c in listed)
    first = listed[1]["id"]
    db.set_comment_hidden(wid, first, True)
    assert db.comments(wid) == [("p", "means", "second")]
    assert [c["hidden"] for c in db.comments_for_moderation(wid)] == [False, True]
    db.save_vote(db.participant(wid, "a"), Vote("p", Sphere.MEANS, Answer.PROBLEM, "edited"))
    assert db.comments(wid) == [("p", "means", "second")]
    hidden = [c for c in db.comments_for_moderation(wid) if c["hidden"]]
    assert [(c["id"], c["text"]) for c in hidden] == [(first, "edited")]
    db.set_comment_hidden(wid, first, False)
    assert sorted(c[2] for c in db.comments(wid)) == ["edited", "second"]


def test_only_a_comment_of_the_workshop_can_be_hidden(db):
    wid = _two_comments(db)
    other = db.create_workshop("FGHJK", "T", "fr", "d", {}, [{"id": "p"}])
    comment = db.comments_for_moderation(wid)[0]["id"]
    empty = db.read(
        lambda c: c.execute("SELECT rowid FROM answer WHERE comment = ''").fetchone()[0]
    )
    for workshop_id, answer_id in ((other, comment), (wid, empty), (wid, 10_000)):
        with pytest.raises(Invalid) as refused:
            db.set_comment_hidden(workshop_id, answer_id, True)
        assert refused.value.key == "error.unknown_comment"
    assert db.comments_for_moderation(other) == []
    assert len(db.comments(wid)) == 2


def test_the_archive_marks_hidden_comments_only_and_restores_them(db):
    wid = _two_comments(db)
    _, answers = db.archive_answers(wid)
    assert all("hidden" not in a for a in answers)
    db.set_comment_hidden(wid, db.comments_for_moderation(wid)[0]["id"], True)
    _, answers = db.archive_answers(wid)
    assert [a["comment"] for a in answers if a.get("hidden") is True] == ["second"]
    assert sum("hidden" in a for a in answers) == 1
    archive = {
        "workshop": {"title": "T", "lang": "fr", "deck": "d", "phase": "map", "created_at": "x"},
        "spheres": {},
        "practices": [{"id": "p"}],
        "answers": answers,
        "proposals": [],
        "decisions": [],
        "clauses": [],
        "suggestions": [],
    }
    restored = db.restore_workshop("RSTRD", archive, ["r1", "r2"])
    assert db.comments(restored) == [("p", "means", "first")]
    assert db.archive_answers(restored)[1] == answers
