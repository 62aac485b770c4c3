"""All SQL: the workshop's data in one SQLite file (WAL), with one writer and group commit.

Acknowledged means durable: `Store.write` returns only once the transaction holding the
change is committed with `synchronous=FULL`. Writes from every connection go through a
queue to a single writer, which runs whatever is queued in one transaction (each job in
its own savepoint, so one bad job fails alone) and commits once: one disk sync for many
votes. Under gevent the batch runs in a native thread of the hub's pool, so a sync never
stalls the other connections.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from workshop.model import Invalid, Phase, Vote
from workshop.store_charter import CharterQueries

MAX_BATCH = 500

SCHEMA = [
    # version 1
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE workshop (
        id INTEGER PRIMARY KEY,
        code TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL,
        lang TEXT NOT NULL,
        deck TEXT NOT NULL,
        spheres TEXT NOT NULL DEFAULT '{}',
        results_hidden INTEGER NOT NULL DEFAULT 1,
        phase TEXT NOT NULL DEFAULT 'joining',
        demo INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL
    );
    CREATE TABLE practice (
        workshop_id INTEGER NOT NULL REFERENCES workshop(id) ON DELETE CASCADE,
        id TEXT NOT NULL,
        position INTEGER NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (workshop_id, id)
    );
    CREATE TABLE participant (
        id INTEGER PRIMARY KEY,
        workshop_id INTEGER NOT NULL REFERENCES workshop(id) ON DELETE CASCADE,
        token_hash TEXT NOT NULL UNIQUE,
        pseudonym TEXT NOT NULL DEFAULT '',
        source TEXT NOT NULL DEFAULT 'phone',
        joined_at TEXT NOT NULL
    );
    CREATE TABLE answer (
        participant_id INTEGER NOT NULL REFERENCES participant(id) ON DELETE CASCADE,
        workshop_id INTEGER NOT NULL REFERENCES workshop(id) ON DELETE CASCADE,
        practice_id TEXT NOT NULL,
        sphere TEXT NOT NULL,
        value TEXT NOT NULL,
        comment TEXT NOT NULL DEFAULT '',
        updated_at TEXT NOT NULL,
        PRIMARY KEY (participant_id, practice_id, sphere)
    );
    CREATE INDEX answer_by_workshop ON answer (workshop_id, practice_id, sphere);
    CREATE INDEX participant_by_workshop ON participant (workshop_id);
    """,
    # version 2: practices proposed by the room
    """
    ALTER TABLE workshop ADD COLUMN allow_proposals INTEGER NOT NULL DEFAULT 1;
    CREATE TABLE proposal (
        id INTEGER PRIMARY KEY,
        workshop_id INTEGER NOT NULL REFERENCES workshop(id) ON DELETE CASCADE,
        participant_id INTEGER REFERENCES participant(id) ON DELETE SET NULL,
        title TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL DEFAULT 'pending',
        practice_id TEXT,
        created_at TEXT NOT NULL
    );
    CREATE INDEX proposal_by_workshop ON proposal (workshop_id, status);
    """,
    # version 3: negotiation, clauses and consent rounds, the charter's details
    """
    ALTER TABLE workshop ADD COLUMN charter TEXT NOT NULL DEFAULT '{}';
    ALTER TABLE workshop ADD COLUMN focus TEXT;
    ALTER TABLE workshop ADD COLUMN previous_id INTEGER REFERENCES workshop(id) ON DELETE SET NULL;
    ALTER TABLE participant ADD COLUMN paper_sheet INTEGER;
    ALTER TABLE workshop ADD COLUMN easy_read INTEGER NOT NULL DEFAULT 0;
    CREATE UNIQUE INDEX paper_sheet_by_workshop ON participant (workshop_id, paper_sheet);
    CREATE TABLE decision (
        workshop_id INTEGER NOT NULL REFERENCES workshop(id) ON DELETE CASCADE,
        practice_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT '',
        updated_at TEXT NOT NULL,
        PRIMARY KEY (workshop_id, practice_id)
    );
    CREATE TABLE clause (
        id INTEGER PRIMARY KEY,
        workshop_id INTEGER NOT NULL REFERENCES workshop(id) ON DELETE CASCADE,
        practice_id TEXT,
        text TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'draft',
        commitment_who TEXT NOT NULL DEFAULT '',
        commitment_by TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL
    );
    CREATE TABLE consent_round (
        id INTEGER PRIMARY KEY,
        clause_id INTEGER NOT NULL REFERENCES clause(id) ON DELETE CASCADE,
        workshop_id INTEGER NOT NULL REFERENCES workshop(id) ON DELETE CASCADE,
        number INTEGER NOT NULL,
        text TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'open',
        opened_at TEXT NOT NULL,
        closed_at TEXT
    );
    CREATE TABLE consent (
        round_id INTEGER NOT NULL REFERENCES consent_round(id) ON DELETE CASCADE,
        participant_id INTEGER NOT NULL REFERENCES participant(id) ON DELETE CASCADE,
        value TEXT NOT NULL,
        reason TEXT NOT NULL DEFAULT '',
        updated_at TEXT NOT NULL,
        PRIMARY KEY (round_id, participant_id)
    );
    CREATE TABLE suggestion (
        id INTEGER PRIMARY KEY,
        workshop_id INTEGER NOT NULL REFERENCES workshop(id) ON DELETE CASCADE,
        practice_id TEXT,
        participant_id INTEGER REFERENCES participant(id) ON DELETE SET NULL,
        text TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE INDEX clause_by_workshop ON clause (workshop_id);
    CREATE INDEX answer_counts ON answer (workshop_id, practice_id, sphere, value);
    CREATE INDEX answer_comments ON answer (workshop_id, updated_at) WHERE comment != '';
    CREATE INDEX round_by_workshop ON consent_round (workshop_id, status);
    """,
]


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Workers:
    """How the store runs its writer: with OS threads, or inside gevent's hub."""

    spawn: Callable[[Callable[[], None]], Any]
    queue: Callable[[], Any]
    event: Callable[[], Any]
    offload: Callable[..., Any]

    @classmethod
    def threads(cls) -> Workers:
        import queue

        def spawn(target):
            thread = threading.Thread(target=target, name="store-writer", daemon=True)
            thread.start()
            return thread

        return cls(spawn, queue.Queue, threading.Event, lambda fn, *args: fn(*args))

    @classmethod
    def gevent(cls) -> Workers:
        import gevent
        import gevent.event
        import gevent.queue

        pool = gevent.get_hub().threadpool
        return cls(
            gevent.spawn,
            gevent.queue.Queue,
            gevent.event.Event,
            lambda fn, *args: pool.apply(fn, args),
        )


