"""The SQL of the negotiation: decisions, clauses, consent rounds, suggestions.

Rules that need the database to be exact live in the transaction itself: a consent is
only recorded while its round is open; only one round is open per workshop; a clause with
an objection in its last round cannot be adopted without recording the dissent.
"""

from __future__ import annotations

from workshop.model import ClauseStatus, Consent, DecisionKind, Invalid
from workshop.store.engine import Engine, now


class Negotiation(Engine):
    """Negotiation queries; every method name says what it reads or changes."""

    # -- decisions ----------------------------------------------------------------------

    def set_decision(
        self, workshop_id: int, practice_id: str, kind: DecisionKind, detail: str
    ) -> None:
        sql = (
            "INSERT INTO decision (workshop_id, practice_id, kind, detail, updated_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (workshop_id, practice_id) DO UPDATE SET"
            " kind=excluded.kind, detail=excluded.detail, updated_at=excluded.updated_at"
        )
        args = (workshop_id, practice_id, kind.value, detail, now())
        self.write(lambda c: c.execute(sql, args))

    def decisions(self, workshop_id: int) -> dict[str, dict]:
        sql = "SELECT practice_id, kind, detail FROM decision WHERE workshop_id=?"
        rows = self.read(lambda c: c.execute(sql, (workshop_id,)).fetchall())
        return {r[0]: {"kind": r[1], "detail": r[2]} for r in rows}

    # -- clauses ------------------------------------------------------------------------

    def add_clause(self, workshop_id: int, practice_id: str | None, text: str) -> int:
        sql = "INSERT INTO clause (workshop_id, practice_id, text, created_at) VALUES (?, ?, ?, ?)"
        args = (workshop_id, practice_id, text, now())
        return self.write(lambda c: c.execute(sql, args).lastrowid)

    def clauses(self, workshop_id: int) -> list[dict]:
        """Every clause with all its rounds (tallies and anonymous reasons), oldest first."""

        def query(conn):
            clauses = [
                dict(r)
                for r in conn.execute(
                    "SELECT id, practice_id, text, status, commitment_who, commitment_by"
                    " FROM clause WHERE workshop_id=? ORDER BY id",
                    (workshop_id,),
                )
            ]
            rounds: dict[int, list] = {}
            for r in conn.execute(
                "SELECT id, clause_id, number, text, status FROM consent_round"
                " WHERE workshop_id=? ORDER BY clause_id, number",
                (workshop_id,),
            ):
                rounds.setdefault(r["clause_id"], []).append(_round(conn, dict(r)))
            for clause in clauses:
                clause["rounds"] = rounds.get(clause["id"], [])
            return clauses

        return self.read(query)

    def clause(self, workshop_id: int, clause_id: int) -> dict:
        found = next((c for c in self.clauses(workshop_id) if c["id"] == clause_id), None)
        if found is None:
            raise Invalid("error.unknown_clause")
        return found

    def edit_clause(self, workshop_id: int, clause_id: int, text: str) -> None:
        """Amend a clause's wording (between rounds: the next round asks the new text)."""

        def edit(conn):
            status = _clause_status(conn, workshop_id, clause_id)
            if status != ClauseStatus.DRAFT.value:
                raise Invalid("error.clause_decided")
            if _open_round(conn, workshop_id, clause_id) is not None:
                raise Invalid("error.round_open")
            conn.execute("UPDATE clause SET text=? WHERE id=?", (text, clause_id))

        self.write(edit)

    def set_commitment(self, workshop_id: int, clause_id: int, who: str, by: str) -> None:
        def update(conn):
            _clause_status(conn, workshop_id, clause_id)
            conn.execute(
                "UPDATE clause SET commitment_who=?, commitment_by=? WHERE id=?",
                (who, by, clause_id),
            )

        self.write(update)

    def open_round(self, workshop_id: int, clause_id: int) -> int:
        """Open the clause's next round on its current text; one open round at a time."""

        def open_(conn):
            if _clause_status(conn, workshop_id, clause_id) != ClauseStatus.DRAFT.value:
                raise Invalid("error.clause_decided")
            if conn.execute(
                "SELECT 1 FROM consent_round WHERE workshop_id=? AND status='open'", (workshop_id,)
            ).fetchone():
                raise Invalid("error.round_already_open")
            number, text = conn.execute(
                "SELECT (SELECT COUNT(*) FROM consent_round WHERE clause_id=?) + 1, text"
                " FROM clause WHERE id=?",
                (clause_id, clause_id),
            ).fetchone()
            return conn.execute(
                "INSERT INTO consent_round (clause_id, workshop_id, number, text, opened_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (clause_id, workshop_id, number, text, now()),
            ).lastrowid

        return self.write(open_)

    def close_round(self, workshop_id: int, clause_id: int) -> None:
        def close(conn):
            _clause_status(conn, workshop_id, clause_id)
            conn.execute(
                "UPDATE consent_round SET status='closed', closed_at=? WHERE"
                " clause_id=? AND status='open'",
                (now(), clause_id),
            )

        self.write(close)

    def decide_clause(self, workshop_id: int, clause_id: int, status: ClauseStatus) -> None:
        """Adopt (only if the last round has no objection), adopt recording the dissent,
        or withdraw. Closes the clause's open round."""

        def decide(conn):
            if _clause_status(conn, workshop_id, clause_id) != ClauseStatus.DRAFT.value:
                raise Invalid("error.clause_decided")
            last = conn.execute(
                "SELECT id FROM consent_round WHERE clause_id=? ORDER BY number DESC LIMIT 1",
                (clause_id,),
            ).fetchone()
            if status != ClauseStatus.WITHDRAWN:
                if last is None:
                    raise Invalid("error.no_round_yet")
                objections = conn.execute(
                    "SELECT COUNT(*) FROM consent WHERE round_id=? AND value='objection'",
                    (last[0],),
                ).fetchone()[0]
                if status == ClauseStatus.ADOPTED and objections:
                    raise Invalid("error.objections_remain")
            conn.execute(
                "UPDATE consent_round SET status='closed', closed_at=? WHERE"
                " clause_id=? AND status='open'",
                (now(), clause_id),
            )
            conn.execute("UPDATE clause SET status=? WHERE id=?", (status.value, clause_id))

        self.write(decide)

    def open_round_of(self, workshop_id: int) -> dict | None:
        """The workshop's open round (with its clause id and tally), if any."""

        def query(conn):
            row = conn.execute(
                "SELECT r.id, r.clause_id, r.number, r.text, r.status, c.practice_id"
                " FROM consent_round r JOIN clause c ON c.id = r.clause_id"
                " WHERE r.workshop_id=? AND r.status='open'",
                (workshop_id,),
            ).fetchone()
            return _round(conn, dict(row)) if row else None

        return self.read(query)

    # -- consents -----------------------------------------------------------------------

    def save_consent(self, round_id: int, participant_id: int, value: Consent, reason: str) -> None:
        """Record (or replace) one participant's answer, only while the round is open."""

        def save(conn):
            cur = conn.execute(
                "INSERT INTO consent (round_id, participant_id, value, reason, updated_at)"
                " SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM consent_round"
                " WHERE id=? AND status='open')"
                " ON CONFLICT (round_id, participant_id) DO UPDATE SET value=excluded.value,"
                " reason=excluded.reason, updated_at=excluded.updated_at",
                (round_id, participant_id, value.value, reason, now(), round_id),
            )
            if cur.rowcount == 0:
                raise Invalid("error.round_closed")

        self.write(save)

    def my_consent(self, round_id: int, participant_id: int) -> dict | None:
        sql = "SELECT value, reason FROM consent WHERE round_id=? AND participant_id=?"
        row = self.read(lambda c: c.execute(sql, (round_id, participant_id)).fetchone())
        return {"value": row[0], "reason": row[1]} if row else None

    # -- suggestions --------------------------------------------------------------------

    def add_suggestion(
        self, workshop_id: int, practice_id: str | None, participant_id: int | None, text: str
    ) -> int:
        sql = (
            "INSERT INTO suggestion (workshop_id, practice_id, participant_id, text, created_at)"
            " VALUES (?, ?, ?, ?, ?)"
        )
        args = (workshop_id, practice_id, participant_id, text, now())
        return self.write(lambda c: c.execute(sql, args).lastrowid)

    def suggestions(self, workshop_id: int) -> list[dict]:
        """Wording suggested from the phones, oldest first, without who wrote it."""
        sql = "SELECT practice_id, text FROM suggestion WHERE workshop_id=? ORDER BY id"
        rows = self.read(lambda c: c.execute(sql, (workshop_id,)).fetchall())
        return [{"practice": r[0], "text": r[1]} for r in rows]


