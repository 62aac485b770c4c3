"""The rows of a workshop's archive, and a workshop restored from one.

The archive (workshop.archive.build, docs/archive-format.md) is built mostly from the
queries of the other areas; here are the rows only it needs, and the inserts that put
a whole archive back. Neither ever reads or writes who a participant is: archived
participants are numbers 1..n, restored ones get tokens nobody holds.
"""

from __future__ import annotations

import json
import sqlite3

from workshop.model import Invalid
from workshop.store.engine import Engine


class Archives(Engine):
    """Archive queries: reading the anonymous rows, restoring a whole workshop."""

    def archive_answers(self, workshop_id: int) -> tuple[int, list[dict]]:
        """How many took part, and every answer with its participant as a number.

        Participants are numbered 1..n in the order they joined, never by their id, so
        that one person's answers can be read together and nothing else. Both come from
        one snapshot: someone joining meanwhile is in neither. An answer whose comment the
        facilitator hid has `"hidden": True` (the key is absent from every other one).
        Each answer says where it came from (`source`: the participant's phone, paper,
        import or demo), when it was last changed (`at`, ISO 8601), and in which `pass`
        (1 = screening, 2… = a revisit): a spreadsheet of the answers needs them, and
        none says who answered.
        """

        def query(conn):
            people = [
                r[0]
                for r in conn.execute(
                    "SELECT id FROM participant WHERE workshop_id=? ORDER BY id", (workshop_id,)
                )
            ]
            number = {pid: i for i, pid in enumerate(people, start=1)}
            answers = []
            for r in conn.execute(
                "SELECT a.participant_id, a.practice_id, a.sphere, a.value, a.comment,"
                " a.hidden, p.source, a.updated_at, a.pass FROM answer a"
                " JOIN participant p ON p.id = a.participant_id WHERE a.workshop_id=?"
                " ORDER BY a.participant_id, a.practice_id, a.sphere, a.pass",
                (workshop_id,),
            ):
                answer = {
                    "participant": number[r[0]],
                    "practice": r[1],
                    "sphere": r[2],
                    "value": r[3],
                    "comment": r[4],
                    "source": r[6],
                    "at": r[7],
                    "pass": r[8],
                }
                if r[5] and r[4]:  # only a hidden comment says so: other archives unchanged
                    answer["hidden"] = True
                answers.append(answer)
            return len(people), answers

        return self.read_snapshot(query)

    def restore_workshop(self, code: str, archive: dict, token_hashes: list[str]) -> int:
        """Insert a whole archived workshop under `code`, in one transaction; return its id.

        `archive` must have passed `check_archive`; `token_hashes` (one per archived
        participant) are hashes of tokens nobody was given. Raises `KeyError`,
        `TypeError`, `IndexError`, `ValueError` or `Invalid` on an archive whose parts do
        not fit together, and then nothing is inserted.
        """
        return self.write_workshop(_restore_rows, code, archive, token_hashes)