@dataclass(frozen=True)
class Workshop:
    id: int
    code: str
    title: str
    lang: str
    deck: str
    spheres: dict
    results_hidden: bool
    allow_proposals: bool
    charter: dict
    focus: str | None
    previous_id: int | None
    easy_read: bool
    phase: Phase
    demo: bool
    created_at: str
    practices: tuple[dict, ...]

    @property
    def practice_ids(self) -> set[str]:
        return {p["id"] for p in self.practices}


@dataclass(frozen=True)
class Participant:
    id: int
    workshop_id: int
    pseudonym: str
    source: str


class _Job:
    __slots__ = ("fn", "args", "done", "result", "error")

    def __init__(self, fn, args, done):
        self.fn, self.args, self.done = fn, args, done
        self.result = self.error = None


_STOP = object()


class Store(CharterQueries):
    """The data folder's database. Use `read` and `write`, or the named queries below."""

    def __init__(self, path: str | Path, workers: Workers | None = None) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.workers = workers or Workers.threads()
        self._write_conn = self._connect()
        self._read_conn = self._connect()
        self._read_lock = threading.Lock()
        self._start_lock = threading.Lock()
        self._workshops: dict[tuple, Workshop] = {}
        self._generation = 0
        self._queue = None
        self._writer = None
        self._migrate()

    # -- plumbing ---------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=10000")
        return conn

    def _migrate(self) -> None:
        conn = self._write_conn
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        for number, script in enumerate(SCHEMA[version:], start=version + 1):
            conn.execute("BEGIN IMMEDIATE")
            for statement in script.split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version={number}")
            conn.execute("COMMIT")

    def read(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run `fn(conn, *args)` on the reading connection (sees every committed write)."""
        with self._read_lock:
            return fn(self._read_conn, *args)

    def write(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run `fn(conn, *args)` in the writer's next batch; return once it is committed.

        Raises what `fn` raised (its changes are rolled back, the batch's others are not).
        """
        if self._writer is None:
            self._start_writer()
        job = _Job(fn, args, self.workers.event())
        self._queue.put(job)
        job.done.wait()
        if job.error is not None:
            raise job.error
        return job.result

    def _start_writer(self) -> None:
        with self._start_lock:
            if self._writer is None:
                self._queue = self.workers.queue()
                self._writer = self.workers.spawn(self._write_loop)

    def _write_loop(self) -> None:
        while True:
            job = self._queue.get()
            if job is _STOP:
                return
            batch = [job]
            stop = False
            while len(batch) < MAX_BATCH and not self._queue.empty():
                more = self._queue.get()
                if more is _STOP:
                    stop = True
                    break
                batch.append(more)
            try:
                self.workers.offload(self._commit, batch)
            except Exception as error:  # noqa: BLE001 - handed to every waiting caller
                for job in batch:
                    job.error = job.error or error
            for job in batch:
                job.done.set()
            if stop:
                return

    def _commit(self, batch: list[_Job]) -> None:
        conn = self._write_conn
        conn.execute("BEGIN IMMEDIATE")
        for job in batch:
            conn.execute("SAVEPOINT job")
            try:
                job.result = job.fn(conn, *job.args)
            except Exception as error:  # noqa: BLE001 - raised again in the caller
                job.error = error
                conn.execute("ROLLBACK TO job")
            conn.execute("RELEASE job")
        try:
            conn.execute("COMMIT")
        except Exception:
            conn.execute("ROLLBACK")
            raise

    def close(self) -> None:
        """Finish queued writes, stop the writer and close the file."""
        if self._writer is not None:
            self._queue.put(_STOP)
            self._writer.join()
            self._writer = None
        self._write_conn.close()
        self._read_conn.close()

    # -- settings ---------------------------------------------------------------------

    def setting(self, key: str, default: Callable[[], str]) -> str:
        """Return a stored setting, creating it with `default()` the first time."""
        row = self.read(
            lambda c: c.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        )
        if row is not None:
            return row[0]

        def insert(conn):
            conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", (key, default()))
            return conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()[0]

        return self.write(insert)

    # -- workshops --------------------------------------------------------------------

    def create_workshop(
        self,
        code: str,
        title: str,
        lang: str,
        deck: str,
        spheres: dict,
        practices: list[dict],
        results_hidden: bool = True,
        demo: bool = False,
        allow_proposals: bool = True,
        previous_id: int | None = None,
        easy_read: bool = False,
    ) -> int:
        """Insert a workshop with a snapshot of its practices; return its id."""

        def insert(conn):
            cur = conn.execute(
                "INSERT INTO workshop (code, title, lang, deck, spheres, results_hidden, demo,"
                " allow_proposals, previous_id, easy_read, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    code,
                    title,
                    lang,
                    deck,
                    json.dumps(spheres, ensure_ascii=False),
                    int(results_hidden),
                    int(demo),
                    int(allow_proposals),
                    previous_id,
                    int(easy_read),
                    now(),
                ),
            )
            conn.executemany(
                "INSERT INTO practice (workshop_id, id, position, data) VALUES (?, ?, ?, ?)",
                [
                    (cur.lastrowid, p["id"], i, json.dumps(p, ensure_ascii=False))
                    for i, p in enumerate(practices)
                ],
            )
            return cur.lastrowid

        return self.write(insert)

    def code_taken(self, code: str) -> bool:
        sql = "SELECT 1 FROM workshop WHERE code=?"
        return self.read(lambda c: c.execute(sql, (code,)).fetchone() is not None)

    def workshops(self) -> list[Workshop]:
        return self.read(
            lambda c: [_workshop(c, row) for row in c.execute("SELECT * FROM workshop ORDER BY id")]
        )

    def workshop(self, code: str) -> Workshop | None:
        return self._workshop_where("code", code)

    def workshop_by_id(self, workshop_id: int) -> Workshop | None:
        return self._workshop_where("id", workshop_id)

    def _workshop_where(self, column: str, value: object) -> Workshop | None:
        """A workshop with its cards, cached: every answer needs it, it rarely changes."""
        key = (column, value)
        cached = self._workshops.get(key)
        if cached is not None:
            return cached
        generation = self._generation
        sql = f"SELECT * FROM workshop WHERE {column}=?"  # noqa: S608 - column is ours

        def query(conn):
            row = conn.execute(sql, (value,)).fetchone()
            return _workshop(conn, row) if row else None

        found = self.read(query)
        if found is not None and generation == self._generation:
            self._workshops[key] = found
        return found

    def write_workshop(self, fn: Callable[..., Any], *args: Any) -> Any:
        """`write` for changes to a workshop's row or cards: drops the cached copies."""
        try:
            return self.write(fn, *args)
        finally:
            self._generation += 1
            self._workshops.clear()

    def set_phase(self, workshop_id: int, phase: Phase) -> None:
        sql = "UPDATE workshop SET phase=? WHERE id=?"
        self.write_workshop(lambda c: c.execute(sql, (phase.value, workshop_id)))

    def delete_workshop(self, workshop_id: int) -> None:
        """Erase a workshop and everything about its participants."""
        self.write_workshop(lambda c: c.execute("DELETE FROM workshop WHERE id=?", (workshop_id,)))

    # -- practices proposed by the room ----------------------------------------------

    def add_proposal(
        self, workshop_id: int, participant_id: int | None, title: str, description: str
    ) -> int:
        sql = (
            "INSERT INTO proposal (workshop_id, participant_id, title, description, created_at)"
            " VALUES (?, ?, ?, ?, ?)"
        )
        args = (workshop_id, participant_id, title, description, now())
        return self.write(lambda c: c.execute(sql, args).lastrowid)

    def proposals(self, workshop_id: int, status: str | None = None) -> list[dict]:
        """Proposals, oldest first; never who made them."""
        sql = (
            "SELECT id, title, description, status, practice_id, participant_id, created_at"
            " FROM proposal WHERE workshop_id=? AND (? IS NULL OR status=?) ORDER BY id"
        )
        rows = self.read(lambda c: c.execute(sql, (workshop_id, status, status)).fetchall())
        return [dict(r) for r in rows]

    def decide_proposal(
        self, workshop_id: int, proposal_id: int, practice: dict | None
    ) -> str | None:
        """Accept (`practice` = the card as edited by the facilitator) or decline.

        An accepted proposal becomes the workshop's last practice, with the id
        `room-<proposal id>`; returns that id. Raises `Invalid` if already decided.
        """

        def decide(conn):
            row = conn.execute(
                "SELECT status FROM proposal WHERE id=? AND workshop_id=?",
                (proposal_id, workshop_id),
            ).fetchone()
            if row is None:
                raise Invalid("error.unknown_proposal")
            if row[0] != "pending":
                raise Invalid("error.proposal_decided")
            if practice is None:
                conn.execute("UPDATE proposal SET status='declined' WHERE id=?", (proposal_id,))
                return None
            practice_id = f"room-{proposal_id}"
            card = {**practice, "id": practice_id, "origin": "room"}
            position = conn.execute(
                "SELECT COALESCE(MAX(position), -1) + 1 FROM practice WHERE workshop_id=?",
                (workshop_id,),
            ).fetchone()[0]
            conn.execute(
                "INSERT INTO practice (workshop_id, id, position, data) VALUES (?, ?, ?, ?)",
                (workshop_id, practice_id, position, json.dumps(card, ensure_ascii=False)),
            )
            conn.execute(
                "UPDATE proposal SET status='accepted', practice_id=? WHERE id=?",
                (practice_id, proposal_id),
            )
            return practice_id

        return self.write_workshop(decide)

    # -- participants and answers -----------------------------------------------------

    def add_participant(
        self, workshop_id: int, token_hash: str, pseudonym: str, source: str = "phone"
    ) -> int:
        sql = (
            "INSERT INTO participant (workshop_id, token_hash, pseudonym, source, joined_at)"
            " VALUES (?, ?, ?, ?, ?)"
        )
        args = (workshop_id, token_hash, pseudonym, source, now())
        return self.write(lambda c: c.execute(sql, args).lastrowid)

    def participant(self, workshop_id: int, token_hash: str) -> Participant | None:
        sql = (
            "SELECT id, workshop_id, pseudonym, source FROM participant"
            " WHERE token_hash=? AND workshop_id=?"
        )
        row = self.read(lambda c: c.execute(sql, (token_hash, workshop_id)).fetchone())
        return Participant(*row) if row else None

    def paper_participant(self, workshop_id: int, sheet: int) -> Participant:
        """The participant behind paper ballot number `sheet`, created on first entry."""

        def get_or_create(conn):
            row = conn.execute(
                "SELECT id, workshop_id, pseudonym, source FROM participant"
                " WHERE workshop_id=? AND paper_sheet=?",
                (workshop_id, sheet),
            ).fetchone()
            if row is None:
                from workshop.tokens import new_token, token_hash

                pid = conn.execute(
                    "INSERT INTO participant (workshop_id, token_hash, pseudonym, source,"
                    " paper_sheet, joined_at) VALUES (?, ?, '', 'paper', ?, ?)",
                    (workshop_id, token_hash(new_token()), sheet, now()),
                ).lastrowid
                return Participant(pid, workshop_id, "", "paper")
            return Participant(*row)

        return self.write(get_or_create)

    def paper_sheets(self, workshop_id: int) -> list[int]:
        sql = (
            "SELECT paper_sheet FROM participant WHERE workshop_id=? AND paper_sheet IS NOT"
            " NULL ORDER BY paper_sheet"
        )
        return self.read(lambda c: [r[0] for r in c.execute(sql, (workshop_id,))])

    def participant_count(self, workshop_id: int) -> int:
        sql = "SELECT COUNT(*) FROM participant WHERE workshop_id=?"
        return self.read(lambda c: c.execute(sql, (workshop_id,)).fetchone()[0])

    def save_vote(self, participant: Participant, vote: Vote) -> None:
        """Insert or replace one answer (changing an answer replaces it)."""
        sql = (
            "INSERT INTO answer (participant_id, workshop_id, practice_id, sphere, value,"
            " comment, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (participant_id, practice_id, sphere) DO UPDATE SET"
            " value=excluded.value, comment=excluded.comment, updated_at=excluded.updated_at"
        )
        args = (
            participant.id,
            participant.workshop_id,
            vote.practice_id,
            vote.sphere.value,
            vote.value.value,
            vote.comment,
            now(),
        )
        self.write(lambda c: c.execute(sql, args))

    def answers_of(self, participant_id: int) -> dict[tuple[str, str], dict]:
        """A participant's own answers, keyed by (practice id, sphere)."""
        sql = "SELECT practice_id, sphere, value, comment FROM answer WHERE participant_id=?"
        rows = self.read(lambda c: c.execute(sql, (participant_id,)).fetchall())
        return {(r[0], r[1]): {"value": r[2], "comment": r[3]} for r in rows}

    def answer_counts(self, workshop_id: int) -> list[tuple[str, str, str, int]]:
        sql = (
            "SELECT practice_id, sphere, value, COUNT(*) FROM answer WHERE workshop_id=?"
            " GROUP BY practice_id, sphere, value"
        )
        return self.read(lambda c: [tuple(r) for r in c.execute(sql, (workshop_id,))])

    def comments(self, workshop_id: int) -> list[tuple[str, str, str]]:
        """Every non-empty comment, newest first, without who wrote it."""
        sql = (
            "SELECT practice_id, sphere, comment FROM answer WHERE workshop_id=?"
            " AND comment != '' ORDER BY updated_at DESC, rowid DESC"
        )
        return self.read(lambda c: [tuple(r) for r in c.execute(sql, (workshop_id,))])

    def progress(self, workshop_id: int) -> dict[str, int]:
        """How many participants joined, answered anything, and answered everything."""
        sql = """
            SELECT COUNT(*), COUNT(NULLIF(n, 0)), COUNT(NULLIF(n >= ?, 0)), COALESCE(SUM(n), 0)
            FROM (SELECT p.id, COUNT(a.sphere) AS n FROM participant p
                  LEFT JOIN answer a ON a.participant_id = p.id
                  WHERE p.workshop_id = ? GROUP BY p.id)
        """

        def query(conn):
            questions = (
                3
                * conn.execute(
                    "SELECT COUNT(*) FROM practice WHERE workshop_id=?", (workshop_id,)
                ).fetchone()[0]
            )
            joined, started, finished, answers = conn.execute(
                sql, (max(questions, 1), workshop_id)
            ).fetchone()
            return {
                "participants": joined,
                "started": started,
                "finished": finished,
                "answers": answers,
                "questions": questions,
            }

        return self.read(query)


def _workshop(conn: sqlite3.Connection, row: sqlite3.Row) -> Workshop:
    practices = tuple(
        json.loads(r[0])
        for r in conn.execute(
            "SELECT data FROM practice WHERE workshop_id=? ORDER BY position", (row["id"],)
        )
    )
    return Workshop(
        id=row["id"],
        code=row["code"],
        title=row["title"],
        lang=row["lang"],
        deck=row["deck"],
        spheres=json.loads(row["spheres"]),
        results_hidden=bool(row["results_hidden"]),
        allow_proposals=bool(row["allow_proposals"]),
        charter=json.loads(row["charter"]),
        focus=row["focus"],
        previous_id=row["previous_id"],
        easy_read=bool(row["easy_read"]),
        phase=Phase(row["phase"]),
        demo=bool(row["demo"]),
        created_at=row["created_at"],
        practices=practices,
    )
