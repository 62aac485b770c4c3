"""The database's migrations: `SCHEMA[n]` takes a file from version n to n + 1.

The file's `PRAGMA user_version` says how many have run, so an existing database is
brought up to date when it is opened and nothing already stored is lost. A released
script is never edited (databases out there already ran it): a change is a new script
appended at the end.
"""

from __future__ import annotations

import sqlite3

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
    # version 4: ids are never given twice (AUTOINCREMENT: an old socket or page of an
    # erased workshop never reaches a newer one), and comments can be hidden. The tables
    # whose ids are handed out are rebuilt (SQLite's 12 steps: new table, copy, drop,
    # rename, indexes again), columns in the same order; `migrate` turns the foreign
    # keys off around it and runs `PRAGMA foreign_key_check` before committing.
    """
    CREATE TABLE workshop_v4 (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        code TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL,
        lang TEXT NOT NULL,
        deck TEXT NOT NULL,
        spheres TEXT NOT NULL DEFAULT '{}',
        results_hidden INTEGER NOT NULL DEFAULT 1,
        phase TEXT NOT NULL DEFAULT 'joining',
        demo INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        allow_proposals INTEGER NOT NULL DEFAULT 1,
        charter TEXT NOT NULL DEFAULT '{}',
        focus TEXT,
        previous_id INTEGER REFERENCES workshop(id) ON DELETE SET NULL,
        easy_read INTEGER NOT NULL DEFAULT 0
    );
    INSERT INTO workshop_v4 (id, code, title, lang, deck, spheres, results_hidden, phase,
        demo, created_at, allow_proposals, charter, focus, previous_id, easy_read)
        SELECT id, code, title, lang, deck, spheres, results_hidden, phase, demo,
        created_at, allow_proposals, charter, focus, previous_id, easy_read FROM workshop;
    DROP TABLE workshop;
    ALTER TABLE workshop_v4 RENAME TO workshop;

    CREATE TABLE participant_v4 (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        workshop_id INTEGER NOT NULL REFERENCES workshop(id) ON DELETE CASCADE,
        token_hash TEXT NOT NULL UNIQUE,
        pseudonym TEXT NOT NULL DEFAULT '',
        source TEXT NOT NULL DEFAULT 'phone',
        joined_at TEXT NOT NULL,
        paper_sheet INTEGER
    );
    INSERT INTO participant_v4 (id, workshop_id, token_hash, pseudonym, source, joined_at,
        paper_sheet)
        SELECT id, workshop_id, token_hash, pseudonym, source, joined_at, paper_sheet
        FROM participant;
    DROP TABLE participant;
    ALTER TABLE participant_v4 RENAME TO participant;
    CREATE INDEX participant_by_workshop ON participant (workshop_id);
    CREATE UNIQUE INDEX paper_sheet_by_workshop ON participant (workshop_id, paper_sheet);

    CREATE TABLE proposal_v4 (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        workshop_id INTEGER NOT NULL REFERENCES workshop(id) ON DELETE CASCADE,
        participant_id INTEGER REFERENCES participant(id) ON DELETE SET NULL,
        title TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL DEFAULT 'pending',
        practice_id TEXT,
        created_at TEXT NOT NULL
    );
    INSERT INTO proposal_v4 (id, workshop_id, participant_id, title, description, status,
        practice_id, created_at)
        SELECT id, workshop_id, participant_id, title, description, status, practice_id,
        created_at FROM proposal;
    DROP TABLE proposal;
    ALTER TABLE proposal_v4 RENAME TO proposal;
    CREATE INDEX proposal_by_workshop ON proposal (workshop_id, status);

    CREATE TABLE clause_v4 (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        workshop_id INTEGER NOT NULL REFERENCES workshop(id) ON DELETE CASCADE,
        practice_id TEXT,
        text TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'draft',
        commitment_who TEXT NOT NULL DEFAULT '',
        commitment_by TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL
    );
    INSERT INTO clause_v4 (id, workshop_id, practice_id, text, status, commitment_who,
        commitment_by, created_at)
        SELECT id, workshop_id, practice_id, text, status, commitment_who, commitment_by,
        created_at FROM clause;
    DROP TABLE clause;
    ALTER TABLE clause_v4 RENAME TO clause;
    CREATE INDEX clause_by_workshop ON clause (workshop_id);

    CREATE TABLE consent_round_v4 (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        clause_id INTEGER NOT NULL REFERENCES clause(id) ON DELETE CASCADE,
        workshop_id INTEGER NOT NULL REFERENCES workshop(id) ON DELETE CASCADE,
        number INTEGER NOT NULL,
        text TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'open',
        opened_at TEXT NOT NULL,
        closed_at TEXT
    );
    INSERT INTO consent_round_v4 (id, clause_id, workshop_id, number, text, status,
        opened_at, closed_at)
        SELECT id, clause_id, workshop_id, number, text, status, opened_at, closed_at
        FROM consent_round;
    DROP TABLE consent_round;
    ALTER TABLE consent_round_v4 RENAME TO consent_round;
    CREATE INDEX round_by_workshop ON consent_round (workshop_id, status);

    CREATE TABLE suggestion_v4 (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        workshop_id INTEGER NOT NULL REFERENCES workshop(id) ON DELETE CASCADE,
        practice_id TEXT,
        participant_id INTEGER REFERENCES participant(id) ON DELETE SET NULL,
        text TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    INSERT INTO suggestion_v4 (id, workshop_id, practice_id, participant_id, text,
        created_at)
        SELECT id, workshop_id, practice_id, participant_id, text, created_at FROM suggestion;
    DROP TABLE suggestion;
    ALTER TABLE suggestion_v4 RENAME TO suggestion;

    ALTER TABLE answer ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;
    """,
    # version 5: the facilitator's optional timer (JSON: what it times, its length in
    # seconds, and when it ends in the server's clock), shown on the projector and phones
    """
    ALTER TABLE workshop ADD COLUMN timer TEXT;
    """,
    # version 6: the method's loop. Every answer records its pass (1 = screening, 2… = a
    # second look at one practice after discussion): a participant answers a practice's
    # sphere once per pass, so the answer table is rebuilt with the pass in its key (its
    # rowids kept: they name comments for moderation). A revisit is one practice asked
    # again, with when it opened and closed; at most one is open per workshop.
    """
    CREATE TABLE answer_v6 (
        participant_id INTEGER NOT NULL REFERENCES participant(id) ON DELETE CASCADE,
        workshop_id INTEGER NOT NULL REFERENCES workshop(id) ON DELETE CASCADE,
        practice_id TEXT NOT NULL,
        sphere TEXT NOT NULL,
        value TEXT NOT NULL,
        comment TEXT NOT NULL DEFAULT '',
        updated_at TEXT NOT NULL,
        hidden INTEGER NOT NULL DEFAULT 0,
        pass INTEGER NOT NULL DEFAULT 1 CHECK (pass >= 1),
        PRIMARY KEY (participant_id, practice_id, sphere, pass)
    );
    INSERT INTO answer_v6 (rowid, participant_id, workshop_id, practice_id, sphere, value,
        comment, updated_at, hidden, pass)
        SELECT rowid, participant_id, workshop_id, practice_id, sphere, value, comment,
        updated_at, hidden, 1 FROM answer;
    DROP TABLE answer;
    ALTER TABLE answer_v6 RENAME TO answer;
    CREATE INDEX answer_by_workshop ON answer (workshop_id, practice_id, sphere);
    CREATE INDEX answer_counts ON answer (workshop_id, pass, practice_id, sphere, value);
    CREATE INDEX answer_comments ON answer (workshop_id, updated_at) WHERE comment != '';

    CREATE TABLE revisit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        workshop_id INTEGER NOT NULL REFERENCES workshop(id) ON DELETE CASCADE,
        practice_id TEXT NOT NULL,
        pass INTEGER NOT NULL CHECK (pass >= 2),
        opened_at TEXT NOT NULL,
        closed_at TEXT,
        UNIQUE (workshop_id, practice_id, pass)
    );
    CREATE UNIQUE INDEX revisit_open ON revisit (workshop_id) WHERE closed_at IS NULL;
    """,
]

