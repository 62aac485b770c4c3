"""Participants and their answers: joining, paper ballots, votes, counts, comments, progress.

A participant is known by the SHA-256 of the token on their phone (see workshop.tokens);
what is read back for the map never says who answered what. A comment the facilitator
hid (`set_comment_hidden`) is left out of `comments`, and stays hidden when its author
changes it (saving an answer never touches `hidden`).

Every answer belongs to a pass (`model.FIRST_PASS` is screening; a revisit's pass is 2,
3…; see revisits.py): what reads answers reads one pass, the first unless told, so the
map of the first pass is what it was before revisits existed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from workshop.model import FIRST_PASS, Invalid, Vote
from workshop.store.engine import Engine, now
from workshop.store.rows import Participant
from workshop.tokens import new_token, token_hash

# A later pass is saved only while its revisit is open, checked in the transaction
# itself: an answer racing the facilitator's "close" is either in or refused, never lost
# silently.
_SAVE_VOTE = (
    "INSERT INTO answer (participant_id, workshop_id, practice_id, sphere, value,"
    " comment, updated_at, pass) SELECT ?, ?, ?, ?, ?, ?, ?, ?"
    " WHERE ? = 1 OR EXISTS (SELECT 1 FROM revisit WHERE workshop_id=? AND"
    " practice_id=? AND pass=? AND closed_at IS NULL)"
    " ON CONFLICT (participant_id, practice_id, sphere, pass) DO UPDATE SET"
    " value=excluded.value, comment=excluded.comment, updated_at=excluded.updated_at"
)


class Answers(Engine):
    """Participant and answer queries; every method name says what it reads or changes."""

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
        sql = (
            "SELECT id, workshop_id, pseudonym, source FROM participant"
            " WHERE workshop_id=? AND paper_sheet=?"
        )

        def get_or_create(conn):
            row = conn.execute(sql, (workshop_id, sheet)).fetchone()
            if row is None:
                # Nobody holds this token: a paper participant never logs in.
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

    def save_vote(self, participant: Participant, vote: Vote) -> None:
        """Insert or replace one answer (changing an answer in the same pass replaces
        it); `Invalid("error.revisit_closed")` for a later pass whose revisit is not open."""
        self.write(_save_votes, participant, [vote], now())

    def save_votes(self, participant: Participant, votes: Sequence[Vote]) -> None:
        """Insert or replace several answers of one participant, all or none.

        One transaction (one `write` job): a paper ballot typed in at once is either
        wholly saved or not at all, and costs one disk sync, not one per answer.
        """
        self.write(_save_votes, participant, list(votes), now())

    def answers_of(
        self, participant_id: int, pass_: int = FIRST_PASS
    ) -> dict[tuple[str, str], dict]:
        """A participant's own answers in one pass, keyed by (practice id, sphere)."""
        sql = (
            "SELECT practice_id, sphere, value, comment FROM answer"
            " WHERE participant_id=? AND pass=?"
        )
        rows = self.read(lambda c: c.execute(sql, (participant_id, pass_)).fetchall())
        return {(r[0], r[1]): {"value": r[2], "comment": r[3]} for r in rows}

    def answer_counts(
        self, workshop_id: int, pass_: int = FIRST_PASS
    ) -> list[tuple[str, str, str, int]]:
        """(practice id, sphere, answer, number) of one pass: the map's data."""
        return self.read(pass_counts, workshop_id, pass_)

    def comments(self, workshop_id: int, pass_: int = FIRST_PASS) -> list[tuple[str, str, str]]:
        """Every non-empty comment of one pass not hidden, newest first, without who
        wrote it."""
        return self.read(pass_comments, workshop_id, pass_)

    def comments_for_moderation(self, workshop_id: int) -> list[dict]:
        """Every non-empty comment, hidden or not, newest first, never who wrote it.

        `id` is the answer's row id, what `set_comment_hidden` takes; `pass` is 1 for the
        screening, 2... for a new look after discussion.
        """
        sql = (
            "SELECT rowid, practice_id, sphere, comment, hidden, pass FROM answer WHERE"
            " workshop_id=? AND comment != '' ORDER BY updated_at DESC, rowid DESC"
        )
        rows = self.read(lambda c: c.execute(sql, (workshop_id,)).fetchall())
        return [
            {
                "id": r[0],
                "practice": r[1],
                "sphere": r[2],
                "text": r[3],
                "hidden": bool(r[4]),
                "pass": r[5],
            }
            for r in rows
        ]

    def set_comment_hidden(self, workshop_id: int, answer_id: int, hidden: bool) -> None:
        """Hide a comment (or show it again); `Invalid("error.unknown_comment")` if
        `answer_id` is not a comment of this workshop."""
        sql = "UPDATE answer SET hidden=? WHERE rowid=? AND workshop_id=? AND comment != ''"

        def update(conn):
            if conn.execute(sql, (int(hidden), answer_id, workshop_id)).rowcount == 0:
                raise Invalid("error.unknown_comment")

        self.write(update)

    def progress(self, workshop_id: int) -> dict[str, int]:
        """How many participants joined, answered anything, and answered everything."""
        sql = """
            SELECT COUNT(*), COUNT(NULLIF(n, 0)), COUNT(NULLIF(n >= ?, 0)), COALESCE(SUM(n), 0)
            FROM (SELECT p.id, COUNT(a.sphere) AS n FROM participant p
                  LEFT JOIN answer a ON a.participant_id = p.id AND a.pass = 1
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


def pass_counts(conn: sqlite3.Connection, workshop_id: int, pass_: int) -> list[tuple]:
    sql = (
        "SELECT practice_id, sphere, value, COUNT(*) FROM answer WHERE workshop_id=?"
        " AND pass=? GROUP BY practice_id, sphere, value"
    )
    return [tuple(r) for r in conn.execute(sql, (workshop_id, pass_))]


def pass_comments(conn: sqlite3.Connection, workshop_id: int, pass_: int) -> list[tuple]:
    sql = (
        "SELECT practice_id, sphere, comment FROM answer WHERE workshop_id=? AND pass=?"
        " AND comment != '' AND hidden = 0 ORDER BY updated_at DESC, rowid DESC"
    )
    return [tuple(r) for r in conn.execute(sql, (workshop_id, pass_))]


def _save_votes(
    conn: sqlite3.Connection, participant: Participant, votes: list[Vote], stamp: str
) -> None:
    saved = conn.executemany(
        _SAVE_VOTE,
        [
            (
                participant.id,
                participant.workshop_id,
                vote.practice_id,
                vote.sphere.value,
                vote.value.value,
                vote.comment,
                stamp,
                vote.pass_,
                vote.pass_,
                participant.workshop_id,
                vote.practice_id,
                vote.pass_,
            )
            for vote in votes
        ],
    ).rowcount
    if saved != len(votes):  # a later pass whose revisit is not open: none of them
        raise Invalid("error.revisit_closed")
