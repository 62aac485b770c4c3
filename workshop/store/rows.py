"""What the store hands out: workshops and participants as frozen values, not rows.

Frozen, so a cached workshop can be shared by every request without one of them
changing it under the others.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from workshop.model import Phase


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
    #: The running timer, if the facilitator set one: {"kind", "seconds", "ends"} where
    #: `ends` is a UNIX time of the server's clock.
    timer: dict | None = None

    @property
    def practice_ids(self) -> set[str]:
        return {p["id"] for p in self.practices}


@dataclass(frozen=True)
class Participant:
    id: int
    workshop_id: int
    pseudonym: str
    source: str


def read_workshop(conn: sqlite3.Connection, row: sqlite3.Row) -> Workshop:
    """The workshop of a `workshop` row, with its cards in their order."""
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
        timer=json.loads(row["timer"]) if row["timer"] else None,
    )


class WorkshopCache:
    """Workshops by how they were looked up: every answer needs one, they rarely change.

    `drop` empties it after every change to a workshop; it also counts the drops, so a
    read that started before a change does not put back the copy it read before it.
    """

    def __init__(self) -> None:
        self._found: dict[tuple, Workshop] = {}
        self.generation = 0

    def get(self, key: tuple) -> Workshop | None:
        return self._found.get(key)

    def put(self, key: tuple, workshop: Workshop, generation: int) -> None:
        """Keep `workshop`, read when the cache was at `generation`, unless dropped since."""
        if generation == self.generation:
            self._found[key] = workshop

    def drop(self) -> None:
        self.generation += 1
        self._found.clear()
