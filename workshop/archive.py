"""The workshop archive: the whole workshop as one JSON-ready dict (docs/archive-format.md).

It is what the charter is rendered from and what a facilitator keeps after erasing the
workshop. It never holds names, pseudonyms or tokens: participants are numbered 1..n only
so that one person's answers can be read together.
"""

from __future__ import annotations

from datetime import datetime, timezone

from workshop.aggregate import build_map
from workshop.store import Store, Workshop

FORMAT = "spheres-workshop-archive"
VERSION = 1


def build_archive(store: Store, workshop: Workshop) -> dict:
    """Everything about `workshop`, anonymous, in the archive format version 1."""
    participants = store.read(
        lambda c: [
            r[0]
            for r in c.execute(
                "SELECT id FROM participant WHERE workshop_id=? ORDER BY id", (workshop.id,)
            )
        ]
    )
    number = {pid: i for i, pid in enumerate(participants, start=1)}
    answers = store.read(
        lambda c: [
            {
                "participant": number[r[0]],
                "practice": r[1],
                "sphere": r[2],
                "value": r[3],
                "comment": r[4],
            }
            for r in c.execute(
                "SELECT participant_id, practice_id, sphere, value, comment FROM answer"
                " WHERE workshop_id=? ORDER BY participant_id, practice_id, sphere",
                (workshop.id,),
            )
        ]
    )
    rows = build_map(
        workshop.practices,
        store.answer_counts(workshop.id),
        store.comments(workshop.id),
        comments_per_cell=10_000,
    )
    decisions = store.decisions(workshop.id)
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "workshop": {
            "code": workshop.code,
            "title": workshop.title,
            "lang": workshop.lang,
            "deck": workshop.deck,
            "created_at": workshop.created_at,
            "phase": workshop.phase.value,
            "charter": {
                key: workshop.charter.get(key, "")
                for key in ("team", "place", "date", "review_date")
            },
        },
        "spheres": workshop.spheres,
        "practices": list(workshop.practices),
        "participants": {"count": len(participants)},
        "answers": answers,
        "map": [
            {
                "practice": row.practice["id"],
                "tension": round(row.tension, 4),
                "cells": {
                    sphere.value: {
                        "counts": {a.value: n for a, n in cell.counts.items()},
                        "answered": cell.answered,
                        "concern": round(cell.concern, 4),
                        "disagreement": round(cell.disagreement, 4),
                        "comments": cell.comments,
                    }
                    for sphere, cell in row.cells.items()
                },
            }
            for row in rows
        ],
        "proposals": [
            {
                "title": p["title"],
                "description": p["description"],
                "status": p["status"],
                "practice": p["practice_id"],
            }
            for p in store.proposals(workshop.id)
        ],
        "decisions": [
            {"practice": p["id"], **decisions[p["id"]]}
            for p in workshop.practices
            if p["id"] in decisions
        ],
        "clauses": [_clause(c) for c in store.clauses(workshop.id)],
        "suggestions": store.suggestions(workshop.id),
    }


def _clause(clause: dict) -> dict:
    who, by = clause["commitment_who"], clause["commitment_by"]
    return {
        "id": clause["id"],
        "practice": clause["practice_id"],
        "text": clause["text"],
        "status": clause["status"],
        "commitment": {"who": who, "by": by} if who or by else None,
        "rounds": [
            {
                "number": r["number"],
                "text": r["text"],
                "status": r["status"],
                "tally": r["tally"],
                "reservations": r["reservations"],
                "objections": r["objections"],
            }
            for r in clause["rounds"]
        ],
    }
