"""The method's loop: a practice asked again after discussion (a revisit, pass 2, 3…).

A revisit is one practice × pass of a workshop, with when it opened and closed. At most
one is open per workshop (a unique index says so, not only this code); a practice can be
revisited again (its next pass). Answers of a pass are the `answer` rows with that
`pass`; they are only taken while their revisit is open (answers.py checks it in the
same transaction). Leaving the negotiation closes the open revisit (workshops.py).

The last pass of a practice is its latest *closed* revisit that someone answered: that
is what the map's "after" shows. An open revisit is still being answered (the screens
show how many answered it), and one closed without answers changes nothing.
"""

from __future__ import annotations

import sqlite3

from workshop.model import FIRST_PASS, Invalid, Phase, check_revisit
from workshop.store.engine import Engine, now

#: The latest closed revisit of each practice that has answers: (practice_id, pass).
_LAST = (
    "SELECT r.practice_id, MAX(r.pass) AS pass FROM revisit r WHERE r.workshop_id=:w"
    " AND r.closed_at IS NOT NULL AND EXISTS (SELECT 1 FROM answer a WHERE"
    " a.workshop_id=r.workshop_id AND a.practice_id=r.practice_id AND a.pass=r.pass)"
    " GROUP BY r.practice_id"
)


class Revisits(Engine):
    """Revisit queries; every method name says what it reads or changes."""

    def open_revisit(self, workshop_id: int, phase: Phase, practice_id: str | None) -> int:
        """Open the next pass of `practice_id` and put it under discussion; return the
        pass. Refused (`Invalid`) outside the negotiation, without a practice, past
        `model.MAX_PASS`, or while another revisit is open."""

        def open_(conn):
            if _open(conn, workshop_id) is not None:
                raise Invalid("error.revisit_already_open")
            last = conn.execute(
                "SELECT COALESCE(MAX(pass), ?) FROM revisit WHERE workshop_id=? AND practice_id=?",
                (FIRST_PASS, workshop_id, practice_id),
            ).fetchone()[0]
            pass_ = check_revisit(phase, practice_id, last)
            conn.execute(
                "INSERT INTO revisit (workshop_id, practice_id, pass, opened_at)"
                " VALUES (?, ?, ?, ?)",
                (workshop_id, practice_id, pass_, now()),
            )
            conn.execute("UPDATE workshop SET focus=? WHERE id=?", (practice_id, workshop_id))
            return pass_

        return self.write_workshop(open_)

    def close_revisit(self, workshop_id: int) -> dict:
        """Close the open revisit and return it; `Invalid` when none is open."""

        def close(conn):
            revisit = _open(conn, workshop_id)
            if revisit is None:
                raise Invalid("error.no_revisit_open")
            conn.execute(
                "UPDATE revisit SET closed_at=? WHERE workshop_id=? AND closed_at IS NULL",
                (now(), workshop_id),
            )
            return revisit

        return self.write(close)

    def open_revisit_of(self, workshop_id: int) -> dict | None:
        """The open revisit (`practice`, `pass`, `opened_at`, and how many people have
        `answered` it, at least one of its questions), or None."""
        return self.read(_open, workshop_id)

    def revisits(self, workshop_id: int) -> list[dict]:
        """Every revisit of the workshop, in the order they were opened."""
        return self.read(_revisits, workshop_id)

    def last_passes(self, workshop_id: int) -> dict[str, int]:
        """The last pass of each revisited practice (see the module's docstring)."""
        return self.read(lambda c: dict(c.execute(_LAST, {"w": workshop_id}).fetchall()))

    def final_counts(self, workshop_id: int) -> list[tuple[str, str, str, int]]:
        """Where the group ended on each practice, shaped like `answer_counts`: a
        revisited practice's last pass, the screening's for the others. What a later
        workshop that reviews this one compares with."""
        sql = (
            "SELECT a.practice_id, a.sphere, a.value, COUNT(*) FROM answer a"  # noqa: S608
            f" LEFT JOIN ({_LAST}) l ON l.practice_id = a.practice_id"
            " WHERE a.workshop_id=:w AND a.pass = COALESCE(l.pass, :first)"
            " GROUP BY a.practice_id, a.sphere, a.value"
        )
        args = {"w": workshop_id, "first": FIRST_PASS}
        return self.read(lambda c: [tuple(r) for r in c.execute(sql, args)])

    def loop_state(self, workshop_id: int) -> dict:
        """What the screens show of the loop, read from one snapshot: `revisits`, the
        `open` one (with its count of people who answered), `last` (the last pass of
        each revisited practice), and the `counts` and `comments` of those last passes,
        shaped like `answer_counts` and `comments` (comments not hidden, newest first)."""

        def query(conn):
            counts = conn.execute(
                f"SELECT a.practice_id, a.sphere, a.value, COUNT(*) FROM answer a"  # noqa: S608
                f" JOIN ({_LAST}) l ON l.practice_id = a.practice_id AND l.pass = a.pass"
                " WHERE a.workshop_id=:w GROUP BY a.practice_id, a.sphere, a.value",
                {"w": workshop_id},
            ).fetchall()
            comments = conn.execute(
                f"SELECT a.practice_id, a.sphere, a.comment FROM answer a"  # noqa: S608
                f" JOIN ({_LAST}) l ON l.practice_id = a.practice_id AND l.pass = a.pass"
                " WHERE a.workshop_id=:w AND a.comment != '' AND a.hidden = 0"
                " ORDER BY a.updated_at DESC, a.rowid DESC",
                {"w": workshop_id},
            ).fetchall()
            return {
                "revisits": _revisits(conn, workshop_id),
                "open": _open(conn, workshop_id),
                "last": dict(conn.execute(_LAST, {"w": workshop_id}).fetchall()),
                "counts": [tuple(r) for r in counts],
                "comments": [tuple(r) for r in comments],
            }

        return self.read_snapshot(query)


def _revisits(conn: sqlite3.Connection, workshop_id: int) -> list[dict]:
    rows = conn.execute(
        "SELECT practice_id, pass, opened_at, closed_at FROM revisit WHERE workshop_id=?"
        " ORDER BY id",
        (workshop_id,),
    ).fetchall()
    return [{"practice": r[0], "pass": r[1], "opened_at": r[2], "closed_at": r[3]} for r in rows]


def _open(conn: sqlite3.Connection, workshop_id: int) -> dict | None:
    row = conn.execute(
        "SELECT r.practice_id, r.pass, r.opened_at, (SELECT COUNT(DISTINCT a.participant_id)"
        " FROM answer a WHERE a.workshop_id=r.workshop_id AND a.practice_id=r.practice_id"
        " AND a.pass=r.pass) FROM revisit r WHERE r.workshop_id=? AND r.closed_at IS NULL",
        (workshop_id,),
    ).fetchone()
    if row is None:
        return None
    return {"practice": row[0], "pass": row[1], "opened_at": row[2], "answered": row[3]}


def close_open_revisit(conn: sqlite3.Connection, workshop_id: int) -> None:
    """Close the workshop's open revisit, if any (the phase left the negotiation)."""
    conn.execute(
        "UPDATE revisit SET closed_at=? WHERE workshop_id=? AND closed_at IS NULL",
        (now(), workshop_id),
    )
