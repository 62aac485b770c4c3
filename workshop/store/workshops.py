"""Workshops: their row and cards, phase, focus, charter details, and the room's proposals.

Every change to a workshop's row or cards goes through `write_workshop`, which drops the
cached copies that every answer reads.
"""

from __future__ import annotations

import json

from workshop.model import REVISIT_PHASE, Invalid, Phase, new_join_code
from workshop.store.engine import Engine, now
from workshop.store.revisits import close_open_revisit
from workshop.store.rows import Workshop, read_workshop


class Workshops(Engine):
    """Workshop queries; every method name says what it reads or changes."""

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

    def free_code(self) -> str:
        """A random join code no workshop on this machine has (a code is typed to join)."""
        code = new_join_code()
        while self.code_taken(code):
            code = new_join_code()
        return code

    def workshops(self) -> list[Workshop]:
        return self.read(
            lambda c: [
                read_workshop(c, row) for row in c.execute("SELECT * FROM workshop ORDER BY id")
            ]
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
        generation = self._workshops.generation
        sql = f"SELECT * FROM workshop WHERE {column}=?"  # noqa: S608 - column is ours

        def query(conn):
            row = conn.execute(sql, (value,)).fetchone()
            return read_workshop(conn, row) if row else None

        found = self.read(query)
        if found is not None:
            self._workshops.put(key, found, generation)
        return found

    def set_phase(self, workshop_id: int, phase: Phase) -> None:
        """Move the workshop; leaving the negotiation closes its open revisit, at once."""

        def update(conn):
            conn.execute("UPDATE workshop SET phase=? WHERE id=?", (phase.value, workshop_id))
            if phase != REVISIT_PHASE:
                close_open_revisit(conn, workshop_id)

        self.write_workshop(update)

    def delete_workshop(self, workshop_id: int) -> None:
        """Erase a workshop and everything about its participants, from the disk too.

        The rows go (the others follow by their foreign keys); before this returns, the
        WAL is checkpointed and truncated (`Engine.erase`). Measured on a file shared
        with another workshop, part of it already checkpointed: before the checkpoint the
        WAL held every text; after it, with `secure_delete=ON`, the main file held none
        (freed pages and deleted cells are zeroes), so no VACUUM is needed; with it OFF
        the texts stayed in the main file's free space, with FAST some did. Some SQLite
        builds default to ON, others not: it is asked for on every connection. A file
        written before that is vacuumed once, by its migration to version 4.
        """
        self.erase(lambda c: c.execute("DELETE FROM workshop WHERE id=?", (workshop_id,)))

    # -- focus and charter details ------------------------------------------------------

    def set_focus(self, workshop_id: int, practice_id: str | None) -> None:
        sql = "UPDATE workshop SET focus=? WHERE id=?"
        self.write_workshop(lambda c: c.execute(sql, (practice_id, workshop_id)))

    def set_timer(self, workshop_id: int, timer: dict | None) -> None:
        """Start (a dict, see `Workshop.timer`) or stop (None) the workshop's timer."""
        sql = "UPDATE workshop SET timer=? WHERE id=?"
        text = json.dumps(timer) if timer else None
        self.write_workshop(lambda c: c.execute(sql, (text, workshop_id)))

    def set_charter_details(self, workshop_id: int, details: dict) -> None:
        sql = "UPDATE workshop SET charter=? WHERE id=?"
        text = json.dumps(details, ensure_ascii=False)
        self.write_workshop(lambda c: c.execute(sql, (text, workshop_id)))

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
