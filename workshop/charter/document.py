"""What a charter says, read once from an archive: the `Charter` model and `build()`.

Every renderer reads one `Charter`, so the formats cannot disagree about what was
adopted. User text is cleaned once here (characters XML 1.0 forbids are dropped) and
escaped by each renderer for its own syntax. The charter never shows a name: the
archive holds none, and the document reads nothing about participants but their number.
How the sections are laid out is `outline.py`'s business, not this module's.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from workshop import i18n
from workshop.aggregate import levels
from workshop.archive import check_archive
from workshop.charter.passes import LoopRow, first_pass_map, loop_rows
from workshop.model import Answer, ClauseStatus, Consent, DecisionKind, Sphere

#: The four answers' signs, so the map reads in black and white too.
ICONS = {Answer.FINE: "✓", Answer.DISCUSS: "↔", Answer.PROBLEM: "✗", Answer.UNSURE: "?"}
#: Marks a practice the room added to the deck.
ROOM_MARK = "◆"
ADOPTED = (ClauseStatus.ADOPTED.value, ClauseStatus.ADOPTED_WITH_DISSENT.value)
TALLY = tuple(c.value for c in Consent)


# --- Cleaning and dates ------------------------------------------------------------

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text: object) -> str:
    """User text made safe to put in any format: no control characters, no lone
    surrogates (both are illegal in XML 1.0 and garble HTML), newlines normalised."""
    if text is None:
        return ""
    text = str(text).replace("\r\n", "\n").replace("\r", "\n")
    return _NOT_XML.sub("", text).strip()


def format_date(lang: str, value: object) -> str:
    """An ISO date (or date-time) in words, "28 novembre 2026"; other text as it is,
    since a facilitator may have typed "printemps 2027"."""
    text = clean(value)
    if len(text) < 10 or (len(text) > 10 and text[10] not in "T "):
        return text
    try:
        day = date.fromisoformat(text[:10])
    except ValueError:
        return text
    months = i18n.translate(lang, "charter.months").split(",")
    number = i18n.translate(lang, "charter.day_one") if day.day == 1 else str(day.day)
    return i18n.translate(
        lang, "charter.date_format", day=number, month=months[day.month - 1], year=day.year
    )


def fit(text: str, chars: int) -> str:
    """Cut a text to about `chars` characters with "…" (an excerpt, or SVG text, which
    does not wrap)."""
    return text if len(text) <= chars else text[: chars - 1].rstrip() + "…"


# --- The document model ------------------------------------------------------------


@dataclass(frozen=True)
class Practice:
    id: str
    title: str
    from_room: bool = False


@dataclass
class MapRow:
    """One practice on the map: the whole distribution per sphere, never an average."""

    practice: Practice
    tension: str
    cells: dict[Sphere, dict[Answer, int]]

    def answered(self, sphere: Sphere) -> int:
        return sum(self.cells[sphere].values())


@dataclass
class Round:
    number: int
    text: str
    tally: dict[str, int]
    reservations: list[str]
    objections: list[str]


@dataclass
class Clause:
    number: int
    text: str
    status: str
    practice: Practice | None
    rounds: list[Round]
    who: str = ""
    by: str = ""

    @property
    def final(self) -> Round | None:
        """The round that decided: the last closed one (open rounds are left out)."""
        return self.rounds[-1] if self.rounds else None

    @property
    def earlier(self) -> list[Round]:
        return self.rounds[:-1]

    @property
    def has_commitment(self) -> bool:
        return bool(self.who or self.by)


@dataclass
class Decision:
    practice: Practice
    kind: str
    detail: str


@dataclass
class Changes:
    """What changed since the earlier workshop this one reviews (archive["review"])."""

    title: str
    date: str
    decisions: list[tuple[Practice, str, str]]
    new: list[str]
    dropped: list[str]
    kept: list[str]


@dataclass
class Charter:
    """Everything the charter says, in reading order, texts already cleaned."""

    lang: str
    title: str
    team: str
    place: str
    date: str
    review_date: str
    exported: str
    participants: int
    spheres: list[tuple[Sphere, str, str]]
    rows: list[MapRow]
    decisions: list[Decision]
    groups: list[tuple[Practice | None, list[Clause]]]
    not_adopted: list[Clause] = field(default_factory=list)
    changes: Changes | None = None
    #: The practices asked again after discussion, in the map's order (charter/loop.py).
    loops: list[LoopRow[Practice]] = field(default_factory=list)

    def t(self, key: str, **params: object) -> str:
        return i18n.translate(self.lang, key, **params)

    def tn(self, key: str, n: int, **params: object) -> str:
        return i18n.translate_n(self.lang, key, n, **params)

    @property
    def commitments(self) -> list[Clause]:
        return [c for _, clauses in self.groups for c in clauses if c.has_commitment]

    @property
    def from_room(self) -> bool:
        return any(row.practice.from_room for row in self.rows)

    def sphere_label(self, sphere: Sphere) -> str:
        return next(label for key, label, _ in self.spheres if key == sphere)

    def decision_words(self, kind: str) -> str:
        known = DecisionKind._value2member_map_
        return self.t(f"decision.{kind}") if kind in known else kind

    def outcome(self, clause: Clause) -> str:
        """How the clause got into the charter: "Adopted by consent, at round 2"."""
        words = self.t(f"clause.{clause.status}")
        if clause.status in ADOPTED and clause.final:
            return self.t("charter.outcome_round", outcome=words, n=clause.final.number)
        return words

    def tally(self, tally: dict[str, int]) -> str:
        return " · ".join(self.tn(f"charter.tally.{kind}", tally[kind]) for kind in TALLY)

    def counts(self, row: MapRow, sphere: Sphere) -> str:
        """A cell in signs and numbers, "✓3 ↔2 ✗6 ?1": readable without colour."""
        return " ".join(f"{ICONS[a]}{row.cells[sphere][a]}" for a in Answer)

    def legend(self) -> list[tuple[Answer, str, str]]:
        return [(a, ICONS[a], self.t(f"answer.{a.value}")) for a in Answer]


def _language(archive: dict, lang: str | None) -> str:
    lang = lang or (archive.get("workshop") or {}).get("lang") or i18n.DEFAULT
    return lang if lang in i18n.languages() else i18n.DEFAULT


def _int(value: object) -> int:
    try:
        return max(int(value), 0)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return 0


def build(archive: dict, lang: str | None = None) -> Charter:
    """Read an archive into the charter's content (in `lang`, else the workshop's)."""
    check_archive(archive)
    lang = _language(archive, lang)
    workshop = archive.get("workshop") or {}
    details = workshop.get("charter") or {}
    practices = {
        p.get("id"): Practice(p.get("id"), clean(p.get("title")), p.get("origin") == "room")
        for p in archive.get("practices", [])
    }

    def practice(pid: str) -> Practice:
        return practices.get(pid) or Practice(pid, clean(pid))

    deck_spheres = archive.get("spheres") or {}
    spheres = [
        (
            s,
            clean((deck_spheres.get(s.value) or {}).get("label"))
            or i18n.translate(lang, f"sphere.{s.value}"),
            clean((deck_spheres.get(s.value) or {}).get("question"))
            or i18n.translate(lang, f"sphere.{s.value}.question"),
        )
        for s in Sphere
    ]
    source = [
        (
            pid,
            tension,
            {
                s: {
                    a: _int(((cells.get(s.value) or {}).get("counts") or {}).get(a.value))
                    for a in Answer
                }
                for s in Sphere
            },
        )
        for pid, tension, cells in first_pass_map(archive)
    ]
    # The same words as the projector's map: relative to this workshop (aggregate.levels).
    words = levels(
        {
            pid: tension if tension or any(any(c.values()) for c in counts.values()) else None
            for pid, tension, counts in source
        }
    )
    rows = [MapRow(practice(pid), words[pid], counts) for pid, _, counts in source]

    # Negotiation follows the map (most tense first); practices off the map come after.
    rank = {row.practice.id: i for i, row in enumerate(rows)}
    for pid in practices:
        rank.setdefault(pid, len(rank))

    def order(pid: str | None) -> int:
        return rank.get(pid, len(rank)) if pid is not None else len(rank) + 1

    decisions = [
        Decision(practice(d.get("practice")), clean(d.get("kind")), clean(d.get("detail")))
        for d in sorted(archive.get("decisions", []), key=lambda d: order(d.get("practice")))
    ]
    groups, not_adopted = _clauses(archive.get("clauses", []), practice, order)
    changes = _changes(archive.get("review"), lang, practice)
    return Charter(
        lang=lang,
        title=clean(workshop.get("title")),
        team=clean(details.get("team")),
        place=clean(details.get("place")),
        date=format_date(lang, details.get("date")),
        review_date=format_date(lang, details.get("review_date")),
        exported=format_date(lang, archive.get("exported_at")),
        participants=_int((archive.get("participants") or {}).get("count")),
        spheres=spheres,
        rows=rows,
        decisions=decisions,
        groups=groups,
        not_adopted=not_adopted,
        changes=changes,
        loops=loop_rows(archive, [(row.practice, row.practice.id, row.cells) for row in rows]),
    )


def _changes(review: object, lang: str, practice: Callable[[str], Practice]) -> Changes | None:
    """The review part of an archive, in words (None when the workshop reviews nothing)."""
    if not isinstance(review, dict):
        return None
    previous = review.get("previous") or {}
    clauses = review.get("clauses") or {}

    def words(kind: object) -> str:
        if kind in DecisionKind._value2member_map_:
            return i18n.translate(lang, f"decision.{kind}")
        return i18n.translate(lang, "charter.changes.no_decision")

    return Changes(
        title=clean(previous.get("title")),
        date=format_date(lang, previous.get("date")),
        decisions=[
            (practice(d.get("practice")), words(d.get("before")), words(d.get("now")))
            for d in review.get("decisions", [])
        ],
        new=[clean(x) for x in clauses.get("new", [])],
        dropped=[clean(x) for x in clauses.get("dropped", [])],
        kept=[clean(x) for x in clauses.get("kept", [])],
    )


def _round(data: dict) -> Round:
    tally = data.get("tally") or {}
    return Round(
        number=_int(data.get("number")),
        text=clean(data.get("text")),
        tally={kind: _int(tally.get(kind)) for kind in TALLY},
        reservations=[clean(r) for r in data.get("reservations") or []],
        objections=[clean(r) for r in data.get("objections") or []],
    )


def _clauses(
    items: list[dict],
    practice: Callable[[str], Practice],
    order: Callable[[str | None], int],
) -> tuple[list[tuple[Practice | None, list[Clause]]], list[Clause]]:
    """Adopted clauses grouped by practice (map order, general ones last), numbered in
    reading order; the others apart, so the charter body holds only what was adopted."""
    adopted = sorted(
        (c for c in items if c.get("status") in ADOPTED), key=lambda c: order(c.get("practice"))
    )
    groups: list[tuple[Practice | None, list[Clause]]] = []
    for number, data in enumerate(adopted, start=1):
        pid = data.get("practice")
        rounds = [r for r in (data.get("rounds") or []) if r.get("status", "closed") == "closed"]
        commitment = data.get("commitment") or {}
        clause = Clause(
            number=number,
            text=clean(data.get("text")),
            status=data["status"],
            practice=practice(pid) if pid is not None else None,
            rounds=[_round(r) for r in rounds],
            who=clean(commitment.get("who")),
            by=clean(commitment.get("by")),
        )
        if groups and groups[-1][0] == clause.practice:
            groups[-1][1].append(clause)
        else:
            groups.append((clause.practice, [clause]))
    others = [
        Clause(
            number=0,
            text=clean(c.get("text")),
            status=str(c["status"]) if c.get("status") in ("draft", "withdrawn") else "draft",
            practice=practice(c["practice"]) if c.get("practice") is not None else None,
            rounds=[_round(r) for r in c.get("rounds") or []],
        )
        for c in items
        if c.get("status") not in ADOPTED
    ]
    return groups, others