#: From this version on, every connection had `secure_delete` on: a file migrated from
#: an older one is vacuumed once, so that nothing deleted before stays in its free space.
SECURE_FROM = 4


def statements(script: str) -> list[str]:
    """The statements of a script, split on the ";" that end one (`complete_statement`),
    not on one inside a string literal or a trigger's body."""
    found, pending = [], ""
    for piece in script.split(";"):
        if not pending and not piece.strip():
            continue
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            found.append(pending.strip())
            pending = ""
    if pending:
        found.append(pending.strip())  # unfinished: SQLite will say what is wrong with it
    return found


def migrate(conn: sqlite3.Connection) -> None:
    """Run the scripts this file has not run yet, each in its own transaction.

    Foreign keys are off while they run (`PRAGMA foreign_keys` cannot change inside a
    transaction, and a table rebuilt by a script is dropped and renamed under the
    references to it); before each script commits, `PRAGMA foreign_key_check` must find
    nothing broken, or the script is rolled back and this raises `sqlite3.IntegrityError`.
    """
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version >= len(SCHEMA):
        return
    foreign_keys = conn.execute("PRAGMA foreign_keys").fetchone()[0]
    conn.execute("PRAGMA foreign_keys=OFF")
    try:
        for number, script in enumerate(SCHEMA[version:], start=version + 1):
            conn.execute("BEGIN IMMEDIATE")
            try:
                for statement in statements(script):
                    conn.execute(statement)
                broken = conn.execute("PRAGMA foreign_key_check").fetchall()
                if broken:
                    rows = [tuple(row) for row in broken[:5]]
                    raise sqlite3.IntegrityError(f"version {number} breaks foreign keys: {rows}")
                conn.execute(f"PRAGMA user_version={number}")
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
    finally:
        conn.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
    if 0 < version < SECURE_FROM:
        conn.execute("VACUUM")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
