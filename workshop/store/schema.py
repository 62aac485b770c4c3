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
]


def migrate(conn: sqlite3.Connection) -> None:
    """Run the scripts this file has not run yet, each in its own transaction."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    for number, script in enumerate(SCHEMA[version:], start=version + 1):
        conn.execute("BEGIN IMMEDIATE")
        for statement in script.split(";"):
            if statement.strip():
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version={number}")
        conn.execute("COMMIT")