def _restore_rows(
    conn: sqlite3.Connection, code: str, archive: dict, token_hashes: list[str]
) -> int:
    """Insert a whole archived workshop (see `Archives.restore_workshop`)."""
    meta = archive["workshop"]
    cur = conn.execute(
        "INSERT INTO workshop (code, title, lang, deck, spheres, results_hidden, phase,"
        " allow_proposals, charter, created_at) VALUES (?, ?, ?, ?, ?, 0, ?, 0, ?, ?)",
        (
            code,
            meta["title"],
            meta["lang"],
            meta["deck"],
            json.dumps(archive["spheres"], ensure_ascii=False),
            meta["phase"],
            json.dumps(meta.get("charter", {}), ensure_ascii=False),
            meta["created_at"],
        ),
    )
    workshop_id = cur.lastrowid
    assert workshop_id is not None  # an INSERT always gives the row's id
    conn.executemany(
        "INSERT INTO practice (workshop_id, id, position, data) VALUES (?, ?, ?, ?)",
        [
            (workshop_id, p["id"], i, json.dumps(p, ensure_ascii=False))
            for i, p in enumerate(archive["practices"])
        ],
    )
    # A participant keeps the source their answers give (the first one says it: they are
    # all the same participant's); one without answers, or from an older archive, 'import'.
    sources: dict[int, str] = {}
    for a in archive["answers"]:
        if "source" in a:
            sources.setdefault(a["participant"], a["source"])
    people = []
    for number, token in enumerate(token_hashes, start=1):
        people.append(
            conn.execute(
                "INSERT INTO participant (workshop_id, token_hash, source, joined_at)"
                " VALUES (?, ?, ?, ?)",
                (workshop_id, token, sources.get(number, "import"), meta["created_at"]),
            ).lastrowid
        )
    stamp = meta["created_at"]
    # The revisits before their answers; an archive of version 1 has neither (pass 1).
    conn.executemany(
        "INSERT INTO revisit (workshop_id, practice_id, pass, opened_at, closed_at)"
        " VALUES (?, ?, ?, ?, ?)",
        [
            (workshop_id, r["practice"], r["pass"], r["opened_at"], r["closed_at"])
            for r in archive.get("revisits", [])
        ],
    )
    conn.executemany(
        "INSERT INTO answer (participant_id, workshop_id, practice_id, sphere, value, comment,"
        " hidden, updated_at, pass) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                people[a["participant"] - 1],
                workshop_id,
                a["practice"],
                a["sphere"],
                a["value"],
                a["comment"],
                int(a.get("hidden") is True),
                a.get("at") or stamp,
                a.get("pass", 1),
            )
            for a in archive["answers"]
        ],
    )
    for p in archive["proposals"]:
        conn.execute(
            "INSERT INTO proposal (workshop_id, title, description, status, practice_id,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (workshop_id, p["title"], p["description"], p["status"], p["practice"], stamp),
        )
    for d in archive["decisions"]:
        conn.execute(
            "INSERT INTO decision (workshop_id, practice_id, kind, detail, updated_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (workshop_id, d["practice"], d["kind"], d["detail"], stamp),
        )
    for c in archive["clauses"]:
        commitment = c.get("commitment") or {}
        clause_id = conn.execute(
            "INSERT INTO clause (workshop_id, practice_id, text, status, commitment_who,"
            " commitment_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                workshop_id,
                c["practice"],
                c["text"],
                c["status"],
                commitment.get("who", ""),
                commitment.get("by", ""),
                stamp,
            ),
        ).lastrowid
        for r in c["rounds"]:
            round_id = conn.execute(
                "INSERT INTO consent_round (clause_id, workshop_id, number, text, status,"
                " opened_at) VALUES (?, ?, ?, ?, ?, ?)",
                (clause_id, workshop_id, r["number"], r["text"], r["status"], stamp),
            ).lastrowid
            # The archive keeps tallies and reasons, not who answered what: the answers are
            # given back to participants in turn, which re-exports to the same tallies.
            tally = r["tally"]
            answers = (
                [("objection", x) for x in r["objections"]]
                + [("objection", "")] * (tally["objection"] - len(r["objections"]))
                + [("reservation", x) for x in r["reservations"]]
                + [("reservation", "")] * (tally["reservation"] - len(r["reservations"]))
                + [("consent", "")] * tally["consent"]
            )
            if len(answers) > len(people):
                raise Invalid("error.archive_invalid")
            conn.executemany(
                "INSERT INTO consent (round_id, participant_id, value, reason, updated_at)"
                " VALUES (?, ?, ?, ?, ?)",
                [
                    (round_id, person, value, reason, stamp)
                    for person, (value, reason) in zip(people, answers, strict=False)
                ],
            )
    conn.executemany(
        "INSERT INTO suggestion (workshop_id, practice_id, text, created_at) VALUES (?, ?, ?, ?)",
        [(workshop_id, s["practice"], s["text"], stamp) for s in archive["suggestions"]],
    )
    return workshop_id
