"""Building the workshop archive from the store, and restoring a workshop from one.

The archive is the whole workshop as one JSON-ready dict (docs/archive-format.md).

It is what the charter is rendered from and what a facilitator keeps after erasing the
workshop. It never holds names, pseudonyms or tokens: participants are numbered 1..n only
so that one person's answers can be read together.
"""

from __future__ import annotations

from datetime import datetime, timezone

from workshop.aggregate import build_map, cells_by_key
from workshop.archive.format import FORMAT, VERSION, check_archive
from workshop.model import Invalid
from workshop.store import Store, Workshop
from workshop.tokens import new_token, token_hash


def build_archive(store: Store, workshop: Workshop) -> dict:
    """Everything about `workshop`, anonymous, in the archive format (`VERSION`). Its
    `map` is the first pass (screening); later passes are in `answers` and `revisits`."""
    participants, answers = store.archive_answers(workshop.id)
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
        "participants": {"count": participants},
        "answers": answers,
        "revisits": store.revisits(workshop.id),
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
        "clauses": [_clause(i, c) for i, c in enumerate(store.clauses(workshop.id), start=1)],
        "suggestions": store.suggestions(workshop.id),
        **_review(store, workshop, rows, decisions),
    }


def _review(store: Store, workshop: Workshop, rows, decisions: dict) -> dict:
    """When this workshop reviews an earlier one: the earlier counts (where that group
    ended: a practice it looked at again by its last pass) and what changed."""
    previous = store.workshop_by_id(workshop.previous_id) if workshop.previous_id else None
    if previous is None:
        return {}
    then_rows = build_map(previous.practices, store.final_counts(previous.id))
    then = cells_by_key(then_rows)
    then_decisions = store.decisions(previous.id)
    adopted = ("adopted", "adopted_with_dissent")
    then_clauses = [c["text"] for c in store.clauses(previous.id) if c["status"] in adopted]
    now_clauses = [c["text"] for c in store.clauses(workshop.id) if c["status"] in adopted]
    practices = {p["id"]: p for p in (*previous.practices, *workshop.practices)}
    return {
        "review": {
            "previous": {
                "code": previous.code,
                "title": previous.title,
                "date": previous.charter.get("date") or previous.created_at[:10],
            },
            "map": {
                row.practice["id"]: {
                    sphere.value: {
                        a.value: n
                        for a, n in then[(row.practice["id"], sphere.value)].counts.items()
                    }
                    for sphere in row.cells
                }
                for row in rows
                if (row.practice["id"], "means") in then
            },
            "decisions": [
                {
                    "practice": pid,
                    "before": then_decisions.get(pid, {}).get("kind"),
                    "now": decisions.get(pid, {}).get("kind"),
                }
                for pid in practices
                if then_decisions.get(pid, {}).get("kind") != decisions.get(pid, {}).get("kind")
            ],
            "clauses": {
                "kept": [t for t in now_clauses if t in then_clauses],
                "new": [t for t in now_clauses if t not in then_clauses],
                "dropped": [t for t in then_clauses if t not in now_clauses],
            },
        }
    }


def _clause(number: int, clause: dict) -> dict:
    who, by = clause["commitment_who"], clause["commitment_by"]
    return {
        "id": number,
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


def restore_archive(store: Store, archive: dict) -> int:
    """Recreate a whole workshop from its archive, in one transaction; return its id.

    The archive is checked in full first (`check_archive`), so a damaged one is refused
    with where it is damaged and nothing is stored. The participants come back as
    anonymous numbers (nobody can log in as them); the workshop keeps its code when it
    is free on this machine.
    """
    hashes = store.workers.offload(_checked_hashes, archive)
    if isinstance(hashes, Invalid):
        raise hashes
    code = archive["workshop"]["code"]
    if not code or store.code_taken(code):
        code = store.free_code()
    return store.restore_workshop(code, archive, hashes)


def _checked_hashes(archive: dict) -> list[str] | Invalid:
    """Check the archive, then make one hash per participant, of a token nobody is given.

    Run by the store's workers: under gevent in a native thread of the hub's pool, so
    that reading a large archive and hashing (about 4 ms for the 1,000 participants an
    archive may hold) never holds up the event loop; inline otherwise. A refusal is
    returned, not raised, to be raised in the caller (the pool would log it as a crash).
    """
    try:
        check_archive(archive, restoring=True)
    except Invalid as error:
        return error
    return [token_hash(new_token()) for _ in range(archive["participants"]["count"])]
