"""The archive's answers pass by pass, for the charter: the first pass's map, and the
method's loop (each practice asked again after the discussion, its first pass beside
its last, and how the group moved: aggregate.shift, in words).

Read from the archive alone (`revisits` and the answers' `pass`, version 2): a
practice's last pass is its latest closed revisit that someone answered, as the room's
screens had it. A version 1 archive has none (all its answers are the first pass), and
its charter no such section.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from workshop.aggregate import Cell, Shift, build_map, shift
from workshop.model import FIRST_PASS, Answer, Sphere

Counts = dict[Sphere, dict[Answer, int]]
P = TypeVar("P")


@dataclass
class LoopRow(Generic[P]):
    """One practice looked at again: the whole distributions of both passes, per sphere."""

    practice: P
    last_pass: int
    first: Counts
    last: Counts

    @property
    def shifts(self) -> dict[Sphere, Shift]:
        return {s: shift(_cell(self.first[s]), _cell(self.last[s])) for s in Sphere}


def _cell(counts: Mapping[Answer, int]) -> Cell:
    cell = Cell()
    cell.counts.update(counts)
    return cell


def first_pass_map(archive: dict) -> list[tuple[str, float, dict]]:
    """(practice id, tension, cells) in tension order: the archive's map, or one
    computed from the first pass's answers when an archive carries only those."""
    if archive.get("map") is not None:
        return [
            (row.get("practice"), float(row.get("tension") or 0), row.get("cells") or {})
            for row in archive["map"]
        ]
    counts = Counter(
        (a.get("practice"), a.get("sphere"), a.get("value"))
        for a in archive.get("answers", [])
        if a.get("pass", FIRST_PASS) == FIRST_PASS
    )
    valid = [
        (p, s, v, n)
        for (p, s, v), n in counts.items()
        if s in Sphere._value2member_map_ and v in Answer._value2member_map_
    ]
    rows = build_map(archive.get("practices", []), valid)
    return [
        (
            row.practice["id"],
            row.tension,
            {
                s.value: {"counts": {a.value: n for a, n in c.counts.items()}}
                for s, c in row.cells.items()
            },
        )
        for row in rows
    ]


def last_passes(archive: dict) -> dict[str, int]:
    """The last pass of each practice asked again: its latest closed revisit with answers."""
    answered = {(a.get("practice"), a.get("pass")) for a in archive.get("answers", [])}
    last: dict[str, int] = {}
    for revisit in archive.get("revisits") or []:
        key = (revisit.get("practice"), revisit.get("pass"))
        if revisit.get("closed_at") is not None and key in answered:
            last[key[0]] = max(last.get(key[0], FIRST_PASS), key[1])
    return last


def loop_rows(archive: dict, first: list[tuple[P, str, Counts]]) -> list[LoopRow[P]]:
    """The practices of `first` (the map's rows in its order: practice, its id, the first
    pass's counts) that were asked again, each with its last pass's counts."""
    last = last_passes(archive)
    counts = Counter(
        (a.get("practice"), a.get("sphere"), a.get("value"))
        for a in archive.get("answers", [])
        if a.get("pass", FIRST_PASS) != FIRST_PASS and last.get(a.get("practice")) == a.get("pass")
    )
    return [
        LoopRow(
            practice,
            last[pid],
            cells,
            {s: {a: counts[pid, s.value, a.value] for a in Answer} for s in Sphere},
        )
        for practice, pid, cells in first
        if pid in last
    ]
