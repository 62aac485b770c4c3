"""The map: what the group answered, per practice and sphere. Pure functions, no I/O.

The method asks for transparency instead of hidden scores, so each cell keeps the whole
distribution; the two measures below only order the practices and flag splits. Both are
explained in plain words in facilitator_guide.md ("Reading the map").

- concern: how worried the group is, from 0 (everyone "fine") to 1 (everyone "problem");
  "to discuss" counts half.
- disagreement: Leik's ordinal dispersion over fine < to discuss < problem, from 0
  (everyone gave the same answer) to 1 (the group split in half between "fine" and
  "problem"). "Don't know" answers are shown but count in neither measure.
- tension of a cell: the higher of concern and disagreement (a cell is tense when the
  group is worried about it or split over it); a practice's tension is that of its most
  tense sphere, so one problematic sphere (say, the law) is enough to bring a practice
  to the top. Ties go to the practice with more tense spheres, then more "problem"
  answers, then the deck's order.

The word shown for a practice's tension (`levels`) is relative to the workshop, since with
real answers nearly every practice has some cell where the group is worried or split:
among the practices that have answers, the most tense third reads "high", the middle
third "medium", the rest "low"; a practice nobody answered reads "none". The numbers and
the order are not changed by it.

The method's loop: a practice asked again after discussion has a later pass (2, 3…),
each a map of its own, never added to the first. A `Loop` sets a practice's first pass
beside its last, and says per sphere how the group moved (`shift`): "more worried" or
"less worried" when concern moved by at least `SHIFT_THRESHOLD`, "more agreed" or "more
split" when disagreement did, "no change" otherwise; "unknown" when a pass has no
definite answer in that sphere (nobody, or only "don't know").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from workshop.model import ORDERED_ANSWERS, Answer, Sphere

#: The live map shows at most this many comments per cell (the newest); the rest are
#: counted, and all of them stay in the data and its exports.
COMMENTS_PER_CELL = 30


@dataclass
class Cell:
    """One practice × sphere: the distribution of answers and the comments."""

    counts: dict[Answer, int] = field(default_factory=lambda: dict.fromkeys(Answer, 0))
    comments: list[str] = field(default_factory=list)
    comment_count: int = 0

    @property
    def answered(self) -> int:
        return sum(self.counts.values())

    @property
    def definite(self) -> int:
        return sum(self.counts[a] for a in ORDERED_ANSWERS)

    @property
    def concern(self) -> float:
        if not self.definite:
            return 0.0
        weight = self.counts[Answer.PROBLEM] + 0.5 * self.counts[Answer.DISCUSS]
        return weight / self.definite

    @property
    def disagreement(self) -> float:
        n = self.definite
        if n < 2:
            return 0.0
        cumulative, total = 0, 0.0
        for answer in ORDERED_ANSWERS[:-1]:
            cumulative += self.counts[answer]
            share = cumulative / n
            total += min(share, 1 - share)
        return 2 * total / (len(ORDERED_ANSWERS) - 1)

    @property
    def tension(self) -> float:
        return max(self.concern, self.disagreement)

    def share(self, answer: Answer) -> float:
        """The part of all answers (don't know included) given as `answer`, 0..1."""
        return self.counts[answer] / self.answered if self.answered else 0.0

    @property
    def gist(self) -> str:
        """What the group said, for easy-read pages (`easy.gist.<word>`): "none", "one"
        (a single answer, which is not shown, so nobody's answer can be told), "unsure"
        (half or more answered "don't know"), "worried" (concern of 2/3 or more), "split"
        (disagreement of 1/2 or more: half "fine", half "to discuss" is a split too),
        "discuss" (concern of 1/3 or more), else "fine"."""
        if self.answered < 2:
            return "none" if not self.answered else "one"
        if 2 * self.counts[Answer.UNSURE] >= self.answered:
            return "unsure"
        if self.concern >= 2 / 3:
            return "worried"
        if self.disagreement >= 1 / 2:
            return "split"
        return "discuss" if self.concern >= 1 / 3 else "fine"


def level(value: float) -> str:
    """A word for a 0..1 measure on its own (a cell's disagreement), so the projector
    never shows a bare number. A practice's tension reads relative words (`levels`)."""
    if value < 1 / 3:
        return "low"
    if value < 2 / 3:
        return "medium"
    return "high"


#: Tensions are compared at the precision the archive keeps them, so a charter built from
#: an archive gives every practice the word the projector gave it.
TENSION_DIGITS = 4

#: Below this many answered practices, thirds say nothing: the absolute `level` is used.
RELATIVE_FROM = 3


def levels(tensions: Mapping[str, float | None]) -> dict[str, str]:
    """The tension word of each practice, relative to the others of the same workshop.

    `tensions` maps a practice id to its tension, or to None when nobody answered it
    (that practice reads "none"). With n answered practices, a practice reads "high" when
    fewer than n/3 of them are strictly more tense, "medium" when fewer than 2n/3 are,
    else "low": so the same number always gets the same word, and a tie takes the word
    of the most tense place it shares (a tie never hides a practice from the top). Two
    exceptions keep the words honest: a tension of 0 (everyone answered "fine", or
    "don't know") reads "low", and with fewer than `RELATIVE_FROM` answered practices
    the words are those of the absolute thresholds (`level`).
    """
    answered = {
        pid: round(value, TENSION_DIGITS) for pid, value in tensions.items() if value is not None
    }
    ranked = sorted(answered.values(), reverse=True)
    n = len(ranked)
    words = dict.fromkeys(tensions, "none")
    for pid, value in answered.items():
        if n < RELATIVE_FROM:
            words[pid] = level(value)
            continue
        above = next((i for i, v in enumerate(ranked) if v <= value), n)
        if value <= 0 or 3 * above >= 2 * n:
            words[pid] = "low"
        elif 3 * above >= n:
            words[pid] = "medium"
        else:
            words[pid] = "high"
    return words


@dataclass
class Row:
    """One practice on the map, with its three cells."""

    practice: Mapping
    cells: dict[Sphere, Cell]
    #: The tension in words, relative to the whole map (`levels`); set by `build_map`.
    level: str = "none"

    @property
    def tension(self) -> float:
        return max(cell.tension for cell in self.cells.values())

    @property
    def answered(self) -> int:
        return sum(cell.answered for cell in self.cells.values())

    @property
    def people(self) -> int:
        """How many answered this card (its most answered sphere)."""
        return max(cell.answered for cell in self.cells.values())

    def order_key(self) -> tuple:
        cells = self.cells.values()
        return (
            self.tension,
            sum(c.tension for c in cells),
            sum(c.counts[Answer.PROBLEM] for c in cells),
        )


def build_map(
    practices: Iterable[Mapping],
    counts: Iterable[tuple[str, str, str, int]],
    comments: Iterable[tuple[str, str, str]] = (),
    comments_per_cell: int = COMMENTS_PER_CELL,
) -> list[Row]:
    """Aggregate answers into rows ordered by tension (most tense first).

    `practices` are mappings with an `id`, in deck order (the tie-breaker); `counts` are
    (practice id, sphere, answer, number) tuples; `comments` are (practice id, sphere,
    text) tuples, newest first. Answers to unknown practices are ignored. Each row's
    `level` is its tension in words, relative to this map (`levels`).
    """
    rows = {p["id"]: Row(p, {s: Cell() for s in Sphere}) for p in practices}
    for practice_id, sphere, answer, number in counts:
        row = rows.get(practice_id)
        if row is not None:
            row.cells[Sphere(sphere)].counts[Answer(answer)] += number
    for practice_id, sphere, text in comments:
        row = rows.get(practice_id)
        if row is None:
            continue
        cell = row.cells[Sphere(sphere)]
        cell.comment_count += 1
        if len(cell.comments) < comments_per_cell:
            cell.comments.append(text)
    ordered = list(rows.values())
    ordered.sort(key=Row.order_key, reverse=True)
    words = levels({r.practice["id"]: r.tension if r.answered else None for r in ordered})
    for row in ordered:
        row.level = words[row.practice["id"]]
    return ordered


def cells_by_key(rows: list[Row]) -> dict[tuple[str, str], Cell]:
    """The cells of a map by (practice id, sphere), to set an earlier map beside a new one."""
    return {
        (row.practice["id"], sphere.value): cell
        for row in rows
        for sphere, cell in row.cells.items()
    }


# --- The loop: the first pass beside the last, and the shift in words -----------------

#: How far concern or disagreement (each 0..1) must move between the first and the last
#: pass to be put in words; less reads "no change". A tenth of the scale: in a group of
#: 12, two people going from "fine" to "problem" move concern by 0.17 (a shift), one
#: person going from "fine" to "to discuss" by 0.04 (no change). Explained in the
#: facilitator guide ("Looking again after the discussion").
SHIFT_THRESHOLD = 0.1


@dataclass(frozen=True)
class Shift:
    """How one sphere moved between two passes, as words (catalogue keys `shift.*`).

    `concern`: "more_worried", "less_worried", "no_change" or "unknown";
    `disagreement`: "more_agreed", "more_split", "no_change" or "unknown".
    """

    concern: str
    disagreement: str


def shift(first: Cell, last: Cell, threshold: float = SHIFT_THRESHOLD) -> Shift:
    """The shift of one cell from its first pass to its last (see `SHIFT_THRESHOLD`).

    Compared at the archive's precision (`TENSION_DIGITS`), so a charter says what the
    room saw."""
    if not first.definite or not last.definite:
        return Shift("unknown", "unknown")

    def moved(before: float, after: float, up: str, down: str) -> str:
        change = round(after, TENSION_DIGITS) - round(before, TENSION_DIGITS)
        if change >= threshold:
            return up
        if change <= -threshold:
            return down
        return "no_change"

    return Shift(
        moved(first.concern, last.concern, "more_worried", "less_worried"),
        moved(first.disagreement, last.disagreement, "more_split", "more_agreed"),
    )


@dataclass
class Loop:
    """A practice looked at again: its first pass (screening) beside its last pass."""

    practice: Mapping
    last_pass: int
    first: dict[Sphere, Cell]
    last: dict[Sphere, Cell]

    @property
    def shifts(self) -> dict[Sphere, Shift]:
        return {sphere: shift(self.first[sphere], self.last[sphere]) for sphere in Sphere}


def build_loops(
    first: list[Row],
    last_passes: Mapping[str, int],
    counts: Iterable[tuple[str, str, str, int]],
    comments: Iterable[tuple[str, str, str]] = (),
    comments_per_cell: int = COMMENTS_PER_CELL,
) -> dict[str, Loop]:
    """The revisited practices of a map, in the map's order: `first` is the first pass's
    map (`build_map`), `last_passes` the last pass of each revisited practice, `counts`
    and `comments` those last passes' answers, shaped as for `build_map`."""
    revisited = [row.practice for row in first if row.practice["id"] in last_passes]
    last = {
        row.practice["id"]: row for row in build_map(revisited, counts, comments, comments_per_cell)
    }
    return {
        row.practice["id"]: Loop(
            row.practice,
            last_passes[row.practice["id"]],
            row.cells,
            last[row.practice["id"]].cells,
        )
        for row in first
        if row.practice["id"] in last
    }