def _clause_status(conn, workshop_id: int, clause_id: int) -> str:
    row = conn.execute(
        "SELECT status FROM clause WHERE id=? AND workshop_id=?", (clause_id, workshop_id)
    ).fetchone()
    if row is None:
        raise Invalid("error.unknown_clause")
    return row[0]


def _open_round(conn, workshop_id: int, clause_id: int):
    return conn.execute(
        "SELECT id FROM consent_round WHERE clause_id=? AND status='open'", (clause_id,)
    ).fetchone()


def _round(conn, round_: dict) -> dict:
    """A round with its exact tally and the reasons given, without who gave them."""
    tally = dict.fromkeys((c.value for c in Consent), 0)
    for value, count in conn.execute(
        "SELECT value, COUNT(*) FROM consent WHERE round_id=? GROUP BY value", (round_["id"],)
    ):
        tally[value] = count
    reasons: dict[str, list[str]] = {"reservations": [], "objections": []}
    for value, reason in conn.execute(
        "SELECT value, reason FROM consent WHERE round_id=? AND reason != ''"
        " AND value IN ('reservation', 'objection') ORDER BY updated_at, rowid",
        (round_["id"],),
    ):
        reasons["objections" if value == "objection" else "reservations"].append(reason)
    return {**round_, "tally": tally, **reasons}
